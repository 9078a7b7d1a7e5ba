import {
  boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { files } from './platform.ts';
import { groups, persons, units, users } from './org.ts';

/** 学习形式: an admin-editable dictionary (集中学习, 晨读+分享, …). */
export const studySessionTypes = pgTable('study_session_types', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  sort: integer('sort').notNull().default(0),
  disabled: boolean('disabled').notNull().default(false),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** 包联: a supervisor assigned to a unit (usually a branch) for a period; `toDate` null means open-ended. */
export const studySupervisions = pgTable(
  'study_supervisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    supervisorPersonId: uuid('supervisor_person_id').notNull().references(() => persons.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    fromDate: date('from_date', { mode: 'string' }).notNull(),
    toDate: date('to_date', { mode: 'string' }),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('study_supervisions_person_idx').on(t.supervisorPersonId), index('study_supervisions_unit_idx').on(t.unitId)],
);

/**
 * A study session of a unit, branch or study group. Lifecycle: planned 计划 → filed 已报备 (学前报备;
 * `late` when filed after the planned start, 补报) → held 已开展, or cancelled 已取消.
 */
export const studySessions = pgTable(
  'study_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    groupId: uuid('group_id').references(() => groups.id),
    typeCode: text('type_code').notNull(),
    topic: text('topic').notNull(),
    links: jsonb('links').$type<string[]>().notNull().default([]),
    plannedStart: timestamp('planned_start', { withTimezone: true }).notNull(),
    plannedEnd: timestamp('planned_end', { withTimezone: true }).notNull(),
    place: text('place'),
    presenter: text('presenter'),
    status: text('status').notNull().default('planned'),
    filedAt: timestamp('filed_at', { withTimezone: true }),
    late: boolean('late').notNull().default(false),
    actualStart: timestamp('actual_start', { withTimezone: true }),
    actualEnd: timestamp('actual_end', { withTimezone: true }),
    summary: text('summary'),
    cancelReason: text('cancel_reason'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('study_sessions_unit_idx').on(t.unitId, t.plannedStart),
    index('study_sessions_actual_idx').on(t.status, t.actualStart),
  ],
);

/**
 * Held sessions summed per unit, ISO week and calendar month of their start (Asia/Shanghai; a week that spans two
 * months has a row for each). Kept by the trigger `study_sessions_tally` (migration 0012) in the transaction that
 * changes a session, so it always equals the sessions; the dashboards read it instead of a year of sessions.
 */
export const studyUnitWeeks = pgTable(
  'study_unit_weeks',
  {
    unitId: uuid('unit_id').notNull().references(() => units.id),
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    monthStart: date('month_start', { mode: 'string' }).notNull(),
    sessions: integer('sessions').notNull(),
    /** sum of actual durations, exact */
    seconds: numeric('seconds').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.weekStart, t.monthStart] }), index('study_unit_weeks_month_idx').on(t.monthStart, t.unitId), index('study_unit_weeks_week_idx').on(t.weekStart, t.unitId)],
);

/** Materials (学习材料) and photos of a session. */
export const studySessionFiles = pgTable(
  'study_session_files',
  {
    sessionId: uuid('session_id').notNull().references(() => studySessions.id, { onDelete: 'cascade' }),
    fileId: uuid('file_id').notNull().references(() => files.id),
    kind: text('kind').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.fileId] }), uniqueIndex('study_session_files_file_uq').on(t.fileId)],
);

/** Attendance per person: present 出席 / late 迟到 / leave 请假 (reason) / absent 缺席. */
export const studyAttendance = pgTable(
  'study_attendance',
  {
    sessionId: uuid('session_id').notNull().references(() => studySessions.id, { onDelete: 'cascade' }),
    personId: uuid('person_id').notNull().references(() => persons.id),
    status: text('status').notNull(),
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.personId] }), index('study_attendance_person_idx').on(t.personId)],
);

/** 点评: comments on a session by its supervisors or the units above it. */
export const studySessionComments = pgTable(
  'study_session_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => studySessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id),
    content: text('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('study_session_comments_session_idx').on(t.sessionId)],
);

/** 每周覆盖学: the minutes of held collective study a unit of this type needs each week. */
export const studyCoverageRules = pgTable('study_coverage_rules', {
  unitType: text('unit_type').primaryKey(),
  minMinutes: integer('min_minutes').notNull().default(240),
  enabled: boolean('enabled').notNull().default(true),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** 未学通报 of one week: the computed list, frozen once confirmed. */
export const studyWeekChecks = pgTable('study_week_checks', {
  week: text('week').primaryKey(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  exempt: boolean('exempt').notNull().default(false),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  confirmedBy: uuid('confirmed_by').references(() => users.id),
  rows: jsonb('rows').$type<WeekCheckRow[]>().notNull().default([]),
});

export type WeekCheckRow = {
  unitId: string;
  unitName: string;
  /** the unit's materialised path of ids, for scoping the list to the reader */
  unitPath: string;
  /** names from the top of the tree down to the unit */
  unitPathNames: string[];
  unitType: string;
  minutes: number;
  requiredMinutes: number;
  missed: boolean;
  /** held sessions that were never pre-filed */
  unfiledSessions: number;
  /** held sessions filed only after they started (补报) */
  lateSessions: number;
};
