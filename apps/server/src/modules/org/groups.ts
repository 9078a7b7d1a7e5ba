import { and, asc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Group, GroupRole, GroupType } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { groupMembers, groups, persons, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { unitInScope, type DataScope } from '../../platform/scope.ts';
import { getUnitInScope } from './units.ts';

type GroupRow = typeof groups.$inferSelect;
type MemberInput = { personId: string; role: GroupRole };

const ROLE_ORDER: Record<GroupRole, number> = { leader: 0, deputy: 1, member: 2 };

/** Maps groups to the contract with their members: 组长 first, then 副组长, then 成员, each in the order given. */
export async function presentGroups(db: DbLike, rows: GroupRow[]): Promise<Group[]> {
  if (!rows.length) return [];
  const ids = rows.map((g) => g.id);
  const [members, unitNames] = await Promise.all([
    db
      .select({
        groupId: groupMembers.groupId,
        personId: groupMembers.personId,
        role: groupMembers.role,
        sort: groupMembers.sort,
        name: persons.name,
        post: persons.post,
        unitName: units.name,
      })
      .from(groupMembers)
      .innerJoin(persons, eq(persons.id, groupMembers.personId))
      .innerJoin(units, eq(units.id, persons.unitId))
      .where(inArray(groupMembers.groupId, ids))
      .orderBy(asc(groupMembers.sort)),
    db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, [...new Set(rows.map((g) => g.unitId))])),
  ]);
  const unitName = new Map(unitNames.map((u) => [u.id, u.name]));
  return rows.map((g) => ({
    id: g.id,
    unitId: g.unitId,
    unitName: unitName.get(g.unitId) ?? '',
    name: g.name,
    type: g.type as GroupType,
    members: members
      .filter((m) => m.groupId === g.id)
      .sort((a, b) => ROLE_ORDER[a.role as GroupRole] - ROLE_ORDER[b.role as GroupRole] || a.sort - b.sort)
      .map((m) => ({ personId: m.personId, name: m.name, post: m.post, unitName: m.unitName, role: m.role as GroupRole })),
    version: g.version,
  }));
}

export async function presentGroup(db: DbLike, row: GroupRow): Promise<Group> {
  return (await presentGroups(db, [row]))[0];
}

/** A group is visible when its unit is in the caller's scope; otherwise 404. */
export async function getGroupInScope(db: DbLike, scope: DataScope, id: string, lock = false): Promise<GroupRow> {
  const q = db.select().from(groups).where(and(eq(groups.id, id), unitInScope(scope, groups.unitId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('工作小组');
  return row;
}

export async function listGroups(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { q?: string; unitId?: string; type?: GroupType },
) {
  const where: SQL[] = [unitInScope(scope, groups.unitId)];
  if (q.q) where.push(ilike(groups.name, likeText(q.q)));
  if (q.unitId) where.push(eq(groups.unitId, q.unitId));
  if (q.type) where.push(eq(groups.type, q.type));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(groups)
      .where(cond)
      .orderBy(...orderOf(q.sort, { name: groups.name }, [asc(groups.name), asc(groups.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(groups).where(cond),
  ]);
  return envelope(await presentGroups(db, rows), total, q);
}

/**
 * Checks a member list: each person once, at most one 组长, and every person within the caller's scope
 * (someone the caller cannot see answers 404, as if it did not exist).
 */
async function checkMembers(tx: DbLike, scope: DataScope, members: MemberInput[]) {
  const seen = new Set<string>();
  for (const [i, m] of members.entries()) {
    if (seen.has(m.personId)) {
      throw badRequest('同一人员不能在小组中出现两次', [{ field: `body.members.${i}.personId`, message: '人员重复' }]);
    }
    seen.add(m.personId);
  }
  const leaders = members.filter((m) => m.role === 'leader').length;
  if (leaders > 1) {
    throw badRequest(`一个小组只能有一名组长，当前有 ${leaders} 名`, [{ field: 'body.members', message: '组长只能有一名' }]);
  }
  if (!members.length) return;
  const found = await tx
    .select({ id: persons.id })
    .from(persons)
    .where(and(inArray(persons.id, [...seen]), unitInScope(scope, persons.unitId)));
  if (found.length !== seen.size) throw notFound('小组成员');
}

async function writeMembers(tx: DbLike, groupId: string, members: MemberInput[]) {
  await tx.delete(groupMembers).where(eq(groupMembers.groupId, groupId));
  if (members.length) {
    await tx.insert(groupMembers).values(members.map((m, i) => ({ groupId, personId: m.personId, role: m.role, sort: i })));
  }
}

/** The state an audit row records: the group and who is in it in which role. */
async function snapshot(tx: DbLike, row: GroupRow) {
  const members = await tx
    .select({ personId: groupMembers.personId, role: groupMembers.role })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, row.id))
    .orderBy(asc(groupMembers.sort));
  return { ...row, members };
}

export async function createGroup(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  input: { unitId: string; name: string; type: GroupType; members: MemberInput[] },
) {
  const unit = await getUnitInScope(tx, scope, input.unitId);
  if (unit.disabled) throw badRequest(`单位「${unit.name}」已停用，不能在其下新建小组`, [{ field: 'body.unitId', message: '单位已停用' }]);
  await checkMembers(tx, scope, input.members);
  const [row] = await tx.insert(groups).values({ unitId: input.unitId, name: input.name, type: input.type }).returning();
  await writeMembers(tx, row.id, input.members);
  await audit(tx, actor, { entity: 'group', entityId: row.id, action: 'create', after: await snapshot(tx, row) });
  return row;
}

export async function updateGroup(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  id: string,
  patch: { version: number; name?: string; type?: GroupType; members?: MemberInput[] },
) {
  const row = await getGroupInScope(tx, scope, id, true);
  if (row.version !== patch.version) throw conflict();
  const before = await snapshot(tx, row);
  if (patch.members) {
    await checkMembers(tx, scope, patch.members);
    await writeMembers(tx, id, patch.members);
  }
  const [updated] = await tx
    .update(groups)
    .set({ name: patch.name ?? row.name, type: patch.type ?? row.type, version: row.version + 1, updatedAt: new Date() })
    .where(eq(groups.id, id))
    .returning();
  await audit(tx, actor, { entity: 'group', entityId: id, action: 'update', before, after: await snapshot(tx, updated) });
  return updated;
}
