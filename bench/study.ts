/**
 * npm run bench (second part): the weekly coverage check over 5,000 branches × 52 weeks, and the monthly
 * learning-platform ranking over 100,000 people — each request timed beside the raw SQL it runs.
 *
 *   BENCH_BRANCHES=5000 BENCH_PEOPLE_PER_BRANCH=20 BENCH_RUNS=20 npm run bench
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import type { Db } from '../apps/server/src/db/client.ts';
import * as schema from '../apps/server/src/db/schema/index.ts';
import { DEMO_PASSWORD, makeRng } from '../apps/server/src/demo/city.ts';
import { addDays, periodOf, shanghaiDate } from '../apps/server/src/platform/calendar.ts';
import { checkWeek } from '../apps/server/src/modules/study/coverage.ts';
import { env, here, insertChunks, isMain, ms, openBenchDb, pad, requestVersusSql, RUNS, WARMUP, benchBootstrap } from './lib.ts';

const BRANCHES = env('BENCH_BRANCHES', 5000);
const PER_BRANCH = env('BENCH_PEOPLE_PER_BRANCH', 20);
const COUNTIES = 50;
const YEAR = 2026;
const MONTH = `${YEAR}-05`;
const PLATFORM = '学习强国';

/** City → counties → branches (党支部), dealt to the counties in turn, with the org module's materialised paths. */
export function branchTree(nCounties: number, nBranches: number) {
  const unit = (parent: { id: string; path: string; depth: number } | null, name: string, type: string, sort = 0) => {
    const id = crypto.randomUUID();
    return { id, parentId: parent?.id ?? null, name, type, path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0, sort };
  };
  const city = unit(null, '基准市委宣传部', 'department');
  const counties = Array.from({ length: nCounties }, (_, i) => unit(city, `基准县${i + 1}委宣传部`, 'county_department', i));
  const branches = Array.from({ length: nBranches }, (_, i) => unit(counties[i % nCounties], `基准支部${i + 1}`, 'branch', Math.floor(i / nCounties)));
  return { city, counties, branches, units: [city, ...counties, ...branches] };
}

async function build(db: Db, adminId: string) {
  const rng = makeRng(11);
  const { branches, units } = branchTree(COUNTIES, BRANCHES);
  await insertChunks(units, 1000, (c) => db.insert(schema.units).values(c));

  const people = branches.flatMap((b, i) =>
    Array.from({ length: PER_BRANCH }, (_, j) => ({ id: crypto.randomUUID(), unitId: b.id, name: `人员${i}-${j}` })),
  );
  await insertChunks(people, 2000, (c) => db.insert(schema.persons).values(c));

  // One held session a week per branch, the year's Mondays; about one week in eight falls short of 4 hours.
  let monday = periodOf('weekly', `${YEAR}-01-05`).start;
  const weeks: string[] = [];
  const sessions: (typeof schema.studySessions.$inferInsert)[] = [];
  for (let w = 0; w < 52; w++) {
    weeks.push(periodOf('weekly', monday).key);
    for (const b of branches) {
      const start = new Date(`${monday}T09:00:00+08:00`);
      const minutes = rng.chance(0.125) ? 180 : 240;
      const end = new Date(start.getTime() + minutes * 60_000);
      sessions.push({
        unitId: b.id, typeCode: 'collective', topic: '集中学习', plannedStart: start, plannedEnd: end, status: 'held',
        filedAt: new Date(start.getTime() - 86_400_000), late: false, actualStart: start, actualEnd: end,
      });
    }
    monday = addDays(monday, 7);
  }
  // the study module's weekly tally is recounted once afterwards instead of row by row by its trigger
  await db.execute(sql`alter table study_sessions disable trigger study_sessions_tally`);
  await insertChunks(sessions, 5000, (c) => db.insert(schema.studySessions).values(c));
  await db.execute(sql`alter table study_sessions enable trigger study_sessions_tally`);
  await db.execute(sql`select study_unit_weeks_rebuild()`);

  const [imp] = await db
    .insert(schema.studyScoreImports)
    .values({ userId: adminId, platform: '学习强国', month: MONTH, ruleVersion: '2026版', fileName: 'bench.csv', headers: [], sheet: [], status: 'confirmed', confirmedAt: new Date() })
    .returning();
  const scores = people.map((p) => ({ platform: '学习强国', month: MONTH, personId: p.id, unitId: p.unitId, hundredths: rng.int(0, 30000), importId: imp.id, ruleVersion: '2026版' }));
  await insertChunks(scores, 5000, (c) => db.insert(schema.studyScores).values(c));
  return { branches: branches.length, people: people.length, sessions: sessions.length, scores: scores.length, weeks };
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
  console.log(`正在生成学习数据（${database.kind}）……`);
  const sizes = await build(db, adminId);
  const buildSeconds = (performance.now() - t0) / 1000;
  console.log(`支部 ${sizes.branches} 个，人员 ${sizes.people} 人，学习活动 ${sizes.sessions} 场，积分 ${sizes.scores} 条，用时 ${buildSeconds.toFixed(1)} 秒`);

  // The whole year's checks once, as the job would catch up after a long outage.
  const today = shanghaiDate();
  const y0 = performance.now();
  const current = periodOf('weekly', today).key;
  const checked = sizes.weeks.filter((w) => w < current);
  for (const week of checked) await checkWeek(db, week, today);
  const yearSeconds = (performance.now() - y0) / 1000;

  const app = await buildApp({ db, config, logger: false });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: DEMO_PASSWORD } });
  const cookie = String(login.headers['set-cookie']).split(';')[0];
  const call = (method: 'GET' | 'POST', url: string) => async () => {
    const res = await app.inject({ method, url, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    return res;
  };
  const week = sizes.weeks[20];
  const cases = [
    { name: `每周覆盖检查（${sizes.branches} 个支部，一周）`, fn: call('POST', `/api/study/coverage/weeks/${week}/check`) },
    { name: '未学通报 一周名单', fn: call('GET', `/api/study/coverage/weeks/${week}`) },
    { name: `月度排名 个人（${sizes.people} 人）第1页`, fn: call('GET', `/api/study/scores/ranking?month=${MONTH}&platform=${encodeURIComponent(PLATFORM)}&by=person&page=1&pageSize=20`) },
    { name: '月度排名 单位（人均）第1页', fn: call('GET', `/api/study/scores/ranking?month=${MONTH}&platform=${encodeURIComponent(PLATFORM)}&by=unit&page=1&pageSize=20`) },
  ];
  const results = [];
  for (const c of cases) {
    const r = await requestVersusSql(c.fn, database.raw);
    results.push({ case: c.name, queries: r.queries.length, http: r.http, sql: r.sql });
  }
  await app.close();
  await database.close();
  fs.rmSync(tmp, { recursive: true, force: true });

  console.log(`\n数据库：${database.kind}　每项 ${RUNS} 次（另预热 ${WARMUP} 次），单位：毫秒`);
  console.log(`已结束的 ${checked.length} 周逐周检查（补跑）共 ${yearSeconds.toFixed(1)} 秒\n`);
  console.log(`${pad('场景', 44)}${pad('SQL条数', 9, true)} │${pad('HTTP中位', 10, true)}${pad('HTTP p95', 10, true)} │${pad('SQL中位', 10, true)}${pad('SQL p95', 10, true)}`);
  for (const r of results) console.log(`${pad(r.case, 44)}${pad(String(r.queries), 9, true)} │${ms(r.http.median)} ${ms(r.http.p95)} │${ms(r.sql.median)} ${ms(r.sql.p95)}`);
  const outDir = path.join(here, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `study-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), database: database.kind, node: process.version, cpus: os.cpus().length, runs: RUNS, sizes: { ...sizes, weeks: sizes.weeks.length }, buildSeconds, weeksChecked: checked.length, yearSeconds, results }, null, 2));
  console.log(`\n结果已写入 ${path.relative(process.cwd(), file)}`);
}

if (isMain(import.meta.url)) await main();
