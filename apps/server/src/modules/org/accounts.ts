import { eq } from 'drizzle-orm';
import type { Db, DbLike } from '../../db/client.ts';
import { userRoles, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { hashPassword, passwordProblem } from '../../platform/password.ts';
import { endSessionsOf, type Caller } from '../../platform/session.ts';
import { accountsOf, getPersonInScope } from './persons.ts';
import { assertGrantable, problemGranting, rolesByIds } from './roles.ts';

function checkPassword(password: string) {
  const problem = passwordProblem(password);
  if (problem) throw new AppError(400, 'VALIDATION', problem, [{ field: 'body.password', message: problem }]);
}

async function accountOf(tx: DbLike, personId: string) {
  const account = (await accountsOf(tx, [personId])).get(personId);
  if (!account) throw notFound('账号');
  return account;
}

/** Gives a person a login. Its data scope is anchored at the person's unit. */
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
  checkPassword(input.password);
  const granted = await rolesByIds(tx, input.roleIds);
  for (const r of granted) assertGrantable(caller, r);
  const [user] = await tx
    .insert(users)
    .values({ username: input.username, passwordHash: await hashPassword(input.password), personId, unitId: person.unitId })
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

/** Changes roles, enables or disables, or sets a new password. Disabling or a new password ends the account's sessions. */
export async function updateAccount(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  personId: string,
  patch: { roleIds?: string[]; disabled?: boolean; password?: string },
) {
  await getPersonInScope(tx, caller.scope, personId, true);
  const before = await accountOf(tx, personId);
  if (before.userId === caller.userId) {
    throw badRequest('不能在此修改本人账号；修改本人密码请使用“修改密码”');
  }
  // Whoever holds more than the caller is out of the caller's reach, or a liaison could reset an administrator's password.
  const held = before.roles.length ? await rolesByIds(tx, before.roles.map((r) => r.id)) : [];
  for (const r of held) {
    const problem = problemGranting(caller, r);
    if (problem) throw forbidden(`该账号的权限超出您的权限，不能修改：${problem}`);
  }
  const granted = patch.roleIds ? await rolesByIds(tx, patch.roleIds) : null;
  for (const r of granted ?? []) assertGrantable(caller, r);
  if (patch.password !== undefined) checkPassword(patch.password);

  const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
  if (patch.disabled !== undefined) set.disabled = patch.disabled;
  if (patch.password !== undefined) {
    set.passwordHash = await hashPassword(patch.password);
    // A password set by an administrator also lifts a lockout: that is usually why it was reset.
    set.failedAttempts = 0;
    set.lockedUntil = null;
  }
  const [{ version }] = await tx.select({ version: users.version }).from(users).where(eq(users.id, before.userId));
  await tx.update(users).set({ ...set, version: version + 1 }).where(eq(users.id, before.userId));
  if (granted) {
    await tx.delete(userRoles).where(eq(userRoles.userId, before.userId));
    await tx.insert(userRoles).values(granted.map((r) => ({ userId: before.userId, roleId: r.id })));
  }
  if (patch.disabled === true || patch.password !== undefined) await endSessionsOf(tx as unknown as Db, [before.userId]);
  const after = await accountOf(tx, personId);
  const snapshot = (a: typeof before) => ({ username: a.username, disabled: a.disabled, roles: a.roles.map((r) => r.code).sort() });
  await audit(tx, actor, {
    entity: 'user',
    entityId: before.userId,
    action: patch.password !== undefined ? 'reset_password' : patch.disabled === true ? 'disable' : 'update',
    before: snapshot(before),
    after: { ...snapshot(after), ...(patch.password !== undefined ? { passwordReset: true } : {}) },
  });
  return after;
}
