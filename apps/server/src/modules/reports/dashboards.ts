import { sql, type SQL } from 'drizzle-orm';
import {
  ADOPTION_LEVELS,
  type DashboardFigures,
  type DashboardLevel,
  type DashboardLinks,
  type DashboardOverview,
  type DashboardQuery,
  type DashboardRow,
  type DashboardTrends,
  type PersonDashboard,
  type PersonDashboardQuery,
} from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { addDays, isWorkday, shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import { overdueCutoff } from '../campaigns/dates.ts';
import { getUnitInScope } from '../org/units.ts';
import { fromCents, periodByKey } from '../points/amounts.ts';
import { rowsOf } from '../points/results.ts';
import { coverageRules } from '../study/coverage.ts';
import { hoursOf } from '../study/stats.ts';

// 统计看板. The reports module reads the other modules' tables and never writes them (DESIGN.md). Each measure is
// one group by over its source table's date or unit index, joined to a small map "row → units below it", so the
// cost follows the period's rows, not the number of units. The definitions are the modules' own:
// - tasks (任务): tasks led by a unit of the row whose deadline falls in the period; overdue as the task list's
//   overdue filter (not done, deadline on or before the last working day before today)
// - study: held sessions by the day they started, minutes as 学习统计 sums them; weekly coverage recomputed from
//   the study module's per-unit weekly tally (study_unit_weeks, kept by a trigger on the sessions) with the
//   每周半天覆盖学 rules (closed weeks with a working day, each unit under an enabled rule), because the stored week
//   checks keep only the units that missed. Whole months and weeks read that tally instead of a year of sessions;
//   only a range of days that is not whole months reads the sessions, and then only those of the map's units
// - points: the ledger's events of the row's own subject booked in the period; the grade of a closed period
// - information: items submitted in the period; adoptions dated in the period as 信息统计 counts them (an item
//   adopted at two levels counts twice, an adoption into our own issue once the issue is issued)

type Period = { key: string | null; label: string; from: string; to: string };
type Kid = { id: string; name: string; type: string | null; path: string; hasChildren: boolean; hasSubunits: boolean };

const LEVEL_COLUMNS = sql.raw(ADOPTION_LEVELS.map((l, i) => `count(*) filter (where a.level = '${l}')::int as l${i + 1}`).join(', '));
const ISSUED = sql`(a.kind = 'outlet' or exists (select 1 from info_issues s where s.id = a.issue_id and s.status = 'issued'))`;
const dayStart = (d: string) => new Date(`${d}T00:00:00+08:00`).toISOString();
const pct = (num: number, den: number) => (den > 0 ? Math.round((num * 1000) / den) / 10 : null);
const inList = (ids: string[]) => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

/** A period of whole calendar months (every period key is one), with the first day of its last month; null for a range of days. */
function monthsOf(p: Period): { last: string } | null {
  if (!p.from.endsWith('-01') || addDays(p.to, 1).slice(8) !== '01') return null;
  return { last: `${p.to.slice(0, 8)}01` };
}

export function resolvePeriod(q: { period?: string; from?: string; to?: string }, today: string): Period {
  if (q.from && q.to) return { key: null, label: `${q.from} 至 ${q.to}`, from: q.from, to: q.to };
  const p = periodByKey(q.period ?? `Y${today.slice(0, 4)}`);
  return { key: p.key, label: p.label, from: p.start, to: p.end };
}

function levelOf(type: string): DashboardLevel {
  if (type === 'department') return 'city';
  if (type === 'county_department') return 'county';
  if (type === 'branch') return 'branch';
  return 'unit';
}

const periodParams = (p: Period) => (p.key ? `period=${p.key}` : `from=${p.from}&to=${p.to}`);
const qs = (parts: Record<string, string | null | undefined>) =>
  Object.entries(parts)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join('&');

/** Web routes with filters for the records behind a unit's numbers; task and session lists filter one unit only. */
function unitLinks(k: Kid, p: Period, campaignId: string | undefined, self: boolean): DashboardLinks {
  const leaf = !k.hasSubunits;
  const tasks = (extra: Record<string, string>) => `/dashboard/tasks?${qs({ leadUnitId: k.id, campaignId, from: p.from, to: p.to, ...extra })}`;
  return {
    drill: !self && k.hasChildren ? `/dashboard?${qs({ unitId: k.id, campaignId })}&${periodParams(p)}` : null,
    tasks: leaf ? tasks({}) : null,
    tasksOverdue: leaf ? tasks({ overdue: 'true' }) : null,
    tasksDone: leaf ? tasks({ status: 'done' }) : null,
    sessions: leaf ? `/study/sessions?${qs({ unitId: k.id, status: 'held', from: p.from, to: p.to })}` : null,
    coverage: `/study/coverage`,
    points: `/points/events?${qs({ subjectId: k.id, ...(p.key ? { periodKey: p.key } : { from: p.from, to: p.to }) })}`,
    infoSubmitted: `/info/items?${qs({ unitId: k.id, from: p.from, to: p.to })}`,
    infoAdopted: `/info/items?${qs({ unitId: k.id, adopted: 'true', from: p.from, to: p.to })}`,
  };
}

function personLinks(personId: string, p: Period, drill: boolean): DashboardLinks {
  return {
    drill: drill ? `/dashboard?${qs({ personId })}&${periodParams(p)}` : null,
    tasks: null,
    tasksOverdue: null,
    tasksDone: null,
    sessions: null,
    coverage: null,
    points: `/points/events?${qs({ subjectId: personId, ...(p.key ? { periodKey: p.key } : { from: p.from, to: p.to }) })}`,
    infoSubmitted: null,
    infoAdopted: null,
  };
}

const emptyFigures = (): DashboardFigures => ({
  tasks: { total: 0, done: 0, overdue: 0, completion: null },
  study: { sessions: 0, minutes: 0, hours: 0, weeksCovered: null, weeks: null, coverage: null },
  points: { total: '0', rank: null, grade: null },
  info: { submitted: 0, adopted: 0, byLevel: { 县级: 0, 市级: 0, 省级: 0, 中央: 0 } },
});

/** Closed weeks (Monday dates) of the period that hold a working day: the weeks the coverage rule checks. */
function ruleWeeks(p: Period, today: string): string[] {
  const dow = new Date(`${p.from}T00:00:00Z`).getUTCDay() || 7;
  let monday = dow === 1 ? p.from : addDays(p.from, 8 - dow);
  const out: string[] = [];
  for (; addDays(monday, 6) <= p.to && addDays(monday, 6) < today; monday = addDays(monday, 7)) {
    let work = false;
    for (let i = 0; i < 7 && !work; i++) work = isWorkday(addDays(monday, i));
    if (work) out.push(monday);
  }
  return out;
}

/**
 * The figures of rows that are units, each counting itself and every unit below it.
 * `kids` maps a row to its units by path; the row of the dashboard's own unit is among them.
 */
async function unitFigures(db: DbLike, kids: Kid[], p: Period, today: string, campaignId?: string): Promise<Map<string, DashboardFigures>> {
  const out = new Map(kids.map((k) => [k.id, emptyFigures()]));
  if (!kids.length) return out;
  const kidValues = sql.join(
    kids.map((k) => sql`(${k.id}::uuid, ${k.path}::text)`),
    sql`, `,
  );
  // Every row lies below the dashboard's own unit, the shortest path: that constant prefix lets the path index fetch
  // the subtree once, instead of matching every unit of the tree against every row.
  const top = kids.reduce((a, k) => (k.path.length < a.length ? k.path : a), kids[0].path);
  const map = sql`m as (select k.kid, u.id as uid, u.type as utype, u.disabled from (values ${kidValues}) as k(kid, kpath)
    join units u on u.path like k.kpath || '%' and u.path like ${`${top}%`})`;
  const campaign = campaignId ? sql`and t.campaign_id = ${campaignId}` : sql``;
  const fromTs = dayStart(p.from);
  const toTs = dayStart(addDays(p.to, 1));

  const tasks = rowsOf<{ kid: string; total: number; done: number; overdue: number }>(
    await db.execute(sql`with ${map}
      select m.kid, count(*)::int as total, count(*) filter (where t.status = 'done')::int as done,
        count(*) filter (where t.status <> 'done' and t.deadline <= ${overdueCutoff(today)}::date)::int as overdue
      from m join tasks t on t.lead_unit_id = m.uid
      where t.deadline between ${p.from}::date and ${p.to}::date ${campaign}
      group by m.kid`),
  );
  // A period of whole months reads the study module's per-unit monthly tally; a range of days reads the sessions.
  const months = monthsOf(p);
  const perUnit = months
    ? sql`select w.unit_id, sum(w.sessions) as sessions, sum(w.seconds) / 60 as minutes
        from study_unit_weeks w
        where w.month_start between ${p.from}::date and ${months.last}::date and w.unit_id in (select m.uid from m)
        group by w.unit_id`
    : sql`select s.unit_id, count(*) as sessions, sum(extract(epoch from (s.actual_end - s.actual_start)) / 60) as minutes
        from study_sessions s
        where s.status = 'held' and s.actual_start >= ${fromTs}::timestamptz and s.actual_start < ${toTs}::timestamptz
          and s.unit_id in (select m.uid from m)
        group by s.unit_id`;
  const study = rowsOf<{ kid: string; sessions: number; minutes: number }>(
    await db.execute(sql`with ${map}, s as (${perUnit})
      select m.kid, sum(s.sessions)::int as sessions, coalesce(sum(s.minutes), 0)::int as minutes
      from m join s on s.unit_id = m.uid
      group by m.kid`),
  );

  const rules = (await coverageRules(db)).filter((r) => r.enabled);
  const weeks = ruleWeeks(p, today);
  let covered: { kid: string; covered: number }[] = [];
  let ruled: { kid: string; n: number }[] = [];
  if (rules.length) {
    const ruleValues = sql.join(
      rules.map((r) => sql`(${r.unitType}::text, ${r.minMinutes}::int)`),
      sql`, `,
    );
    ruled = rowsOf(
      await db.execute(sql`with ${map}, r(unit_type, min_minutes) as (values ${ruleValues})
        select m.kid, count(*)::int as n from m join r on r.unit_type = m.utype where not m.disabled group by m.kid`),
    );
    if (weeks.length) {
      const weekList = sql.join(weeks.map((w) => sql`${w}::date`), sql`, `);
      covered = rowsOf(
        // covered weeks are counted per unit first, so only one row per unit meets the map of rows
        await db.execute(sql`with ${map}, r(unit_type, min_minutes) as (values ${ruleValues}),
          ru as (select distinct m.uid, r.min_minutes from m join r on r.unit_type = m.utype where not m.disabled),
          w as (
            select t.unit_id, coalesce(round(sum(t.seconds)) / 60, 0)::int as minutes
            from study_unit_weeks t
            where t.week_start in (${weekList}) and t.unit_id in (select ru.uid from ru)
            group by t.unit_id, t.week_start),
          c as (select w.unit_id, count(*) as covered from w join ru on ru.uid = w.unit_id where w.minutes >= ru.min_minutes group by w.unit_id)
          select m.kid, sum(c.covered)::int as covered
          from m join c on c.unit_id = m.uid
          group by m.kid`),
      );
    }
  }

  const submitted = rowsOf<{ kid: string; n: number }>(
    await db.execute(sql`with ${map}
      select m.kid, count(*)::int as n from m join info_items i on i.unit_id = m.uid
      where i.submitted_on between ${p.from}::date and ${p.to}::date group by m.kid`),
  );
  const adopted = rowsOf<{ kid: string; n: number; l1: number; l2: number; l3: number; l4: number }>(
    await db.execute(sql`with ${map}
      select m.kid, count(*)::int as n, ${LEVEL_COLUMNS} from m join info_adoptions a on a.unit_id = m.uid
      where a.adopted_on between ${p.from}::date and ${p.to}::date and ${ISSUED} group by m.kid`),
  );
  const ids = kids.map((k) => k.id);
  const points = await subjectPoints(db, 'unit', ids, p);

  for (const r of tasks) {
    const f = out.get(r.kid)!;
    f.tasks = { total: Number(r.total), done: Number(r.done), overdue: Number(r.overdue), completion: pct(Number(r.done), Number(r.total)) };
  }
  for (const r of study) {
    const f = out.get(r.kid)!;
    f.study.sessions = Number(r.sessions);
    f.study.minutes = Number(r.minutes);
    f.study.hours = hoursOf(Number(r.minutes));
  }
  if (rules.length) {
    const coveredOf = new Map(covered.map((c) => [c.kid, Number(c.covered)]));
    for (const r of ruled) {
      const f = out.get(r.kid)!;
      const all = Number(r.n) * weeks.length;
      const met = coveredOf.get(r.kid) ?? 0;
      f.study.weeks = all;
      f.study.weeksCovered = met;
      f.study.coverage = pct(met, all);
    }
  }
  for (const r of submitted) out.get(r.kid)!.info.submitted = Number(r.n);
  for (const r of adopted) {
    out.get(r.kid)!.info.adopted = Number(r.n);
    out.get(r.kid)!.info.byLevel = { 县级: Number(r.l1), 市级: Number(r.l2), 省级: Number(r.l3), 中央: Number(r.l4) };
  }
  for (const [id, pt] of points) out.get(id)!.points = pt;
  return out;
}

/** A subject's own points in the period, and the grade of the frozen results when the period is closed. */
async function subjectPoints(db: DbLike, type: 'unit' | 'person', ids: string[], p: Period) {
  const out = new Map<string, DashboardFigures['points']>();
  if (!ids.length) return out;
  // A period key reads the running totals the ledger keeps per subject and period (one row each); a date range
  // sums the events over the subject index.
  const sums = rowsOf<{ sid: string; cents: string }>(
    await db.execute(
      p.key
        ? sql`select subject_id as sid, total::text as cents from point_totals
            where period_key = ${p.key} and subject_type = ${type} and subject_id in (${inList(ids)})`
        : sql`select subject_id as sid, sum(points)::bigint::text as cents from point_events
            where subject_type = ${type} and subject_id in (${inList(ids)}) and booked_on between ${p.from}::date and ${p.to}::date
            group by subject_id`,
    ),
  );
  const grades = p.key
    ? rowsOf<{ sid: string; grade: string | null }>(
        await db.execute(sql`select r.subject_id as sid, r.grade from point_results r join point_periods pp on pp.key = r.period_key
          where r.period_key = ${p.key} and pp.status = 'closed' and r.subject_type = ${type} and r.subject_id in (${inList(ids)})`),
      )
    : [];
  const cents = new Map(sums.map((s) => [s.sid, s.cents]));
  const grade = new Map(grades.map((g) => [g.sid, g.grade]));
  for (const id of ids) out.set(id, { total: fromCents(cents.get(id) ?? 0), rank: null, grade: grade.get(id) ?? null });
  return out;
}

/** The figures of rows that are people: their tasks, the sessions they attended, their points and their writing. */
async function personFigures(db: DbLike, ids: string[], p: Period, today: string, campaignId?: string): Promise<Map<string, DashboardFigures>> {
  const out = new Map(ids.map((id) => [id, emptyFigures()]));
  if (!ids.length) return out;
  const list = inList(ids);
  const campaign = campaignId ? sql`and t.campaign_id = ${campaignId}` : sql``;
  const tasks = rowsOf<{ pid: string; total: number; done: number; overdue: number }>(
    await db.execute(sql`select t.responsible_person_id as pid, count(*)::int as total, count(*) filter (where t.status = 'done')::int as done,
        count(*) filter (where t.status <> 'done' and t.deadline <= ${overdueCutoff(today)}::date)::int as overdue
      from tasks t where t.responsible_person_id in (${list}) and t.deadline between ${p.from}::date and ${p.to}::date ${campaign}
      group by t.responsible_person_id`),
  );
  const study = rowsOf<{ pid: string; sessions: number; minutes: number }>(
    await db.execute(sql`select a.person_id as pid, count(*)::int as sessions,
        coalesce(sum(extract(epoch from (s.actual_end - s.actual_start)) / 60), 0)::int as minutes
      from study_attendance a join study_sessions s on s.id = a.session_id
      where a.person_id in (${list}) and a.status in ('present', 'late') and s.status = 'held'
        and s.actual_start >= ${dayStart(p.from)}::timestamptz and s.actual_start < ${dayStart(addDays(p.to, 1))}::timestamptz
      group by a.person_id`),
  );
  const submitted = rowsOf<{ pid: string; n: number }>(
    await db.execute(sql`select au.person_id as pid, count(distinct i.id)::int as n from info_items i join info_authors au on au.item_id = i.id
      where au.person_id in (${list}) and i.submitted_on between ${p.from}::date and ${p.to}::date group by au.person_id`),
  );
  const adopted = rowsOf<{ pid: string; n: number; l1: number; l2: number; l3: number; l4: number }>(
    await db.execute(sql`select a.pid, count(*)::int as n, ${LEVEL_COLUMNS} from (
        select distinct au.person_id as pid, a.id, a.level from info_adoptions a join info_authors au on au.item_id = a.item_id
        where au.person_id in (${list}) and a.adopted_on between ${p.from}::date and ${p.to}::date and ${ISSUED}) a
      group by a.pid`),
  );
  const points = await subjectPoints(db, 'person', ids, p);
  for (const r of tasks) out.get(r.pid)!.tasks = { total: Number(r.total), done: Number(r.done), overdue: Number(r.overdue), completion: pct(Number(r.done), Number(r.total)) };
  for (const r of study) {
    const f = out.get(r.pid)!;
    f.study.sessions = Number(r.sessions);
    f.study.minutes = Number(r.minutes);
    f.study.hours = hoursOf(Number(r.minutes));
  }
  for (const r of submitted) out.get(r.pid)!.info.submitted = Number(r.n);
  for (const r of adopted) {
    out.get(r.pid)!.info.adopted = Number(r.n);
    out.get(r.pid)!.info.byLevel = { 县级: Number(r.l1), 市级: Number(r.l2), 省级: Number(r.l3), 中央: Number(r.l4) };
  }
  for (const [id, pt] of points) out.get(id)!.points = pt;
  return out;
}

/** Ranks rows by points, equal totals sharing a rank (1, 1, 3). */
function rankByPoints(rows: DashboardRow[]) {
  const cents = (r: DashboardRow) => toCentsBig(r.figures.points.total);
  const sorted = [...rows].sort((a, b) => (cents(b) > cents(a) ? 1 : cents(b) < cents(a) ? -1 : 0));
  sorted.forEach((r, i) => {
    r.figures.points.rank = i > 0 && cents(sorted[i - 1]) === cents(r) ? sorted[i - 1].figures.points.rank : i + 1;
  });
}
function toCentsBig(text: string): bigint {
  const neg = text.startsWith('-');
  const [w, f = ''] = text.replace('-', '').split('.');
  const v = BigInt(w) * 100n + BigInt(f.padEnd(2, '0'));
  return neg ? -v : v;
}

/** Monthly trends of the period's year for a set of units (by path) or a person. */
async function trends(db: DbLike, year: number, target: { unitPath: string } | { personId: string }, campaignId?: string): Promise<DashboardTrends> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const fromTs = dayStart(from);
  const toTs = dayStart(`${year + 1}-01-01`);
  const campaign = campaignId ? sql`and t.campaign_id = ${campaignId}` : sql``;
  const month = (expr: SQL) => sql`extract(month from ${expr})::int`;
  const monthKeys = sql.join(
    Array.from({ length: 12 }, (_, k) => sql`${`M${year}-${String(k + 1).padStart(2, '0')}`}`),
    sql`, `,
  );
  let q: { tasks: SQL; study: SQL; info: SQL; points: SQL };
  if ('unitPath' in target) {
    const within = (col: SQL) => sql`${col} in (select u.id from units u where u.path like ${`${target.unitPath}%`})`;
    q = {
      tasks: sql`select ${month(sql`t.completed_at at time zone 'Asia/Shanghai'`)} as m, count(*)::int as v from tasks t
        where t.status = 'done' and t.completed_at >= ${fromTs}::timestamptz and t.completed_at < ${toTs}::timestamptz and ${within(sql`t.lead_unit_id`)} ${campaign} group by 1`,
      study: sql`select ${month(sql`w.month_start`)} as m, coalesce(sum(w.seconds) / 60, 0)::int as v
        from study_unit_weeks w where w.month_start between ${from}::date and ${to}::date and ${within(sql`w.unit_id`)} group by 1`,
      info: sql`select ${month(sql`a.adopted_on`)} as m, count(*)::int as v from info_adoptions a
        where a.adopted_on between ${from}::date and ${to}::date and ${ISSUED} and ${within(sql`a.unit_id`)} group by 1`,
      // the ledger's monthly running totals of the units' own points
      points: sql`select substr(t.period_key, 7, 2)::int as m, sum(t.total)::bigint::text as v from point_totals t
        where t.period_key in (${monthKeys}) and t.subject_type = 'unit' and ${within(sql`t.unit_id`)} group by 1`,
    };
  } else {
    const pid = target.personId;
    q = {
      tasks: sql`select ${month(sql`t.completed_at at time zone 'Asia/Shanghai'`)} as m, count(*)::int as v from tasks t
        where t.status = 'done' and t.completed_at >= ${fromTs}::timestamptz and t.completed_at < ${toTs}::timestamptz and t.responsible_person_id = ${pid} ${campaign} group by 1`,
      study: sql`select ${month(sql`s.actual_start at time zone 'Asia/Shanghai'`)} as m, coalesce(sum(extract(epoch from (s.actual_end - s.actual_start)) / 60), 0)::int as v
        from study_attendance a join study_sessions s on s.id = a.session_id
        where a.person_id = ${pid} and a.status in ('present', 'late') and s.status = 'held' and s.actual_start >= ${fromTs}::timestamptz and s.actual_start < ${toTs}::timestamptz group by 1`,
      info: sql`select ${month(sql`x.adopted_on`)} as m, count(*)::int as v from (
          select distinct a.id, a.adopted_on from info_adoptions a join info_authors au on au.item_id = a.item_id
          where au.person_id = ${pid} and a.adopted_on between ${from}::date and ${to}::date and ${ISSUED}) x group by 1`,
      points: sql`select substr(t.period_key, 7, 2)::int as m, t.total::text as v from point_totals t
        where t.period_key in (${monthKeys}) and t.subject_type = 'person' and t.subject_id = ${pid}`,
    };
  }
  const [t, s, i, pt] = await Promise.all([q.tasks, q.study, q.info, q.points].map(async (x) => rowsOf<{ m: number; v: number | string }>(await db.execute(x))));
  const series = <T>(rows: { m: number; v: number | string }[], map: (v: number | string | undefined) => T) => {
    const by = new Map(rows.map((r) => [Number(r.m), r.v]));
    return Array.from({ length: 12 }, (_, k) => map(by.get(k + 1)));
  };
  return {
    months: Array.from({ length: 12 }, (_, k) => `${year}-${String(k + 1).padStart(2, '0')}`),
    tasksDone: series(t, (v) => Number(v ?? 0)),
    studyHours: series(s, (v) => hoursOf(Number(v ?? 0))),
    infoAdopted: series(i, (v) => Number(v ?? 0)),
    points: series(pt, (v) => fromCents(v ?? 0)),
  };
}

/** The ancestors of a unit path the caller may see, and the unit itself. */
async function breadcrumbsOf(db: DbLike, scope: DataScope, path: string) {
  const ids = path.split('/').filter(Boolean);
  const rows = rowsOf<{ id: string; name: string; path: string }>(await db.execute(sql`select id, name, path from units where id in (${inList(ids)})`));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!).filter((u) => u && pathInScope(scope, u.path)).map((u) => ({ id: u.id, name: u.name }));
}

/**
 * 统计看板 of a unit: its own figures (the unit and all below it), one row per unit one level down (or per
 * person when nothing is below it), and the monthly trends of the period's year. A staff member (self scope) has
 * only the person dashboard.
 */
export async function dashboardOverview(db: DbLike, scope: DataScope, q: DashboardQuery, today = shanghaiDate()): Promise<DashboardOverview> {
  if (scope.kind === 'self') throw forbidden('只能查看本人的统计看板');
  const p = resolvePeriod(q, today);
  let unitId = q.unitId ?? scope.unitId;
  if (!unitId) {
    const [root] = rowsOf<{ id: string }>(
      await db.execute(sql`select u.id from units u where ${unitInScope(scope, sql`u.id`)} and not u.disabled order by u.depth, u.sort, u.name limit 1`),
    );
    if (!root) throw notFound('单位');
    unitId = root.id;
  }
  const unit = await getUnitInScope(db, scope, unitId);
  if (q.campaignId) {
    const [c] = rowsOf(await db.execute(sql`select 1 from campaigns where id = ${q.campaignId}`));
    if (!c) throw badRequest('专项行动不存在', [{ field: 'querystring.campaignId', message: '专项行动不存在' }]);
  }

  const childUnits = rowsOf<{ id: string; name: string; type: string; path: string; subunits: boolean; people: boolean }>(
    await db.execute(sql`select c.id, c.name, c.type, c.path,
        exists (select 1 from units g where g.parent_id = c.id and not g.disabled) as subunits,
        exists (select 1 from persons pe where pe.unit_id = c.id and not pe.disabled) as people
      from units c where c.parent_id = ${unit.id} and not c.disabled and ${unitInScope(scope, sql`c.id`)}
      order by c.sort, c.name`),
  );
  const selfKid: Kid = { id: unit.id, name: unit.name, type: unit.type, path: unit.path, hasChildren: true, hasSubunits: childUnits.length > 0 };
  let children: DashboardRow[];
  let childKind: 'unit' | 'person';
  let totals: DashboardFigures;
  if (childUnits.length) {
    childKind = 'unit';
    const kids: Kid[] = childUnits.map((c) => ({ id: c.id, name: c.name, type: c.type, path: c.path, hasChildren: c.subunits || c.people, hasSubunits: c.subunits }));
    const figs = await unitFigures(db, [selfKid, ...kids], p, today, q.campaignId);
    totals = figs.get(unit.id)!;
    children = kids.map((k) => ({ kind: 'unit', id: k.id, name: k.name, type: k.type, hasChildren: k.hasChildren, figures: figs.get(k.id)!, links: unitLinks(k, p, q.campaignId, false) }));
  } else {
    childKind = 'person';
    const people = rowsOf<{ id: string; name: string; post: string | null }>(
      await db.execute(sql`select id, name, post from persons where unit_id = ${unit.id} and not disabled order by name`),
    );
    const [figs, own] = await Promise.all([
      personFigures(db, people.map((x) => x.id), p, today, q.campaignId),
      unitFigures(db, [selfKid], p, today, q.campaignId),
    ]);
    totals = own.get(unit.id)!;
    children = people.map((x) => ({ kind: 'person', id: x.id, name: x.name, type: x.post, hasChildren: true, figures: figs.get(x.id)!, links: personLinks(x.id, p, true) }));
  }
  rankByPoints(children);
  return {
    level: levelOf(unit.type),
    unit: { id: unit.id, name: unit.name, type: unit.type },
    breadcrumbs: await breadcrumbsOf(db, scope, unit.path),
    period: p,
    campaignId: q.campaignId ?? null,
    total: totals,
    totalLinks: unitLinks(selfKid, p, q.campaignId, true),
    childKind,
    children,
    trends: await trends(db, Number(p.from.slice(0, 4)), { unitPath: unit.path }, q.campaignId),
  };
}

/** A person's dashboard: their tasks, the study they attended, reflections, points and writing. */
export async function personDashboard(db: DbLike, scope: DataScope, q: PersonDashboardQuery, today = shanghaiDate()): Promise<PersonDashboard> {
  const p = resolvePeriod(q, today);
  const personId = q.personId ?? scope.personId;
  if (!personId) throw badRequest('当前账号未关联人员，没有个人统计');
  // one's own dashboard is always visible; anyone else's only within the caller's units
  const visible = personId === scope.personId ? sql`true` : scope.kind === 'self' ? sql`false` : unitInScope(scope, sql`pe.unit_id`);
  const [me] = rowsOf<{ id: string; name: string; unit_id: string; unit_name: string; unit_path: string }>(
    await db.execute(sql`select pe.id, pe.name, pe.unit_id, u.name as unit_name, u.path as unit_path
      from persons pe join units u on u.id = pe.unit_id where pe.id = ${personId} and ${visible}`),
  );
  if (!me) throw notFound('人员');
  const figs = (await personFigures(db, [me.id], p, today)).get(me.id)!;
  const [refl] = rowsOf<{ submitted: number; excellent: number }>(
    await db.execute(sql`select count(*)::int as submitted, count(*) filter (where status = 'excellent')::int as excellent
      from study_reflections where person_id = ${me.id} and status <> 'draft'
        and submitted_at >= ${dayStart(p.from)}::timestamptz and submitted_at < ${dayStart(addDays(p.to, 1))}::timestamptz`),
  );
  return {
    level: 'person',
    person: { id: me.id, name: me.name, unitId: me.unit_id, unitName: me.unit_name },
    breadcrumbs: scope.kind === 'self' ? [] : await breadcrumbsOf(db, scope, me.unit_path),
    period: p,
    figures: figs,
    reflections: { submitted: Number(refl.submitted), excellent: Number(refl.excellent) },
    links: {
      ...personLinks(me.id, p, false),
      sessions: scope.kind === 'self' ? '/study/me' : null,
      infoSubmitted: scope.kind === 'self' ? `/info/items?${qs({ mine: 'true', from: p.from, to: p.to })}` : null,
    },
    trends: await trends(db, Number(p.from.slice(0, 4)), { personId: me.id }),
  };
}
