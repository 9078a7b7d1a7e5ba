import { sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { roles, userRoles, users } from '../../db/schema/index.ts';
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { hashPassword, randomPassword } from '../../platform/password.ts';
import { ensureBuiltinRoles } from '../org/builtin.ts';

/**
 * On every start: refresh the built-in roles. On the first start with no accounts, create `admin` with
 * LUOSHI_ADMIN_PASSWORD, or with a random password that the caller prints once.
 */
export async function bootstrap(db: Db, config: Pick<Config, 'adminPassword'>) {
  return db.transaction(async (tx) => {
    await ensureBuiltinRoles(tx);
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
    if (n > 0) return null;
    const password = config.adminPassword ?? randomPassword();
    const [admin] = await tx
      .insert(users)
      .values({ username: 'admin', passwordHash: await hashPassword(password) })
      .returning({ id: users.id, username: users.username });
    const adminRoles = await tx.select().from(roles).where(sql`${roles.code} in ('dept_admin', 'sys_admin', 'audit_admin')`);
    await tx.insert(userRoles).values(adminRoles.map((r) => ({ userId: admin.id, roleId: r.id })));
    await audit(tx, SYSTEM_ACTOR, { entity: 'user', entityId: admin.id, action: 'bootstrap', after: admin });
    return { userId: admin.id, printedPassword: config.adminPassword ? null : password };
  });
}
