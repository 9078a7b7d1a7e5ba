import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { SupervisionReport } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, pointPeriods, pointResults, pointTotals, units } from '../../db/schema/index.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { excelDate, UNIT_PATH_KEY, type XlsxColumn } from '../../platform/export.ts';
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

/** The units of a supervisor's year as a sheet, as the page's table shows them, with each unit's path and a 合计 line. */
export const SUPERVISION_COLUMNS: XlsxColumn[] = [
  { header: '包联单位', key: 'unitName', width: 24 },
  { header: '包联开始', key: 'fromDate', width: 12, numFmt: 'yyyy-mm-dd' },
  { header: '包联结束', key: 'toDate', width: 12, numFmt: 'yyyy-mm-dd' },
  { header: '开展学习', key: 'sessionsHeld', width: 10 },
  { header: '列席', key: 'attended', width: 8 },
  { header: '点评', key: 'comments', width: 8 },
  { header: '在办任务', key: 'tasksOpen', width: 10 },
  { header: '逾期任务', key: 'tasksOverdue', width: 10 },
  { header: '积分', key: 'points', width: 10, numFmt: '0.00' },
  { header: '等次', key: 'grade', width: 8 },
  { header: '单位路径', key: UNIT_PATH_KEY, width: 48 },
];

export function supervisionSheetRows(r: SupervisionReport, paths: Map<string, string>): Record<string, unknown>[] {
  const sum = (k: 'sessionsHeld' | 'tasksOpen' | 'tasksOverdue') => r.units.reduce((n, u) => n + u[k], 0);
  return [
    ...r.units.map((u) => ({
      ...u,
      fromDate: excelDate(u.fromDate),
      toDate: excelDate(u.toDate) ?? '长期',
      points: Number(u.points),
      grade: u.grade ?? '',
      [UNIT_PATH_KEY]: paths.get(u.unitId) ?? '',
    })),
    { unitName: '合计', sessionsHeld: sum('sessionsHeld'), attended: r.attended, comments: r.comments, tasksOpen: sum('tasksOpen'), tasksOverdue: sum('tasksOverdue') },
  ];
}

export const SUPERVISOR_COLUMNS: XlsxColumn[] = [
  { header: '督导员', key: 'name', width: 12 },
  { header: '所在单位', key: 'unitName', width: 24 },
  { header: '包联单位（个）', key: 'units', width: 14 },
  { header: '列席（场次）', key: 'attended', width: 12 },
  { header: '点评（次）', key: 'comments', width: 12 },
];
