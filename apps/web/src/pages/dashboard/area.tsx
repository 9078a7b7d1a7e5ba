import type { TFunction } from 'i18next';
import type { AreaNav, AreaRoute } from '../../components/areas';
import { DashboardPage } from './DashboardPage';
import { TaskRecordsPage } from './TaskRecordsPage';

export const routes: AreaRoute[] = [
  { path: 'dashboard', element: <DashboardPage /> },
  { path: 'dashboard/tasks', element: <TaskRecordsPage /> },
];
export const nav = (t: TFunction): AreaNav[] => [{ key: '/dashboard', label: t('dashboard.nav'), perms: ['reports:dashboard:read'] }];
