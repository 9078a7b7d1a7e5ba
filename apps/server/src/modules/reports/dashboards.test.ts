import { and, eq, inArray, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  infoAdoptions, infoAuthors, infoItems, pointPeriods, pointResults, pointRules, studyAttendance, studyReflections, studySessions, studyWeekChecks, tasks, users,
} from '../../db/schema/index.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, makeUnit, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { overdueCutoff } from '../campaigns/dates.ts';
import { recordPointEvent, type RuleRow } from '../points/ledger.ts';
import { checkWeek } from '../study/coverage.ts';

// Every figure of the dashboard against what the module pages say for the same unit and period: the task list's
// total, 学习统计, 信息统计, the ledger's events, and the 未学通报 of each week.

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let branchA2: Awaited<ReturnType<typeof makeUnit>>;
let admin: Agent;
let liaisonA: Agent;
let staff: Awaited<ReturnType<typeof loginAs>>;
let adminUserId: string;
const today = shanghaiDate();
const cutoff = overdueCutoff(today);

type Fig = {
  tasks: { total: number; done: number; overdue: number; completion: number | null };
  study: { sessions: number; minutes: number; hours: number; weeksCovered: number | null; weeks: number | null; coverage: number | null };
  points: { total: string; rank: number | null; grade: string | null };
  info: { submitted: number; adopted: number; byLevel: Record<string, number> };
};
type Row = { kind: string; id: string; name: string; figures: Fig; links: Record<string, string | null> };

async function task(unitId: string, deadline: string, status: 'done' | 'in_progress', extra: Partial<typeof tasks.$inferInsert> = {}) {
  await ctx.db.insert(tasks).values({
    year: Number(deadline.slice(0, 4)),
    title: `任务${deadline}${status}`,
    leadUnitId: unitId,
    startDate: '2026-01-01',
    deadline,
    status,
    progress: status === 'done' ? 100 : 30,
    completedAt: status === 'done' ? new Date(`${deadline}T10:00:00+08:00`) : null,
    ...extra,
  });
}

async function session(unitId: string, start: string, minutes: number, attendees: string[] = [], status = 'held') {
  const s = new Date(start);
  const e = new Date(s.getTime() + minutes * 60_000);
  const [row] = await ctx.db
    .insert(studySessions)
    .values({ unitId, typeCode: 'collective', topic: '学习', plannedStart: s, plannedEnd: e, status, filedAt: new Date(s.getTime() - 86_400_000), actualStart: status === 'held' ? s : null, actualEnd: status === 'held' ? e : null })
    .returning();
  for (const p of attendees) await ctx.db.insert(studyAttendance).values({ sessionId: row.id, personId: p, status: 'present' });
  return row;
}

async function item(unitId: string, submittedOn: string, adoptions: { level: string; on: string }[] = [], authorId?: string) {
  const [row] = await ctx.db
    .insert(infoItems)
    .values({ unitId, title: `信息${Math.random()}`, bodyHtml: '<p>正文</p>', bodyText: '正文', category: '动态', status: 'approved', submittedAt: new Date(`${submittedOn}T09:00:00+08:00`), submittedOn, createdBy: adminUserId })
    .returning();
  if (authorId) await ctx.db.insert(infoAuthors).values({ itemId: row.id, seq: 1, personId: authorId, name: '作者' });
  for (const a of adoptions) await ctx.db.insert(infoAdoptions).values({ itemId: row.id, unitId, kind: 'outlet', outlet: '某报', level: a.level, adoptedOn: a.on });
}

let ruleUnit: RuleRow;
let rulePerson: RuleRow;
/** Points booked as the ledger books them: the event and its running totals. */
async function points(subjectType: 'unit' | 'person', subjectId: string, unitId: string, cents: number, occurredOn: string) {
  await recordPointEvent(ctx.db, {
    rule: subjectType === 'unit' ? ruleUnit : rulePerson,
    subjectId, unitId, personId: subjectType === 'person' ? subjectId : null,
    points: cents, occurredOn, kind: 'manual',
  });
}

const get = async (agent: Agent, url: string) => ok<{ total: Fig; children: Row[]; breadcrumbs: { id: string; name: string }[]; level: string; childKind: string; trends: Record<string, unknown[]>; totalLinks: Record<string, string | null> }>(agent.get(url));
const row = (d: { children: Row[] }, id: string) => {
  const r = d.children.find((c) => c.id === id);
  if (!r) throw new Error(`no row ${id}`);
  return r;
};

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  branchA2 = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县第二支部', type: 'branch' });
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  staff = await loginAs(ctx, 'staff', city.branchA);
  adminUserId = (await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, 'admin')))[0].id;
  const [ru] = await ctx.db.insert(pointRules).values({ year: 2026, code: 'DU1', effectiveFrom: '2026-01-01', category: '测试', item: '单位加分', subjectType: 'unit', points: 100 }).returning();
  const [rp] = await ctx.db.insert(pointRules).values({ year: 2026, code: 'DP1', effectiveFrom: '2026-01-01', category: '测试', item: '个人加分', subjectType: 'person', points: 100 }).returning();
  ruleUnit = ru;
  rulePerson = rp;
  const other = await makePerson(ctx.db, city.branchA, { name: '甲支部干部' });

  // Tasks: branch A two done, one past its deadline, one due in December; branch A2 one past due; county A its own
  // one done; county B one past due; one outside 2026.
  await task(city.branchA.id, '2026-03-31', 'done', { responsiblePersonId: staff.person.id });
  await task(city.branchA.id, '2026-05-31', 'done');
  await task(city.branchA.id, '2026-04-30', 'in_progress', { responsiblePersonId: staff.person.id });
  await task(city.branchA.id, '2026-12-31', 'in_progress');
  await task(branchA2.id, '2026-06-30', 'in_progress');
  await task(city.countyA.id, '2026-02-28', 'done');
  await task(city.countyB.id, '2026-06-30', 'in_progress');
  await task(city.branchA.id, '2025-12-31', 'done');

  // Study in May 2026: branch A 4 h in the week of 11 May and 1 h in the week of 18 May; A2 1 h; B 4 h; a planned one.
  await session(city.branchA.id, '2026-05-12T09:00:00+08:00', 240, [staff.person.id, other.id]);
  await session(city.branchA.id, '2026-05-19T09:00:00+08:00', 60, [staff.person.id]);
  await session(branchA2.id, '2026-05-13T09:00:00+08:00', 60);
  await session(city.countyB.id, '2026-05-14T09:00:00+08:00', 90);
  await session(city.branchB.id, '2026-05-14T09:00:00+08:00', 240);
  await session(city.branchA.id, '2026-05-26T09:00:00+08:00', 240, [], 'planned');

  // Information: branch A three items, two adopted (省级 and 县级+中央), one by the staff member; B one adopted 市级.
  await item(city.branchA.id, '2026-04-02', [{ level: '省级', on: '2026-04-10' }], staff.person.id);
  await item(city.branchA.id, '2026-05-02', [{ level: '县级', on: '2026-05-10' }, { level: '中央', on: '2026-06-01' }]);
  // adopted on New Year's Day 2027: outside 2026
  await item(city.branchA.id, '2026-07-02', [{ level: '县级', on: '2027-01-01' }]);
  await item(city.countyA.id, '2026-07-03');
  await item(city.countyB.id, '2026-03-03', [{ level: '市级', on: '2026-03-20' }]);
  await item(city.branchA.id, '2025-12-02', [{ level: '省级', on: '2025-12-20' }]);

  // Points: units A 12.5 − 2, B 30, branch A 5; the staff member 3 and 1.25.
  await points('unit', city.countyA.id, city.countyA.id, 1250, '2026-04-01');
  await points('unit', city.countyA.id, city.countyA.id, -200, '2026-05-01');
  await points('unit', city.countyB.id, city.countyB.id, 3000, '2026-04-05');
  await points('unit', city.branchA.id, city.branchA.id, 500, '2026-06-01');
  await points('person', staff.person.id, city.branchA.id, 300, '2026-04-01');
  await points('person', staff.person.id, city.branchA.id, 125, '2026-05-20');
  await points('unit', city.countyA.id, city.countyA.id, 9900, '2025-06-01');

  // Reflections of the staff member: one excellent and one passed in 2026, a draft, and one from 2025.
  const reflection = (status: string, submittedAt: Date | null) =>
    ctx.db.insert(studyReflections).values({ personId: staff.person.id, unitId: city.branchA.id, title: '心得', bodyHtml: '<p>心得</p>', bodyText: '心得', wordCount: 2, status, submittedAt });
  await reflection('excellent', new Date('2026-03-02T10:00:00+08:00'));
  await reflection('passed', new Date('2026-06-02T10:00:00+08:00'));
  await reflection('draft', null);
  await reflection('passed', new Date('2025-12-31T23:30:00+08:00'));

  // Q2026-2 closed: county B graded 好.
  await ctx.db.update(pointPeriods).set({ status: 'closed', closedAt: new Date() }).where(eq(pointPeriods.key, 'Q2026-2'));
  await ctx.db.insert(pointResults).values({ periodKey: 'Q2026-2', subjectType: 'unit', subjectId: city.countyB.id, unitId: city.countyB.id, peerKey: 'county', total: 3000, events: 1, rank: 1, peerSize: 2, grade: '好' });
}, 120_000);
afterAll(() => ctx.close());

/** The task list's total for one unit with a filter, counted within 2026 by deadline as the dashboard counts. */
async function listedTasks(unitId: string, filter: string) {
  const list = await ok(admin.get(`/api/tasks?leadUnitId=${unitId}&year=2026&pageSize=100${filter}`));
  expect(list.total).toBe(list.data.length);
  return list.total as number;
}

async function ledgerSum(subjectId: string, period: string) {
  const list = await ok(admin.get(`/api/points/events?subjectId=${subjectId}&periodKey=${period}&pageSize=100`));
  const cents = list.data.reduce((s: number, e: { points: string }) => s + Math.round(Number(e.points) * 100), 0);
  return (cents / 100).toString();
}

describe('统计看板: every number is the sum of the records behind it', () => {
  it('the city sees its counties with task, study, points and information figures', async () => {
    const d = await get(admin, `/api/dashboards/overview?unitId=${city.city.id}&period=Y2026`);
    expect(d.level).toBe('city');
    expect(d.childKind).toBe('unit');
    expect(d.children.map((c) => c.id).sort()).toEqual([city.countyA.id, city.countyB.id].sort());
    const a = row(d, city.countyA.id);
    const b = row(d, city.countyB.id);
    const overdueA = ['2026-04-30', '2026-06-30', '2026-12-31'].filter((x) => x <= cutoff).length;
    expect(a.figures.tasks).toEqual({ total: 6, done: 3, overdue: overdueA, completion: 50 });
    expect(b.figures.tasks).toMatchObject({ total: 1, done: 0, overdue: '2026-06-30' <= cutoff ? 1 : 0 });
    expect(d.total.tasks.total).toBe(7);
    // study: as 学习统计 says for the same unit and period
    for (const c of [a, b]) {
      const s = await ok(admin.get(`/api/study/stats?unitId=${c.id}&from=2026-01-01&to=2026-12-31`));
      expect(c.figures.study.sessions).toBe(s.sessions);
      expect(c.figures.study.minutes).toBe(s.minutes);
    }
    expect(a.figures.study).toMatchObject({ sessions: 3, minutes: 360, hours: 6 });
    expect(b.figures.study).toMatchObject({ sessions: 2, minutes: 330, hours: 5.5 });
    // information: as 信息统计 says
    for (const c of [a, b]) {
      const s = await ok(admin.get(`/api/info/stats?period=Y2026&by=unit&unitId=${c.id}`));
      expect(c.figures.info.submitted).toBe(s.totals.submitted);
      expect(c.figures.info.adopted).toBe(s.totals.adopted);
      expect(c.figures.info.byLevel).toEqual(s.totals.adoptedByLevel);
    }
    expect(a.figures.info).toEqual({ submitted: 4, adopted: 3, byLevel: { 县级: 1, 市级: 0, 省级: 1, 中央: 1 } });
    expect(b.figures.info).toEqual({ submitted: 1, adopted: 1, byLevel: { 县级: 0, 市级: 1, 省级: 0, 中央: 0 } });
    // points: as the ledger's events of the unit add up
    expect(a.figures.points.total).toBe(await ledgerSum(city.countyA.id, 'Y2026'));
    expect(a.figures.points.total).toBe('10.5');
    expect(b.figures.points.total).toBe('30');
    expect([b.figures.points.rank, a.figures.points.rank]).toEqual([1, 2]);
    // trends by month of 2026 add up to the year
    const sum = (xs: unknown[]) => xs.reduce<number>((s, x) => s + Number(x), 0);
    expect(sum(d.trends.tasksDone)).toBe(d.total.tasks.done);
    expect(sum(d.trends.infoAdopted)).toBe(d.total.info.adopted);
    expect(sum(d.trends.studyHours)).toBeCloseTo(d.total.study.hours, 5);
    expect(d.trends.points[3]).toBe('42.5');
  });

  it('weekly coverage equals the weeks less the 未学通报 entries of each week', async () => {
    for (const w of ['2026-W19', '2026-W20', '2026-W21', '2026-W22']) await checkWeek(ctx.db, w, today);
    const d = await get(admin, `/api/dashboards/overview?unitId=${city.city.id}&period=M2026-05`);
    // the 未学通报 of the four weeks, as the coverage module stored them
    const checks = await ctx.db.select().from(studyWeekChecks).where(inArray(studyWeekChecks.week, ['2026-W19', '2026-W20', '2026-W21', '2026-W22']));
    expect(checks.length).toBe(4);
    const missedIn = (unitId: string) => checks.flatMap((c) => c.rows).filter((r) => r.missed && r.unitPath.includes(unitId)).length;
    const a = row(d, city.countyA.id);
    const b = row(d, city.countyB.id);
    // county A: two branches × 4 weeks of May, branch A met the rule once (11 May)
    expect(a.figures.study).toMatchObject({ weeks: 8, weeksCovered: 1, coverage: 12.5 });
    expect(b.figures.study).toMatchObject({ weeks: 4, weeksCovered: 1, coverage: 25 });
    expect(a.figures.study.weeks! - a.figures.study.weeksCovered!).toBe(missedIn(city.countyA.id));
    expect(b.figures.study.weeks! - b.figures.study.weeksCovered!).toBe(missedIn(city.countyB.id));
  });

  it('drills from the city to county A to branch A, and there lists people with links to the records', async () => {
    const city1 = await get(admin, `/api/dashboards/overview?unitId=${city.city.id}&period=Y2026`);
    const drill = row(city1, city.countyA.id).links.drill!;
    expect(drill).toContain(`unitId=${city.countyA.id}`);
    const county = await get(admin, `/api/dashboards/overview?${drill.split('?')[1]}`);
    expect(county.level).toBe('county');
    expect(county.breadcrumbs.map((b) => b.id)).toEqual([city.city.id, city.countyA.id]);
    expect(county.children.map((c) => c.id).sort()).toEqual([city.branchA.id, branchA2.id].sort());
    const bA = row(county, city.branchA.id);
    expect(bA.figures.tasks.total).toBe(await listedTasks(city.branchA.id, ''));
    expect(bA.figures.tasks.done).toBe(await listedTasks(city.branchA.id, '&status=done'));
    expect(bA.figures.tasks.overdue).toBe(await listedTasks(city.branchA.id, '&overdue=true'));
    expect(bA.links.tasksOverdue).toBe(`/dashboard/tasks?leadUnitId=${city.branchA.id}&from=2026-01-01&to=2026-12-31&overdue=true`);
    const sessions = await ok(admin.get(`/api/study/sessions?unitId=${city.branchA.id}&status=held&from=2026-01-01&to=2026-12-31`));
    expect(bA.figures.study.sessions).toBe(sessions.total);
    expect(bA.links.sessions).toBe(`/study/sessions?unitId=${city.branchA.id}&status=held&from=2026-01-01&to=2026-12-31`);
    const items = await ok(admin.get(`/api/info/items?unitId=${city.branchA.id}&from=2026-01-01&to=2026-12-31`));
    expect(bA.figures.info.submitted).toBe(items.total);
    expect(bA.figures.points.total).toBe(await ledgerSum(city.branchA.id, 'Y2026'));
    expect(bA.links.points).toBe(`/points/events?subjectId=${city.branchA.id}&periodKey=Y2026`);

    const branch = await get(admin, `/api/dashboards/overview?${bA.links.drill!.split('?')[1]}`);
    expect(branch.level).toBe('branch');
    expect(branch.childKind).toBe('person');
    const me = row(branch, staff.person.id);
    expect(me.figures.tasks).toMatchObject({ total: 2, done: 1 });
    expect(me.figures.study).toMatchObject({ sessions: 2, minutes: 300, weeks: null });
    expect(me.figures.points.total).toBe(await ledgerSum(staff.person.id, 'Y2026'));
    expect(me.figures.points.total).toBe('4.25');
    expect(me.figures.info).toMatchObject({ submitted: 1, adopted: 1 });
    expect(me.links.drill).toBe(`/dashboard?personId=${staff.person.id}&period=Y2026`);
    expect(branch.total.tasks.total).toBe(bA.figures.tasks.total);
  });

  it('filters by campaign and by period, and shows the grade of a closed period', async () => {
    const [c] = await ctx.db.select().from(tasks).where(eq(tasks.deadline, '2026-05-31'));
    const campaign = await ok(admin.post('/api/campaigns', { unitId: city.city.id, name: '学比转提', dimensions: ['学'], startDate: '2026-01-01', endDate: '2026-12-31' }), 201);
    await ctx.db.update(tasks).set({ campaignId: campaign.id }).where(eq(tasks.id, c.id));
    const d = await get(admin, `/api/dashboards/overview?unitId=${city.city.id}&period=Y2026&campaignId=${campaign.id}`);
    expect(row(d, city.countyA.id).figures.tasks).toMatchObject({ total: 1, done: 1 });
    expect(row(d, city.countyB.id).figures.tasks.total).toBe(0);
    const q2 = await get(admin, `/api/dashboards/overview?unitId=${city.city.id}&period=Q2026-2`);
    expect(row(q2, city.countyB.id).figures.points).toEqual({ total: '30', rank: 1, grade: '好' });
    expect(row(q2, city.countyA.id).figures.points.grade).toBeNull();
    const range = await get(admin, `/api/dashboards/overview?unitId=${city.city.id}&from=2026-04-01&to=2026-04-30`);
    expect(row(range, city.countyA.id).figures.info).toMatchObject({ submitted: 1, adopted: 1 });
    expect(row(range, city.countyA.id).figures.points.total).toBe('12.5');
    expect((await admin.get(`/api/dashboards/overview?from=2026-05-01&to=2026-04-01`)).statusCode).toBe(400);
  });
});

describe('统计看板: the edges of a period', () => {
  it('a task due on the last working day before today is overdue, one due today is not, as the task list says', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.city, name: '边界测试单位', type: 'directly_led' });
    await makePerson(ctx.db, unit);
    await task(unit.id, cutoff, 'in_progress');
    await task(unit.id, today, 'in_progress');
    const d = await get(admin, `/api/dashboards/overview?unitId=${city.city.id}&from=${cutoff}&to=${today}`);
    const r = row(d, unit.id);
    expect(r.figures.tasks).toMatchObject({ total: 2, overdue: 1, done: 0 });
    const listed = await ok(admin.get(`/api/tasks?leadUnitId=${unit.id}&overdue=true`));
    expect(listed.total).toBe(1);
    expect(listed.data[0].deadline).toBe(cutoff);
  });
});

describe('统计看板: Excel export', () => {
  it('holds the rows and the total the dashboard shows for the same unit and period, with unit paths; county A gets 404 for county B', async () => {
    const q = `unitId=${city.city.id}&period=Y2026`;
    const d = await get(admin, `/api/dashboards/overview?${q}`);
    const res = await admin.get(`/api/dashboards/overview/export?${q}`);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain(`统计看板-${city.city.name}-2026年度-`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 5)).toEqual(['单位/人员', '任务数', '已完成', '逾期', '完成率(%)']);
    const sheet: Record<string, unknown>[] = [];
    ws.eachRow((r, line) => {
      if (line > 1) sheet.push(Object.fromEntries(header.map((h, i) => [h, r.getCell(i + 1).value])));
    });
    expect(sheet).toHaveLength(d.children.length + 1);
    for (const c of d.children) {
      const line = sheet.find((x) => x['单位/人员'] === c.name)!;
      expect([line['任务数'], line['已完成'], line['逾期'], line['学习次数'], line['学习时长(小时)'], line['报送信息'], line['采用'], line['省级']]).toEqual([
        c.figures.tasks.total, c.figures.tasks.done, c.figures.tasks.overdue, c.figures.study.sessions, c.figures.study.hours, c.figures.info.submitted, c.figures.info.adopted, c.figures.info.byLevel['省级'],
      ]);
      expect(line['积分']).toBe(Number(c.figures.points.total));
      expect(line['单位路径']).toBe(`${city.city.name}/${c.name}`);
    }
    const total = sheet[sheet.length - 1];
    expect(total['单位/人员']).toBe(`${city.city.name}（合计）`);
    expect([total['任务数'], total['已完成'], total['采用']]).toEqual([d.total.tasks.total, d.total.tasks.done, d.total.info.adopted]);
    expect((await liaisonA.get(`/api/dashboards/overview/export?unitId=${city.countyB.id}&period=Y2026`)).statusCode).toBe(404);
    const own = await liaisonA.get('/api/dashboards/overview/export?period=Y2026');
    expect(own.statusCode).toBe(200);
    const wbA = new ExcelJS.Workbook();
    await wbA.xlsx.load(own.rawPayload as unknown as ArrayBuffer);
    const names: string[] = [];
    wbA.worksheets[0].eachRow((r) => names.push(r.getCell(1).text));
    expect(names.join()).not.toContain('乙县');
  });
});

describe('统计看板: scope', () => {
  it('county A’s liaison starts at county A, never sees county B and gets 404 for it', async () => {
    const d = await get(liaisonA, '/api/dashboards/overview?period=Y2026');
    expect(d.level).toBe('county');
    expect(d.children.map((c) => c.id)).not.toContain(city.countyB.id);
    expect(d.breadcrumbs.map((b) => b.id)).toEqual([city.countyA.id]);
    expect(JSON.stringify(d)).not.toContain('乙县');
    for (const id of [city.countyB.id, city.branchB.id, city.city.id]) {
      expect((await liaisonA.get(`/api/dashboards/overview?unitId=${id}`)).statusCode).toBe(404);
    }
    const personB = await makePerson(ctx.db, city.branchB);
    expect((await liaisonA.get(`/api/dashboards/person?personId=${personB.id}`)).statusCode).toBe(404);
    expect((await liaisonA.get(`/api/dashboards/person?personId=${staff.person.id}&period=Y2026`)).statusCode).toBe(200);
  });

  it('a staff member sees only their own person dashboard', async () => {
    expect((await staff.agent.get('/api/dashboards/overview')).statusCode).toBe(403);
    expect((await staff.agent.get(`/api/dashboards/overview?unitId=${city.branchA.id}`)).statusCode).toBe(403);
    const me = await ok(staff.agent.get('/api/dashboards/person?period=Y2026'));
    expect(me.person.id).toBe(staff.person.id);
    expect(me.figures.tasks).toMatchObject({ total: 2, done: 1 });
    expect(me.figures.points.total).toBe('4.25');
    expect(me.reflections).toEqual({ submitted: 2, excellent: 1 });
    const other = await makePerson(ctx.db, city.branchA);
    expect((await staff.agent.get(`/api/dashboards/person?personId=${other.id}`)).statusCode).toBe(404);
  });
});

describe('统计看板: the weekly study tally', () => {
  it('follows every change to a session, so whole months read from it equal the same days read from the sessions', async () => {
    const branch = await makeUnit(ctx.db, { parent: city.countyB, name: '乙县第二支部', type: 'branch' });
    const other = await makeUnit(ctx.db, { parent: city.countyB, name: '乙县第三支部', type: 'branch' });
    // the week of 29 June runs into July: its sessions count in June and in July, and in one week
    const a = await session(branch.id, '2026-06-30T09:00:00+08:00', 150);
    const b = await session(branch.id, '2026-07-02T14:00:00+08:00', 100);
    const c = await session(branch.id, '2026-07-08T09:00:00+08:00', 45);
    await session(branch.id, '2026-07-09T09:00:00+08:00', 60, [], 'planned');
    // edited, moved to another branch, cancelled after being held, deleted, and a planned one held late
    await ctx.db.update(studySessions).set({ actualEnd: new Date('2026-06-30T13:10:00+08:00') }).where(eq(studySessions.id, a.id));
    await ctx.db.update(studySessions).set({ unitId: other.id }).where(eq(studySessions.id, b.id));
    await ctx.db.update(studySessions).set({ status: 'cancelled' }).where(eq(studySessions.id, c.id));
    await ctx.db.update(studySessions).set({ topic: '改了题目' }).where(eq(studySessions.id, a.id));
    const d = await session(branch.id, '2026-07-15T09:00:00+08:00', 30);
    await ctx.db.delete(studySessions).where(eq(studySessions.id, d.id));
    await ctx.db
      .update(studySessions)
      .set({ status: 'held', actualStart: new Date('2026-07-10T09:00:00+08:00'), actualEnd: new Date('2026-07-10T10:30:00+08:00') })
      .where(and(eq(studySessions.unitId, branch.id), eq(studySessions.status, 'planned')));

    const tally = await ctx.db.execute(sql`select unit_id, week_start::text as wk, month_start::text as mo, sessions, seconds::text as seconds
      from study_unit_weeks where unit_id in (${branch.id}::uuid, ${other.id}::uuid) order by 1, 2, 3`);
    const recount = await ctx.db.execute(sql`select unit_id, date_trunc('week', actual_start at time zone 'Asia/Shanghai')::date::text as wk,
        date_trunc('month', actual_start at time zone 'Asia/Shanghai')::date::text as mo, count(*)::int as sessions,
        sum(extract(epoch from (actual_end - actual_start)))::text as seconds
      from study_sessions where status = 'held' and unit_id in (${branch.id}::uuid, ${other.id}::uuid) group by 1, 2, 3 order by 1, 2, 3`);
    type Tally = { unit_id: string; wk: string; mo: string; sessions: number; seconds: number };
    const rows = (x: unknown) => (x as { rows: Tally[] }).rows.map((r) => ({ ...r, sessions: Number(r.sessions), seconds: Number(r.seconds) }));
    expect(rows(tally)).toEqual(rows(recount));
    // branch: 30 June 4 h 10 min (June), 10 July 1 h 30 min (July); the other branch: 2 July 1 h 40 min
    expect(rows(tally).filter((r) => r.unit_id === branch.id).map((r) => [r.wk, r.mo, r.sessions, r.seconds / 60])).toEqual([
      ['2026-06-29', '2026-06-01', 1, 250],
      ['2026-07-06', '2026-07-01', 1, 90],
    ]);

    for (const [period, from, to] of [['M2026-06', '2026-06-01', '2026-06-30'], ['M2026-07', '2026-07-01', '2026-07-31'], ['Q2026-3', '2026-07-01', '2026-09-30']]) {
      const byKey = await get(admin, `/api/dashboards/overview?unitId=${city.countyB.id}&period=${period}`);
      const byDays = await get(admin, `/api/dashboards/overview?unitId=${city.countyB.id}&from=${from}&to=${to}`);
      for (const id of [branch.id, other.id]) expect(row(byKey, id).figures.study).toEqual(row(byDays, id).figures.study);
      expect(byKey.total.study).toEqual(byDays.total.study);
    }
    const july = await get(admin, `/api/dashboards/overview?unitId=${city.countyB.id}&period=M2026-07`);
    expect(row(july, branch.id).figures.study).toMatchObject({ sessions: 1, minutes: 90 });
    expect(row(july, other.id).figures.study).toMatchObject({ sessions: 1, minutes: 100 });
    // the week of 29 June is covered by the branch (4 h 10 min), the week of 6 July is not (1 h 30 min)
    const summer = await get(admin, `/api/dashboards/overview?unitId=${city.countyB.id}&from=2026-06-29&to=2026-07-12`);
    expect(row(summer, branch.id).figures.study).toMatchObject({ weeks: 2, weeksCovered: 1 });
    // the year's trend: June and July as the sessions add up
    const year = await get(admin, `/api/dashboards/overview?unitId=${branch.id}&period=Y2026`);
    expect([year.trends.studyHours[5], year.trends.studyHours[6]]).toEqual([4.2, 1.5]);
  });
});
