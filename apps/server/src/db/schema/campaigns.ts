import {
  boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { files } from './platform.ts';
import { groups, persons, units, users } from './org.ts';

const audited = {
  version: integer('version').notNull().default(1),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/** 专项行动 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    name: text('name').notNull(),
    description: text('description'),
    dimensions: jsonb('dimensions').$type<string[]>().notNull().default([]),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    leadingGroupId: uuid('leading_group_id').references(() => groups.id),
    status: text('status').notNull().default('active'),
    ...audited,
  },
  (t) => [index('campaigns_unit_idx').on(t.unitId)],
);

export const campaignDocuments = pgTable(
  'campaign_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id),
    fileId: uuid('file_id').notNull().references(() => files.id),
    kind: text('kind').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('campaign_documents_campaign_idx').on(t.campaignId)],
);

/**
 * A task of a campaign, or (campaign null) of a year's key-task list 重点任务清单.
 * Sub-tasks (分解) point at their parent; `progress` is rolled up the tree on every change.
 */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id').references(() => campaigns.id),
    year: integer('year').notNull(),
    parentId: uuid('parent_id'),
    depth: integer('depth').notNull().default(0),
    /** order among siblings: the order in which a breakdown listed them */
    sort: integer('sort').notNull().default(0),
    title: text('title').notNull(),
    description: text('description'),
    dimension: text('dimension'),
    leadUnitId: uuid('lead_unit_id').notNull().references(() => units.id),
    /** the unit that handed the task down and reviews its reports */
    assignedByUnitId: uuid('assigned_by_unit_id').references(() => units.id),
    responsiblePersonId: uuid('responsible_person_id').references(() => persons.id),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    deadline: date('deadline', { mode: 'string' }).notNull(),
    evidenceRequired: text('evidence_required'),
    reportCycle: text('report_cycle').notNull().default('none'),
    status: text('status').notNull().default('in_progress'),
    progress: integer('progress').notNull().default(0),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    sourceMeetingDecisionId: uuid('source_meeting_decision_id'),
    ...audited,
  },
  (t) => [
    index('tasks_campaign_idx').on(t.campaignId),
    index('tasks_parent_idx').on(t.parentId),
    index('tasks_lead_unit_idx').on(t.leadUnitId),
    index('tasks_person_idx').on(t.responsiblePersonId),
    index('tasks_year_idx').on(t.year),
  ],
);

export const taskCoUnits = pgTable(
  'task_co_units',
  {
    taskId: uuid('task_id').notNull().references(() => tasks.id, { onDelete: 'cascade' }),
    unitId: uuid('unit_id').notNull().references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.unitId] }), index('task_co_units_unit_idx').on(t.unitId)],
);

export const taskReports = pgTable(
  'task_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id').notNull().references(() => tasks.id),
    periodKey: text('period_key').notNull(),
    content: text('content').notNull(),
    percent: integer('percent').notNull(),
    status: text('status').notNull().default('submitted'),
    reviewComment: text('review_comment'),
    reviewedBy: uuid('reviewed_by').references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    submittedBy: uuid('submitted_by').notNull().references(() => users.id),
    idempotencyKey: text('idempotency_key').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('task_reports_task_idx').on(t.taskId, t.periodKey),
    uniqueIndex('task_reports_idem_uq').on(t.submittedBy, t.idempotencyKey),
  ],
);

export const taskReportFiles = pgTable(
  'task_report_files',
  {
    reportId: uuid('report_id').notNull().references(() => taskReports.id, { onDelete: 'cascade' }),
    fileId: uuid('file_id').notNull().references(() => files.id),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.fileId] })],
);

/** 周例会 / 月调度会 / 部署会 / 总结会 */
export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    campaignId: uuid('campaign_id').references(() => campaigns.id),
    type: text('type').notNull(),
    title: text('title').notNull(),
    heldAt: timestamp('held_at', { withTimezone: true }).notNull(),
    place: text('place'),
    minutes: text('minutes'),
    ...audited,
  },
  (t) => [index('meetings_unit_idx').on(t.unitId)],
);

export const meetingAttendees = pgTable(
  'meeting_attendees',
  {
    meetingId: uuid('meeting_id').notNull().references(() => meetings.id, { onDelete: 'cascade' }),
    personId: uuid('person_id').notNull().references(() => persons.id),
    present: boolean('present').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.personId] })],
);

export const meetingDecisions = pgTable(
  'meeting_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id').notNull().references(() => meetings.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    content: text('content').notNull(),
    taskId: uuid('task_id').references(() => tasks.id),
  },
  (t) => [index('meeting_decisions_meeting_idx').on(t.meetingId)],
);
