import { and, asc, count, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { DUTIES, type Duty } from '@luoshi/contract';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbLike } from '../../db/client.ts';
import { persons, roles, units, userRoles, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { hashPassword, passwordProblem } from '../../platform/password.ts';
import { securityPolicy } from '../../platform/policy.ts';
import { unitInScope } from '../../platform/scope.ts';
import { endSessionsOf, type Caller } from '../../platform/session.ts';
import { accountsOf, getPersonInScope } from './persons.ts';
import { assertGrantable, problemGranting, rolesByIds, type RoleRow } from './roles.ts';

async function checkPassword(tx: DbLike, password: string, username: string) {
  const problem = passwordProblem(password, await securityPolicy(tx), username);
  if (problem) throw new AppError(400, 'VALIDATION', problem, [{ field: 'body.password', message: problem }]);
}

async function accountOf(tx: DbLike, personId: string) {
  const account = (await accountsOf(tx, [personId])).get(personId);
  if (!account) throw notFound('账号');
  return account;
}

/**
 * 三员分立: a separated admin duty is held alone — never two of them, never one beside a business role — so
 * whoever runs the system cannot also read the audit log, and whoever reads it cannot change what it records.
 */
function assertSeparated(granted: RoleRow[]) {
  const duties = granted.filter((r) => r.duty);
  if (duties.length && granted.length > 1) {
    throw badRequest(`${duties.map((r) => r.name).join('、')}须单独持有，不能与其他角色同时授予同一账号`, [{ field: 'body.roleIds', message: '三员角色须单独持有' }]);
  }
}

async function dutyOf(tx: DbLike, userId: string): Promise<Duty | null> {
  const [r] = await tx
    .select({ duty: roles.duty })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(userRoles.userId, userId), sql`${roles.duty} is not null`))
    .limit(1);
  return r?.duty ?? null;
}

/** Gives a person a login. Its data scope is anchored at the person's unit; the holder sets a password of their own at first login. */
export async function createAccount(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  personId: string,
  input: { username: string; password: string; roleIds: string[] },
) {
  const person = await getPersonInScope(tx, caller.scope, personId, true);
  if (person.disabled) throw badRequest(`${person.name}已停用，不能开通账号`);
  const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.personId, personId));
  if (existing) throw conflict(`${person.name}已有账号`);
  const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, input.username));
  if (taken) throw conflict(`用户名「${input.username}」已被使用`, [{ field: 'body.username', message: '用户名已被使用' }]);
  await checkPassword(tx, input.password, input.username);
  const granted = await rolesByIds(tx, input.roleIds);
  assertSeparated(granted);
  for (const r of granted) assertGrantable(caller, r);
  const [user] = await tx
    .insert(users)
    .values({ username: input.username, passwordHash: await hashPassword(input.password), personId, unitId: person.unitId, mustChangePassword: true })
    .returning({ id: users.id, username: users.username, personId: users.personId, unitId: users.unitId });
  await tx.insert(userRoles).values(granted.map((r) => ({ userId: user.id, roleId: r.id })));
  await audit(tx, actor, {
    entity: 'user',
    entityId: user.id,
    action: 'create',
    after: { ...user, roles: granted.map((r) => r.code).sort() },
  });
  return accountOf(tx, personId);
}

type AccountPatch = { roleIds?: string[]; disabled?: boolean; password?: string; version?: number };

/**
 * Changes roles, enables or disables, or sets a new initial password (the holder must change it at next login).
 * Disabling or a new password ends the account's sessions. Nobody changes their own account here; business
 * administrators do not reach 三员 accounts; the system administrator does, but never changes their roles.
 */
export async function updateUserAccount(tx: DbLike, caller: Caller, actor: Actor, userId: string, patch: AccountPatch) {
  const [target] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
  if (!target) throw notFound('账号');
  if (target.id === caller.userId) throw badRequest('不能在此修改本人账号；修改本人密码请使用“修改密码”');
  if (patch.version !== undefined && patch.version !== target.version) throw conflict();
  const heldRoles = await tx.select({ id: roles.id }).from(userRoles).innerJoin(roles, eq(roles.id, userRoles.roleId)).where(eq(userRoles.userId, target.id));
  const held = heldRoles.length ? await rolesByIds(tx, heldRoles.map((r) => r.id)) : [];
  const duty = held.find((r) => r.duty)?.duty ?? null;
  if (duty && caller.duty !== 'system') throw forbidden(`${DUTIES[duty]}账号只能由系统管理员管理`);
  if (duty && patch.roleIds) throw forbidden(`${DUTIES[duty]}账号的角色不能修改`);
  // Whoever holds more than the caller is out of the caller's reach, or a liaison could reset an administrator's password.
  for (const r of held) {
    const problem = problemGranting(caller, r);
    if (problem && !(r.duty && caller.duty === 'system')) throw forbidden(`该账号的权限超出您的权限，不能修改：${problem}`);
  }
  const granted = patch.roleIds ? await rolesByIds(tx, patch.roleIds) : null;
  if (granted) {
    assertSeparated(granted);
    for (const r of granted) assertGrantable(caller, r);
  }
  if (patch.password !== undefined) await checkPassword(tx, patch.password, target.username);

  const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date(), version: target.version + 1 };
  if (patch.disabled !== undefined) set.disabled = patch.disabled;
  if (patch.password !== undefined) {
    set.passwordHash = await hashPassword(patch.password);
    set.mustChangePassword = true;
    // A password set by an administrator also lifts a lockout: that is usually why it was reset.
    set.failedAttempts = 0;
    set.lockedUntil = null;
  }
  await tx.update(users).set(set).where(eq(users.id, target.id));
  if (granted) {
    await tx.delete(userRoles).where(eq(userRoles.userId, target.id));
    await tx.insert(userRoles).values(granted.map((r) => ({ userId: target.id, roleId: r.id })));
  }
  if (patch.disabled === true || patch.password !== undefined) await endSessionsOf(tx, [target.id], actor);
  const snapshot = (disabled: boolean, rs: { code: string }[]) => ({ username: target.username, disabled, roles: rs.map((r) => r.code).sort() });
  await audit(tx, actor, {
    entity: 'user',
    entityId: target.id,
    action: patch.password !== undefined ? 'reset_password' : patch.disabled === true ? 'disable' : 'update',
    before: snapshot(target.disabled, held),
    after: { ...snapshot(patch.disabled ?? target.disabled, granted ?? held), ...(patch.password !== undefined ? { passwordReset: true } : {}) },
  });
}

/** The same, for the account of a person the caller may manage. */
export async function updateAccount(tx: DbLike, caller: Caller, actor: Actor, personId: string, patch: AccountPatch) {
  await getPersonInScope(tx, caller.scope, personId, true);
  const before = await accountOf(tx, personId);
  await updateUserAccount(tx, caller, actor, before.userId, patch);
  return accountOf(tx, personId);
}

/** Whether the caller may change this person's record: the person behind a 三员 account is theirs alone to keep. */
export async function assertPersonEditable(tx: DbLike, caller: Caller, personId: string) {
  const [holder] = await tx.select({ id: users.id }).from(users).where(eq(users.personId, personId));
  if (!holder || holder.id === caller.userId) return;
  const duty = await dutyOf(tx, holder.id);
  if (duty) throw forbidden(`该人员持有${DUTIES[duty]}账号，其人员信息只能由本人维护`);
}

// ---- 账号管理: every account in reach, including those without a person (admin and the 三员 made at first start) ----

/** The account holds a separated admin duty (this one, or any). */
export const holdsDuty = (d?: Duty) =>
  sql`exists (select 1 from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId} where ${userRoles.userId} = ${users.id} and ${d ? sql`${roles.duty} = ${d}` : sql`${roles.duty} is not null`})`;

/**
 * One page of accounts with their person, unit and roles, searched by username or person name: the system
 * administrator's account list and the security administrator's login states both read it.
 */
export async function accountPage(
  db: DbLike,
  q: ListParams & { q?: string },
  where: SQL[],
  order: { sorts: Record<string, AnyPgColumn>; fallback: SQL[] },
) {
  const conds = [...where];
  if (q.q) conds.push(or(ilike(users.username, likeText(q.q)), ilike(persons.name, likeText(q.q)))!);
  const cond = conds.length ? and(...conds) : undefined;
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ u: users, personName: persons.name, unitName: units.name })
      .from(users)
      .leftJoin(persons, eq(persons.id, users.personId))
      .leftJoin(units, eq(units.id, users.unitId))
      .where(cond)
      .orderBy(...orderOf(q.sort, order.sorts, order.fallback))
      .limit(limit)
      .offset(offset),
    db.select({ total: count() }).from(users).leftJoin(persons, eq(persons.id, users.personId)).where(cond),
  ]);
  const ids = rows.map((r) => r.u.id);
  const held = ids.length
    ? await db.select({ userId: userRoles.userId, id: roles.id, code: roles.code, name: roles.name, duty: roles.duty }).from(userRoles).innerJoin(roles, eq(roles.id, userRoles.roleId)).where(inArray(userRoles.userId, ids))
    : [];
  return {
    rows: rows.map((r) => {
      const rs = held.filter((h) => h.userId === r.u.id).map(({ userId: _u, ...role }) => role);
      return { ...r, roles: rs, duty: rs.find((h) => h.duty)?.duty ?? null };
    }),
    total,
  };
}

export async function listSystemAccounts(db: DbLike, caller: Caller, q: ListParams & { q?: string; duty?: 'any' | 'none' | Duty }) {
  const where: SQL[] = [];
  // A business administrator sees the accounts of the people in scope; the system administrator sees every account.
  if (caller.duty !== 'system') where.push(unitInScope(caller.scope, users.unitId));
  if (q.duty === 'any') where.push(holdsDuty());
  else if (q.duty === 'none') where.push(sql`not ${holdsDuty()}`);
  else if (q.duty) where.push(holdsDuty(q.duty));
  const page = await accountPage(db, q, where, { sorts: { username: users.username }, fallback: [sql`${users.personId} is not null`, asc(users.username)] });
  return envelope(
    page.rows.map(({ u, personName, unitName, roles: rs, duty }) => ({
      userId: u.id,
      username: u.username,
      personName,
      unitName,
      roles: rs.map((r) => ({ id: r.id, code: r.code, name: r.name })),
      duty,
      disabled: u.disabled,
      mustChangePassword: u.mustChangePassword,
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
      version: u.version,
    })),
    page.total,
    q,
  );
}

/** The id of an account the caller may see (404 otherwise, like any record out of scope). */
export async function systemAccountInReach(db: DbLike, caller: Caller, userId: string): Promise<string> {
  const [u] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), caller.duty === 'system' ? undefined : unitInScope(caller.scope, users.unitId)));
  if (!u) throw notFound('账号');
  return u.id;
}
