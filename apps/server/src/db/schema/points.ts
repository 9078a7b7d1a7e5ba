import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { files } from './platform.ts';
import { persons, units, users } from './org.ts';

// 考核积分. Points are stored as integer hundredths of a point ("cents"), never floats.

/**
 * 考核评分细则: one version of a scoring rule of a year. A change is a new version effective from a date;
 * the previous version ends the day before, so points already given keep the version that gave them.
 */
export const pointRules = pgTable(
  'point_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    year: integer('year').notNull(),
    code: text('code').notNull(),
    ruleVersion: integer('rule_version').notNull().default(1),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    effectiveTo: date('effective_to', { mode: 'string' }),
    category: text('category').notNull(),
    item: text('item').notNull(),
    /** unit 单位 or person 个人 */
    subjectType: text('subject_type').$type<'unit' | 'person'>().notNull(),
    /** per unit of counting, + award / − deduction, in hundredths */
    points: integer('points').notNull(),
    countingUnit: text('counting_unit').notNull().default('次'),
    /** the most a subject may gain (or lose) under this code in one cap period, in hundredths; null = no cap */
    capPoints: integer('cap_points'),
    capPeriod: text('cap_period').$type<'month' | 'quarter' | 'half' | 'year'>(),
    evidenceRequired: boolean('evidence_required').notNull().default(false),
    /** the domain event type that awards it automatically; null = manual */
    source: text('source'),
    /** payload fields an event must match (e.g. {"level":"省级"}) */
    sourceMatch: jsonb('source_match').$type<Record<string, string>>(),
    note: text('note'),
    disabled: boolean('disabled').notNull().default(false),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('point_rules_code_version_uq').on(t.year, t.code, t.ruleVersion),
    index('point_rules_source_idx').on(t.source, t.year),
  ],
);

/**
 * The ledger. One row per award or deduction; never updated except to be linked by a later correction.
 * `occurredOn` is the day of the fact; `bookedOn` the day whose periods count it (later than `occurredOn`
 * only when the fact's period was already closed: a correction shown in the next period).
 */
export const pointEvents = pgTable(
  'point_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subjectType: text('subject_type').$type<'unit' | 'person'>().notNull(),
    /** the unit, or the person, the points belong to */
    subjectId: uuid('subject_id').notNull(),
    /** the unit (for a person: the person's unit when the points were given), for scope and peer groups */
    unitId: uuid('unit_id').notNull().references(() => units.id),
    personId: uuid('person_id').references(() => persons.id),
    ruleId: uuid('rule_id').notNull().references(() => pointRules.id),
    ruleCode: text('rule_code').notNull(),
    points: integer('points').notNull(),
    quantity: numeric('quantity', { precision: 12, scale: 2 }).notNull().default('1'),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    bookedOn: date('booked_on', { mode: 'string' }).notNull(),
    late: boolean('late').notNull().default(false),
    /** auto 自动 / manual 人工 / reversal 冲正 (an upheld appeal) */
    kind: text('kind').$type<'auto' | 'manual' | 'reversal'>().notNull(),
    /** what caused it: task, task_report, study_week, reflection, claim, info, contest, volunteer … */
    sourceType: text('source_type'),
    sourceId: text('source_id'),
    sourceLabel: text('source_label'),
    domainEventId: bigint('domain_event_id', { mode: 'number' }),
    claimId: uuid('claim_id'),
    reversesEventId: bigint('reverses_event_id', { mode: 'number' }),
    /** the fact this row records, so a fact delivered twice is counted once */
    dedupeKey: text('dedupe_key'),
    /** the points were cut (or zeroed) by the rule's cap */
    capped: boolean('capped').notNull().default(false),
    note: text('note'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('point_events_dedupe_uq').on(t.dedupeKey),
    index('point_events_subject_idx').on(t.subjectId, t.bookedOn),
    index('point_events_cap_idx').on(t.subjectId, t.ruleCode, t.bookedOn),
    index('point_events_unit_idx').on(t.unitId, t.bookedOn),
    index('point_events_reverses_idx').on(t.reversesEventId),
  ],
);

/**
 * Running totals per subject and period (every month, quarter, half year and year the event is booked in),
 * kept in the transaction that writes the event, so rankings read one row per subject.
 */
export const pointTotals = pgTable(
  'point_totals',
  {
    periodKey: text('period_key').notNull(),
    subjectType: text('subject_type').$type<'unit' | 'person'>().notNull(),
    subjectId: uuid('subject_id').notNull(),
    unitId: uuid('unit_id').notNull(),
    total: bigint('total', { mode: 'number' }).notNull().default(0),
    events: integer('events').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.periodKey, t.subjectType, t.subjectId] }),
    index('point_totals_unit_idx').on(t.periodKey, t.subjectType, t.unitId),
  ],
);

/** 考核周期: month M2026-03, quarter Q2026-1, half year H2026-1, year Y2026. Closing freezes the results. */
export const pointPeriods = pgTable('point_periods', {
  key: text('key').primaryKey(),
  kind: text('kind').$type<'month' | 'quarter' | 'half' | 'year'>().notNull(),
  year: integer('year').notNull(),
  seq: integer('seq').notNull(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  closedBy: uuid('closed_by').references(() => users.id),
  reopenCount: integer('reopen_count').notNull().default(0),
  reopenReason: text('reopen_reason'),
  version: integer('version').notNull().default(1),
});

/** The frozen results of a closed period: total, rank in the peer group and grade. */
export const pointResults = pgTable(
  'point_results',
  {
    periodKey: text('period_key').notNull().references(() => pointPeriods.key),
    subjectType: text('subject_type').$type<'unit' | 'person'>().notNull(),
    subjectId: uuid('subject_id').notNull(),
    unitId: uuid('unit_id').notNull(),
    peerKey: text('peer_key').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    events: integer('events').notNull(),
    rank: integer('rank').notNull(),
    peerSize: integer('peer_size').notNull(),
    grade: text('grade'),
  },
  (t) => [
    primaryKey({ columns: [t.periodKey, t.subjectType, t.subjectId] }),
    index('point_results_rank_idx').on(t.periodKey, t.subjectType, t.peerKey, t.rank),
    // a page of the ranking by total straight from the index
    index('point_results_total_idx').on(t.periodKey, t.subjectType, t.total.desc(), t.subjectId),
    index('point_results_unit_idx').on(t.periodKey, t.subjectType, t.unitId),
  ],
);

/** 等次评定: how totals become 好 / 较好 / 一般 / 差, per subject type. */
export const pointGradeSchemes = pgTable('point_grade_schemes', {
  subjectType: text('subject_type').$type<'unit' | 'person'>().primaryKey(),
  /** threshold: a grade for totals ≥ its minimum; share: grades by share of the peer ranking */
  mode: text('mode').$type<'threshold' | 'share'>().notNull(),
  bands: jsonb('bands').$type<{ grade: string; min?: number; share?: number }[]>().notNull(),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Settings of the assessment (one row). */
export const pointSettings = pgTable('point_settings', {
  id: integer('id').primaryKey().default(1),
  appealWindowDays: integer('appeal_window_days').notNull().default(10),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** 加减分申请: a manual award or deduction, 申请 → 审核 → 生效 / 驳回. */
export const pointClaims = pgTable(
  'point_claims',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ruleId: uuid('rule_id').notNull().references(() => pointRules.id),
    subjectType: text('subject_type').$type<'unit' | 'person'>().notNull(),
    subjectId: uuid('subject_id').notNull(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    personId: uuid('person_id').references(() => persons.id),
    quantity: numeric('quantity', { precision: 12, scale: 2 }).notNull().default('1'),
    points: integer('points').notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    links: jsonb('links').$type<string[]>().notNull().default([]),
    status: text('status').$type<'pending' | 'approved' | 'rejected'>().notNull().default('pending'),
    idempotencyKey: text('idempotency_key'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    eventId: bigint('event_id', { mode: 'number' }),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('point_claims_idem_uq').on(t.createdBy, t.idempotencyKey),
    index('point_claims_unit_idx').on(t.unitId, t.status),
  ],
);

export const pointClaimFiles = pgTable(
  'point_claim_files',
  {
    claimId: uuid('claim_id').notNull().references(() => pointClaims.id, { onDelete: 'cascade' }),
    fileId: uuid('file_id').notNull().references(() => files.id),
  },
  (t) => [primaryKey({ columns: [t.claimId, t.fileId] }), uniqueIndex('point_claim_files_file_uq').on(t.fileId)],
);

/** 约谈: opened by a 一般 or 差 grade of a closed period, closed by the interview record. */
export const pointInterviews = pgTable(
  'point_interviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    periodKey: text('period_key').notNull().references(() => pointPeriods.key),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    grade: text('grade').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    status: text('status').$type<'pending' | 'closed'>().notNull().default('pending'),
    intervieweePersonId: uuid('interviewee_person_id').references(() => persons.id),
    interviewerPersonId: uuid('interviewer_person_id').references(() => persons.id),
    heldOn: date('held_on', { mode: 'string' }),
    participants: text('participants'),
    problems: text('problems'),
    commitments: text('commitments'),
    followUpDeadline: date('follow_up_deadline', { mode: 'string' }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('point_interviews_period_unit_uq').on(t.periodKey, t.unitId), index('point_interviews_status_idx').on(t.status)],
);

/** 申诉: a subject contests an event within the window; upheld → a linked reversal event. */
export const pointAppeals = pgTable(
  'point_appeals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: bigint('event_id', { mode: 'number' }).notNull().references(() => pointEvents.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    personId: uuid('person_id').references(() => persons.id),
    reason: text('reason').notNull(),
    status: text('status').$type<'pending' | 'upheld' | 'dismissed'>().notNull().default('pending'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decision: text('decision'),
    reversalEventId: bigint('reversal_event_id', { mode: 'number' }),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('point_appeals_open_uq').on(t.eventId).where(sql`${t.status} <> 'dismissed'`),
    index('point_appeals_unit_idx').on(t.unitId, t.status),
  ],
);

/**
 * 同类分组 of every enabled unit (its type under its nearest department), kept beside the unit tree and rebuilt
 * when the tree's fingerprint changes, so a ranking does not search every unit's ancestors.
 */
export const pointUnitPeers = pgTable('point_unit_peers', {
  unitId: uuid('unit_id').primaryKey(),
  peerKey: text('peer_key').notNull(),
});

/** The unit tree fingerprint the peer table was built from (one row). */
export const pointPeerState = pgTable('point_peer_state', {
  id: integer('id').primaryKey().default(1),
  fingerprint: text('fingerprint').notNull(),
  builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
});
