import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { StudySessionType, StudySupervision } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, studySessionTypes, studySupervisions, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';

// 学习形式 dictionary and 包联 supervisor assignments.

/** The forms of study the department starts with; an admin renames, reorders, disables or adds to them. */
export const DEFAULT_SESSION_TYPES = [
  { code: 'collective', name: '集中学习' },
  { code: 'morning_reading', name: '晨读+分享' },
  { code: 'friday_topic', name: '周五专题' },
  { code: 'central_group', name: '中心组学习' },
  { code: 'book_sharing', name: '读书分享' },
  { code: 'online', name: '线上学习' },
];

/** Adds the default types that are missing (by code); never overwrites what an admin changed. */
export async function ensureSessionTypes(db: DbLike) {
  await db
    .insert(studySessionTypes)
    .values(DEFAULT_SESSION_TYPES.map((t, i) => ({ ...t, sort: (i + 1) * 10 })))
    .onConflictDoNothing({ target: studySessionTypes.code });
}

type TypeRow = typeof studySessionTypes.$inferSelect;
const presentType = (t: TypeRow): StudySessionType => ({ id: t.id, code: t.code, name: t.name, sort: t.sort, disabled: t.disabled, version: t.version });

export async function listSessionTypes(db: DbLike): Promise<StudySessionType[]> {
  const rows = await db.select().from(studySessionTypes).orderBy(asc(studySessionTypes.sort), asc(studySessionTypes.code));
  return rows.map(presentType);
}

export async function createSessionType(tx: DbLike, actor: Actor, input: { code: string; name: string; sort: number }) {
  const [row] = await tx.insert(studySessionTypes).values(input).returning();
  await audit(tx, actor, { entity: 'study_session_type', entityId: row.id, action: 'create', after: row });
  return presentType(row);
}

export async function updateSessionType(
  tx: DbLike,
  actor: Actor,
  id: string,
  patch: { version: number; name?: string; sort?: number; disabled?: boolean },
) {
  const [before] = await tx.select().from(studySessionTypes).where(eq(studySessionTypes.id, id)).for('update');
  if (!before) throw notFound('学习形式');
  if (before.version !== patch.version) throw conflict();
  const { version: _v, ...fields } = patch;
  const [after] = await tx
    .update(studySessionTypes)
    .set({ ...fields, version: before.version + 1, updatedAt: new Date() })
    .where(eq(studySessionTypes.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_session_type', entityId: id, action: 'update', before, after });
  return presentType(after);
}

// 包联

const supervisionColumns = {
  s: studySupervisions,
  supervisorName: persons.name,
  unitName: units.name,
};

function selectSupervisions(db: DbLike) {
  return db
    .select(supervisionColumns)
    .from(studySupervisions)
    .innerJoin(persons, eq(persons.id, studySupervisions.supervisorPersonId))
    .innerJoin(units, eq(units.id, studySupervisions.unitId));
}

function presentSupervision(r: { s: typeof studySupervisions.$inferSelect; supervisorName: string; unitName: string }): StudySupervision {
  return {
    id: r.s.id,
    supervisorPersonId: r.s.supervisorPersonId,
    supervisorName: r.supervisorName,
    unitId: r.s.unitId,
    unitName: r.unitName,
    fromDate: r.s.fromDate,
    toDate: r.s.toDate,
  };
}

/** Assignments of units in the caller's scope, and a supervisor's own assignments. */
function supervisionVisible(scope: DataScope): SQL {
  return or(
    unitInScope(scope, studySupervisions.unitId),
    scope.personId ? eq(studySupervisions.supervisorPersonId, scope.personId) : sql`false`,
  )!;
}

export async function listSupervisions(db: DbLike, scope: DataScope, q: ListParams & { unitId?: string; supervisorPersonId?: string }) {
  const where: SQL[] = [supervisionVisible(scope)];
  if (q.unitId) where.push(eq(studySupervisions.unitId, q.unitId));
  if (q.supervisorPersonId) where.push(eq(studySupervisions.supervisorPersonId, q.supervisorPersonId));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectSupervisions(db)
      .where(cond)
      .orderBy(...orderOf(q.sort, { fromDate: studySupervisions.fromDate }, [asc(units.name), asc(persons.name), asc(studySupervisions.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(studySupervisions).where(cond),
  ]);
  return envelope(rows.map(presentSupervision), total, q);
}

export async function createSupervision(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: { supervisorPersonId: string; unitId: string; fromDate: string; toDate?: string | null },
): Promise<StudySupervision> {
  const [u] = await tx.select().from(units).where(eq(units.id, input.unitId));
  if (!u || !pathInScope(caller.scope, u.path)) throw notFound('单位');
  const [p] = await tx
    .select({ id: persons.id, disabled: persons.disabled, unitPath: units.path })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(eq(persons.id, input.supervisorPersonId));
  if (!p || !pathInScope(caller.scope, p.unitPath)) throw notFound('督导员');
  if (p.disabled) throw badRequest('该人员已停用', [{ field: 'body.supervisorPersonId', message: '该人员已停用' }]);
  const [row] = await tx
    .insert(studySupervisions)
    .values({ ...input, toDate: input.toDate ?? null, createdBy: caller.userId })
    .returning();
  await audit(tx, actor, { entity: 'study_supervision', entityId: row.id, action: 'create', after: row });
  const [joined] = await selectSupervisions(tx).where(eq(studySupervisions.id, row.id));
  return presentSupervision(joined);
}

export async function deleteSupervision(tx: DbLike, scope: DataScope, actor: Actor, id: string) {
  const [row] = await tx
    .select()
    .from(studySupervisions)
    .where(and(eq(studySupervisions.id, id), unitInScope(scope, studySupervisions.unitId)))
    .for('update');
  if (!row) throw notFound('包联关系');
  await tx.delete(studySupervisions).where(eq(studySupervisions.id, id));
  await audit(tx, actor, { entity: 'study_supervision', entityId: id, action: 'delete', before: row });
}
