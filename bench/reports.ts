/**
 * npm run bench (fifth part): 统计与通报 at province scale — the dashboards over a year of tasks, study, points and
 * information of about 100,000 people, one at a time beside the raw SQL each request runs and then under 20
 * concurrent callers; a 通报 of 200 units drafted, issued and downloaded as Word; the person list exported to XLSX
 * (100,000 rows) with the process memory watched while it streams.
 *
 *   npx tsx bench/reports.ts                                             (PGlite in memory, 2 million point events)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test PGOPTIONS='-c jit=off' npx tsx bench/reports.ts
 *   NODE_OPTIONS=--expose-gc …                                           (also reports the heap an export leaves behind)
 *
 * Sizes: BENCH_COUNTIES (25), BENCH_BRANCHES (5,000), BENCH_PEOPLE_PER_UNIT (20), BENCH_SESSIONS (1,000,000),
 * BENCH_POINT_EVENTS (10 million on PostgreSQL, 2 million on PGlite), BENCH_INFO_ITEMS (200,000), BENCH_TASKS
 * (100,000). Load: BENCH_CLIENTS (20) callers making BENCH_LOAD_REQUESTS (400; 100 on PGlite) requests in all; on
 * PostgreSQL the pool has as many connections as callers. BENCH_RUNS: repetitions of each board alone (20; 5 on
 * PGlite). BENCH_EXPLAIN=1 prints the plan of each dashboard's slowest statement.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { BulletinBlock } from '@luoshi/contract';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import * as schema from '../apps/server/src/db/schema/index.ts';
import { DEMO_PASSWORD, DIMENSIONS, makeRng } from '../apps/server/src/demo/city.ts';
import { infoArticle, pickCategory, toHtml } from '../apps/server/src/demo/info.ts';
import { addDays, shanghaiDate } from '../apps/server/src/platform/calendar.ts';
import { officialDocument } from '../apps/server/src/platform/docx.ts';
import { hashPassword } from '../apps/server/src/platform/password.ts';
import { cnDate } from '../apps/server/src/modules/reports/templates.ts';
import { type Captured, env, here, ms, openBenchDb, pad, requestVersusSql, stats, time, WARMUP, benchBootstrap } from './lib.ts';
import { detachIndexes, explainSlowest, insertPeople, insertUnits, loadLedger, type Raw, rowsOf } from './points.ts';
import { branchTree } from './study.ts';

const PG = !!process.env.DATABASE_URL;
const COUNTIES = env('BENCH_COUNTIES', 25);
const BRANCHES = env('BENCH_BRANCHES', 5000);
const PER_UNIT = env('BENCH_PEOPLE_PER_UNIT', 20);
const SESSIONS = env('BENCH_SESSIONS', 1_000_000);
const EVENTS = env('BENCH_POINT_EVENTS', PG ? 10_000_000 : 2_000_000);
const INFO_ITEMS = env('BENCH_INFO_ITEMS', 200_000);
const TASKS = env('BENCH_TASKS', 100_000);
const CLIENTS = env('BENCH_CLIENTS', 20);
/** PGlite answers one statement at a time and a city board there takes seconds: fewer repetitions by default. */
const LOAD_REQUESTS = env('BENCH_LOAD_REQUESTS', PG ? 400 : 100);
const RUNS_HERE = env('BENCH_RUNS', PG ? 20 : 5);
const WARMUP_HERE = Math.min(WARMUP, 3);
/** distinct texts the information items are drawn from (the dashboards never read the bodies) */
const ARTICLES = 300;

type Stats = ReturnType<typeof stats>;
const seconds = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/**
 * The province: city → counties → branches (study.ts's tree) with 20 people in every unit below the city, and a
 * year up to yesterday of everything the dashboards count — all written with set SQL on one connection (the
 * numbering tables are temporary), with the secondary indexes and foreign keys of the large tables taken off and
 * rebuilt from their own definitions afterwards.
 */
async function build(q: Raw, adminId: string, today: string) {
  const t: Record<string, number> = {};
  const year = Number(today.slice(0, 4));
  const first = `${year}-01-01`;
  const lastDay = addDays(today, -1);
  const days = (Date.parse(lastDay) - Date.parse(first)) / 86_400_000 + 1;
  let t0 = performance.now();
  const tree = branchTree(COUNTIES, BRANCHES);
  await insertUnits(q, tree.units);
  await insertPeople(q, PER_UNIT);
  t.unitsAndPeople = seconds(t0);

  // Numbering, so that a row number maps to a unit, a branch or a unit's k-th person by arithmetic.
  await q(`create temp table rpt_units as select (row_number() over (order by path) - 1)::int as n, id from units where depth > 0`, []);
  await q(`create temp table rpt_branches as select (row_number() over (order by path) - 1)::int as n, id from units where type = 'branch'`, []);
  await q(`create temp table rpt_people as select (row_number() over (partition by unit_id order by id) - 1)::int as k, id, unit_id, name from persons`, []);
  await q(`create unique index on rpt_units (n)`, []);
  await q(`create unique index on rpt_branches (n)`, []);
  await q(`create unique index on rpt_people (unit_id, k)`, []);
  const [counts] = rowsOf(await q(`select (select count(*) from rpt_units)::int as units, (select count(*) from rpt_branches)::int as branches`, []));
  const nUnits = Number(counts.units);
  const nBranches = Number(counts.branches);
  const restore: string[] = [];
  for (const table of ['tasks', 'study_sessions', 'study_attendance', 'info_items', 'info_authors', 'info_adoptions']) {
    // the primary keys of the parents stay: attendance, authors and adoptions refer to them
    restore.push(...(await detachIndexes(q, table, ['tasks', 'study_sessions', 'info_items', 'info_adoptions'].includes(table))));
  }

  // 专项行动: two at the city, a third of the tasks in the second
  const campaignIds: string[] = [];
  for (const name of ['四大专项行动', '理论武装提升行动']) {
    const [c] = rowsOf(
      await q(`insert into campaigns (unit_id, name, dimensions, start_date, end_date, created_by) values ($1, $2, $3, $4, $5, $6) returning id`, [
        tree.city.id, name, JSON.stringify(DIMENSIONS), first, `${year}-12-31`, adminId,
      ]),
    );
    campaignIds.push(String(c.id));
  }

  // Tasks: deadlines over the whole year, led by every unit below the city with one of its people responsible.
  // Of those due before today, seven in ten are done (one of them three days late); the rest are overdue.
  t0 = performance.now();
  await q(
    `insert into tasks (campaign_id, year, title, dimension, lead_unit_id, assigned_by_unit_id, responsible_person_id, start_date, deadline,
                        report_cycle, status, progress, completed_at, created_by)
     select case when g % 3 = 0 then $2::uuid else $1::uuid end, $3, '基准任务' || g, ($4::text[])[(1 + g % 4)::int], u.id, $5::uuid, p.id,
            x.deadline - 30, x.deadline, case when g % 4 = 0 then 'monthly' else 'none' end,
            case when x.done then 'done' else 'in_progress' end, case when x.done then 100 else (g * 37) % 100 end,
            case when x.done then ((x.deadline + case when g % 10 = 6 then 3 else -(g % 5)::int end) + time '17:00') at time zone 'Asia/Shanghai' end, $6::uuid
     from generate_series(0, $7::bigint - 1) g
     join rpt_units u on u.n = (g * 7919) % $8
     left join rpt_people p on p.unit_id = u.id and p.k = g % $9
     cross join lateral (select d as deadline, d < $10::date - 3 and g % 10 < 7 as done from (select $11::date + ((g * 104729) % 365)::int as d) y) x`,
    [campaignIds[0], campaignIds[1], year, [...DIMENSIONS], tree.city.id, adminId, TASKS, nUnits, PER_UNIT, today, first],
  );
  t.tasks = seconds(t0);

  // Held study sessions in the branches, each branch's share evenly over the year: 60 to 150 minutes each, so
  // that some weeks add up to the half day (240 minutes) the coverage rule asks of a branch and some do not.
  // The study module's per-unit weekly tally is recounted once afterwards instead of row by row by its trigger.
  t0 = performance.now();
  const perBranch = Math.ceil(SESSIONS / nBranches);
  await q('alter table study_sessions disable trigger study_sessions_tally', []);
  await q(
    `insert into study_sessions (unit_id, type_code, topic, planned_start, planned_end, status, filed_at, late, actual_start, actual_end)
     select b.id, 'collective', '集中学习', s.st, s.st + s.len, 'held', s.st - interval '1 day', false, s.st, s.st + s.len
     from generate_series(0, $1::bigint - 1) g
     join rpt_branches b on b.n = g % $2
     cross join lateral (select (($3::date + ((g / $2) * $4 / $5)::int) + time '09:00') at time zone 'Asia/Shanghai' as st,
                                make_interval(mins => 60 + 30 * ((g * 31) % 4)::int) as len) s`,
    [SESSIONS, nBranches, first, days, perBranch],
  );
  await q('alter table study_sessions enable trigger study_sessions_tally', []);
  await q('select study_unit_weeks_rebuild()', []);
  t.sessions = seconds(t0);
  // Attendance for the first county's branches: every member of the branch at every session, a tenth on leave or absent.
  t0 = performance.now();
  await q(
    `insert into study_attendance (session_id, person_id, status, reason)
     select s.id, p.id, case abs(hashtext(s.id::text || p.k)) % 20 when 0 then 'leave' when 1 then 'absent' else 'present' end,
            case abs(hashtext(s.id::text || p.k)) % 20 when 0 then '公务外出' end
     from units u join study_sessions s on s.unit_id = u.id join rpt_people p on p.unit_id = u.id
     where u.path like $1 || '%' and u.type = 'branch'`,
    [tree.counties[0].path],
  );
  t.attendance = seconds(t0);

  // Information: items from every unit over the year, texts from the demo's generator; one author each from the
  // unit; adopted at one or two levels by outside outlets (县级 most, 中央 rarely). One in twenty still in review.
  t0 = performance.now();
  const rng = makeRng(20261206);
  const articles = Array.from({ length: ARTICLES }, (_, k) => {
    const category = pickCategory(rng);
    const place = `基准县${(k % COUNTIES) + 1}`;
    const a = infoArticle(rng, category, { place, unit: `${place}融媒体中心`, towns: ['东岭', '西川', '南溪', '北塘'], month: (k % 12) + 1 }, 300);
    return { title: a.title, html: toHtml(a.paragraphs), text: a.paragraphs.join('\n'), category };
  });
  await q(`create temp table rpt_articles (k int primary key, title text, body_html text, body_text text, category text)`, []);
  await q(`insert into rpt_articles select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])`, [
    articles.map((_, k) => k), articles.map((a) => a.title), articles.map((a) => a.html), articles.map((a) => a.text), articles.map((a) => a.category),
  ]);
  const itemRows = `from generate_series(0, $1::bigint - 1) g
     join rpt_units u on u.n = (g * 7919) % $2
     cross join lateral (select $3::date + ((g * 104729) % $4)::int as day) d`;
  await q(
    `insert into info_items (id, unit_id, title, body_html, body_text, category, status, submitted_at, submitted_on, decided_at, created_by)
     select md5('info' || g)::uuid, u.id, a.title, a.body_html, a.body_text, a.category, case when g % 20 = 0 then 'reviewing' else 'approved' end,
            (d.day + time '10:00') at time zone 'Asia/Shanghai', d.day, case when g % 20 <> 0 then (d.day + time '16:00') at time zone 'Asia/Shanghai' end, $5::uuid
     ${itemRows} join rpt_articles a on a.k = g % $6`,
    [INFO_ITEMS, nUnits, first, days, adminId, ARTICLES],
  );
  await q(
    `insert into info_authors (item_id, seq, person_id, name)
     select md5('info' || g)::uuid, 1, p.id, p.name ${itemRows} join rpt_people p on p.unit_id = u.id and p.k = g % $5`,
    [INFO_ITEMS, nUnits, first, days, PER_UNIT],
  );
  await q(
    `insert into info_adoptions (item_id, unit_id, kind, outlet, level, adopted_on, created_by)
     select md5('info' || g)::uuid, u.id, 'outlet', l.outlet, l.level, least(d.day + l.lag, $5::date), $6::uuid
     ${itemRows}
     join (values (1, 25, '县级', '县融媒体中心客户端', 2), (1, 5, '市级', '市委宣传部《信息专报》', 6), (25, 35, '市级', '市委宣传部《信息专报》', 5),
                  (35, 38, '省级', '省委宣传部《宣传工作》', 9), (38, 39, '中央', '《学习强国》学习平台', 14)) l(lo, hi, level, outlet, lag)
       on g % 100 >= l.lo and g % 100 < l.hi
     where g % 20 <> 0`,
    [INFO_ITEMS, nUnits, first, days, lastDay, adminId],
  );
  t.info = seconds(t0);

  t0 = performance.now();
  for (const statement of restore) await q(statement, []);
  await q('drop table rpt_units, rpt_branches, rpt_people, rpt_articles', []);
  t.indexes = seconds(t0);

  // The ledger and its running totals (point_totals), as points.ts loads them.
  t0 = performance.now();
  const ledger = await loadLedger(q, { adminId, events: EVENTS, year, lastDay });
  t.points = seconds(t0);
  // vacuum as well as analyze: a server's autovacuum soon sets the visibility map of tables that were only
  // inserted into, and without it every index-only scan of the dashboards fetches each heap row too
  t0 = performance.now();
  await q('vacuum (analyze)', []);
  t.vacuum = seconds(t0);
  const count = async (sqlText: string) => Number(rowsOf(await q(`select count(*)::int as n from ${sqlText}`, []))[0].n);
  return {
    year,
    tree,
    campaignIds,
    sizes: {
      units: tree.units.length,
      branches: nBranches,
      persons: await count('persons'),
      tasks: await count('tasks'),
      tasksDone: await count(`tasks where status = 'done'`),
      tasksOverdue: await count(`tasks where status <> 'done' and deadline < current_date`),
      sessions: await count('study_sessions'),
      attendance: await count('study_attendance'),
      infoItems: await count('info_items'),
      adoptions: await count('info_adoptions'),
      pointEvents: EVENTS,
      pointTotals: ledger.totals,
    },
    seconds: t,
  };
}

type DashResult = {
  case: string;
  who: string;
  url: string;
  queries: number;
  http: Stats;
  sql: Stats;
  steps: { sql: string; ms: number }[];
  slowest?: string;
  plan?: string[];
};

/** A statement as one line, the dashboards' "row → units below it" map and its values shortened to m(…). */
const shortSql = (q: string) =>
  q
    .replace(/\s+/g, ' ')
    .replace(/\(values (\(\$\d+::\w+, \$\d+::\w+\)(, )?)+\)/g, '(values …)')
    .replace(/m as \(select k\.kid.*?like k\.kpath \|\| '%'( and u\.path like \$\d+)?\)/, 'm(…)')
    .slice(0, 150);

/** Each statement of a request on its own (median of three), the slowest first: where a request's time goes. */
async function stepTimes(queries: Captured[], raw: Raw) {
  const out: { sql: string; ms: number }[] = [];
  for (const x of queries) {
    const t: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await raw(x.query, x.params);
      t.push(performance.now() - t0);
    }
    out.push({ sql: shortSql(x.query), ms: stats(t).median });
  }
  return out.sort((a, b) => b.ms - a.ms);
}

/** A file download over real HTTP, counted and thrown away as it arrives, with the process memory sampled every 20 ms. */
function download(port: number, url: string, cookie: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url, headers: { cookie } }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
async function watchedDownload(port: number, url: string, cookie: string) {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  const res = await download(port, url, cookie);
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  sample();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  const mb = (x: number) => Math.round(x / 1024 / 102.4) / 10;
  // with --expose-gc (NODE_OPTIONS=--expose-gc): what the heap still holds once the garbage of the export is collected
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const retained = gc ? mb(process.memoryUsage().heapUsed - before.heapUsed) : null;
  return { ms: elapsed, bytes: res.bytes, rssBeforeMb: mb(before.rss), rssPeakMb: mb(rssPeak), rssDeltaMb: mb(rssPeak - before.rss), heapDeltaMb: mb(heapPeak - before.heapUsed), heapRetainedMb: retained };
}

async function main() {
  const today = shanghaiDate();
  const t0 = performance.now();
  const database = await openBenchDb({ pool: env('BENCH_POOL', CLIENTS) });
  const { db } = database;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-bench-'));
  const config = loadConfig({ LUOSHI_DATA: tmp, LUOSHI_LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, {
    adminPassword: DEMO_PASSWORD,
    webDist: path.join(tmp, 'no-web'),
    loginRatePerMinute: 100_000,
  });
  const adminId = await benchBootstrap(db, config);
  console.log(
    `正在生成统计数据（${database.kind}）：${COUNTIES} 个县区、${BRANCHES.toLocaleString('en')} 个支部、学习活动 ${SESSIONS.toLocaleString('en')} 场、` +
      `积分明细 ${EVENTS.toLocaleString('en')} 条、信息 ${INFO_ITEMS.toLocaleString('en')} 条、任务 ${TASKS.toLocaleString('en')} 项……`,
  );
  const built = await database.onOne((q) => build(q, adminId, today));
  const buildSeconds = (performance.now() - t0) / 1000;
  console.log(`${JSON.stringify(built.sizes)}\n装载 ${buildSeconds.toFixed(1)} 秒 ${JSON.stringify(built.seconds)}`);
  if (process.env.BENCH_BUILD_ONLY) return database.close();

  // The county liaison of the first county, signed in beside the admin.
  const county = built.tree.counties[0];
  const [liaisonPerson] = rowsOf(await database.raw(`select id from persons where unit_id = $1 order by id limit 1`, [county.id]));
  const [role] = await db.select().from(schema.roles).where(eq(schema.roles.code, 'liaison'));
  const [liaison] = await db
    .insert(schema.users)
    .values({ username: 'bench.liaison', passwordHash: await hashPassword(DEMO_PASSWORD), personId: String(liaisonPerson.id), unitId: county.id })
    .returning();
  await db.insert(schema.userRoles).values({ userId: liaison.id, roleId: role.id });

  const app = await buildApp({ db, config, logger: false });
  await app.ready();
  const signIn = async (username: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    return String(res.headers['set-cookie']).split(';')[0];
  };
  const cookies = { 管理员: await signIn('admin'), 县联络员: await signIn('bench.liaison') };
  const call = (who: keyof typeof cookies, method: 'GET' | 'POST', url: string, payload?: object, status = 200) => async () => {
    const res = await app.inject({ method, url, headers: { cookie: cookies[who] }, ...(payload ? { payload } : {}) });
    if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res;
  };

  // ---- 1. each dashboard alone, beside its SQL
  const branch = built.tree.branches[0]; // in the first county
  const [person] = rowsOf(await database.raw(`select id from persons where unit_id = $1 order by id limit 1`, [branch.id]));
  const campaign = built.campaignIds[0];
  const O = '/api/dashboards/overview';
  const cases: { case: string; who: keyof typeof cookies; url: string }[] = [
    { case: `全市（${COUNTIES} 个县区）`, who: '管理员', url: O },
    { case: '全市 按专项行动', who: '管理员', url: `${O}?campaignId=${campaign}` },
    { case: `一个县（${BRANCHES / COUNTIES} 个支部）`, who: '管理员', url: `${O}?unitId=${county.id}` },
    { case: `一个支部（${PER_UNIT} 人）`, who: '管理员', url: `${O}?unitId=${branch.id}` },
    { case: '个人', who: '管理员', url: `/api/dashboards/person?personId=${person.id}` },
    { case: '本县（默认）', who: '县联络员', url: O },
    { case: '本县 按专项行动', who: '县联络员', url: `${O}?campaignId=${campaign}` },
    { case: '本县一个支部', who: '县联络员', url: `${O}?unitId=${branch.id}` },
    { case: '本县一个人', who: '县联络员', url: `/api/dashboards/person?personId=${person.id}` },
  ];
  const W = 30;
  const header = `${pad('看板', W)}${pad('身份', 10)}${pad('SQL条数', 8, true)} │${pad('HTTP中位', 10, true)}${pad('HTTP p95', 10, true)} │${pad('SQL中位', 10, true)}${pad('SQL p95', 10, true)} │${pad('倍数', 6, true)}`;
  const line = (r: DashResult) =>
    `${pad(r.case, W)}${pad(r.who, 10)}${pad(String(r.queries), 8, true)} │${ms(r.http.median)} ${ms(r.http.p95)} │${ms(r.sql.median)} ${ms(r.sql.p95)} │${(r.http.median / r.sql.median).toFixed(2).padStart(6)}`;
  console.log(`\n数据库：${database.kind}　每项 ${RUNS_HERE} 次（另预热 ${WARMUP_HERE} 次），单位：毫秒，期间：本年（Y${built.year}）\n`);
  console.log(header);
  const dash: DashResult[] = [];
  for (const c of cases) {
    const get = call(c.who, 'GET', c.url);
    const r = await requestVersusSql(get, database.raw, RUNS_HERE, WARMUP_HERE);
    const result: DashResult = { ...c, queries: r.queries.length, http: r.http, sql: r.sql, steps: (await stepTimes(r.queries, database.raw)).slice(0, 4) };
    if (process.env.BENCH_EXPLAIN) await explainSlowest(result, r.queries, database.raw);
    dash.push(result);
    console.log(line(result));
    for (const s of result.steps.slice(0, 2)) console.log(`    ${ms(s.ms)}  ${s.sql}`);
  }

  const queueNote = PG ? `连接池 ${env('BENCH_POOL', CLIENTS)} 个连接` : '只有一个连接：并发请求在这一个连接上排队';
  // ---- 2. under load: CLIENTS callers at once, each going round the same dashboards from its own starting point
  // (BENCH_LOAD_REQUESTS=0 leaves it out)
  const load = LOAD_REQUESTS > 0 ? await hammer() : null;
  async function hammer() {
    const perClient = Math.ceil(LOAD_REQUESTS / CLIENTS);
    const lat = new Map(cases.map((c) => [c.case + c.who, [] as number[]]));
    const all: number[] = [];
    const l0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, k) => {
        for (let i = 0; i < perClient; i++) {
          const c = cases[(k + i) % cases.length];
          const s = performance.now();
          await call(c.who, 'GET', c.url)();
          const elapsed = performance.now() - s;
          all.push(elapsed);
          lat.get(c.case + c.who)!.push(elapsed);
        }
      }),
    );
    const wall = performance.now() - l0;
    const result = {
      clients: CLIENTS,
      connections: PG ? env('BENCH_POOL', CLIENTS) : 1,
      requests: all.length,
      wallMs: wall,
      perSecond: all.length / (wall / 1000),
      all: stats(all),
      byCase: cases.map((c) => ({ case: c.case, who: c.who, ...stats(lat.get(c.case + c.who)!) })),
    };
    console.log(`\n并发：${CLIENTS} 个调用方同时请求，共 ${all.length} 次（${queueNote}），用时 ${(wall / 1000).toFixed(1)} 秒，每秒 ${result.perSecond.toFixed(1)} 次`);
    console.log(`${pad('看板', W)}${pad('身份', 10)}${pad('次数', 6, true)} │${pad('p50', 10, true)}${pad('p99', 10, true)}${pad('最大', 10, true)}`);
    for (const r of result.byCase) console.log(`${pad(r.case, W)}${pad(r.who, 10)}${pad(String(r.runs), 6, true)} │${ms(r.median)} ${ms(r.p99)} ${ms(r.max)}`);
    console.log(`${pad('全部', W + 10)}${pad(String(result.all.runs), 6, true)} │${ms(result.all.median)} ${ms(result.all.p99)} ${ms(result.all.max)}`);
    return result;
  }

  // ---- 3. 通报 of the first county's 200 branches: drafted from live data, issued, downloaded as Word
  const bulletins: { template: string; rows: number; createMs: number; issueMs: number; kb: number; docx: Stats; alone: Stats }[] = [];
  for (const [template, periodKey] of [['points_ranking', `Q${built.year}-3`], ['monthly_tasks', `M${built.year}-11`]] as const) {
    let s = performance.now();
    const draft = (await call('管理员', 'POST', '/api/bulletins', { template, periodKey, scopeUnitId: county.id }, 201)()).json() as { id: string; version: number };
    const createMs = performance.now() - s;
    s = performance.now();
    const issued = (await call('管理员', 'POST', `/api/bulletins/${draft.id}/issue`, { version: draft.version })()).json() as {
      title: string; addressee: string | null; blocks: BulletinBlock[]; docNumber: string; signatureIssuer: string; signatureDate: string; colophon: { label: string; text: string }[];
    };
    const issueMs = performance.now() - s;
    const get = call('管理员', 'GET', `/api/bulletins/${draft.id}/docx`);
    const size = (await get()).rawPayload.length;
    const docx = stats(await time(get));
    // the document alone, from the same blocks (no database)
    const body = issued.signatureIssuer;
    const alone = stats(
      await time(() =>
        officialDocument({
          masthead: body,
          docNumber: issued.docNumber,
          title: issued.title,
          addressee: issued.addressee ?? undefined,
          blocks: issued.blocks,
          signature: { issuer: body, date: cnDate(issued.signatureDate) },
          colophon: { lines: issued.colophon, printer: `${body.replace(/^中共/, '')}办公室`, printDate: cnDate(issued.signatureDate) },
        }),
      ),
    );
    const rows = issued.blocks.reduce((n, b) => n + (b.kind === 'table' ? b.rows.length : 0), 0);
    bulletins.push({ template, rows, createMs, issueMs, kb: Math.round(size / 1024), docx, alone });
  }

  // ---- 4. the person list as XLSX over real HTTP: a tenth of it (born after the 90th percentile), then all of it
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const [{ cut }] = rowsOf(await database.raw(`select (percentile_disc(0.9) within group (order by birth_date))::text as cut from persons`, []));
  const total = async (query: string) => ((await call('管理员', 'GET', `/api/org/persons?pageSize=1${query}`)()).json() as { total: number }).total;
  const exports: ({ case: string; rows: number } & Awaited<ReturnType<typeof watchedDownload>>)[] = [];
  for (const [name, query] of [['人员 十分之一（出生晚于九成的人）', `&bornAfter=${cut}`], ['人员 全部', '']] as const) {
    const rows = await total(query);
    exports.push({ case: name, rows, ...(await watchedDownload(port, `/api/org/persons/export.xlsx?${query.slice(1)}`, cookies.管理员)) });
  }
  await app.close();
  await database.close();
  fs.rmSync(tmp, { recursive: true, force: true });

  // ---- the figures together
  const s = built.sizes;
  console.log(`\n数据库：${database.kind}${process.env.PGOPTIONS ? `（${process.env.PGOPTIONS}）` : ''}　装载 ${buildSeconds.toFixed(0)} 秒`);
  console.log(
    `单位 ${s.units.toLocaleString('en')}（支部 ${s.branches.toLocaleString('en')}），人员 ${s.persons.toLocaleString('en')}，任务 ${s.tasks.toLocaleString('en')}（完成 ${s.tasksDone.toLocaleString('en')}，逾期 ${s.tasksOverdue.toLocaleString('en')}），` +
      `学习活动 ${s.sessions.toLocaleString('en')}（出勤记录 ${s.attendance.toLocaleString('en')}），信息 ${s.infoItems.toLocaleString('en')}（采用 ${s.adoptions.toLocaleString('en')}），` +
      `积分明细 ${s.pointEvents.toLocaleString('en')}（累计行 ${s.pointTotals.toLocaleString('en')}）\n`,
  );
  console.log(header);
  for (const r of dash) console.log(line(r));
  if (load) console.log(`\n并发 ${CLIENTS} 个调用方（${queueNote}）：p50 ${load.all.median.toFixed(0)} ms，p99 ${load.all.p99.toFixed(0)} ms，每秒 ${load.perSecond.toFixed(1)} 次`);
  console.log(`\n${pad('通报 Word（一个县）', 34)}${pad('表格行', 8, true)}${pad('起草', 9, true)}${pad('印发', 9, true)}${pad('大小KB', 8, true)} │${pad('下载中位', 10, true)}${pad('p95', 10, true)} │${pad('仅生成中位', 12, true)}${pad('p95', 10, true)}`);
  for (const b of bulletins) {
    console.log(`${pad(b.template, 34)}${pad(String(b.rows), 8, true)}${pad(b.createMs.toFixed(0), 9, true)}${pad(b.issueMs.toFixed(0), 9, true)}${pad(String(b.kb), 8, true)} │${ms(b.docx.median)} ${ms(b.docx.p95)} │${pad(b.alone.median.toFixed(2), 12, true)}${ms(b.alone.p95)}`);
  }
  console.log(`\n${pad('XLSX 导出（管理员）', 34)}${pad('行数', 9, true)}${pad('字节', 12, true)}${pad('秒', 8, true)} │${pad('RSS前MB', 9, true)}${pad('峰值MB', 9, true)}${pad('增量MB', 9, true)}${pad('堆峰值增量', 12, true)}${pad('GC后堆增量', 12, true)}`);
  for (const e of exports) {
    console.log(
      `${pad(e.case, 34)}${pad(String(e.rows), 9, true)}${pad(String(e.bytes), 12, true)}${pad((e.ms / 1000).toFixed(1), 8, true)} │${pad(String(e.rssBeforeMb), 9, true)}${pad(String(e.rssPeakMb), 9, true)}${pad(String(e.rssDeltaMb), 9, true)}${pad(String(e.heapDeltaMb), 12, true)}${pad(e.heapRetainedMb == null ? '—' : String(e.heapRetainedMb), 12, true)}`,
    );
  }
  if (!(globalThis as { gc?: unknown }).gc) console.log('（GC 后的堆：以 NODE_OPTIONS=--expose-gc 运行时才有）');
  console.log(`\n目标：接口 ≤ SQL 的 1.3 倍；并发下 p99 < 200 ms；通报 Word < 1 秒。只列数字，不判通过。机器上可能同时有其他测试在跑，数字有噪声。`);
  if (process.env.BENCH_EXPLAIN) for (const r of dash) if (r.plan) console.log(`\n${r.case}（${r.who}）：${r.slowest}\n${r.plan.join('\n')}`);
  const outDir = path.join(here, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `reports-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), database: database.kind, pgOptions: process.env.PGOPTIONS ?? null, node: process.version, cpus: os.cpus().length, runs: RUNS_HERE, sizes: s, buildSeconds, loadSeconds: built.seconds, dashboards: dash, load, bulletins, exports }, null, 2),
  );
  console.log(`\n结果已写入 ${path.relative(process.cwd(), file)}`);
}

await main();
