import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { units, users } from './org.ts';

// 统计与通报: bulletins, period summaries, notifications and their channels, the job ledger, calendar adjustments.

/**
 * 通报: drafted from a template over live data, edited, then issued. Issuing numbers it per year without gaps
 * (发文字号 〔2026〕12号), freezes its data and content, and sends it to the units it names.
 */
export const bulletins = pgTable(
  'bulletins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** monthly_tasks 月调度通报 / weekly_study 未学通报 / half_year_platform 学习平台半年通报 / points_ranking 积分排名与等次 / commendation 表扬通报 / criticism 通报批评 */
    template: text('template').notNull(),
    title: text('title').notNull(),
    year: integer('year').notNull(),
    /** the period the data covers: a week 2026-W12, a month M2026-03, a quarter Q2026-1, a half H2026-1, a year Y2026 */
    periodKey: text('period_key').notNull(),
    /** the unit whose units the bulletin covers (its subtree) */
    scopeUnitId: uuid('scope_unit_id').notNull().references(() => units.id),
    /** draft 草稿 / issued 已印发 */
    status: text('status').$type<'draft' | 'issued'>().notNull().default('draft'),
    /** 发文字号 number within the year, set when issued */
    number: integer('number'),
    docNumber: text('doc_number'),
    addressee: text('addressee'),
    /** the document body as editable blocks (paragraphs, headings, tables), filled from the data and edited by hand */
    blocks: jsonb('blocks').$type<unknown[]>().notNull().default([]),
    /** the figures the draft was filled from; frozen when issued */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    signatureIssuer: text('signature_issuer'),
    signatureDate: date('signature_date', { mode: 'string' }),
    colophon: jsonb('colophon').$type<{ label: string; text: string }[]>().notNull().default([]),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    issuedBy: uuid('issued_by').references(() => users.id),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('bulletins_number_uq').on(t.year, t.number),
    index('bulletins_scope_idx').on(t.scopeUnitId, t.status),
    index('bulletins_template_idx').on(t.template, t.periodKey),
  ],
);

/** The units an issued bulletin is sent to (the units it names, and those in its scope), and whether they opened it. */
export const bulletinRecipients = pgTable(
  'bulletin_recipients',
  {
    bulletinId: uuid('bulletin_id').notNull().references(() => bulletins.id, { onDelete: 'cascade' }),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    /** named in the bulletin (e.g. a unit that missed its study week), not only in its scope */
    named: boolean('named').notNull().default(false),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.bulletinId, t.unitId] }), index('bulletin_recipients_unit_idx').on(t.unitId)],
);

/** 工作总结: the paragraph of figures for a unit and period, written from data and edited. */
export const workSummaries = pgTable(
  'work_summaries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    periodKey: text('period_key').notNull(),
    text: text('text').notNull(),
    /** the figures with their links, as computed when the text was (re)written */
    figures: jsonb('figures').$type<Record<string, unknown>[]>().notNull().default([]),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('work_summaries_unit_period_uq').on(t.unitId, t.periodKey)],
);

/** The in-app notification centre. `dedupeKey` names the fact, so a reminder is given once however often jobs run. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    /** reminder 到期提醒 / overdue 逾期 / digest 每日汇总 / bulletin 通报 / review 待审 */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    link: text('link'),
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('notifications_dedupe_uq').on(t.userId, t.dedupeKey), index('notifications_user_idx').on(t.userId, t.readAt, t.createdAt)],
);

/** Per-person channel settings: e-mail address and whether to get the daily digest. */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** SM4 ciphertext (platform/crypto.ts) */
  email: text('email'),
  emailEnabled: boolean('email_enabled').notNull().default(false),
  digestEnabled: boolean('digest_enabled').notNull().default(true),
  /** remind this many working days before a deadline */
  remindDays: integer('remind_days').notNull().default(2),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A unit's group robot: WeCom (企业微信) or DingTalk (钉钉) webhook, with DingTalk's signing secret. */
export const unitWebhooks = pgTable(
  'unit_webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    kind: text('kind').$type<'wecom' | 'dingtalk'>().notNull(),
    name: text('name').notNull(),
    /** SM4 ciphertext: the URL carries the robot's access key */
    url: text('url').notNull(),
    /** SM4 ciphertext of DingTalk's signing secret; never sent back to the browser */
    secret: text('secret'),
    enabled: boolean('enabled').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('unit_webhooks_unit_idx').on(t.unitId)],
);

/** Outbound messages (e-mail, robot webhooks): written in the transaction that decides them, sent by the job, retried. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').$type<'email' | 'wecom' | 'dingtalk'>().notNull(),
    /** e-mail address, or the webhook id */
    target: text('target').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    notificationId: bigint('notification_id', { mode: 'number' }),
    dedupeKey: text('dedupe_key'),
    status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('outbox_dedupe_uq').on(t.channel, t.target, t.dedupeKey), index('outbox_pending_idx').on(t.status, t.nextAttemptAt)],
);

/** When each periodic job last ran and for which day, so a run missed while the server was down is caught up. */
export const jobRuns = pgTable('job_runs', {
  name: text('name').primaryKey(),
  /** the last business day (Asia/Shanghai) the job completed for */
  lastDay: date('last_day', { mode: 'string' }),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }),
  lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
  lastError: text('last_error'),
});

/** 节假日调整: holidays and 调休 working days an admin enters for a year the calendar package does not know yet. */
export const calendarAdjustments = pgTable('calendar_adjustments', {
  date: date('date', { mode: 'string' }).primaryKey(),
  /** holiday 放假 / workday 调休上班 */
  kind: text('kind').$type<'holiday' | 'workday'>().notNull(),
  name: text('name').notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
