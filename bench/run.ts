/**
 * npm run bench: a province-sized organisation (2,000 units, 50,000 tasks by default), inserted in bulk, and the
 * time a county liaison waits for page 1 of their task list — through the HTTP stack (app.inject) and as the raw
 * SQL that the same request runs. Figures only: nothing here passes or fails.
 *
 *   BENCH_UNITS=2000 BENCH_TASKS=50000 BENCH_RUNS=60 npm run bench
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench   (a fresh database on that server)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import type { Db } from '../apps/server/src/db/client.ts';
import * as schema from '../apps/server/src/db/schema/index.ts';
import { addDays, DEMO_PASSWORD, generateOrg, makeRng } from '../apps/server/src/demo/city.ts';
import { phoneColumns } from '../apps/server/src/modules/org/persons.ts';
import { useKeyRing } from '../apps/server/src/platform/crypto.ts';
import { loadKeyRing } from '../apps/server/src/platform/keys.ts';
import { hashPassword } from '../apps/server/src/platform/password.ts';
import { shanghaiDate } from '../apps/server/src/platform/calendar.ts';
import { env, here, insertChunks, ms, openBenchDb, pad, RUNS, recorder, stats, time, timePair, WARMUP, width, benchBootstrap } from './lib.ts';

const TARGET_UNITS = env('BENCH_UNITS', 2000);
const TARGET_TASKS = env('BENCH_TASKS', 50_000);

async function buildLargeCity(db: Db, today: string) {
  const institutes = 4;
  const stations = 3;
  const perCounty = 6 + institutes * (1 + stations);
  const counties = Math.max(1, Math.round((TARGET_UNITS - 8) / perCounty));
  const org = generateOrg({ seed: 7, counties, institutesPerCounty: institutes, stationsPerInstitute: stations, staffScale: 0.3 });

  const unitIds = new Map<string, { id: string; path: string; depth: number }>();
  const unitRows = org.units.map((u) => {
    const id = crypto.randomUUID();
    const parent = u.parentKey ? unitIds.get(u.parentKey)! : null;
    const row = { id, path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0 };
    unitIds.set(u.key, row);
    return { ...row, parentId: parent?.id ?? null, name: u.name, type: u.type, sort: u.sort };
  });
  await insertChunks(unitRows, 1000, (c) => db.insert(schema.units).values(c));

  const personIds = new Map<string, string>();
  const personRows = org.persons.map((p) => {
    const id = crypto.randomUUID();
    personIds.set(p.key, id);
    // Phones are stored as the org module stores them: sealed, with their blind index.
    return { id, unitId: unitIds.get(p.unitKey)!.id, name: p.name, gender: p.gender, post: p.post, birthDate: p.birthDate, ...phoneColumns(p.phone), partyMember: p.partyMember };
  });
  await insertChunks(personRows, 1000, (c) => db.insert(schema.persons).values(c));

  // The liaison of the first county: the account the benchmark signs in with.
  const county = org.counties[0];
  const liaisonPerson = org.persons.find((p) => p.unitKey === county.key && p.post === '联络员')!;
  const [role] = await db.select().from(schema.roles).where(eq(schema.roles.code, 'liaison'));
  const [user] = await db
    .insert(schema.users)
    .values({ username: 'bench.liaison', passwordHash: await hashPassword(DEMO_PASSWORD), personId: personIds.get(liaisonPerson.key)!, unitId: unitIds.get(county.key)!.id })
    .returning();
  await db.insert(schema.userRoles).values({ userId: user.id, roleId: role.id });

  const rootId = unitIds.get('city')!.id;
  const [campaign] = await db
    .insert(schema.campaigns)
    .values({ unitId: rootId, name: '四大专项行动', dimensions: ['全员大学习', '业务大比拼', '作风大转变', '能力大提升'], startDate: addDays(today, -150), endDate: addDays(today, 120) })
    .returning();

  // Every county gets the same share of tasks: top-level tasks from the city, each broken down to ten of the
  // county's units and people. A fifth of the tasks name a co-unit, some of them in another county.
  const rng = makeRng(11);
  const dims = ['全员大学习', '业务大比拼', '作风大转变', '能力大提升'];
  const cycles = ['none', 'monthly', 'monthly', 'quarterly', 'weekly'] as const;
  const unitsOf = new Map<string, string[]>();
  for (const u of org.units) {
    const c = u.key.split('/')[0];
    if (c !== u.key) unitsOf.set(c, [...(unitsOf.get(c) ?? []), u.key]);
  }
  const peopleOf = new Map<string, string[]>();
  for (const p of org.persons) peopleOf.set(p.unitKey, [...(peopleOf.get(p.unitKey) ?? []), p.key]);
  const mediaKeys = org.counties.map((c) => `${c.key}/media`);

  type TaskRow = typeof schema.tasks.$inferInsert;
  const taskRows: TaskRow[] = [];
  const coRows: { taskId: string; unitId: string }[] = [];
  const perCountyTasks = Math.ceil(TARGET_TASKS / org.counties.length);
  const SUBS = 10;
  const tops = Math.max(1, Math.ceil(perCountyTasks / (SUBS + 1)));
  for (const c of org.counties) {
    const below = unitsOf.get(c.key)!;
    let made = Math.max(0, perCountyTasks - (TARGET_TASKS - taskRows.length));
    for (let t = 0; t < tops && made < perCountyTasks; t++) {
      const start = addDays(today, -rng.int(20, 150));
      const deadline = addDays(today, rng.int(-30, 120));
      const cycle = rng.pick(cycles);
      const id = crypto.randomUUID();
      const top: TaskRow = {
        id, campaignId: campaign.id, year: Number(start.slice(0, 4)), depth: 0, title: `${c.name}专项任务${t + 1}`, dimension: rng.pick(dims),
        leadUnitId: unitIds.get(c.key)!.id, assignedByUnitId: rootId, responsiblePersonId: personIds.get(peopleOf.get(c.key)![0]),
        startDate: start, deadline: deadline < start ? start : deadline, reportCycle: cycle, progress: rng.int(0, 100),
      };
      taskRows.push(top);
      made++;
      if (rng.chance(0.2)) coRows.push({ taskId: id, unitId: unitIds.get(rng.pick(mediaKeys))!.id });
      for (let s = 0; s < SUBS && made < perCountyTasks; s++) {
        const unitKey = rng.pick(below);
        const people = peopleOf.get(unitKey) ?? [];
        const sub = crypto.randomUUID();
        taskRows.push({
          id: sub, campaignId: campaign.id, year: top.year, parentId: id, depth: 1, title: `${top.title}-${s + 1}`, dimension: top.dimension,
          leadUnitId: unitIds.get(unitKey)!.id, assignedByUnitId: top.leadUnitId, responsiblePersonId: people.length ? personIds.get(rng.pick(people)) : null,
          startDate: top.startDate, deadline: top.deadline, reportCycle: cycle, progress: rng.int(0, 100),
          status: rng.chance(0.15) ? 'done' : 'in_progress',
        });
        made++;
        if (rng.chance(0.2)) coRows.push({ taskId: sub, unitId: unitIds.get(rng.pick(below))!.id });
      }
    }
  }
  await insertChunks(taskRows, 1000, (c) => db.insert(schema.tasks).values(c));
  await insertChunks(coRows, 2000, (c) => db.insert(schema.taskCoUnits).values(c));

  // A staff member of the first county's media centre who is responsible for some of its sub-tasks: 我的任务.
  const staffPersonId = taskRows.find((t) => t.depth === 1 && t.responsiblePersonId && t.leadUnitId === unitIds.get(`${county.key}/media`)!.id)?.responsiblePersonId;
  if (staffPersonId) {
    const [staffRole] = await db.select().from(schema.roles).where(eq(schema.roles.code, 'staff'));
    const [staff] = await db
      .insert(schema.users)
      .values({ username: 'bench.staff', passwordHash: user.passwordHash, personId: staffPersonId, unitId: unitIds.get(`${county.key}/media`)!.id })
      .returning();
    await db.insert(schema.userRoles).values({ userId: staff.id, roleId: staffRole.id });
  }

  // One report on every third task, so that the missing-report computation has rows to read.
  const reportRows = taskRows
    .filter((_, i) => i % 3 === 0)
    .map((t, i) => ({ taskId: t.id!, periodKey: 'once', content: '阶段进展', percent: t.progress ?? 0, status: i % 4 ? 'accepted' : 'submitted', submittedBy: user.id, idempotencyKey: `bench-${i}-xxxxxxxx` }));
  await insertChunks(reportRows, 2000, (c) => db.insert(schema.taskReports).values(c));
  await db.execute(sql`analyze`);
  return { units: unitRows.length, persons: personRows.length, tasks: taskRows.length, coUnits: coRows.length, reports: reportRows.length, counties: org.counties.length, liaison: 'bench.liaison', staff: staffPersonId ? 'bench.staff' : null, countyName: county.name };
}

async function main() {
  const today = shanghaiDate();
  const t0 = performance.now();
  const database = await openBenchDb();
  const { db } = database;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-bench-'));
  const config = loadConfig({ LUOSHI_DATA: tmp, LUOSHI_LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, {
    adminPassword: DEMO_PASSWORD,
    webDist: path.join(tmp, 'no-web'),
    loginRatePerMinute: 100_000,
  } as Partial<ReturnType<typeof loadConfig>>);
  useKeyRing(loadKeyRing(config));
  await benchBootstrap(db, config);
  console.log(`正在生成数据（${database.kind}）……`);
  const sizes = await buildLargeCity(db, today);
  const buildSeconds = (performance.now() - t0) / 1000;
  console.log(`单位 ${sizes.units} 个，人员 ${sizes.persons} 人，任务 ${sizes.tasks} 项（配合单位 ${sizes.coUnits} 条，进展 ${sizes.reports} 条），用时 ${buildSeconds.toFixed(1)} 秒`);

  const app = await buildApp({ db, config, logger: false });
  await app.ready();
  const login = async (username: string, password: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    return String(res.headers['set-cookie']).split(';')[0];
  };

  const cases = [
    { name: `县（区）联络员 任务列表第1页（${sizes.countyName}）`, user: sizes.liaison, url: '/api/tasks?page=1&pageSize=20' },
    { name: '县（区）联络员 逾期任务第1页', user: sizes.liaison, url: '/api/tasks?page=1&pageSize=20&overdue=true' },
    { name: '管理员 全市任务列表第1页', user: 'admin', url: '/api/tasks?page=1&pageSize=20' },
    ...(sizes.staff ? [{ name: '干部职工 我的任务第1页', user: sizes.staff, url: '/api/tasks?page=1&pageSize=20' }] : []),
  ];
  const results: Record<string, unknown>[] = [];
  for (const c of cases) {
    const cookie = await login(c.user, DEMO_PASSWORD);
    const get = async () => {
      const res = await app.inject({ method: 'GET', url: c.url, headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`${c.url}: ${res.statusCode} ${res.body}`);
      return res;
    };
    const sample = (await get()).json() as { total: number; data: unknown[] };
    // The SQL that one request runs (session lookup included), replayed without the HTTP stack.
    recorder.queries = [];
    recorder.on = true;
    await get();
    recorder.on = false;
    const queries = recorder.queries;
    // HTTP and raw SQL runs alternate, so that both see the same cache and the same garbage collector.
    const [httpTimes, sqlTimes] = await timePair(get, async () => {
      for (const q of queries) await database.raw(q.query, q.params);
    });
    const http = stats(httpTimes);
    const rawSql = stats(sqlTimes);
    // Each statement on its own, to show where the time goes.
    const perQuery: { sql: string; median: number; p95: number }[] = [];
    for (const q of queries) {
      const s = stats(await time(() => database.raw(q.query, q.params)));
      perQuery.push({ sql: q.query.replace(/\s+/g, ' ').slice(0, 160), median: s.median, p95: s.p95 });
    }
    // The plan of the slowest statement, kept with the figures (printed with BENCH_EXPLAIN=1).
    const slowestIndex = perQuery.reduce((best, q, i) => (q.median > perQuery[best].median ? i : best), 0);
    const explained = (await database.raw(`explain (analyze, buffers) ${queries[slowestIndex].query}`, queries[slowestIndex].params)) as { rows: Record<string, string>[] };
    const plan = explained.rows.map((r) => Object.values(r)[0]);
    results.push({ case: c.name, url: c.url, total: sample.total, rows: sample.data.length, queries: queries.length, http, sql: rawSql, perQuery, plan, sqlText: queries.map((q) => q.query) });
  }
  await app.close();
  await database.close();
  fs.rmSync(tmp, { recursive: true, force: true });

  console.log(`\n数据库：${database.kind}　每项 ${RUNS} 次（另预热 ${WARMUP} 次），单位：毫秒\n`);
  const W = Math.max(...results.map((r) => width(String(r.case)))) + 2;
  console.log(`${pad('场景', W)}${pad('可见任务', 10, true)}${pad('SQL条数', 9, true)} │${pad('HTTP中位', 10, true)}${pad('HTTP p95', 10, true)} │${pad('SQL中位', 10, true)}${pad('SQL p95', 10, true)}`);
  for (const r of results as any[]) {
    console.log(`${pad(r.case, W)}${pad(String(r.total), 10, true)}${pad(String(r.queries), 9, true)} │${ms(r.http.median)} ${ms(r.http.p95)} │${ms(r.sql.median)} ${ms(r.sql.p95)}`);
  }
  const slowest = (results as any[])[0].perQuery.map((q: any, i: number) => ({ ...q, i })).sort((x: any, y: any) => y.median - x.median).slice(0, 3);
  console.log(`\n${(results as any[])[0].case}：最慢的语句（中位毫秒）`);
  for (const q of slowest) console.log(`${ms(q.median)}  #${q.i + 1} ${q.sql.slice(0, 110)}…`);
  if (process.env.BENCH_EXPLAIN) for (const r of results as any[]) console.log(`\n${r.case}：\n${r.plan.join('\n')}`);
  const outDir = path.join(here, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `tasks-list-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), database: database.kind, pgOptions: process.env.PGOPTIONS ?? null, node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, runs: RUNS, warmup: WARMUP, sizes, buildSeconds, results },
      null,
      2,
    ),
  );
  console.log(`\n结果已写入 ${path.relative(process.cwd(), file)}`);
}

await main();
