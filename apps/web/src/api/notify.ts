import type { z } from 'zod';
import type {
  CalendarAdjustmentBody,
  CalendarDay as CalendarDayS,
  CalendarYear as CalendarYearS,
  CreateWebhookBody,
  Notification as NotificationS,
  NotificationSettings as NotificationSettingsS,
  UnitWebhook as UnitWebhookS,
  UpdateWebhookBody,
  WebhookTestResult as WebhookTestResultS,
} from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import { api } from './client';

export type Notification = z.infer<typeof NotificationS>;
export type NotificationSettings = z.infer<typeof NotificationSettingsS>;
export type UnitWebhook = z.infer<typeof UnitWebhookS>;
export type WebhookTestResult = z.infer<typeof WebhookTestResultS>;
export type CalendarDay = z.infer<typeof CalendarDayS>;
export type CalendarYear = z.infer<typeof CalendarYearS>;

export const notifyUrls = {
  notifications: '/api/notifications',
  unreadCount: '/api/notifications/unread-count',
  read: (id: number) => `/api/notifications/${id}/read`,
  readAll: '/api/notifications/read-all',
  settings: '/api/notifications/settings',
  webhooks: '/api/notify/webhooks',
  webhook: (id: string) => `/api/notify/webhooks/${id}`,
  webhookTest: (id: string) => `/api/notify/webhooks/${id}/test`,
  calendar: '/api/system/calendar',
  adjustments: '/api/system/calendar/adjustments',
  adjustment: (date: string) => `/api/system/calendar/adjustments/${date}`,
};

export const notifyKeys = {
  all: ['notify'] as const,
  notifications: ['notify', 'notifications'] as const,
  unread: ['notify', 'unread'] as const,
  settings: ['notify', 'settings'] as const,
  webhooks: ['notify', 'webhooks'] as const,
  calendar: (year: number) => ['notify', 'calendar', year] as const,
};

/** The header bell's count: polled every minute. */
export function useUnreadCount(enabled = true) {
  return useQuery({
    enabled,
    queryKey: notifyKeys.unread,
    queryFn: async () => (await api.get<{ unread: number }>(notifyUrls.unreadCount)).unread,
    refetchInterval: 60_000,
    staleTime: 30_000,
    retry: false,
  });
}

export const notifyApi = {
  markRead: (id: number) => api.post(notifyUrls.read(id)),
  markAllRead: () => api.post<{ updated: number }>(notifyUrls.readAll),
  settings: () => api.get<NotificationSettings>(notifyUrls.settings),
  saveSettings: (s: NotificationSettings) => api.put<NotificationSettings>(notifyUrls.settings, s),
  webhooks: async () => (await api.get<{ data: UnitWebhook[] }>(notifyUrls.webhooks)).data,
  createWebhook: (b: CreateWebhookBody) => api.post<UnitWebhook>(notifyUrls.webhooks, b),
  updateWebhook: (id: string, b: UpdateWebhookBody) => api.put<UnitWebhook>(notifyUrls.webhook(id), b),
  deleteWebhook: (id: string) => api.del(notifyUrls.webhook(id)),
  testWebhook: (id: string) => api.post<WebhookTestResult>(notifyUrls.webhookTest(id)),
  calendar: (year: number) => api.get<CalendarYear>(notifyUrls.calendar, { year }),
  adjust: (b: CalendarAdjustmentBody) => api.put(notifyUrls.adjustments, b),
  unadjust: (date: string) => api.del(notifyUrls.adjustment(date)),
};
