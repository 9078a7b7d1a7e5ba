/**
 * npm run bench (third part): 考核积分 at city scale — 4,999 units in a tree, 99,960 people and a year of point
 * events with the running totals the ledger keeps (10 million events on PostgreSQL, 2 million on the in-memory
 * PGlite). Rankings live and frozen, the period close that grades everyone, and one subject's events: each
 * request timed beside the raw SQL it runs.
 *
 *   BENCH_RUNS=10 npx tsx bench/points.ts                         (BENCH_POINT_EVENTS to change the size)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test PGOPTIONS='-c jit=off' npx tsx bench/points.ts
 *   BENCH_EXPLAIN=1 prints the plan of each request's slowest statement; BENCH_BUILD_ONLY=1 stops after loading.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { DEMO_PASSWORD } from '../apps/server/src/demo/city.ts';
import { type Captured, env, here, insertChunks, isMain, ms, openBenchDb, pad, recorder, requestVersusSql, stats, WARMUP, benchBootstrap } from './lib.ts';

const COUNTIES = env('BENCH_COUNTIES', 51);
const INSTITUTES = 10;
const STATIONS = 7;
const PEOPLE_PER_UNIT = env('BENCH_PEOPLE_PER_UNIT', 20);
const YEAR = 2026;
const LAST_DAY = '2026-11-24';
/** PGlite keeps the whole database in memory (WASM): ten million rows there take too long to be a benchmark. */
const EVENTS = env('BENCH_POINT_EVENTS', process.env.DATABASE_URL ? 10_000_000 : 2_000_000);
/** the share of events that score units rather than people */
const UNIT_SHARE = 0.3;

export type Raw = (q: string, p: unknown[]) => Promise<unknown>;
export const rowsOf = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Record<string, unknown>[];

/**
 * The unit tree: city → 51 counties → offices, media and practice centres, 13 branches (党支部) each, 10 文明实践所
 * → 7 站 each: 4,999 units.
 */
function unitTree() {
  type U = { id: string; parentId: string | null; name: string; type: string; path: string; depth: number; sort: number };
  const out: U[] = [];
  const add = (parent: U | null, name: string, type: string, sort = 0) => {
    const id = crypto.randomUUID();
    const u = { id, parentId: parent?.id ?? null, name, type, path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0, sort };
    out.push(u);
    return u;
  };
  const city = add(null, '基准市委宣传部', 'department');
  const counties: U[] = [];
  for (let c = 0; c < COUNTIES; c++) {
    const county = add(city, `基准县${c + 1}委宣传部`, 'county_department', c);
    counties.push(county);
    add(county, '办公室', 'other', 1);
    add(county, '理论宣传股', 'other', 2);
    const media = add(county, `基准县${c + 1}融媒体中心`, 'media_center', 3);
    const practice = add(county, `基准县${c + 1}新时代文明实践中心`, 'practice_center', 4);
    add(county, '机关党支部', 'branch', 9);
    add(media, '融媒体中心党支部', 'branch', 9);
    add(practice, '文明实践中心党支部', 'branch', 9);
    for (let i = 0; i < INSTITUTES; i++) {
      const inst = add(practice, `第${i + 1}新时代文明实践所`, 'practice_institute', i);
      add(inst, '党支部', 'branch', 9);
      for (let s = 0; s < STATIONS; s++) add(inst, `第${s + 1}新时代文明实践站`, 'practice_station', s);
    }
  }
  return { units: out, city, counties };
}

/** A handful of the rules a 考核评分细则 has, for units and for people. */
export const RULES: { code: string; subjectType: 'unit' | 'person'; category: string; item: string; points: number; source: string | null; cap?: number }[] = [
  { code: 'U-01', subjectType: 'unit', category: '工作落实', item: '任务逾期未完成', points: -200, source: 'task.overdue', cap: 1000 },
  { code: 'U-02', subjectType: 'unit', category: '工作落实', item: '进展缺报', points: -100, source: 'task.report_missing' },
  { code: 'U-03', subjectType: 'unit', category: '学习教育', item: '未完成每周半天覆盖学', points: -300, source: 'study.week_missed' },
  { code: 'U-04', subjectType: 'unit', category: '信息宣传', item: '信息被市级采用', points: 200, source: 'info.adopted' },
  { code: 'U-05', subjectType: 'unit', category: '加分项目', item: '工作创新被推广', points: 300, source: null },
  { code: 'P-01', subjectType: 'person', category: '学习教育', item: '心得体会评为优秀', points: 100, source: 'study.reflection_excellent' },
  { code: 'P-02', subjectType: 'person', category: '信息宣传', item: '稿件被县级采用', points: 100, source: 'info.adopted' },
  { code: 'P-03', subjectType: 'person', category: '志愿服务', item: '参加志愿服务', points: 50, source: 'volunteer.hours' },
  { code: 'P-04', subjectType: 'person', category: '作风纪律', item: '被通报批评', points: -500, source: null },
];

/**
 * Drops a table's foreign keys, unique constraints and secondary indexes (the primary key stays when other tables
 * refer to it, as appeals do to point_events) and returns the statements that put them back exactly as the migrations made them.
 */
export async function detachIndexes(raw: Raw, table: string, keepPrimaryKey = table === 'point_events'): Promise<string[]> {
  const constraints = rowsOf(
    await raw(
      `select conname, contype, pg_get_constraintdef(oid) as def from pg_constraint
       where conrelid = $1::text::regclass and contype in ('f', 'u', 'p') and not (contype = 'p' and $2::boolean)`,
      [table, keepPrimaryKey],
    ),
  );
  for (const c of constraints) await raw(`alter table ${table} drop constraint "${String(c.conname)}"`, []);
  // what is left of the constraints is the kept primary key, whose index goes with it
  const indexes = rowsOf(
    await raw(`select indexname, indexdef from pg_indexes where tablename = $1 and indexname not in (select conname from pg_constraint where conrelid = $1::text::regclass)`, [table]),
  );
  for (const i of indexes) await raw(`drop index "${String(i.indexname)}"`, []);
  return [
    ...constraints.filter((c) => c.contype !== 'f').map((c) => `alter table ${table} add constraint "${String(c.conname)}" ${String(c.def)}`),
    ...indexes.map((i) => String(i.indexdef)),
    ...constraints.filter((c) => c.contype === 'f').map((c) => `alter table ${table} add constraint "${String(c.conname)}" ${String(c.def)}`),
  ];
}

/** Units in bulk, with the materialised path the org module keeps. */
export async function insertUnits(raw: Raw, units: { id: string; parentId: string | null; name: string; type: string; path: string; depth: number; sort: number }[]) {
  const cols = ['id', 'parent_id', 'name', 'type', 'path', 'depth', 'sort'];
  await insertChunks(units, 500, (chunk) => {
    const params: unknown[] = [];
    const values = chunk.map((u) => `(${[u.id, u.parentId, u.name, u.type, u.path, u.depth, u.sort].map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
    return raw(`insert into units (${cols.join(',')}) values ${values.join(',')}`, params);
  });
}

/** Everyone below the top unit, the same number in every unit (a third not party members, birth dates over 35 years). */
export async function insertPeople(raw: Raw, perUnit: number) {
  await raw(
    `insert into persons (unit_id, name, gender, post, party_member, birth_date)
     select u.id, '人员' || u.sort || '-' || g || '-' || left(u.id::text, 4), case when g % 2 = 0 then '女' else '男' end, '干部', g % 3 <> 0,
            date '1966-01-01' + (abs(hashtext(u.id::text || g)) % 12784)
     from units u cross join generate_series(1, $1::int) g where u.depth > 0`,
    [perUnit],
  );
}

/**
 * A year of the ledger: the rules, `events` point events spread over the subjects (units below the top and every
 * person, by arithmetic on the event number) and the days from 1 January to `lastDay`, and the running totals
 * recordPointEvent keeps. The two tables' secondary indexes and foreign keys come off for the load and are rebuilt
 * from their own definitions afterwards (one sorted build each instead of ten million random insertions).
 */
export async function loadLedger(raw: Raw, o: { adminId: string; events: number; year: number; lastDay: string; unitShare?: number }) {
  const t = { events: 0, totals: 0, index: 0 };
  const ruleIds = new Map<string, string>();
  for (const r of RULES) {
    const res = rowsOf(
      await raw(
        `insert into point_rules (year, code, effective_from, category, item, subject_type, points, cap_points, cap_period, source, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
        [o.year, r.code, `${o.year}-01-01`, r.category, r.item, r.subjectType, r.points, r.cap ?? null, r.cap ? 'quarter' : null, r.source, o.adminId],
      ),
    );
    ruleIds.set(r.code, String(res[0].id));
  }

  let t0 = performance.now();
  // Subjects numbered 0..n-1 per type, so that an event number maps to one of them by arithmetic.
  await raw(`create temp table bench_units as select (row_number() over (order by id) - 1)::int as n, id, id as unit_id from units where depth > 0`, []);
  await raw(`create temp table bench_persons as select (row_number() over (order by id) - 1)::int as n, id, unit_id from persons`, []);
  await raw(`create unique index on bench_units (n)`, []);
  await raw(`create unique index on bench_persons (n)`, []);
  await raw(`create temp table bench_rules (subject_type text, k int, id uuid, code text, points int, source text)`, []);
  for (const type of ['unit', 'person'] as const) {
    const list = RULES.filter((r) => r.subjectType === type);
    for (const [k, r] of list.entries()) {
      await raw(`insert into bench_rules values ($1, $2, $3, $4, $5, $6)`, [type, k, ruleIds.get(r.code), r.code, r.points, r.source]);
    }
  }
  const [{ units: nUnits, persons: nPersons }] = rowsOf(await raw(`select (select count(*) from bench_units)::int as units, (select count(*) from bench_persons)::int as persons`, []));
  const days = (Date.parse(o.lastDay) - Date.parse(`${o.year}-01-01`)) / 86_400_000 + 1;
  const unitEvents = Math.round(o.events * (o.unitShare ?? UNIT_SHARE));
  const nRules = { unit: RULES.filter((r) => r.subjectType === 'unit').length, person: RULES.filter((r) => r.subjectType === 'person').length };
  const restore = [...(await detachIndexes(raw, 'point_events')), ...(await detachIndexes(raw, 'point_totals'))];
  // In slices, so that no statement holds millions of rows at once in PGlite's memory.
  const SLICE = 1_000_000;
  const insertEvents = async (type: 'unit' | 'person', from: number, to: number) => {
    const subjects = type === 'unit' ? 'bench_units' : 'bench_persons';
    const n = type === 'unit' ? nUnits : nPersons;
    await raw(
      `insert into point_events (subject_type, subject_id, unit_id, person_id, rule_id, rule_code, points, occurred_on, booked_on, kind, source_type, source_label, created_at)
       select $1, s.id, s.unit_id, ${type === 'person' ? 's.id' : 'null'}, r.id, r.code, r.points, d.day, d.day,
              case when r.source is null then 'manual' else 'auto' end, coalesce(split_part(r.source, '.', 1), 'claim'), r.code || ' 第' || g || '条', d.day::timestamptz
       from generate_series($2::bigint, $3::bigint) g
       join ${subjects} s on s.n = (g * 7919) % $4
       join bench_rules r on r.subject_type = $1 and r.k = (g / 7) % $5
       cross join lateral (select ($6::date + ((g * 104729) % $7)::int) as day) d`,
      [type, from, to, n, nRules[type], `${o.year}-01-01`, days],
    );
  };
  for (let i = 0; i < unitEvents; i += SLICE) await insertEvents('unit', i, Math.min(unitEvents, i + SLICE) - 1);
  for (let i = unitEvents; i < o.events; i += SLICE) await insertEvents('person', i, Math.min(o.events, i + SLICE) - 1);
  t.events = performance.now() - t0;

  t0 = performance.now();
  // The running totals recordPointEvent keeps: every month, quarter, half year and year an event is booked in.
  // One pass over the ledger by month; the longer periods are sums of their months.
  await raw(
    `insert into point_totals (period_key, subject_type, subject_id, unit_id, total, events)
     with m as (
       select date_trunc('month', booked_on)::date as month, subject_type, subject_id, unit_id, sum(points) as total, count(*)::int as events
       from point_events group by 1, 2, 3, 4
     )
     select k.key, m.subject_type, m.subject_id, m.unit_id, sum(m.total), sum(m.events)::int
     from m
     cross join lateral (values
       ('M' || to_char(m.month, 'YYYY-MM')),
       ('Q' || extract(year from m.month)::int || '-' || extract(quarter from m.month)::int),
       ('H' || extract(year from m.month)::int || '-' || case when extract(month from m.month) <= 6 then 1 else 2 end),
       ('Y' || extract(year from m.month)::int)
     ) k(key)
     group by k.key, m.subject_type, m.subject_id, m.unit_id`,
    [],
  );
  t.totals = performance.now() - t0;
  t0 = performance.now();
  for (const statement of restore) await raw(statement, []);
  await raw('drop table bench_units, bench_persons, bench_rules', []);
  t.index = performance.now() - t0;
  const [{ totals }] = rowsOf(await raw('select count(*)::int as totals from point_totals', []));
  return { totals: Number(totals), ms: t };
}

async function build(raw: Raw, adminId: string) {
  const t = { units: 0, persons: 0, events: 0, totals: 0, index: 0 };
  let t0 = performance.now();
  const tree = unitTree();
  await insertUnits(raw, tree.units);
  t.units = performance.now() - t0;
  t0 = performance.now();
  await insertPeople(raw, PEOPLE_PER_UNIT);
  t.persons = performance.now() - t0;
  const ledger = await loadLedger(raw, { adminId, events: EVENTS, year: YEAR, lastDay: LAST_DAY });
  Object.assign(t, ledger.ms);
  t0 = performance.now();
  await raw('analyze', []);
  t.index += performance.now() - t0;
  const nPersons = (tree.units.length - 1) * PEOPLE_PER_UNIT;
  const county = tree.counties[0];
  return { units: tree.units.length, persons: nPersons, events: EVENTS, totals: ledger.totals, cityId: tree.city.id, countyId: county.id, countyName: county.name, seconds: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v / 100) / 10])) };
}

type Result = {
  case: string;
  url: string;
  rows: number;
  queries: number;
  http: ReturnType<typeof stats>;
  sql: ReturnType<typeof stats>;
  sqlText: string[];
  plan?: string[];
  slowest?: string;
  steps?: { sql: string; ms: number }[];
};
const RUNS_HERE = env('BENCH_RUNS', 20);
const WARMUP_HERE = Math.min(WARMUP, 3);
const W = 56;
const header = () =>
  `${pad('场景', W)}${pad('行数', 9, true)}${pad('SQL条数', 8, true)} │${pad('HTTP中位', 10, true)}${pad('HTTP p95', 10, true)} │${pad('SQL中位', 10, true)}${pad('SQL p95', 10, true)} │${pad('倍数', 6, true)}`;
const line = (r: Result) =>
  `${pad(r.case, W)}${pad(String(r.rows), 9, true)}${pad(String(r.queries), 8, true)} │${ms(r.http.median)} ${ms(r.http.p95)} │${ms(r.sql.median)} ${ms(r.sql.p95)} │${(r.http.median / r.sql.median).toFixed(2).padStart(6)}`;

/** Keeps the plan of a request's slowest statement with the figures (printed with BENCH_EXPLAIN=1). */
export async function explainSlowest(r: { slowest?: string; plan?: string[] }, queries: Captured[], raw: Raw) {
  let slowest = 0;
  let worst = -1;
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    await raw(q.query, q.params);
    const elapsed = performance.now() - t;
    if (elapsed > worst) [worst, slowest] = [elapsed, i];
  }
  const q = queries[slowest];
  r.slowest = q.query.replace(/\s+/g, ' ').slice(0, 200);
  r.plan = rowsOf(await raw(`explain (analyze, buffers) ${q.query}`, q.params)).map((x) => String(Object.values(x)[0]));
}

async function main() {
  const t0 = performance.now();
  const database = await openBenchDb();
  const { db } = database;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-bench-'));
  const config = loadConfig({ LUOSHI_DATA: tmp, LUOSHI_LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, {
    adminPassword: DEMO_PASSWORD,
    webDist: path.join(tmp, 'no-web'),
    loginRatePerMinute: 100_000,
  });
  const adminId = await benchBootstrap(db, config);
  console.log(`正在生成积分数据（${database.kind}，${EVENTS.toLocaleString('en')} 条积分明细）……`);
  const sizes = await build(database.raw, adminId);
  const buildSeconds = (performance.now() - t0) / 1000;
  console.log(
    `单位 ${sizes.units} 个，人员 ${sizes.persons} 人，积分明细 ${sizes.events} 条，累计行 ${sizes.totals} 行，用时 ${buildSeconds.toFixed(1)} 秒 ${JSON.stringify(sizes.seconds)}`,
  );
  if (process.env.BENCH_BUILD_ONLY) {
    await database.close();
    return;
  }

  const app = await buildApp({ db, config, logger: false });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: DEMO_PASSWORD } });
  const cookie = String(login.headers['set-cookie']).split(';')[0];
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => async () => {
    const res = await app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res;
  };
  // By shares of each peer ranking, so that about one unit in ten is 一般 or 差 (and gets a 约谈) at any size.
  await call('PUT', '/api/points/grade-schemes/unit', {
    mode: 'share',
    version: 0,
    bands: [{ grade: '好', share: 30 }, { grade: '较好', share: 60 }, { grade: '一般', share: 8 }, { grade: '差', share: 2 }],
  })();
  // The study module's weekly check finds that no branch studied (the benchmark has no sessions): their
  // deductions are applied now, so that the close below measures grading alone.
  const synced = (await call('POST', '/api/points/sync')()).json() as { events: number; points: number };
  console.log(`未学通报扣分 ${synced.points} 条（${synced.events} 个业务事件）\n`);
  console.log(header());
  const Q = `Q${YEAR}-1`;
  const [leaf] = rowsOf(await database.raw(`select id from units where type = 'practice_station' and path like $1 || '%' limit 1`, [`/${sizes.cityId}/${sizes.countyId}/`]));
  const [subject] = rowsOf(await database.raw(`select subject_id from point_totals where period_key = $1 and subject_type = 'unit' order by events desc limit 1`, [Q]));
  const results: Result[] = [];
  const measure = async (name: string, url: string) => {
    const get = call('GET', url);
    const body = (await get()).json() as { total?: number };
    const r = await requestVersusSql(get, database.raw, RUNS_HERE, WARMUP_HERE);
    results.push({ case: name, url, rows: body.total ?? 1, queries: r.queries.length, http: r.http, sql: r.sql, sqlText: r.queries.map((q) => q.query) });
    await explainSlowest(results.at(-1)!, r.queries, database.raw);
    console.log(line(results.at(-1)!));
  };
  const results_ = `/api/points/results?periodKey=${Q}&page=1&pageSize=20`;
  const liveCases: [string, string][] = [
    [`全市单位排名 ${Q}（实时）`, `${results_}&subjectType=unit`],
    [`县内支部排名（同类分组）`, `${results_}&subjectType=unit&peerKey=branch:${sizes.countyId}`],
    [`一个单位的人员排名（实时）`, `${results_}&subjectType=person&unitId=${leaf.id}`],
    [`全市人员排名 ${Q}（实时）`, `${results_}&subjectType=person`],
  ];
  // The fixed cost of any request (session, permission, validation, serialisation) beside one small query.
  await measure('基线：考核设置（一条查询）', '/api/points/settings');
  for (const [name, url] of liveCases) await measure(name, url);

  // The close: once through the API (its SQL recorded), then reopened and its SQL replayed in a transaction
  // that is rolled back, then closed again for the frozen reads.
  const periodVersion = async () =>
    ((await call('GET', `/api/points/periods?year=${YEAR}&kind=quarter`)()).json() as { key: string; version: number }[]).find((p) => p.key === Q)!.version;
  recorder.queries = [];
  recorder.on = true;
  let t1 = performance.now();
  const closed = (await call('POST', `/api/points/periods/${Q}/close`, { version: await periodVersion() })()).json() as { units: number; persons: number; interviewsOpened: number };
  const closeHttp = performance.now() - t1;
  recorder.on = false;
  const closeQueries = recorder.queries;
  await call('POST', `/api/points/periods/${Q}/reopen`, { version: await periodVersion(), reason: '基准测试：重放关闭语句' })();
  const closeSteps: { sql: string; ms: number }[] = [];
  const closeSql = await database.onOne(async (q) => {
    await q('begin', []);
    const t = performance.now();
    // node-postgres sends the request's own begin and commit as statements: the replay keeps to its rollback
    for (const x of closeQueries.filter((c) => !/^\s*(begin|commit|rollback)\b/i.test(c.query))) {
      const s = performance.now();
      await q(x.query, x.params);
      closeSteps.push({ sql: x.query.replace(/\s+/g, ' ').slice(0, 160), ms: performance.now() - s });
    }
    const elapsed = performance.now() - t;
    await q('rollback', []);
    return elapsed;
  });
  t1 = performance.now();
  await call('POST', `/api/points/periods/${Q}/close`, { version: await periodVersion() })();
  const closeAgain = performance.now() - t1;
  const once = (x: number) => stats([x]);
  results.push({
    case: `关闭 ${Q}：评定 ${closed.units} 个单位、${closed.persons} 人（一次；第二次关闭 ${Math.round(closeAgain)} ms）`,
    url: `POST /api/points/periods/${Q}/close`,
    rows: closed.units + closed.persons,
    queries: closeQueries.length,
    http: once(closeHttp),
    sql: once(closeSql),
    sqlText: closeQueries.map((q) => q.query),
  });
  console.log(line(results.at(-1)!));
  for (const step of [...closeSteps].sort((a, b) => b.ms - a.ms).slice(0, 3)) console.log(`    ${ms(step.ms)}  ${step.sql}`);
  results.at(-1)!.steps = closeSteps.filter((x) => x.ms > 5);

  const frozenCases: [string, string][] = [
    [`全市单位排名 ${Q}（已关闭，冻结结果）`, `${results_}&subjectType=unit`],
    [`县内支部排名（已关闭）`, `${results_}&subjectType=unit&peerKey=branch:${sizes.countyId}`],
    [`一个单位的人员排名（已关闭）`, `${results_}&subjectType=person&unitId=${leaf.id}`],
    [`全市人员排名 ${Q}（已关闭）`, `${results_}&subjectType=person`],
    [`一个单位一个季度的积分明细（展开）`, `/api/points/events?subjectId=${subject.subject_id}&periodKey=${Q}&page=1&pageSize=20`],
  ];
  for (const [name, url] of frozenCases) await measure(name, url);
  await app.close();
  await database.close();
  fs.rmSync(tmp, { recursive: true, force: true });

  console.log(`\n数据库：${database.kind}　积分明细 ${sizes.events.toLocaleString('en')} 条　每项 ${RUNS_HERE} 次（另预热 ${WARMUP_HERE} 次），单位：毫秒\n`);
  console.log(header());
  for (const r of results) console.log(line(r));
  console.log(`\n目标：接口不超过原始 SQL 的 1.3 倍，且两者都在 200 ms 以内（按中位数）。未达到的：`);
  for (const r of results.filter((x) => !x.case.startsWith('关闭') && !x.case.startsWith('基线'))) {
    const ratio = r.http.median / r.sql.median;
    if (ratio > 1.3 || r.http.median > 200 || r.sql.median > 200) console.log(`  ${r.case}：接口 ${r.http.median.toFixed(0)} ms，SQL ${r.sql.median.toFixed(0)} ms，${ratio.toFixed(2)} 倍`);
  }
  if (process.env.BENCH_EXPLAIN) for (const r of results) if (r.plan) console.log(`\n${r.case}：\n${r.plan.join('\n')}`);
  const outDir = path.join(here, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `points-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), database: database.kind, pgOptions: process.env.PGOPTIONS ?? null, node: process.version, cpus: os.cpus().length, runs: RUNS_HERE, sizes, buildSeconds, results }, null, 2));
  console.log(`\n结果已写入 ${path.relative(process.cwd(), file)}`);
}

if (isMain(import.meta.url)) await main();
