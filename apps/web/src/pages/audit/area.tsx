import type { TFunction } from 'i18next';
import { lazy } from 'react';
import type { AreaNav, AreaRoute } from '../../components/areas';

const AuditPage = lazy(() => import('./AuditPage'));

export const routes: AreaRoute[] = [{ path: 'audit', element: <AuditPage /> }];

export const nav = (t: TFunction): AreaNav[] => [{ key: '/audit', label: t('nav.audit'), perms: ['audit:log:read'] }];
