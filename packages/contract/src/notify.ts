// 通知与提醒: the notification centre, reminders in the working-day calendar, e-mail and group-robot channels, holiday adjustments.
import { z } from 'zod';
import { DateOnly, Id, Int, listQuery, listResponse, QueryBool, Timestamp } from './common.ts';

export const NotificationKind = z.enum(['reminder', 'overdue', 'digest', 'bulletin', 'review', 'test']);

export const Notification = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  link: z.string().nullable(),
  createdAt: Timestamp,
  readAt: Timestamp.nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = listQuery(['createdAt'] as const, { unread: QueryBool.optional() });
export type NotificationListQuery = z.input<typeof NotificationListQuery>;
export const NotificationList = listResponse(Notification);
export type NotificationList = z.infer<typeof NotificationList>;

export const NotificationIdParams = z.object({ id: z.coerce.number().int().min(1, '编号格式不正确') });
export const UnreadCount = z.object({ unread: z.number().int() });
export type UnreadCount = z.infer<typeof UnreadCount>;
export const ReadAllResult = z.object({ updated: z.number().int() });

export const NotificationSettings = z.object({
  email: z.email({ message: '邮箱格式不正确' }).nullable(),
  emailEnabled: z.boolean(),
  digestEnabled: z.boolean(),
  /** remind this many working days before a deadline */
  remindDays: z.number().int().min(0, '提前天数不能为负').max(15, '提前天数最多 15 个工作日'),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const WebhookKind = z.enum(['wecom', 'dingtalk']);
export type WebhookKind = z.infer<typeof WebhookKind>;

/**
 * A unit's group robot. Its URL carries the robot's access key and its secret signs the messages: neither leaves the
 * server. The page sees the URL masked (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****3f2a) and whether
 * a secret is set.
 */
export const UnitWebhook = z.object({
  id: Id,
  unitId: Id,
  unitName: z.string(),
  kind: WebhookKind,
  name: z.string(),
  maskedUrl: z.string(),
  hasSecret: z.boolean(),
  enabled: z.boolean(),
  updatedAt: Timestamp,
  version: z.number().int(),
});
export type UnitWebhook = z.infer<typeof UnitWebhook>;
export const UnitWebhookList = z.object({ data: z.array(UnitWebhook) });

/**
 * The form of a robot's address; the server checks the rest when it is saved and again at every use: https only
 * (http only to an intranet gateway the deployer lists), never an address of the server itself or of a private,
 * link-local or reserved network.
 */
const WebhookUrl = z
  .string()
  .trim()
  .min(1, '请填写机器人地址')
  .max(1000, '机器人地址最多 1000 个字符')
  .regex(/^https?:\/\//i, '机器人地址应以 https:// 开头');

export const CreateWebhookBody = z.object({
  unitId: Id,
  kind: WebhookKind,
  name: z.string().trim().min(1, '请填写名称').max(100),
  url: WebhookUrl,
  secret: z.string().trim().max(200).nullish(),
  enabled: z.boolean().default(true),
});
export type CreateWebhookBody = z.input<typeof CreateWebhookBody>;

/** Both are write-only. `url`: omitted or '' keeps the stored one. `secret`: omitted keeps it, '' or null removes it. */
export const UpdateWebhookBody = z.object({
  version: Int().min(1),
  kind: WebhookKind,
  name: z.string().trim().min(1, '请填写名称').max(100),
  url: z.union([z.literal(''), WebhookUrl]).nullish(),
  secret: z.string().trim().max(200).nullish(),
  enabled: z.boolean(),
});
export type UpdateWebhookBody = z.input<typeof UpdateWebhookBody>;

export const WebhookTestResult = z.object({ ok: z.boolean(), error: z.string().nullable() });
export type WebhookTestResult = z.infer<typeof WebhookTestResult>;

// 节假日调整
export const CalendarDayKind = z.enum(['holiday', 'workday']);
export const CalendarDay = z.object({
  date: DateOnly,
  kind: CalendarDayKind,
  name: z.string(),
  /** official: from the State Council calendar in chinese-days; adjusted: entered by an admin (wins over official) */
  source: z.enum(['official', 'adjusted']),
});
export type CalendarDay = z.infer<typeof CalendarDay>;
export const CalendarYearQuery = z.object({ year: z.coerce.number().int().min(2004).max(2100) });
export const CalendarYear = z.object({
  year: z.number().int(),
  /** whether chinese-days knows the year; an unknown year is weekends plus adjustments */
  known: z.boolean(),
  days: z.array(CalendarDay),
});
export type CalendarYear = z.infer<typeof CalendarYear>;
export const CalendarAdjustmentBody = z.object({
  date: DateOnly,
  kind: CalendarDayKind,
  name: z.string().trim().min(1, '请填写名称').max(50),
});
export type CalendarAdjustmentBody = z.infer<typeof CalendarAdjustmentBody>;
export const CalendarDateParams = z.object({ date: DateOnly });
