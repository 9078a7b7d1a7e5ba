import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Duty } from '@luoshi/contract';
import type { Config } from '../../config.ts';
import type { Db, DbLike } from '../../db/client.ts';
import { roles, userRoles, users } from '../../db/schema/index.ts';
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { hashPassword, randomPassword } from '../../platform/password.ts';
import { ensureBuiltinRoles } from '../org/builtin.ts';

/** The accounts made at first start: the business administrator and the three separated admin duties (三员). */
export const FIRST_ACCOUNTS: { username: string; role: string; duty: Duty | null; title: string }[] = [
  { username: 'admin', role: 'dept_admin', duty: null, title: '部机关管理员' },
  { username: 'xitong', role: 'sys_admin', duty: 'system', title: '系统管理员' },
  { username: 'anquan', role: 'security_admin', duty: 'security', title: '安全管理员' },
  { username: 'shenji', role: 'audit_admin', duty: 'audit', title: '审计管理员' },
];

export type CreatedAccount = { username: string; title: string; password: string | null };

/**
 * An account that holds a duty role beside others (the `admin` of earlier versions held three) keeps its business
 * roles and gives the duties up; one holding only several duties gives them all up. Each duty then finds its own
 * holder below.
 */
async function separateDuties(tx: DbLike) {
  const holders = await tx
    .select({ userId: userRoles.userId, roleId: roles.id, code: roles.code, duty: roles.duty })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(inArray(userRoles.userId, tx.select({ id: userRoles.userId }).from(userRoles).innerJoin(roles, eq(roles.id, userRoles.roleId)).where(isNotNull(roles.duty))));
  const byUser = new Map<string, typeof holders>();
  for (const h of holders) byUser.set(h.userId, [...(byUser.get(h.userId) ?? []), h]);
  for (const [userId, held] of byUser) {
    if (held.length < 2) continue;
    const drop = held.filter((h) => h.duty);
    await tx.delete(userRoles).where(and(eq(userRoles.userId, userId), inArray(userRoles.roleId, drop.map((d) => d.roleId))));
    await audit(tx, SYSTEM_ACTOR, { entity: 'user', entityId: userId, action: 'separate_duties', module: 'org', before: { roles: held.map((h) => h.code).sort() }, after: { roles: held.filter((h) => !h.duty).map((h) => h.code).sort() } });
  }
}

async function freeUsername(tx: DbLike, wanted: string): Promise<string> {
  for (let i = 1; ; i++) {
    const name = i === 1 ? wanted : `${wanted}${i}`;
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, name));
    if (!taken) return name;
  }
}

/**
 * On every start: refresh the built-in roles and keep the three admin duties separate. On the first start, create
 * `admin` (password from LUOSHI_ADMIN_PASSWORD, or random) and, whenever a duty has no holder, its account
 * (`xitong`, `anquan`, `shenji`) with a random password. Every password made here is printed once by the caller and
 * must be changed at the first login. `opts.password` gives all of them one known password (the demo, the tests),
 * and `mustChange: false` spares that change.
 */
export async function bootstrap(db: Db, config: Pick<Config, 'adminPassword'>, opts: { password?: string; mustChange?: boolean } = {}) {
  return db.transaction(async (tx) => {
    await ensureBuiltinRoles(tx);
    await separateDuties(tx);
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
    const created: CreatedAccount[] = [];
    for (const a of FIRST_ACCOUNTS) {
      const [role] = await tx.select().from(roles).where(eq(roles.code, a.role));
      if (a.duty) {
        const [holder] = await tx.select({ id: userRoles.userId }).from(userRoles).where(eq(userRoles.roleId, role.id)).limit(1);
        if (holder) continue;
      } else if (n > 0) continue;
      const given = opts.password ?? (a.duty ? undefined : config.adminPassword);
      const password = given ?? randomPassword();
      const [user] = await tx
        .insert(users)
        .values({ username: await freeUsername(tx, a.username), passwordHash: await hashPassword(password), mustChangePassword: opts.mustChange ?? true })
        .returning({ id: users.id, username: users.username });
      await tx.insert(userRoles).values({ userId: user.id, roleId: role.id });
      await audit(tx, SYSTEM_ACTOR, { entity: 'user', entityId: user.id, action: 'bootstrap', module: 'org', after: { ...user, roles: [a.role] } });
      created.push({ username: user.username, title: a.title, password: given ? null : password });
    }
    return created;
  });
}
