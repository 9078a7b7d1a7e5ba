import type { TFunction } from 'i18next';
import { lazy } from 'react';
import type { AreaNav, AreaRoute } from '../../components/areas';

const BulletinListPage = lazy(() => import('./BulletinListPage').then((m) => ({ default: m.BulletinListPage })));
const BulletinPage = lazy(() => import('./BulletinPage').then((m) => ({ default: m.BulletinPage })));
const SummaryPage = lazy(() => import('./SummaryPage').then((m) => ({ default: m.SummaryPage })));

export const routes: AreaRoute[] = [
  { path: 'bulletins', element: <BulletinListPage /> },
  { path: 'bulletins/:id', element: <BulletinPage /> },
  { path: 'summaries', element: <SummaryPage /> },
];
export const nav = (t: TFunction): AreaNav[] => [
  { key: '/bulletins', label: t('bulletins.nav.bulletins'), perms: ['reports:bulletin:read'] },
  { key: '/summaries', label: t('bulletins.nav.summaries'), perms: ['reports:summary:write', 'reports:dashboard:read'] },
];
