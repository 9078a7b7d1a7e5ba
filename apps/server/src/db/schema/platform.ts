import { bigint, bigserial, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { units, users } from './org.ts';

/** Sessions live in the database so that several app processes share them. The id is a hash of the cookie token. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Append-only and hash-chained: a trigger refuses UPDATE and DELETE. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: uuid('user_id'),
    username: text('username'),
    ip: text('ip'),
    route: text('route'),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    /** the module the row belongs to (org, info, auth, security, audit …) */
    module: text('module'),
    /** success, failure (a refused login, a wrong code) or denied (403, another scope's record) */
    result: text('result').notNull().default('success'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** sha256 for rows written before the chain was keyed, hmac-sm3 since */
    alg: text('alg').notNull().default('sha256'),
  },
  (t) => [
    index('audit_entity_idx').on(t.entity, t.entityId),
    index('audit_at_idx').on(t.at),
    index('audit_user_idx').on(t.username, t.id),
    index('audit_action_idx').on(t.action, t.id),
  ],
);

/**
 * Audit rows older than the retention period, moved to a signed file before they were purged: the chain of the
 * rows that remain starts from `head`, and `sig` (HMAC with the audit key) proves this record was not forged.
 */
export const auditArchives = pgTable('audit_archives', {
  id: serial('id').primaryKey(),
  fromId: bigint('from_id', { mode: 'number' }).notNull(),
  toId: bigint('to_id', { mode: 'number' }).notNull(),
  rows: integer('rows').notNull(),
  head: text('head').notNull(),
  file: text('file').notNull(),
  fileSha256: text('file_sha256').notNull(),
  archivedAt: timestamp('archived_at', { withTimezone: true }).notNull().defaultNow(),
  sig: text('sig').notNull(),
});

/** The security administrator's policy: one row, edited with a version like any record. */
export const securitySettings = pgTable('security_settings', {
  id: integer('id').primaryKey(),
  policy: jsonb('policy').$type<Record<string, unknown>>().notNull(),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Uploaded files, stored under the data folder; who may download follows the record they belong to. */
export const files = pgTable('files', {
  id: uuid('id').primaryKey().defaultRandom(),
  unitId: uuid('unit_id').references(() => units.id),
  originalName: text('original_name').notNull(),
  mime: text('mime').notNull(),
  size: integer('size').notNull(),
  sha256: text('sha256').notNull(),
  storageKey: text('storage_key').notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Domain events (outbox): a module records what happened in the transaction that made it happen;
 * other modules (points, reports) consume them in order of id. (type, key) is unique, so an event
 * emitted twice for the same fact is stored once.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    type: text('type').notNull(),
    key: text('key').notNull(),
    unitId: uuid('unit_id'),
    personId: uuid('person_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('domain_events_type_key_uq').on(t.type, t.key), index('domain_events_unit_idx').on(t.unitId)],
);

/** How far each consumer has read the event log. */
export const eventCursors = pgTable('event_cursors', {
  consumer: text('consumer').primaryKey(),
  lastId: bigint('last_id', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
