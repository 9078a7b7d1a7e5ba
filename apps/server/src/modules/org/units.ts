import { and, asc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import { UNIT_TYPES, type Unit, type UnitType } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { unitNamePaths } from '../../platform/export.ts';
import { unitInScope, type DataScope } from '../../platform/scope.ts';
import type { XlsxColumn } from './xlsx.ts';

type UnitRow = typeof units.$inferSelect;

export function presentUnit(r: UnitRow): Unit {
  return {
    id: r.id,
    parentId: r.parentId,
    name: r.name,
    type: r.type as Unit['type'],
    path: r.path,
    depth: r.depth,
    sort: r.sort,
    disabled: r.disabled,
    version: r.version,
  };
}

/** A unit the caller may see, or 404. `for update` locks it for the rest of the transaction. */
export async function getUnitInScope(db: DbLike, scope: DataScope, id: string, lock = false): Promise<UnitRow> {
  const q = db.select().from(units).where(and(eq(units.id, id), unitInScope(scope, units.id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('单位');
  return row;
}

type UnitFilters = { q?: string; parentId?: string; includeDisabled?: boolean };
const unitSortColumns = { name: units.name, sort: units.sort, path: units.path };
const unitDefaultOrder = [asc(units.depth), asc(units.sort), asc(units.name), asc(units.id)];

function unitFilters(scope: DataScope, q: UnitFilters) {
  const where: SQL[] = [unitInScope(scope, units.id)];
  if (q.q) where.push(ilike(units.name, likeText(q.q)));
  if (q.parentId) where.push(eq(units.parentId, q.parentId));
  if (!q.includeDisabled) where.push(eq(units.disabled, false));
  return and(...where);
}

export async function listUnits(db: DbLike, scope: DataScope, q: ListParams & UnitFilters) {
  const cond = unitFilters(scope, q);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(units)
      .where(cond)
      .orderBy(...orderOf(q.sort, unitSortColumns, unitDefaultOrder))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(units).where(cond),
  ]);
  return envelope(rows.map(presentUnit), total, q);
}

/** Every unit in scope, for trees and pickers (units are a few thousand at most). */
export async function unitTree(db: DbLike, scope: DataScope, includeDisabled = false) {
  const rows = await db
    .select()
    .from(units)
    .where(and(unitInScope(scope, units.id), includeDisabled ? undefined : eq(units.disabled, false)))
    .orderBy(asc(units.depth), asc(units.sort), asc(units.name));
  return rows.map(presentUnit);
}

export async function createUnit(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  input: { parentId: string | null; name: string; type: string; sort?: number },
) {
  let parentPath = '/';
  let depth = 0;
  if (input.parentId) {
    const parent = await getUnitInScope(tx, scope, input.parentId, true);
    if (parent.disabled) throw badRequest('上级单位已停用，不能在其下新建单位');
    parentPath = parent.path;
    depth = parent.depth + 1;
  } else if (scope.kind !== 'all') {
    throw forbidden('只有全局管理员可以新建顶级单位');
  }
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(units)
    .values({ id, parentId: input.parentId, name: input.name, type: input.type, sort: input.sort ?? 0, path: `${parentPath}${id}/`, depth })
    .returning();
  await audit(tx, actor, { entity: 'unit', entityId: id, action: 'create', after: row });
  return row;
}

export async function updateUnit(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  id: string,
  patch: { version: number; name?: string; type?: string; sort?: number; disabled?: boolean },
) {
  const before = await getUnitInScope(tx, scope, id, true);
  if (before.version !== patch.version) throw conflict();
  if (patch.disabled === true && scope.unitId === id) throw badRequest('不能停用自己所在的单位');
  const { version: _v, ...fields } = patch;
  const [after] = await tx
    .update(units)
    .set({ ...fields, version: before.version + 1, updatedAt: new Date() })
    .where(eq(units.id, id))
    .returning();
  const action = patch.disabled === true ? 'disable' : patch.disabled === false ? 'enable' : 'update';
  await audit(tx, actor, { entity: 'unit', entityId: id, action, before, after });
  return after;
}

/** Moves a unit (and everything below it) under a new parent, rewriting the materialised paths in one statement. */
export async function moveUnit(tx: DbLike, scope: DataScope, actor: Actor, id: string, input: { version: number; parentId: string }) {
  const before = await getUnitInScope(tx, scope, id, true);
  if (before.version !== input.version) throw conflict();
  if (scope.unitId === id) throw badRequest('不能移动自己所在的单位');
  const parent = await getUnitInScope(tx, scope, input.parentId, true);
  if (parent.path.startsWith(before.path)) throw badRequest('不能把单位移到它自己或它的下级单位之下');
  const newPath = `${parent.path}${id}/`;
  const depthDelta = parent.depth + 1 - before.depth;
  await tx
    .update(units)
    .set({
      path: sql`${newPath} || substr(${units.path}, ${before.path.length + 1})`,
      depth: sql`${units.depth} + ${depthDelta}`,
    })
    .where(sql`${units.path} like ${`${before.path}%`}`);
  const [after] = await tx
    .update(units)
    .set({ parentId: parent.id, version: before.version + 1, updatedAt: new Date() })
    .where(eq(units.id, id))
    .returning();
  await audit(tx, actor, { entity: 'unit', entityId: id, action: 'move', before, after });
  return after;
}

export { namePathOf, unitNamePaths } from '../../platform/export.ts';

export const UNIT_EXPORT_COLUMNS: XlsxColumn[] = [
  { header: '单位名称', key: 'name', width: 28 },
  { header: '上级单位', key: 'parent', width: 28 },
  { header: '单位类型', key: 'type', width: 18 },
  { header: '单位路径', key: 'path', width: 60 },
  { header: '排序', key: 'sort', width: 8 },
  { header: '状态', key: 'status', width: 8 },
];

/** One page of the unit list with the name path of each unit and its parent, for the export. */
export async function unitExportPage(db: DbLike, scope: DataScope, q: ListParams & UnitFilters) {
  const page = await listUnits(db, scope, q);
  const paths = await unitNamePaths(db, page.data.flatMap((r) => (r.parentId ? [r.id, r.parentId] : [r.id])));
  return { data: page.data.map((unit) => ({ unit, paths })), total: page.total };
}

export function unitExportRow({ unit: r, paths }: { unit: Unit; paths: Map<string, string> }) {
  return {
    name: r.name,
    parent: r.parentId ? (paths.get(r.parentId) ?? '').split('/').pop() : '',
    type: UNIT_TYPES[r.type as UnitType] ?? r.type,
    path: paths.get(r.id) ?? r.name,
    sort: r.sort,
    status: r.disabled ? '停用' : '正常',
  };
}
