import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { DATA_SCOPE_LABELS, DATA_SCOPES, DUTIES, PERMISSIONS, type DataScopeKind, type Duty, type Permission, type Role } from '@luoshi/contract';
import { DUTY_ONLY } from './builtin.ts';
import type { DbLike } from '../../db/client.ts';
import { roles } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import type { Caller } from '../../platform/session.ts';

export type RoleRow = typeof roles.$inferSelect;

export function presentRole(r: RoleRow): Role {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    permissions: [...r.permissions].sort(),
    scope: r.scope,
    builtin: r.builtin,
    duty: r.duty ?? null,
    version: r.version,
  };
}

/**
 * Whether the caller may hand this role to someone (or shape a role like it): its data scope is no wider
 * than the caller's, and the caller holds every permission in it. Without this, anyone who may manage
 * accounts could make themselves or a friend an administrator.
 */
export function problemGranting(caller: Caller, role: { name: string; scope: DataScopeKind; permissions: string[]; duty?: Duty | null }): string | null {
  // 三员分立: the separated duties are handed out by the system administrator alone, who in turn manages accounts
  // without holding the business permissions it grants — and never creates a second system administrator.
  if (role.duty) {
    if (caller.duty !== 'system') return `「${role.name}」属于三员角色，只能由系统管理员授予`;
    if (role.duty === 'system') return '系统管理员账号只有一个，不能再授予系统管理员角色';
    return null;
  }
  if (caller.duty === 'system') return null;
  if (caller.duty) return `${DUTIES[caller.duty]}不管理账号`;
  // DATA_SCOPES runs from widest to narrowest.
  if (DATA_SCOPES.indexOf(role.scope) < DATA_SCOPES.indexOf(caller.scope.kind)) {
    return `角色「${role.name}」的数据范围（${DATA_SCOPE_LABELS[role.scope]}）超出了您的数据范围（${DATA_SCOPE_LABELS[caller.scope.kind]}）`;
  }
  const lacking = role.permissions.filter((p) => !caller.permissions.has(p));
  if (lacking.length) {
    const names = lacking.map((p) => PERMISSIONS[p as Permission] ?? p).join('、');
    return `角色「${role.name}」包含您本人没有的权限：${names}`;
  }
  return null;
}

export function assertGrantable(caller: Caller, role: { name: string; scope: DataScopeKind; permissions: string[]; duty?: Duty | null }) {
  const problem = problemGranting(caller, role);
  if (problem) throw forbidden(`不能授予超出本人权限的角色：${problem}`);
}

export async function listRoles(db: DbLike, q: ListParams & { q?: string }) {
  const where: SQL[] = [];
  if (q.q) where.push(or(ilike(roles.name, likeText(q.q)), ilike(roles.code, likeText(q.q)))!);
  const cond = where.length ? and(...where) : undefined;
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(roles)
      .where(cond)
      .orderBy(...orderOf(q.sort, { name: roles.name, code: roles.code }, [sql`${roles.builtin} desc`, asc(roles.createdAt), asc(roles.code)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(roles).where(cond),
  ]);
  return envelope(rows.map(presentRole), total, q);
}

/** The roles of these ids, or 400 naming the ones that do not exist. */
export async function rolesByIds(db: DbLike, ids: string[]): Promise<RoleRow[]> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await db.select().from(roles).where(inArray(roles.id, unique)) : [];
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) {
    throw badRequest('所选角色不存在', missing.map((id) => ({ field: 'body.roleIds', message: `角色 ${id} 不存在` })));
  }
  return rows;
}

async function roleForUpdate(tx: DbLike, id: string) {
  const [row] = await tx.select().from(roles).where(eq(roles.id, id)).for('update');
  if (!row) throw notFound('角色');
  return row;
}

type RoleInput = { code: string; name: string; permissions: Permission[]; scope: DataScopeKind };

/** The permissions of the separated duties stay in their three built-in roles. */
function assertBusinessPermissions(permissions: string[]) {
  const reserved = permissions.filter(DUTY_ONLY);
  if (reserved.length) {
    throw badRequest(`以下权限只属于三员角色，不能放入自定义角色：${reserved.map((p) => PERMISSIONS[p as Permission] ?? p).join('、')}`, [
      { field: 'body.permissions', message: '含三员专属权限' },
    ]);
  }
}

export async function createRole(tx: DbLike, caller: Caller, actor: Actor, input: RoleInput) {
  const permissions = [...new Set(input.permissions)].sort();
  assertBusinessPermissions(permissions);
  assertGrantable(caller, { ...input, permissions });
  const [existing] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.code, input.code));
  if (existing) throw conflict(`角色代码「${input.code}」已存在`, [{ field: 'body.code', message: '角色代码已存在' }]);
  const [row] = await tx
    .insert(roles)
    .values({ code: input.code, name: input.name, permissions, scope: input.scope, builtin: false })
    .returning();
  await audit(tx, actor, { entity: 'role', entityId: row.id, action: 'create', after: row });
  return row;
}

export async function updateRole(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  patch: Partial<Omit<RoleInput, 'code'>> & { version: number },
) {
  const before = await roleForUpdate(tx, id);
  if (before.builtin) throw badRequest(`「${before.name}」是内置角色，不能修改；如需调整，请新建角色`);
  if (before.version !== patch.version) throw conflict();
  // Changing a role changes everyone who holds it: the caller must be able to grant it before and after.
  assertGrantable(caller, before);
  const next = {
    name: patch.name ?? before.name,
    scope: patch.scope ?? before.scope,
    permissions: patch.permissions ? [...new Set(patch.permissions)].sort() : before.permissions,
  };
  assertBusinessPermissions(next.permissions);
  assertGrantable(caller, next);
  const [after] = await tx
    .update(roles)
    .set({ ...next, version: before.version + 1, updatedAt: new Date() })
    .where(eq(roles.id, id))
    .returning();
  await audit(tx, actor, { entity: 'role', entityId: id, action: 'update', before, after });
  return after;
}
