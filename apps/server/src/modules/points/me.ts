import { and, eq, inArray, sql } from 'drizzle-orm';
import type { MyPoints } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, pointEvents, pointPeriods, pointResults, pointRules, pointTotals, units, users } from '../../db/schema/index.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import type { Caller } from '../../platform/session.ts';
import { fromCents, periodByKey } from './amounts.ts';
import { ensurePeriods } from './ledger.ts';
import { listResults, presentPeriod } from './periods.ts';
import type { DataScope } from '../../platform/scope.ts';

// 我的积分: a person's own points of a period, their place among the people of their unit, and where they came from.

const count = sql<number>`count(*)::int`;

/**
 * Rank, peer size and grade among the people of a unit, from the same ranking the ranking page shows: frozen
 * for a closed period, live (with a provisional grade) for an open one.
 */
async function rankInUnit(db: DbLike, periodKey: string, unitId: string, personId: string) {
  const unitScope: DataScope = { kind: 'unit', unitId, unitPath: null, personId: null, userId: '' };
  const { data } = await listResults(db, unitScope, { periodKey, subjectType: 'person', page: 1, pageSize: 1 }, true);
  const row = data.find((r) => r.subjectId === personId);
  return { rank: row?.rank ?? null, peerSize: row?.peerSize ?? data.length, grade: row?.grade ?? null };
}

export async function myPoints(db: DbLike, caller: Caller, requestedKey: string | undefined): Promise<MyPoints> {
  if (!caller.personId) throw badRequest('当前账号未关联人员，无法查看个人积分');
  const [person] = await db
    .select({ id: persons.id, name: persons.name, unitId: persons.unitId, unitName: units.name })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(eq(persons.id, caller.personId));
  if (!person) throw notFound('人员');
  const key = requestedKey ?? `M${shanghaiDate().slice(0, 7)}`;
  const info = periodByKey(key);
  await ensurePeriods(db, info.year);
  const [p] = await db
    .select({ p: pointPeriods, by: users.username })
    .from(pointPeriods)
    .leftJoin(users, eq(users.id, pointPeriods.closedBy))
    .where(eq(pointPeriods.key, key));
  const closed = p.p.status === 'closed';

  const mine = and(eq(pointTotals.subjectType, 'person'), eq(pointTotals.subjectId, person.id));
  const monthKeys = Array.from({ length: 12 }, (_, i) => `M${info.year}-${String(i + 1).padStart(2, '0')}`);
  const [[own], [result], months, categories] = await Promise.all([
    db.select({ total: pointTotals.total }).from(pointTotals).where(and(mine, eq(pointTotals.periodKey, key))),
    closed
      ? db.select({ total: pointResults.total }).from(pointResults).where(and(eq(pointResults.periodKey, key), eq(pointResults.subjectType, 'person'), eq(pointResults.subjectId, person.id)))
      : Promise.resolve([] as { total: number }[]),
    db.select({ periodKey: pointTotals.periodKey, total: pointTotals.total }).from(pointTotals).where(and(mine, inArray(pointTotals.periodKey, monthKeys))),
    db
      .select({ category: pointRules.category, total: sql<string>`sum(${pointEvents.points})`, events: count })
      .from(pointEvents)
      .innerJoin(pointRules, eq(pointRules.id, pointEvents.ruleId))
      .where(
        and(
          eq(pointEvents.subjectType, 'person'),
          eq(pointEvents.subjectId, person.id),
          sql`${pointEvents.bookedOn} between ${info.start} and ${info.end}`,
        ),
      )
      .groupBy(pointRules.category)
      .orderBy(pointRules.category),
  ]);
  const total = Number(result?.total ?? own?.total ?? 0);
  const place = await rankInUnit(db, key, person.unitId, person.id);
  const byMonth = new Map(months.map((m) => [m.periodKey, m.total]));
  return {
    personId: person.id,
    name: person.name,
    unitId: person.unitId,
    unitName: person.unitName,
    period: presentPeriod(p.p, p.by),
    total: fromCents(total),
    ...place,
    byCategory: categories.map((c) => ({ category: c.category, total: fromCents(c.total ?? 0), events: c.events })),
    months: monthKeys.map((k) => ({ periodKey: k, total: fromCents(byMonth.get(k) ?? 0) })),
  };
}
