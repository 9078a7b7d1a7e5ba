import type { TFunction } from 'i18next';
import { lazy } from 'react';
import type { AreaNav, AreaRoute } from '../../components/areas';

const SecurityAdminPage = lazy(() => import('./SecurityAdminPage'));
const SystemAccountsPage = lazy(() => import('./SystemAccountsPage'));
const AccountSecurityPage = lazy(() => import('../auth/AccountSecurityPage'));

export const routes: AreaRoute[] = [
  { path: 'security', element: <SecurityAdminPage /> },
  { path: 'system/accounts', element: <SystemAccountsPage /> },
  { path: 'account/security', element: <AccountSecurityPage /> },
];

/** 账号管理 is the system administrator's; 安全管理 the security administrator's. 账号安全 lives in the user menu. */
export const nav = (t: TFunction): AreaNav[] => [
  { key: '/system/accounts', label: t('nav.systemAccounts'), perms: ['org:role:write'] },
  { key: '/security', label: t('nav.security'), perms: ['security:policy:write', 'security:account:manage'] },
];
