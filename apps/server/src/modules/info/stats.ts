import { sql, type SQL } from 'drizzle-orm';
import { ADOPTION_LEVELS, PROBLEM_CATEGORY, type InfoStats } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { unitInScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import type { XlsxColumn } from '../org/xlsx.ts';
import { fromCents, periodByKey } from '../points/amounts.ts';
import { rowsOf } from '../points/results.ts';

// 统计与排名 of information work for a period, per unit (the items' own unit) or per author.
//
// Every measure is aggregated in SQL with one group by per source table over the period's date index, then
// joined on the subject: the cost follows the period's rows, not the number of subjects.
// - submitted: items first submitted in the period; problems: those of the category 问题建议
// - adopted: adoptions dated in the period (an item adopted at two levels counts twice: once per adoption), of which
//   byLevel by the level of each adoption; an adoption into our own issue counts once the issue is issued
// - instructed: 领导批示 dated in the period; media: media reports published in the period
// - score: the ledger's points from information (source_type 'info') booked in the period
// Rows are the subjects with anything to show in the period; the rank is by score, then adopted, then submitted,
// and equal subjects share a rank (1, 1, 3).

type Raw = {
  subject_id: string;
  name: string;
  unit_name: string;
  unit_path: string;
  submitted: number;
  problems: number;
  adopted: number;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  instructed: number;
  media: number;
  score: string;
  rank: number;
};

/** 市委宣传部 / 甲县委宣传部: the names of a unit and the units above it. */
const readablePath = (unitId: SQL) =>
  sql`(select string_agg(a.name, ' / ' order by a.depth) from units a where (select p.path from units p where p.id = ${unitId}) like a.path || '%')`;

const levelCounts = sql.raw(ADOPTION_LEVELS.map((l, i) => `count(*) filter (where a.level = '${l}')::int as l${i + 1}`).join(', '));

export async function infoStats(db: DbLike, caller: Caller, q: { period: string; by: 'unit' | 'author'; unitId?: string }): Promise<InfoStats> {
  const p = periodByKey(q.period);
  const self = caller.scope.kind === 'self';
  // a staff member sees their own row, as an author
  const by = self ? 'author' : q.by;
  const from = p.start;
  const to = p.end;
  const issued = sql`(a.kind = 'outlet' or exists (select 1 from info_issues s where s.id = a.issue_id and s.status = 'issued'))`;
  let query: SQL;
  if (by === 'unit') {
    const within = and_(unitInScope(caller.scope, sql`u.id`), q.unitId ? sql`u.path like (select f.path from units f where f.id = ${q.unitId}) || '%'` : undefined);
    query = sql`
      with sub as (
        select unit_id as sid, count(*)::int as submitted, count(*) filter (where category = ${PROBLEM_CATEGORY})::int as problems
        from info_items where submitted_on between ${from} and ${to} group by unit_id),
      ado as (
        select a.unit_id as sid, count(*)::int as adopted, ${levelCounts}
        from info_adoptions a where a.adopted_on between ${from} and ${to} and ${issued} group by a.unit_id),
      ins as (select unit_id as sid, count(*)::int as n from info_instructions where instructed_on between ${from} and ${to} group by unit_id),
      med as (select unit_id as sid, count(*)::int as n from info_media_reports where published_on between ${from} and ${to} group by unit_id),
      pts as (
        select subject_id as sid, sum(points)::bigint as cents from point_events
        where subject_type = 'unit' and source_type = 'info' and booked_on between ${from} and ${to} group by subject_id),
      keys as (select sid from sub union select sid from ado union select sid from ins union select sid from med union select sid from pts)
      select u.id as subject_id, u.name, u.name as unit_name, ${readablePath(sql`u.id`)} as unit_path,
        coalesce(sub.submitted, 0) as submitted, coalesce(sub.problems, 0) as problems,
        coalesce(ado.adopted, 0) as adopted, coalesce(ado.l1, 0) as l1, coalesce(ado.l2, 0) as l2, coalesce(ado.l3, 0) as l3, coalesce(ado.l4, 0) as l4,
        coalesce(ins.n, 0) as instructed, coalesce(med.n, 0) as media, coalesce(pts.cents, 0)::text as score,
        rank() over (order by coalesce(pts.cents, 0) desc, coalesce(ado.adopted, 0) desc, coalesce(sub.submitted, 0) desc)::int as rank
      from keys k join units u on u.id = k.sid
        left join sub on sub.sid = k.sid left join ado on ado.sid = k.sid left join ins on ins.sid = k.sid
        left join med on med.sid = k.sid left join pts on pts.sid = k.sid
      where ${within}
      order by rank, u.path`;
  } else {
    const within = self
      ? caller.personId
        ? sql`pe.id = ${caller.personId}`
        : sql`false`
      : and_(unitInScope(caller.scope, sql`pe.unit_id`), q.unitId ? sql`pe.unit_id in (select d.id from units d where d.path like (select f.path from units f where f.id = ${q.unitId}) || '%')` : undefined);
    query = sql`
      with sub as (
        select au.person_id as sid, count(distinct i.id)::int as submitted,
          count(distinct i.id) filter (where i.category = ${PROBLEM_CATEGORY})::int as problems
        from info_items i join info_authors au on au.item_id = i.id
        where i.submitted_on between ${from} and ${to} and au.person_id is not null group by au.person_id),
      ado_people as (
        select distinct au.person_id as sid, a.id, a.level from info_adoptions a join info_authors au on au.item_id = a.item_id
        where a.adopted_on between ${from} and ${to} and au.person_id is not null and ${issued}),
      ado as (select a.sid, count(*)::int as adopted, ${levelCounts} from ado_people a group by a.sid),
      ins as (
        select au.person_id as sid, count(distinct n.id)::int as n from info_instructions n join info_authors au on au.item_id = n.item_id
        where n.instructed_on between ${from} and ${to} and au.person_id is not null group by au.person_id),
      med as (select reporter_id as sid, count(*)::int as n from info_media_reports where published_on between ${from} and ${to} and reporter_id is not null group by reporter_id),
      pts as (
        select subject_id as sid, sum(points)::bigint as cents from point_events
        where subject_type = 'person' and source_type = 'info' and booked_on between ${from} and ${to} group by subject_id),
      keys as (select sid from sub union select sid from ado union select sid from ins union select sid from med union select sid from pts)
      select pe.id as subject_id, pe.name, u.name as unit_name, ${readablePath(sql`u.id`)} as unit_path,
        coalesce(sub.submitted, 0) as submitted, coalesce(sub.problems, 0) as problems,
        coalesce(ado.adopted, 0) as adopted, coalesce(ado.l1, 0) as l1, coalesce(ado.l2, 0) as l2, coalesce(ado.l3, 0) as l3, coalesce(ado.l4, 0) as l4,
        coalesce(ins.n, 0) as instructed, coalesce(med.n, 0) as media, coalesce(pts.cents, 0)::text as score,
        rank() over (order by coalesce(pts.cents, 0) desc, coalesce(ado.adopted, 0) desc, coalesce(sub.submitted, 0) desc)::int as rank
      from keys k join persons pe on pe.id = k.sid join units u on u.id = pe.unit_id
        left join sub on sub.sid = k.sid left join ado on ado.sid = k.sid left join ins on ins.sid = k.sid
        left join med on med.sid = k.sid left join pts on pts.sid = k.sid
      where ${within}
      order by rank, u.path, pe.name`;
  }
  const raw = rowsOf<Raw>(await db.execute(query));
  const rows = raw.map((r) => {
    const counts = { submitted: Number(r.submitted), problems: Number(r.problems) };
    return {
      rank: Number(r.rank),
      subjectId: r.subject_id,
      name: r.name,
      unitName: r.unit_name,
      unitPath: r.unit_path ?? r.unit_name,
      ...counts,
      problemShare: share(counts.problems, counts.submitted),
      adopted: Number(r.adopted),
      adoptedByLevel: { 县级: Number(r.l1), 市级: Number(r.l2), 省级: Number(r.l3), 中央: Number(r.l4) },
      instructed: Number(r.instructed),
      media: Number(r.media),
      score: fromCents(r.score),
      cents: BigInt(r.score),
    };
  });
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
  const submitted = sum((r) => r.submitted);
  const problems = sum((r) => r.problems);
  return {
    period: p.key,
    from,
    to,
    by,
    rows: rows.map(({ cents: _c, ...r }) => r),
    totals: {
      submitted,
      problems,
      problemShare: share(problems, submitted),
      adopted: sum((r) => r.adopted),
      adoptedByLevel: {
        县级: sum((r) => r.adoptedByLevel.县级),
        市级: sum((r) => r.adoptedByLevel.市级),
        省级: sum((r) => r.adoptedByLevel.省级),
        中央: sum((r) => r.adoptedByLevel.中央),
      },
      instructed: sum((r) => r.instructed),
      media: sum((r) => r.media),
      score: fromCents(rows.reduce((s, r) => s + r.cents, 0n)),
    },
  };
}

/** percent with one decimal, rounded half up, by integer arithmetic */
function share(part: number, whole: number): number {
  return whole ? Math.round((part * 1000) / whole) / 10 : 0;
}

function and_(...parts: (SQL | undefined)[]): SQL {
  const present = parts.filter((x): x is SQL => !!x);
  return present.length ? sql.join(present, sql` and `) : sql`true`;
}

export const statsColumns = (by: 'unit' | 'author'): XlsxColumn[] => [
  { header: '排名', key: 'rank', width: 6 },
  { header: by === 'unit' ? '单位' : '作者', key: 'name', width: 20 },
  ...(by === 'author' ? [{ header: '所在单位', key: 'unitName', width: 20 }] : []),
  { header: '单位层级', key: 'unitPath', width: 36 },
  { header: '报送', key: 'submitted', width: 8 },
  { header: '问题建议', key: 'problems', width: 10 },
  { header: '问题建议占比（%）', key: 'problemShare', width: 16 },
  { header: '采用', key: 'adopted', width: 8 },
  { header: '县级采用', key: 'l1', width: 10 },
  { header: '市级采用', key: 'l2', width: 10 },
  { header: '省级采用', key: 'l3', width: 10 },
  { header: '中央采用', key: 'l4', width: 10 },
  { header: '领导批示', key: 'instructed', width: 10 },
  { header: '媒体报道', key: 'media', width: 10 },
  { header: '积分', key: 'score', width: 10 },
];

export function statsExportRows(s: InfoStats): Record<string, unknown>[] {
  const line = (r: Omit<InfoStats['rows'][number], 'rank' | 'subjectId' | 'name' | 'unitName' | 'unitPath'>) => ({
    submitted: r.submitted,
    problems: r.problems,
    problemShare: r.problemShare,
    adopted: r.adopted,
    l1: r.adoptedByLevel.县级,
    l2: r.adoptedByLevel.市级,
    l3: r.adoptedByLevel.省级,
    l4: r.adoptedByLevel.中央,
    instructed: r.instructed,
    media: r.media,
    score: Number(r.score),
  });
  return [
    ...s.rows.map((r) => ({ rank: r.rank, name: r.name, unitName: r.unitName, unitPath: r.unitPath, ...line(r) })),
    { rank: '', name: '合计', unitName: '', unitPath: '', ...line(s.totals) },
  ];
}
