import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { PointEvent, PointSubject } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, pointAppeals, pointEvents, pointRules, units, users } from '../../db/schema/index.ts';
import { addDays, shanghaiDate } from '../../platform/calendar.ts';
import { notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, unitInScope, type DataScope } from '../../platform/scope.ts';
import { fromCents, periodByKey } from './amounts.ts';
import type { EventRow } from './ledger.ts';

// 积分明细: the ledger as the caller may see it; every row names its rule version and links to its cause.

/** Unit events of the caller's units and person events of their people; a self scope sees its own points. */
export function eventInScope(scope: DataScope): SQL {
  if (scope.kind === 'self') return and(eq(pointEvents.subjectType, 'person'), ownedBy(scope, pointEvents.personId))!;
  return unitInScope(scope, pointEvents.unitId);
}

/** The web page that shows an event's cause. */
export function sourceLink(e: Pick<EventRow, 'sourceType' | 'sourceId' | 'reversesEventId' | 'claimId'>): string | null {
  if (!e.sourceId && !e.claimId) return e.reversesEventId ? `/points/events?id=${e.reversesEventId}` : null;
  switch (e.sourceType) {
    case 'task':
      return `/tasks/${e.sourceId}`;
    case 'reflection':
      return `/study/reflections?open=${e.sourceId}`;
    case 'study_week':
      return `/study/coverage?week=${e.sourceId}`;
    case 'claim':
      return `/points/claims?open=${e.claimId ?? e.sourceId}`;
    case 'appeal':
      return `/points/appeals?open=${e.sourceId}`;
    case 'session':
      return `/study/sessions/${e.sourceId}`;
    case 'info':
      return `/info/items/${e.sourceId}`;
    default:
      return e.reversesEventId ? `/points/events?id=${e.reversesEventId}` : null;
  }
}

export type EventQuery = ListParams & {
  periodKey?: string;
  subjectType?: PointSubject;
  subjectId?: string;
  unitId?: string;
  ruleCode?: string;
  kind?: 'auto' | 'manual' | 'reversal';
  from?: string;
  to?: string;
};


function filters(scope: DataScope, q: EventQuery): SQL {
  const period = q.periodKey ? periodByKey(q.periodKey) : null;
  return and(
    eventInScope(scope),
    period ? and(gte(pointEvents.bookedOn, period.start), lte(pointEvents.bookedOn, period.end)) : undefined,
    q.from ? gte(pointEvents.bookedOn, q.from) : undefined,
    q.to ? lte(pointEvents.bookedOn, q.to) : undefined,
    q.subjectType ? eq(pointEvents.subjectType, q.subjectType) : undefined,
    q.subjectId ? eq(pointEvents.subjectId, q.subjectId) : undefined,
    q.unitId ? sql`${pointEvents.unitId} in (select u.id from units u where u.path like (select p.path from units p where p.id = ${q.unitId}) || '%')` : undefined,
    q.ruleCode ? eq(pointEvents.ruleCode, q.ruleCode) : undefined,
    q.kind ? eq(pointEvents.kind, q.kind) : undefined,
  )!;
}

async function present(db: DbLike, where: SQL, order: SQL[], limit: number, offset: number, appealWindowDays: number): Promise<PointEvent[]> {
  const rows = await db
    .select({
      e: pointEvents,
      unitName: units.name,
      subjectUnitName: sql<string | null>`(select su.name from units su where ${pointEvents.subjectType} = 'unit' and su.id = ${pointEvents.subjectId})`,
      personName: persons.name,
      ruleVersion: pointRules.ruleVersion,
      category: pointRules.category,
      item: pointRules.item,
      createdByName: users.username,
      reversedBy: sql<number | null>`(select r.id from point_events r where r.reverses_event_id = ${pointEvents.id} limit 1)`.mapWith(Number),
    })
    .from(pointEvents)
    .innerJoin(units, eq(units.id, pointEvents.unitId))
    .innerJoin(pointRules, eq(pointRules.id, pointEvents.ruleId))
    .leftJoin(persons, eq(persons.id, pointEvents.personId))
    .leftJoin(users, eq(users.id, pointEvents.createdBy))
    .where(where)
    .orderBy(...order)
    .limit(limit)
    .offset(offset);
  const ids = rows.map((r) => r.e.id);
  const appeals = ids.length
    ? await db
        .select({ eventId: pointAppeals.eventId, status: pointAppeals.status })
        .from(pointAppeals)
        .where(inArray(pointAppeals.eventId, ids))
        .orderBy(desc(pointAppeals.createdAt))
    : [];
  const appealOf = new Map<number, 'pending' | 'upheld' | 'dismissed'>();
  for (const a of appeals) if (!appealOf.has(a.eventId)) appealOf.set(a.eventId, a.status);
  return rows.map(({ e, ...r }) => ({
    id: e.id,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    subjectName: (e.subjectType === 'unit' ? r.subjectUnitName : r.personName) ?? '',
    unitId: e.unitId,
    unitName: r.unitName,
    personId: e.personId,
    ruleId: e.ruleId,
    ruleCode: e.ruleCode,
    ruleVersion: r.ruleVersion,
    category: r.category,
    item: r.item,
    points: fromCents(e.points),
    quantity: String(Number(e.quantity)),
    occurredOn: e.occurredOn,
    bookedOn: e.bookedOn,
    late: e.late,
    kind: e.kind,
    sourceType: e.sourceType,
    sourceId: e.sourceId,
    sourceLabel: e.sourceLabel,
    sourceLink: sourceLink(e),
    claimId: e.claimId,
    reversesEventId: e.reversesEventId,
    reversedByEventId: r.reversedBy ?? null,
    capped: e.capped,
    note: e.note,
    createdByName: r.createdByName,
    createdAt: e.createdAt.toISOString(),
    appealUntil: e.kind === 'reversal' || r.reversedBy ? null : addDays(shanghaiDate(e.createdAt), appealWindowDays),
    appealStatus: appealOf.get(e.id) ?? null,
  }));
}

export async function listEvents(db: DbLike, scope: DataScope, q: EventQuery, appealWindowDays: number) {
  const where = filters(scope, q);
  const { limit, offset } = pageOf(q);
  const order = orderOf(
    q.sort,
    { bookedOn: pointEvents.bookedOn, occurredOn: pointEvents.occurredOn, points: pointEvents.points, id: pointEvents.id },
    [desc(pointEvents.bookedOn), desc(pointEvents.id)],
  );
  const [data, [agg]] = await Promise.all([
    present(db, where, order, limit, offset, appealWindowDays),
    db.select({ total: sql<number>`count(*)::int`, sum: sql<string>`coalesce(sum(${pointEvents.points}), 0)::text` }).from(pointEvents).where(where),
  ]);
  return { ...envelope(data, agg.total, q), sum: fromCents(agg.sum) };
}

export async function getEvent(db: DbLike, scope: DataScope, id: number, appealWindowDays: number): Promise<PointEvent> {
  const [e] = await present(db, and(eventInScope(scope), eq(pointEvents.id, id))!, [desc(pointEvents.id)], 1, 0, appealWindowDays);
  if (!e) throw notFound('积分记录');
  return e;
}
