import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns, tasks } from './campaigns.ts';
import { persons, units, users } from './org.ts';

// 信息报送与三审三校.

export type InfoStepSpec = { name: string; deadlineDays: number; reviewerIds: string[] };
export type InfoDupMatch = { id: string; similarity: number };

/**
 * One information item a unit submits. Its text lives in its versions; the row carries the latest
 * title and body for lists and search, the review state and the 查重 result of its last submission.
 */
export const infoItems = pgTable(
  'info_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    title: text('title').notNull(),
    /** sanitised HTML (paragraphs, emphasis, lists, images from our own file store) */
    bodyHtml: text('body_html').notNull(),
    /** the body as plain text: 查重, word counts, diffs and documents use it */
    bodyText: text('body_text').notNull(),
    category: text('category').notNull(),
    campaignId: uuid('campaign_id').references(() => campaigns.id),
    taskId: uuid('task_id').references(() => tasks.id),
    contact: text('contact'),
    /** draft 草稿 / reviewing 审核中 / returned 退回修改 / approved 已审定 / rejected 未通过 */
    status: text('status').$type<'draft' | 'reviewing' | 'returned' | 'approved' | 'rejected'>().notNull().default('draft'),
    /** the review steps as they were when the item was first submitted (a later change of the chain leaves it alone) */
    steps: jsonb('steps').$type<InfoStepSpec[]>().notNull().default([]),
    /** index into steps while reviewing; the step that returned it while returned */
    currentStep: integer('current_step'),
    stepDeadline: date('step_deadline', { mode: 'string' }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    /** the day of first submission (Asia/Shanghai), for statistics by period */
    submittedOn: date('submitted_on', { mode: 'string' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** 查重 at the last submission: the nearest earlier items with their similarity */
    dupMatches: jsonb('dup_matches').$type<InfoDupMatch[]>().notNull().default([]),
    dupTop: integer('dup_top').notNull().default(0),
    /** MinHash signature of the body, for 查重 of later items */
    signature: jsonb('signature').$type<number[]>(),
    latestVersion: integer('latest_version').notNull().default(1),
    idempotencyKey: text('idempotency_key'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('info_items_idem_uq').on(t.createdBy, t.idempotencyKey),
    index('info_items_unit_idx').on(t.unitId, t.submittedOn),
    index('info_items_status_idx').on(t.status, t.currentStep),
    index('info_items_submitted_idx').on(t.submittedOn),
  ],
);

/** 作者: people of the unit (who score points) or a name only. */
export const infoAuthors = pgTable(
  'info_authors',
  {
    itemId: uuid('item_id').notNull().references(() => infoItems.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    personId: uuid('person_id').references(() => persons.id),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.seq] }), index('info_authors_person_idx').on(t.personId)],
);

/** LSH band keys of an item's signature: candidates for 查重 are the items sharing a key. */
export const infoBands = pgTable(
  'info_bands',
  {
    band: bigint('band', { mode: 'number' }).notNull(),
    itemId: uuid('item_id').notNull().references(() => infoItems.id, { onDelete: 'cascade' }),
    submittedOn: date('submitted_on', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.band, t.itemId] }), index('info_bands_item_idx').on(t.itemId)],
);

/** Every saved text of an item, in order: the diff between any two is shown to reviewers. */
export const infoVersions = pgTable(
  'info_versions',
  {
    itemId: uuid('item_id').notNull().references(() => infoItems.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    bodyHtml: text('body_html').notNull(),
    bodyText: text('body_text').notNull(),
    /** who saved it, in which role: 作者 or the name of the review step */
    stage: text('stage').notNull(),
    note: text('note'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.seq] })],
);

/** 流转记录: submit, pass, return, resubmit, approve, reject, adopt, instruct. */
export const infoActions = pgTable(
  'info_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id').notNull().references(() => infoItems.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    stepIndex: integer('step_index'),
    stepName: text('step_name'),
    comment: text('comment'),
    versionSeq: integer('version_seq'),
    actorId: uuid('actor_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('info_actions_item_idx').on(t.itemId, t.at), index('info_actions_actor_idx').on(t.actorId)],
);

/** Our own numbered publications: 信息专报, 工作简报 … */
export const infoPublications = pgTable('info_publications', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  /** the level an adoption into it counts as (市级 for a city department's own publication) */
  level: text('level').notNull(),
  issuer: text('issuer').notNull(),
  /** default 版记 lines of a new issue */
  colophon: jsonb('colophon').$type<{ label: string; text: string }[]>().notNull().default([]),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

/** 第 N 期: numbered per publication and year without gaps (allocated under a lock, never deleted once numbered). */
export const infoIssues = pgTable(
  'info_issues',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    publicationId: uuid('publication_id').notNull().references(() => infoPublications.id),
    year: integer('year').notNull(),
    number: integer('number').notNull(),
    /** the issue's running number over all years (总第 N 期) */
    totalNumber: integer('total_number').notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    editorNote: text('editor_note'),
    colophon: jsonb('colophon').$type<{ label: string; text: string }[]>().notNull().default([]),
    /** compiling 编辑中 / issued 已印发 */
    status: text('status').$type<'compiling' | 'issued'>().notNull().default('compiling'),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    /** the unit that compiles and issues it (编发单位): its opener's unit when opened; null above every unit */
    unitId: uuid('unit_id').references(() => units.id),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('info_issues_number_uq').on(t.publicationId, t.year, t.number), index('info_issues_unit_idx').on(t.unitId)],
);

/** 采用: into one of our issues, or by an outside body or outlet at a level, with proof. */
export const infoAdoptions = pgTable(
  'info_adoptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id').notNull().references(() => infoItems.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    kind: text('kind').$type<'issue' | 'outlet'>().notNull(),
    issueId: uuid('issue_id').references(() => infoIssues.id),
    /** order of the item within its issue */
    position: integer('position'),
    editorNote: text('editor_note'),
    outlet: text('outlet').notNull(),
    level: text('level').notNull(),
    adoptedOn: date('adopted_on', { mode: 'string' }).notNull(),
    links: jsonb('links').$type<string[]>().notNull().default([]),
    fileIds: jsonb('file_ids').$type<string[]>().notNull().default([]),
    note: text('note'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('info_adoptions_item_idx').on(t.itemId),
    index('info_adoptions_unit_idx').on(t.unitId, t.adoptedOn),
    uniqueIndex('info_adoptions_issue_item_uq').on(t.issueId, t.itemId),
  ],
);

/** 领导批示 on an item. */
export const infoInstructions = pgTable(
  'info_instructions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id').notNull().references(() => infoItems.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    leader: text('leader').notNull(),
    level: text('level').notNull(),
    content: text('content').notNull(),
    instructedOn: date('instructed_on', { mode: 'string' }).notNull(),
    fileIds: jsonb('file_ids').$type<string[]>().notNull().default([]),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('info_instructions_item_idx').on(t.itemId), index('info_instructions_unit_idx').on(t.unitId, t.instructedOn)],
);

/** 媒体报道: a report an outlet published about our work. */
export const infoMediaReports = pgTable(
  'info_media_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    reporterId: uuid('reporter_id').references(() => persons.id),
    reporterName: text('reporter_name'),
    outlet: text('outlet').notNull(),
    level: text('level').notNull(),
    title: text('title').notNull(),
    link: text('link'),
    publishedOn: date('published_on', { mode: 'string' }).notNull(),
    idempotencyKey: text('idempotency_key'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('info_media_unit_idx').on(t.unitId, t.publishedOn),
    index('info_media_reporter_idx').on(t.reporterId, t.publishedOn),
    uniqueIndex('info_media_idem_uq').on(t.createdBy, t.idempotencyKey),
  ],
);

/** 宣传目标任务: per unit or per reporter, for a year or one month; counts adopted items or media reports. */
export const infoTargets = pgTable(
  'info_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    year: integer('year').notNull(),
    /** null = the whole year */
    month: integer('month'),
    subjectType: text('subject_type').$type<'unit' | 'person'>().notNull(),
    subjectId: uuid('subject_id').notNull(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    /** adopted 信息采用 / media 媒体报道 / submitted 信息报送 */
    measure: text('measure').$type<'submitted' | 'adopted' | 'media'>().notNull(),
    target: integer('target').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('info_targets_uq').on(t.year, t.month, t.subjectType, t.subjectId, t.measure), index('info_targets_unit_idx').on(t.unitId, t.year)],
);

/** Settings of the module (one row): categories, the review chain, the 查重 window. */
export const infoSettings = pgTable('info_settings', {
  id: integer('id').primaryKey().default(1),
  categories: jsonb('categories').$type<string[]>().notNull(),
  steps: jsonb('steps').$type<InfoStepSpec[]>().notNull(),
  dupWindowDays: integer('dup_window_days').notNull().default(365),
  /** similarity (percent) from which an earlier item is shown as a near-duplicate */
  dupThreshold: integer('dup_threshold').notNull().default(50),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
