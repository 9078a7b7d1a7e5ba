import type { TFunction } from 'i18next';
import { lazy } from 'react';
import type { AreaNav, AreaRoute } from '../../components/areas';

const NotificationsPage = lazy(() => import('./NotificationsPage'));
const WebhooksPage = lazy(() => import('./WebhooksPage'));
const CalendarPage = lazy(() => import('./CalendarPage'));

export const routes: AreaRoute[] = [
  { path: 'notifications', element: <NotificationsPage /> },
  { path: 'notify/webhooks', element: <WebhooksPage /> },
  { path: 'system/calendar', element: <CalendarPage /> },
];

export const nav = (t: TFunction): AreaNav[] => [
  { key: '/notifications', label: t('nav.notifications') },
  { key: '/notify/webhooks', label: t('nav.notifyWebhooks'), perms: ['notify:webhook:write'] },
  { key: '/system/calendar', label: t('nav.systemCalendar'), perms: ['system:calendar:write'] },
];
