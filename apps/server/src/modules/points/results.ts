import { eq, sql, type SQL } from 'drizzle-orm';
import { UNIT_TYPES, type GradeScheme, type PointSubject } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { pointGradeSchemes, pointPeerState } from '../../db/schema/index.ts';
import { likeText } from '../../platform/list.ts';
import { unitInScope, type DataScope } from '../../platform/scope.ts';
import { fromCents, toCents } from './amounts.ts';

// 考核结果: totals per subject and period, the rank within the peer group and the grade band. Open periods are
// computed from the running totals; closed periods are read from the frozen results.

export type Scheme = GradeScheme;
type Grade = GradeScheme['bands'][number]['grade'];

/** Until an admin sets them: units ≥ 0 好, ≥ −3 较好, ≥ −8 一般, below 差; people ≥ 2 / ≥ 0 / ≥ −2. */
export const DEFAULT_SCHEMES: Record<PointSubject, Omit<Scheme, 'version'>> = {
  unit: { subjectType: 'unit', mode: 'threshold', bands: [{ grade: '好', min: '0' }, { grade: '较好', min: '-3' }, { grade: '一般', min: '-8' }, { grade: '差', min: null }] },
  person: { subjectType: 'person', mode: 'threshold', bands: [{ grade: '好', min: '2' }, { grade: '较好', min: '0' }, { grade: '一般', min: '-2' }, { grade: '差', min: null }] },
};

export async function gradeScheme(db: DbLike, subjectType: PointSubject): Promise<Scheme> {
  const [row] = await db.select().from(pointGradeSchemes).where(eq(pointGradeSchemes.subjectType, subjectType));
  if (!row) return { ...DEFAULT_SCHEMES[subjectType], version: 0 };
  return { subjectType, mode: row.mode, bands: row.bands.map((b) => ({ grade: b.grade as Grade, min: b.min == null ? null : fromCents(b.min), share: b.share ?? null })), version: row.version };
}

/** The grade of a ranked row as SQL: thresholds on the total, or cumulative shares of the peer ranking. */
function gradeCase(scheme: Scheme, total: SQL, rank: SQL, size: SQL): SQL {
  const whens: SQL[] = [];
  if (scheme.mode === 'threshold') {
    for (const b of scheme.bands.slice(0, -1)) {
      if (b.min == null || b.min === '') continue;
      whens.push(sql`when ${total} >= ${toCents(String(b.min))} then ${b.grade}`);
    }
  } else {
    let cumulative = 0;
    for (const b of scheme.bands.slice(0, -1)) {
      cumulative += b.share ?? 0;
      whens.push(sql`when (${rank} - 1) * 100 < ${cumulative} * ${size} then ${b.grade}`);
    }
  }
  const last = scheme.bands[scheme.bands.length - 1].grade;
  return whens.length ? sql`(case ${sql.join(whens, sql` `)} else ${last} end)` : sql`${last}::text`;
}

/**
 * 同类比较: a unit is ranked among the units of its type under the same nearest department (county departments
 * among themselves, the branches of one county among themselves); a person among the people of their unit.
 */
const PEERS_LOCK = 7_405_118;

/**
 * Keeps point_unit_peers in step with the unit tree: the tree's fingerprint (count, versions, last change) is
 * one cheap aggregate; when it differs from the one the table was built from, the table is rebuilt in one
 * statement under a lock, so concurrent readers see the old or the new table, never half of one.
 */
export async function refreshUnitPeers(db: DbLike): Promise<void> {
  const fingerprintSql = sql`select count(*)::text || ':' || coalesce(sum(version), 0)::text || ':' || coalesce(max(updated_at)::text, '') as fp from units`;
  const [{ fp }] = rowsOf<{ fp: string }>(await db.execute(fingerprintSql));
  const [state] = await db.select().from(pointPeerState).where(eq(pointPeerState.id, 1));
  if (state?.fingerprint === fp) return;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PEERS_LOCK})`);
    const [{ fp: now }] = rowsOf<{ fp: string }>(await tx.execute(fingerprintSql));
    const [again] = await tx.select().from(pointPeerState).where(eq(pointPeerState.id, 1));
    if (again?.fingerprint === now) return;
    await tx.execute(sql`delete from point_unit_peers`);
    await tx.execute(sql`
      insert into point_unit_peers (unit_id, peer_key)
      select u.id, u.type || ':' || coalesce((
        select a.id::text from units a
        where a.id = any(string_to_array(trim(both '/' from u.path), '/')::uuid[]) and a.id <> u.id
          and a.type in ('department', 'county_department')
        order by a.depth desc limit 1), 'root')
      from units u where u.disabled = false and u.depth > 0`);
    await tx
      .insert(pointPeerState)
      .values({ id: 1, fingerprint: now })
      .onConflictDoUpdate({ target: pointPeerState.id, set: { fingerprint: now, builtAt: new Date() } });
  });
}

type Filters = { unitPath?: string | null; peerKey?: string; grade?: string; q?: string };

function scopeWhere(scope: DataScope, subjectType: PointSubject, unitCol: SQL, subjectCol: SQL): SQL {
  if (scope.kind !== 'self') return unitInScope(scope, unitCol);
  return subjectType === 'person' && scope.personId ? sql`${subjectCol} = ${scope.personId}::uuid` : sql`false`;
}

/**
 * The ranked rows of a period as one SQL query (call refreshUnitPeers first): every enabled unit (but the root) or person, with the totals
 * booked in the period (zero without events), rank and size of the peer group, and grade.
 */
export function liveResultsQuery(periodKey: string, subjectType: PointSubject, scheme: Scheme, personUnits: SQL = sql`true`): SQL {
  const grade = gradeCase(scheme, sql`r.total`, sql`r.rank`, sql`r.peer_size`);
  const ranked =
    subjectType === 'unit'
      ? sql`
        select p.unit_id as subject_id, p.unit_id, p.peer_key,
          coalesce(t.total, 0)::bigint as total, coalesce(t.events, 0)::int as events,
          rank() over (partition by p.peer_key order by coalesce(t.total, 0) desc)::int as rank,
          count(*) over (partition by p.peer_key)::int as peer_size
        from point_unit_peers p
        left join point_totals t on t.period_key = ${periodKey} and t.subject_type = 'unit' and t.subject_id = p.unit_id`
      : sql`
        select pe.id as subject_id, pe.unit_id,
          'unit:' || pe.unit_id::text as peer_key,
          coalesce(t.total, 0)::bigint as total, coalesce(t.events, 0)::int as events,
          rank() over (partition by pe.unit_id order by coalesce(t.total, 0) desc)::int as rank,
          count(*) over (partition by pe.unit_id)::int as peer_size
        from persons pe
        left join point_totals t on t.period_key = ${periodKey} and t.subject_type = 'person' and t.subject_id = pe.id
        where pe.disabled = false and ${personUnits}`;
  return sql`select r.*, ${grade} as grade from (${ranked}) r`;
}

/**
 * One page of people of an open period without ranking everyone: the page is taken by total (a top-N sort),
 * then each row's rank and the size of its unit are counted within that unit alone. Same numbers as the
 * window form above, which the period close still uses.
 */
export function livePersonPage(periodKey: string, scheme: Scheme, where: SQL, ascending: boolean, limit: number, offset: number): SQL {
  const grade = gradeCase(scheme, sql`r.total`, sql`r.rank`, sql`r.peer_size`);
  const dir = ascending ? sql`asc` : sql`desc`;
  return sql`
    with page as (
      select pe.id as subject_id, pe.unit_id, coalesce(t.total, 0)::bigint as total, coalesce(t.events, 0)::int as events
      from persons pe
      left join point_totals t on t.period_key = ${periodKey} and t.subject_type = 'person' and t.subject_id = pe.id
      where pe.disabled = false and ${where}
      order by coalesce(t.total, 0) ${dir}, pe.id
      limit ${limit} offset ${offset}
    )
    select r.*, ${grade} as grade from (
      select page.*, 'unit:' || page.unit_id::text as peer_key,
        (1 + (select count(*) from persons p2
              left join point_totals t2 on t2.period_key = ${periodKey} and t2.subject_type = 'person' and t2.subject_id = p2.id
              where p2.unit_id = page.unit_id and p2.disabled = false and coalesce(t2.total, 0) > page.total))::int as rank,
        (select count(*) from persons p3 where p3.unit_id = page.unit_id and p3.disabled = false)::int as peer_size
      from page
    ) r
    order by r.total ${dir}, r.subject_id`;
}

/** How many people the fast page draws from. */
export function livePersonCount(periodKey: string, where: SQL, needsTotals: boolean): SQL {
  return needsTotals
    ? sql`select count(*)::int as n from persons pe
        left join point_totals t on t.period_key = ${periodKey} and t.subject_type = 'person' and t.subject_id = pe.id
        where pe.disabled = false and ${where}`
    : sql`select count(*)::int as n from persons pe where pe.disabled = false and ${where}`;
}

/** A threshold grade as a condition on the total (share grades need the ranking, so they have none). */
export function thresholdGradeWhere(scheme: Scheme, grade: string, total: SQL): SQL | null {
  if (scheme.mode !== 'threshold') return null;
  const i = scheme.bands.findIndex((b) => b.grade === grade);
  if (i < 0) return sql`false`;
  const lower = scheme.bands[i].min;
  const upper = i > 0 ? scheme.bands[i - 1].min : null;
  const parts: SQL[] = [];
  if (lower != null && lower !== '' && i < scheme.bands.length - 1) parts.push(sql`${total} >= ${toCents(String(lower))}`);
  if (upper != null && upper !== '') parts.push(sql`${total} < ${toCents(String(upper))}`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

export type ResultRow = {
  subject_id: string;
  unit_id: string;
  subject_name: string;
  unit_name: string;
  peer_key: string;
  total: string | number;
  events: number;
  rank: number;
  peer_size: number;
  grade: string | null;
};

/**
 * People are ranked within their unit, so whole units can be left out before ranking without changing any
 * rank: the caller's units (and the unit filter) narrow the query early. A self scope keeps its own unit.
 */
export function personUnitsFilter(scope: DataScope, unitPath: string | null | undefined): SQL {
  const parts: SQL[] = [];
  if (scope.kind === 'self') parts.push(scope.personId ? sql`pe.unit_id = (select me.unit_id from persons me where me.id = ${scope.personId}::uuid)` : sql`false`);
  else parts.push(scopeWhere(scope, 'person', sql`pe.unit_id`, sql`pe.id`));
  if (unitPath) parts.push(sql`pe.unit_id in (select id from units where path like ${`${unitPath}%`})`);
  return sql.join(parts, sql` and `);
}

/** Frozen results of a closed period, in the same shape as the live ones. */
export function frozenResultsQuery(periodKey: string, subjectType: PointSubject): SQL {
  return sql`
    select r.subject_id, r.unit_id, r.peer_key, r.total, r.events, r.rank, r.peer_size, r.grade
    from point_results r
    where r.period_key = ${periodKey} and r.subject_type = ${subjectType}`;
}

/** The filters of the result list on a ranked query's columns (`x.`). */
export function resultWhere(scope: DataScope, subjectType: PointSubject, f: Filters): SQL {
  const where: SQL[] = [scopeWhere(scope, subjectType, sql`x.unit_id`, sql`x.subject_id`)];
  if (f.unitPath) where.push(sql`x.unit_id in (select id from units where path like ${`${f.unitPath}%`})`);
  if (f.peerKey) where.push(sql`x.peer_key = ${f.peerKey}`);
  if (f.grade) where.push(sql`x.grade = ${f.grade}`);
  if (f.q) where.push(subjectType === 'unit' ? sql`x.subject_id in (select id from units where name like ${likeText(f.q)})` : sql`x.subject_id in (select id from persons where name like ${likeText(f.q)})`);
  return sql.join(where, sql` and `);
}

/** The same filters for the fast page of people (columns of persons `pe` and totals `t`). */
export function personWhere(scope: DataScope, f: Filters, gradeTotal: SQL | null): SQL {
  const where: SQL[] = [personUnitsFilter(scope, f.unitPath)];
  // ranks are counted within the unit by the page query itself, so a self scope can show just its own row
  if (scope.kind === 'self') where.push(scope.personId ? sql`pe.id = ${scope.personId}::uuid` : sql`false`);
  if (f.peerKey) where.push(f.peerKey.startsWith('unit:') ? sql`pe.unit_id::text = ${f.peerKey.slice(5)}` : sql`false`);
  if (gradeTotal) where.push(gradeTotal);
  if (f.q) where.push(sql`pe.name like ${likeText(f.q)}`);
  return sql.join(where, sql` and `);
}

/** Names for a page of ranked rows, joined after paging so only the page's rows are looked up. */
export function withNames(page: SQL, subjectType: PointSubject, ascending: boolean): SQL {
  const dir = ascending ? sql`asc` : sql`desc`;
  return sql`
    select y.*, ${subjectType === 'unit' ? sql`su.name` : sql`sp.name`} as subject_name, u.name as unit_name
    from (${page}) y
    join units u on u.id = y.unit_id
    ${subjectType === 'unit' ? sql`join units su on su.id = y.subject_id` : sql`join persons sp on sp.id = y.subject_id`}
    order by y.total ${dir}, y.subject_id`;
}

export function pagedResults(base: SQL, where: SQL, ascending: boolean, limit: number | null, offset: number): SQL {
  const dir = ascending ? sql`asc` : sql`desc`;
  return sql`
    select x.*
    from (${base}) x
    where ${where}
    order by x.total ${dir}, x.subject_id
    ${limit == null ? sql`` : sql`limit ${limit} offset ${offset}`}`;
}

export const countResults = (base: SQL, where: SQL): SQL => sql`select count(*)::int as n from (${base}) x where ${where}`;

/** Peer group names: "甲县委宣传部 · 党支部". */
export async function peerNames(db: DbLike, keys: string[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const k of keys) {
    const [, id] = k.split(':');
    if (id && id !== 'root') ids.add(id);
  }
  const names = new Map<string, string>();
  if (ids.size) {
    const rows = (await db.execute(sql`select id::text as id, name from units where id = any(${`{${[...ids].join(',')}}`}::uuid[])`)) as unknown as { rows: { id: string; name: string }[] };
    for (const r of rows.rows) names.set(r.id, r.name);
  }
  const out = new Map<string, string>();
  for (const k of keys) {
    const [type, id] = k.split(':');
    if (type === 'unit') out.set(k, `${names.get(id) ?? ''} 全体人员`);
    else out.set(k, `${id === 'root' ? '' : `${names.get(id) ?? ''} · `}${UNIT_TYPES[type as keyof typeof UNIT_TYPES] ?? type}`);
  }
  return out;
}

export const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
export const totalText = (v: string | number) => fromCents(v);
