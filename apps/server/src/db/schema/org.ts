import { sql } from 'drizzle-orm';
import {
  bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

const audited = {
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/**
 * The unit tree. `path` is the materialised path of ids ("/a/b/c/"), so "this unit and below"
 * is one indexed prefix predicate.
 */
export const units = pgTable(
  'units',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    type: text('type').notNull(),
    path: text('path').notNull(),
    depth: integer('depth').notNull(),
    sort: integer('sort').notNull().default(0),
    disabled: boolean('disabled').notNull().default(false),
    ...audited,
  },
  (t) => [
    uniqueIndex('units_path_uq').using('btree', t.path.op('text_pattern_ops')),
    index('units_parent_idx').on(t.parentId),
    uniqueIndex('units_parent_name_uq').on(sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.name),
  ],
);

export const persons = pgTable(
  'persons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    name: text('name').notNull(),
    gender: text('gender'),
    post: text('post'),
    birthDate: date('birth_date', { mode: 'string' }),
    /** SM4 ciphertext (platform/crypto.ts), never the number itself */
    phone: text('phone'),
    /** HMAC-SM3 blind index of the normalised number, for exact search by phone */
    phoneIndex: text('phone_index'),
    partyMember: boolean('party_member').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    ...audited,
  },
  (t) => [index('persons_unit_idx').on(t.unitId), index('persons_name_idx').on(t.name), index('persons_phone_index_idx').on(t.phoneIndex)],
);

export const roles = pgTable('roles', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  permissions: jsonb('permissions').$type<string[]>().notNull().default([]),
  scope: text('scope').$type<'all' | 'subtree' | 'unit' | 'self'>().notNull(),
  builtin: boolean('builtin').notNull().default(false),
  /** 三员分立: system / security / audit for the three separated admin roles, null for business roles */
  duty: text('duty').$type<'system' | 'security' | 'audit'>(),
  ...audited,
});

/** Login accounts. A person has at most one; the built-in admin may have none. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  personId: uuid('person_id').unique().references(() => persons.id),
  /** the unit the data scope is anchored at (the person's unit, or the admin's) */
  unitId: uuid('unit_id').references(() => units.id),
  disabled: boolean('disabled').notNull().default(false),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  /** set by the first start and by an administrator's reset: the next login must choose a new password */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
  /** TOTP secret (SM4 ciphertext) once enrolled, and the one being enrolled until its first code is confirmed */
  totpSecret: text('totp_secret'),
  totpPendingSecret: text('totp_pending_secret'),
  totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
  /** the last TOTP time step accepted: a code is good once */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  ...audited,
});

/** The last password hashes of an account, so a new password is not one of the last few. */
export const passwordHistory = pgTable(
  'password_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('password_history_user_idx').on(t.userId, t.createdAt)],
);

/** One-time recovery codes of a TOTP enrolment, hashed; a used one keeps its time. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

export const userRoles = pgTable(
  'user_roles',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id').notNull().references(() => roles.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] })],
);

/** 领导小组 / 工作专班 / 学习小组 / 宣讲队 */
export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    name: text('name').notNull(),
    type: text('type').notNull(),
    ...audited,
  },
  (t) => [index('groups_unit_idx').on(t.unitId)],
);

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id').notNull().references(() => groups.id, { onDelete: 'cascade' }),
    personId: uuid('person_id').notNull().references(() => persons.id),
    /** 组长 leader / 副组长 deputy / 成员 member */
    role: text('role').notNull(),
    sort: integer('sort').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.personId] })],
);

/** An uploaded XLSX waiting for the caller to confirm its good rows. */
export const importBatches = pgTable('import_batches', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  userId: uuid('user_id').notNull().references(() => users.id),
  rows: jsonb('rows').$type<Record<string, unknown>[]>().notNull(),
  errors: jsonb('errors').$type<{ line: number; reason: string }[]>().notNull(),
  total: integer('total').notNull(),
  status: text('status').notNull().default('preview'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
});
