import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { persons, units, users } from './org.ts';

const audited = {
  version: integer('version').notNull().default(1),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export type ReflectionMatchRow = { reflectionId: string; similarity: number };

/** 心得体会 */
export const studyReflections = pgTable(
  'study_reflections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id').notNull().references(() => persons.id),
    /** the author's unit when the reflection was written: reviewers and walls go by it */
    unitId: uuid('unit_id').notNull().references(() => units.id),
    title: text('title').notNull(),
    bodyHtml: text('body_html').notNull(),
    bodyText: text('body_text').notNull(),
    wordCount: integer('word_count').notNull(),
    /** a study session (module study, sessions) — an id only, no constraint across the two halves of the module */
    sessionId: uuid('session_id'),
    readingLogId: uuid('reading_log_id'),
    status: text('status').notNull().default('draft'),
    reviewComment: text('review_comment'),
    reviewedBy: uuid('reviewed_by').references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** sampled hashes of character 4-grams: a shared passage shares some, so `&&` finds candidates for 查重 */
    fingerprint: integer('fingerprint').array().notNull().default(sql`'{}'::integer[]`),
    /** highest similarity in hundredths of a percent (0–10000), when flagged */
    similarity: integer('similarity'),
    similarMatches: jsonb('similar_matches').$type<ReflectionMatchRow[]>().notNull().default([]),
    /** the writer's key for one form opening: a double click on 保存 makes one reflection */
    idempotencyKey: text('idempotency_key'),
    ...audited,
  },
  (t) => [
    index('study_reflections_person_idx').on(t.personId),
    index('study_reflections_unit_idx').on(t.unitId, t.status),
    index('study_reflections_fp_idx').using('gin', t.fingerprint),
    uniqueIndex('study_reflections_idem_uq').on(t.createdBy, t.idempotencyKey),
  ],
);

/** 指定读本: a designated book of a campaign, set by a unit for its people and those below. */
export const studyReaders = pgTable(
  'study_readers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id').notNull(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    title: text('title').notNull(),
    author: text('author'),
    targetBooks: integer('target_books').notNull(),
    ...audited,
  },
  (t) => [index('study_readers_unit_idx').on(t.unitId), index('study_readers_campaign_idx').on(t.campaignId)],
);

/** 读书记录 */
export const studyReadingLogs = pgTable(
  'study_reading_logs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id').notNull().references(() => persons.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    bookTitle: text('book_title').notNull(),
    author: text('author'),
    designatedReaderId: uuid('designated_reader_id').references(() => studyReaders.id),
    startDate: date('start_date', { mode: 'string' }),
    finishDate: date('finish_date', { mode: 'string' }),
    notes: text('notes'),
    ...audited,
  },
  (t) => [index('study_reading_logs_person_idx').on(t.personId, t.finishDate), index('study_reading_logs_unit_idx').on(t.unitId, t.finishDate)],
);

export type ScoreSheetRow = { line: number; cells: string[] };
/** A sheet row as it waits for confirmation: its cells (names, phone numbers) SM4-sealed as one JSON text. */
export type SealedSheetRow = { line: number; sealed: string };
export type ScoreMatchRow = { line: number; personId: string; unitId: string; hundredths: number };

/** An uploaded platform-score sheet between upload, column mapping and confirmation. */
export const studyScoreImports = pgTable(
  'study_score_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    unitId: uuid('unit_id').references(() => units.id),
    platform: text('platform').notNull(),
    month: text('month').notNull(),
    ruleVersion: text('rule_version').notNull(),
    fileName: text('file_name').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    sheet: jsonb('sheet').$type<SealedSheetRow[]>().notNull(),
    mapping: jsonb('mapping').$type<Record<string, string | null>>(),
    matched: jsonb('matched').$type<ScoreMatchRow[]>().notNull().default([]),
    unmatched: jsonb('unmatched').$type<{ line: number; reason: string }[]>().notNull().default([]),
    status: text('status').notNull().default('uploaded'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  },
  (t) => [index('study_score_imports_user_idx').on(t.userId), index('study_score_imports_unit_idx').on(t.unitId)],
);

/** One person's score on a platform for a month, in integer hundredths (exact, never a float). */
export const studyScores = pgTable(
  'study_scores',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platform: text('platform').notNull(),
    month: text('month').notNull(),
    personId: uuid('person_id').notNull().references(() => persons.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    hundredths: integer('hundredths').notNull(),
    importId: uuid('import_id').notNull().references(() => studyScoreImports.id),
    ruleVersion: text('rule_version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('study_scores_uq').on(t.platform, t.month, t.personId),
    index('study_scores_month_idx').on(t.platform, t.month, t.unitId),
  ],
);
