import { and, asc, desc, eq, ne, or, sql, type SQL } from 'drizzle-orm';
import type { PointAppeal } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { pointAppeals, pointEvents, pointRules, pointSettings, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { addDays, shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { fromCents } from './amounts.ts';
import { subjectName, userName } from './claims.ts';
import { reversePointEvent } from './ledger.ts';

// 申诉: the subject of a ledger row contests it within the window; an upheld appeal reverses it (冲正).

async function appealWindowDays(tx: DbLike): Promise<number> {
  const [row] = await tx.select({ days: pointSettings.appealWindowDays }).from(pointSettings).where(eq(pointSettings.id, 1));
  return row?.days ?? 10;
}

/** Ledger rows the caller may contest: those of the units in scope, and the caller's own. */
function eventVisible(scope: DataScope): SQL {
  return or(unitInScope(scope, pointEvents.unitId), ownedBy(scope, pointEvents.personId))!;
}

/** Appeals about the units in scope, those the caller filed, and those about the caller's own points. */
function appealVisible(scope: DataScope): SQL {
  return or(unitInScope(scope, pointAppeals.unitId), eq(pointAppeals.createdBy, scope.userId), ownedBy(scope, pointAppeals.personId))!;
}

function selectAppeals(db: DbLike) {
  return db
    .select({
      a: pointAppeals,
      item: pointRules.item,
      points: pointEvents.points,
      occurredOn: pointEvents.occurredOn,
      subjectName: subjectName(pointEvents.subjectType, pointEvents.subjectId),
      unitName: units.name,
      createdByName: userName(pointAppeals.createdBy),
      decidedByName: userName(pointAppeals.decidedBy),
    })
    .from(pointAppeals)
    .innerJoin(pointEvents, eq(pointEvents.id, pointAppeals.eventId))
    .innerJoin(pointRules, eq(pointRules.id, pointEvents.ruleId))
    .innerJoin(units, eq(units.id, pointAppeals.unitId));
}
type Joined = Awaited<ReturnType<ReturnType<typeof selectAppeals>['where']>>[number];

function presentAppeal(r: Joined): PointAppeal {
  return {
    id: r.a.id,
    eventId: r.a.eventId,
    item: r.item,
    points: fromCents(r.points),
    occurredOn: r.occurredOn,
    subjectName: r.subjectName,
    unitId: r.a.unitId,
    unitName: r.unitName,
    reason: r.a.reason,
    status: r.a.status,
    createdByName: r.createdByName,
    createdAt: r.a.createdAt.toISOString(),
    decidedByName: r.decidedByName,
    decidedAt: r.a.decidedAt?.toISOString() ?? null,
    decision: r.a.decision,
    reversalEventId: r.a.reversalEventId,
    version: r.a.version,
  };
}

export async function presentAppealById(db: DbLike, id: string): Promise<PointAppeal> {
  const [row] = await selectAppeals(db).where(eq(pointAppeals.id, id));
  return presentAppeal(row);
}

export async function listAppeals(db: DbLike, scope: DataScope, q: ListParams & { status?: 'pending' | 'upheld' | 'dismissed'; unitId?: string }) {
  const where: SQL[] = [appealVisible(scope)];
  if (q.status) where.push(eq(pointAppeals.status, q.status));
  if (q.unitId) where.push(sql`${pointAppeals.unitId} in (select d.id from ${units} d where d.path like (select a.path from ${units} a where a.id = ${q.unitId}) || '%')`);
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const pendingFirst = sql`case ${pointAppeals.status} when 'pending' then 0 else 1 end`;
  const [rows, [{ total }]] = await Promise.all([
    selectAppeals(db)
      .where(cond)
      .orderBy(...orderOf(q.sort, { createdAt: pointAppeals.createdAt }, [asc(pendingFirst), desc(pointAppeals.createdAt), asc(pointAppeals.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(pointAppeals).where(cond),
  ]);
  return envelope(rows.map(presentAppeal), total, q);
}

/** 提出申诉: within the window after the row was written, once per row (a dismissed appeal leaves room for another). */
export async function createAppeal(tx: DbLike, caller: Caller, actor: Actor, input: { eventId: number; reason: string }): Promise<string> {
  const [event] = await tx
    .select()
    .from(pointEvents)
    .where(and(eq(pointEvents.id, input.eventId), eventVisible(caller.scope)))
    .for('update');
  if (!event) throw notFound('积分记录');
  if (event.kind === 'reversal') throw badRequest('冲正记录不能申诉', [{ field: 'body.eventId', message: '冲正记录不能申诉' }]);
  const [reversed] = await tx.select({ id: pointEvents.id }).from(pointEvents).where(eq(pointEvents.reversesEventId, event.id));
  if (reversed) throw badRequest('该积分已冲正，无需申诉', [{ field: 'body.eventId', message: '该积分已冲正' }]);
  const lastDay = addDays(shanghaiDate(event.createdAt), await appealWindowDays(tx));
  if (shanghaiDate() > lastDay) {
    throw badRequest(`已超过申诉期限：该积分的申诉截止日期为 ${lastDay}`, [{ field: 'body.eventId', message: `申诉截止日期为 ${lastDay}` }]);
  }
  const [open] = await tx
    .select({ status: pointAppeals.status })
    .from(pointAppeals)
    .where(and(eq(pointAppeals.eventId, event.id), ne(pointAppeals.status, 'dismissed')));
  if (open) throw conflict(open.status === 'pending' ? '该积分已有待裁定的申诉' : '该积分的申诉已获支持');
  const [row] = await tx
    .insert(pointAppeals)
    .values({ eventId: event.id, unitId: event.unitId, personId: event.personId, reason: input.reason, createdBy: caller.userId })
    .returning();
  await audit(tx, actor, { entity: 'point_appeal', entityId: row.id, action: 'create', after: row });
  return row.id;
}

/** 裁定: upheld → a linked reversal of the row (booked in the next open period when its own is closed). */
export async function decideAppeal(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  input: { uphold: boolean; decision: string; version: number },
): Promise<void> {
  const [before] = await tx
    .select()
    .from(pointAppeals)
    .where(and(eq(pointAppeals.id, id), unitInScope(caller.scope, pointAppeals.unitId)))
    .for('update');
  if (!before) {
    const [seen] = await tx.select({ id: pointAppeals.id }).from(pointAppeals).where(and(eq(pointAppeals.id, id), appealVisible(caller.scope)));
    if (!seen) throw notFound('申诉');
    throw forbidden('只有被申诉积分所属单位的上级可以裁定');
  }
  if (before.createdBy === caller.userId) throw forbidden('不能裁定本人提出的申诉');
  if (before.version !== input.version) throw conflict();
  if (before.status !== 'pending') throw conflict('该申诉已裁定，不能重复裁定');
  let reversalEventId: number | null = null;
  if (input.uphold) {
    const [original] = await tx.select().from(pointEvents).where(eq(pointEvents.id, before.eventId));
    const [rule] = await tx.select({ item: pointRules.item }).from(pointRules).where(eq(pointRules.id, original.ruleId));
    const reversal = await reversePointEvent(tx, original, {
      occurredOn: original.occurredOn,
      sourceType: 'appeal',
      sourceId: before.id,
      sourceLabel: `申诉获支持，冲正“${rule?.item ?? original.ruleCode}”`,
      note: input.decision,
      createdBy: caller.userId,
    });
    reversalEventId = reversal.id;
  }
  const [after] = await tx
    .update(pointAppeals)
    .set({
      status: input.uphold ? 'upheld' : 'dismissed',
      decidedBy: caller.userId,
      decidedAt: new Date(),
      decision: input.decision,
      reversalEventId,
      version: before.version + 1,
    })
    .where(eq(pointAppeals.id, id))
    .returning();
  await audit(tx, actor, { entity: 'point_appeal', entityId: id, action: input.uphold ? 'uphold' : 'dismiss', before, after });
}
