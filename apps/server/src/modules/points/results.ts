import { eq, sql, type SQL } from 'drizzle-orm';
import { UNIT_TYPES, type GradeScheme, type PointSubject } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { pointGradeSchemes } from '../../db/schema/index.ts';
import type { DataScope } from '../../platform/scope.ts';
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
function unitPeers(): SQL {
  return sql`(
    select u.id as unit_id, u.name as unit_name, u.type,
      coalesce((
        select a.id::text from units a
        where a.id = any(string_to_array(trim(both '/' from u.path), '/')::uuid[]) and a.id <> u.id
          and a.type in ('department', 'county_department')
        order by a.depth desc limit 1), 'root') as anchor
    from units u where u.disabled = false and u.depth > 0
  )`;
}

type Filters = { unitPath?: string | null; peerKey?: string; grade?: string; q?: string };

function scopeWhere(scope: DataScope, subjectType: PointSubject, unitCol: SQL, subjectCol: SQL): SQL {
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'subtree':
      return scope.unitPath ? sql`${unitCol} in (select id from units where path like ${`${scope.unitPath}%`})` : sql`false`;
    case 'unit':
      return scope.unitId ? sql`${unitCol} = ${scope.unitId}::uuid` : sql`false`;
    case 'self':
      return subjectType === 'person' && scope.personId ? sql`${subjectCol} = ${scope.personId}::uuid` : sql`false`;
  }
}

/**
 * The ranked rows of a period as one SQL query: every enabled unit (but the root) or person, with the totals
 * booked in the period (zero without events), rank and size of the peer group, and grade.
 */
export function liveResultsQuery(periodKey: string, subjectType: PointSubject, scheme: Scheme, personUnits: SQL = sql`true`): SQL {
  const grade = gradeCase(scheme, sql`r.total`, sql`r.rank`, sql`r.peer_size`);
  const ranked =
    subjectType === 'unit'
      ? sql`
        select p.unit_id as subject_id, p.unit_id, p.unit_name as subject_name, p.unit_name,
          p.type || ':' || p.anchor as peer_key,
          coalesce(t.total, 0)::bigint as total, coalesce(t.events, 0)::int as events,
          rank() over (partition by p.type, p.anchor order by coalesce(t.total, 0) desc)::int as rank,
          count(*) over (partition by p.type, p.anchor)::int as peer_size
        from ${unitPeers()} p
        left join point_totals t on t.period_key = ${periodKey} and t.subject_type = 'unit' and t.subject_id = p.unit_id`
      : sql`
        select pe.id as subject_id, pe.unit_id, pe.name as subject_name, u.name as unit_name,
          'unit:' || pe.unit_id::text as peer_key,
          coalesce(t.total, 0)::bigint as total, coalesce(t.events, 0)::int as events,
          rank() over (partition by pe.unit_id order by coalesce(t.total, 0) desc)::int as rank,
          count(*) over (partition by pe.unit_id)::int as peer_size
        from persons pe
        join units u on u.id = pe.unit_id
        left join point_totals t on t.period_key = ${periodKey} and t.subject_type = 'person' and t.subject_id = pe.id
        where pe.disabled = false and ${personUnits}`;
  return sql`select r.*, ${grade} as grade from (${ranked}) r`;
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
  const name = subjectType === 'unit' ? sql`su.name` : sql`sp.name`;
  return sql`
    select r.subject_id, r.unit_id, ${name} as subject_name, u.name as unit_name, r.peer_key, r.total, r.events, r.rank,
      r.peer_size, r.grade
    from point_results r
    join units u on u.id = r.unit_id
    ${subjectType === 'unit' ? sql`join units su on su.id = r.subject_id` : sql`join persons sp on sp.id = r.subject_id`}
    where r.period_key = ${periodKey} and r.subject_type = ${subjectType}`;
}

/** Wraps a result query with the caller's scope, the filters, order and page. */
export function pagedResults(base: SQL, scope: DataScope, subjectType: PointSubject, f: Filters, order: 'rank' | '-rank' | 'total' | '-total' | undefined, limit: number | null, offset: number): SQL {
  const where: SQL[] = [scopeWhere(scope, subjectType, sql`x.unit_id`, sql`x.subject_id`)];
  if (f.unitPath) where.push(sql`x.unit_id in (select id from units where path like ${`${f.unitPath}%`})`);
  if (f.peerKey) where.push(sql`x.peer_key = ${f.peerKey}`);
  if (f.grade) where.push(sql`x.grade = ${f.grade}`);
  if (f.q) where.push(sql`(x.subject_name like ${`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`);
  const orderBy =
    order === '-rank' || order === 'total'
      ? sql`x.total asc, x.peer_key, x.subject_name`
      : sql`x.total desc, x.peer_key, x.subject_name`;
  return sql`
    select x.*, count(*) over ()::int as full_count
    from (${base}) x
    where ${sql.join(where, sql` and `)}
    order by ${orderBy}, x.subject_id
    ${limit == null ? sql`` : sql`limit ${limit} offset ${offset}`}`;
}

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
