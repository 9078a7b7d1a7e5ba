import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { SupervisionReport } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, pointPeriods, pointResults, pointTotals, units } from '../../db/schema/index.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { hasUnitReach, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { clock } from '../campaigns/dates.ts';
import { taskCountsByUnit } from '../campaigns/tasks.ts';
import { supervisedUnits, supervisionActivity, supervisorTotals } from '../study/supervision.ts';
import { fromCents } from './amounts.ts';

// 包联督导: what a supervisor did for the units assigned to them in a year (列席, 点评) next to how those
// units fare (tasks, points, grade). Seed 002 counts it per supervisor: 年均列席…50 余场次.

const yearRange = (year: number) => ({ from: `${year}-01-01`, to: `${year}-12-31` });

/**
 * Whose report the caller reads, and which of that supervisor's units they may see: a supervisor reads their own,
 * every unit; an admin reads a supervisor of a unit in scope (or of its own units), only the units in scope.
 */
async function resolveSupervisor(db: DbLike, caller: Caller, requested: string | undefined, year: number): Promise<{ personId: string; filter: DataScope | null }> {
  const own = caller.personId;
  if (!requested || requested === own) {
    if (!own) throw badRequest(hasUnitReach(caller.scope) ? '请选择督导员' : '当前账号未关联人员，无法查看包联督导情况');
    return { personId: own, filter: null };
  }
  if (!hasUnitReach(caller.scope)) throw notFound('督导员');
  const [person] = await db.select({ id: persons.id }).from(persons).where(and(eq(persons.id, requested), unitInScope(caller.scope, persons.unitId)));
  if (!person) {
    const { from, to } = yearRange(year);
    const units = await supervisedUnits(db, requested, from, to, caller.scope);
    if (!units.length) throw notFound('督导员');
  }
  return { personId: requested, filter: caller.scope };
}

/** The latest closed period's grade of each unit in the year (a year or half year before the month ending with it). */
async function lastGrades(db: DbLike, unitIds: string[], year: number): Promise<Map<string, string | null>> {
  if (!unitIds.length) return new Map();
  const rows = await db
    .select({ unitId: pointResults.subjectId, grade: pointResults.grade })
    .from(pointResults)
    .innerJoin(pointPeriods, eq(pointPeriods.key, pointResults.periodKey))
    .where(and(eq(pointResults.subjectType, 'unit'), inArray(pointResults.subjectId, unitIds), eq(pointPeriods.status, 'closed'), eq(pointPeriods.year, year)))
    .orderBy(desc(pointPeriods.endDate), asc(pointPeriods.startDate));
  const out = new Map<string, string | null>();
  for (const r of rows) if (!out.has(r.unitId)) out.set(r.unitId, r.grade);
  return out;
}

async function yearTotals(db: DbLike, unitIds: string[], year: number): Promise<Map<string, number>> {
  if (!unitIds.length) return new Map();
  const rows = await db
    .select({ unitId: pointTotals.subjectId, total: pointTotals.total })
    .from(pointTotals)
    .where(and(eq(pointTotals.periodKey, `Y${year}`), eq(pointTotals.subjectType, 'unit'), inArray(pointTotals.subjectId, unitIds)));
  return new Map(rows.map((r) => [r.unitId, Number(r.total)]));
}

export async function supervisionReport(db: DbLike, caller: Caller, q: { year: number; supervisorPersonId?: string }): Promise<SupervisionReport> {
  const { personId, filter } = await resolveSupervisor(db, caller, q.supervisorPersonId, q.year);
  const [person] = await db.select({ name: persons.name }).from(persons).where(eq(persons.id, personId));
  if (!person) throw notFound('督导员');
  const { from, to } = yearRange(q.year);
  const assigned = await supervisedUnits(db, personId, from, to, filter);
  const unitIds = assigned.map((u) => u.unitId);
  const [activity, tasks, totals, grades] = await Promise.all([
    supervisionActivity(db, personId, unitIds, from, to),
    taskCountsByUnit(db, unitIds, clock.today()),
    yearTotals(db, unitIds, q.year),
    lastGrades(db, unitIds, q.year),
  ]);
  const rows = assigned.map((u) => {
    const a = activity.byUnit.get(u.unitId)!;
    const t = tasks.get(u.unitId)!;
    return {
      ...u,
      sessionsHeld: a.held,
      attended: a.attended,
      comments: a.comments,
      tasksOpen: t.open,
      tasksOverdue: t.overdue,
      points: fromCents(totals.get(u.unitId) ?? 0),
      grade: grades.get(u.unitId) ?? null,
    };
  });
  return {
    supervisorPersonId: personId,
    supervisorName: person.name,
    year: q.year,
    attended: rows.reduce((s, r) => s + r.attended, 0),
    comments: rows.reduce((s, r) => s + r.comments, 0),
    units: rows,
    sessions: activity.sessions,
  };
}

/** Every supervisor of a unit in scope in the year, with what they did; a supervisor sees only their own line. */
export async function supervisorSummaries(db: DbLike, caller: Caller, year: number) {
  const { from, to } = yearRange(year);
  if (hasUnitReach(caller.scope)) return supervisorTotals(db, caller.scope, from, to);
  if (!caller.personId) return [];
  const [self] = await db
    .select({ personId: persons.id, name: persons.name, unitName: units.name })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(eq(persons.id, caller.personId));
  const assigned = await supervisedUnits(db, caller.personId, from, to, null);
  if (!self || !assigned.length) return [];
  const { byUnit } = await supervisionActivity(db, caller.personId, assigned.map((u) => u.unitId), from, to, 0);
  const counts = [...byUnit.values()];
  return [
    {
      ...self,
      units: assigned.length,
      attended: counts.reduce((s, c) => s + c.attended, 0),
      comments: counts.reduce((s, c) => s + c.comments, 0),
    },
  ];
}
