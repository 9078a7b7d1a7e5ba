import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvents, studyWeekChecks } from '../../db/schema/index.ts';
import { addDays } from '../../platform/calendar.ts';
import { loginAdmin, loginAs, makeCity, makeTestApp, makeUnit, type Agent, type TestCtx, ok } from '../../test/harness.ts';
import { checkWeek, runMissedChecks, weekRange } from './coverage.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let secretaryA: Agent;
let secretaryB: Agent;

/** Plans a session, optionally files it at a given moment, and records it as held from `start` for `minutes`. */
async function study(agent: Agent, unitId: string, start: string, minutes: number, opts: { filed?: 'early' | 'late'; cancel?: boolean } = {}) {
  const end = new Date(new Date(start).getTime() + minutes * 60_000).toISOString();
  const s = await ok(agent.post('/api/study/sessions', { unitId, typeCode: 'collective', topic: '集中学习', plannedStart: start, plannedEnd: end }), 201);
  let version = 1;
  if (opts.filed) {
    const { studyClock } = await import('./sessions.ts');
    const real = studyClock.now;
    studyClock.now = () => new Date(new Date(start).getTime() + (opts.filed === 'early' ? -86_400_000 : 3_600_000));
    await ok(agent.post(`/api/study/sessions/${s.id}/file`, { version }));
    studyClock.now = real;
    version++;
  }
  if (opts.cancel) {
    await ok(agent.post(`/api/study/sessions/${s.id}/cancel`, { version, reason: '临时任务' }));
    return s;
  }
  await ok(agent.post(`/api/study/sessions/${s.id}/record`, { version, actualStart: start, actualEnd: end, attendance: [] }));
  return s;
}

const TODAY = '2026-06-01';
const rowOf = (check: { rows: { unitId: string }[] }, unitId: string) => check.rows.find((r) => r.unitId === unitId);

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  secretaryA = (await loginAs(ctx, 'branch_secretary', city.branchA)).agent;
  secretaryB = (await loginAs(ctx, 'branch_secretary', city.branchB)).agent;
}, 60_000);
afterAll(() => ctx.close());

describe('weeks', () => {
  it('names Monday to Sunday of an ISO week and refuses weeks that do not exist', () => {
    expect(weekRange('2026-W12')).toEqual({ start: '2026-03-16', end: '2026-03-22' });
    expect(weekRange('2026-W01')).toEqual({ start: '2025-12-29', end: '2026-01-04' });
    expect(() => weekRange('2026-W54')).toThrow(/不存在/);
  });
});

describe('the weekly half-day coverage rule (每周半天覆盖学)', () => {
  it('3h50 misses the week, 4h covers it; a cancelled session does not count', async () => {
    await study(secretaryA, city.branchA.id, '2026-03-17T08:30:00+08:00', 240, { filed: 'early' });
    await study(secretaryB, city.branchB.id, '2026-03-18T08:30:00+08:00', 120, { filed: 'early' });
    await study(secretaryB, city.branchB.id, '2026-03-20T14:00:00+08:00', 110, { filed: 'early' });
    await study(secretaryB, city.branchB.id, '2026-03-21T09:00:00+08:00', 240, { filed: 'early', cancel: true });
    const detail = await ok(admin.post('/api/study/coverage/weeks/2026-W12/check'));
    expect(detail).toMatchObject({ week: '2026-W12', startDate: '2026-03-16', endDate: '2026-03-22', exempt: false });
    expect(rowOf(detail, city.branchA.id)).toBeUndefined();
    expect(rowOf(detail, city.branchB.id)).toMatchObject({ minutes: 230, requiredMinutes: 240, missed: true, unfiledSessions: 0 });
    expect(rowOf(detail, city.branchB.id)!).toHaveProperty('unitPath', expect.stringContaining('乙县委宣传部 / 乙县机关党支部'));
  });

  it('a session filed after it started, or never filed, is listed as studied without pre-filing', async () => {
    const late = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县补报支部', type: 'branch' });
    const never = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县未报备支部', type: 'branch' });
    const secLate = (await loginAs(ctx, 'branch_secretary', late)).agent;
    const secNever = (await loginAs(ctx, 'branch_secretary', never)).agent;
    await study(secLate, late.id, '2026-03-24T09:00:00+08:00', 240, { filed: 'late' });
    await study(secNever, never.id, '2026-03-25T09:00:00+08:00', 240);
    const detail = await ok(admin.post('/api/study/coverage/weeks/2026-W13/check'));
    expect(rowOf(detail, late.id)).toMatchObject({ missed: false, minutes: 240, lateSessions: 1, unfiledSessions: 0 });
    expect(rowOf(detail, never.id)).toMatchObject({ missed: false, minutes: 240, lateSessions: 0, unfiledSessions: 1 });
  });

  it('exempts the Spring Festival week (no working day) and counts a 调休 Saturday in its week', async () => {
    // 2026-02-16..22 is all holiday; 2026-02-28 (Saturday) is a make-up working day of the week 02-23..03-01.
    const festival = await checkWeek(ctx.db, '2026-W08', TODAY);
    expect(festival.check.exempt).toBe(true);
    expect(festival.check.rows.filter((r) => r.missed)).toEqual([]);
    await study(secretaryA, city.branchA.id, '2026-02-28T09:00:00+08:00', 240, { filed: 'early' });
    const after = await checkWeek(ctx.db, '2026-W09', TODAY);
    expect(after.check.exempt).toBe(false);
    expect(rowOf(after.check, city.branchA.id)).toBeUndefined();
    expect(rowOf(after.check, city.branchB.id)).toMatchObject({ missed: true, minutes: 0 });
  });

  it('weeks are Shanghai weeks: Sunday 23:30 belongs to the week that ends, not the next', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县夜学支部', type: 'branch' });
    const sec = (await loginAs(ctx, 'branch_secretary', unit)).agent;
    // Sunday 2026-04-05 20:00 Shanghai = 12:00 UTC; the session belongs to W14.
    await study(sec, unit.id, '2026-04-05T20:00:00+08:00', 240, { filed: 'early' });
    expect(rowOf((await checkWeek(ctx.db, '2026-W14', TODAY)).check, unit.id)).toBeUndefined();
    expect(rowOf((await checkWeek(ctx.db, '2026-W15', TODAY)).check, unit.id)).toMatchObject({ missed: true, minutes: 0 });
  });

  it('raises study.week_missed once per branch and week however often the week is checked', async () => {
    await checkWeek(ctx.db, '2026-W12', TODAY);
    await checkWeek(ctx.db, '2026-W12', TODAY);
    const events = await ctx.db
      .select()
      .from(domainEvents)
      .where(and(eq(domainEvents.type, 'study.week_missed'), eq(domainEvents.key, `${city.branchB.id}:2026-W12`)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ unitId: city.branchB.id, payload: { week: '2026-W12', minutes: 230, requiredMinutes: 240 } });
    const covered = await ctx.db.select().from(domainEvents).where(eq(domainEvents.key, `${city.branchA.id}:2026-W12`));
    expect(covered).toEqual([]);
  });

  it('withdraws a miss when a re-check before confirmation finds the branch covered (a session recorded late)', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.countyB, name: '乙县补录支部', type: 'branch' });
    const sec = (await loginAs(ctx, 'branch_secretary', unit)).agent;
    expect(rowOf((await checkWeek(ctx.db, '2026-W16', TODAY)).check, unit.id)).toMatchObject({ missed: true });
    await study(sec, unit.id, '2026-04-14T08:30:00+08:00', 240, { filed: 'early' });
    expect(rowOf((await checkWeek(ctx.db, '2026-W16', TODAY)).check, unit.id)).toBeUndefined();
    await checkWeek(ctx.db, '2026-W16', TODAY);
    const withdrawn = await ctx.db
      .select()
      .from(domainEvents)
      .where(and(eq(domainEvents.type, 'study.week_missed_withdrawn'), eq(domainEvents.key, `${unit.id}:2026-W16`)));
    expect(withdrawn).toHaveLength(1);
    expect(withdrawn[0].payload).toMatchObject({ week: '2026-W16', missedKey: `${unit.id}:2026-W16` });
  });

  it('refuses a week that has not ended', async () => {
    expect(() => weekRange('2026-W30')).not.toThrow();
    await expect(checkWeek(ctx.db, '2026-W23', TODAY)).rejects.toThrow(/尚未结束/);
  });

  it('an admin confirms the list, which freezes it', async () => {
    expect((await liaisonA.post('/api/study/coverage/weeks/2026-W12/confirm')).statusCode).toBe(403);
    const confirmed = await ok(admin.post('/api/study/coverage/weeks/2026-W12/confirm'));
    expect(confirmed.confirmedAt).not.toBeNull();
    expect((await admin.post('/api/study/coverage/weeks/2026-W12/confirm')).statusCode).toBe(409);
    expect((await admin.post('/api/study/coverage/weeks/2026-W12/check')).statusCode).toBe(409);
    // B makes up the ten minutes afterwards: the confirmed list does not change.
    await study(secretaryB, city.branchB.id, '2026-03-22T09:00:00+08:00', 10, { filed: 'early' });
    const again = await checkWeek(ctx.db, '2026-W12', TODAY);
    expect(again.frozen).toBe(true);
    expect(rowOf(again.check, city.branchB.id)).toMatchObject({ missed: true, minutes: 230 });
    expect((await admin.post('/api/study/coverage/weeks/2026-W40/confirm')).statusCode).toBe(404);
  });

  it('a county reads only its own branches, in the list, the week and the export', async () => {
    const weekA = await ok(liaisonA.get('/api/study/coverage/weeks/2026-W12'));
    expect(rowOf(weekA, city.branchB.id)).toBeUndefined();
    expect(JSON.stringify(weekA)).not.toContain('乙县');
    const weeks = await ok(liaisonA.get('/api/study/coverage/weeks?pageSize=200'));
    const w12 = weeks.data.find((w: { week: string }) => w.week === '2026-W12');
    expect(w12.missedCount).toBe(weekA.rows.filter((r: { missed: boolean }) => r.missed).length);
    const adminWeeks = await ok(admin.get('/api/study/coverage/weeks?pageSize=200'));
    expect(adminWeeks.data.find((w: { week: string }) => w.week === '2026-W12').missedCount).toBe(w12.missedCount + 1);
    const secB = await ok(secretaryB.get('/api/study/coverage/weeks/2026-W12'));
    expect(secB.rows.map((r: { unitId: string }) => r.unitId)).toEqual([city.branchB.id]);
    const staff = (await loginAs(ctx, 'staff', city.branchA)).agent;
    expect((await staff.get('/api/study/coverage/weeks/2026-W12')).statusCode).toBe(403);
    expect((await liaisonA.get('/api/study/coverage/weeks/2026-W39')).statusCode).toBe(404);
  });

  it('exports the week to XLSX with Chinese headers, unit paths, minutes and 未报备 flags', async () => {
    const res = await admin.get('/api/study/coverage/weeks/2026-W13/export.xlsx');
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('未学通报-2026-W13.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['序号', '单位', '所属单位', '单位类型', '学习时长（分钟）', '学习时长', '应学时长（分钟）', '是否未学', '未报备次数', '补报次数', '未报备']);
    const rows: Record<string, unknown>[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
    });
    const late = rows.find((r) => r['单位'] === '甲县补报支部');
    expect(late).toMatchObject({ '所属单位': expect.stringContaining('甲县委宣传部 / 甲县补报支部'), '单位类型': '党支部', '学习时长（分钟）': 240, '是否未学': '否', '补报次数': 1, '未报备': '是' });
    const missedB = rows.find((r) => r['单位'] === '乙县机关党支部');
    expect(missedB).toMatchObject({ '学习时长（分钟）': 0, '是否未学': '是', '未报备': '否' });
    // The county's export holds only its own branches.
    const resA = await liaisonA.get('/api/study/coverage/weeks/2026-W13/export.xlsx');
    const wbA = new ExcelJS.Workbook();
    await wbA.xlsx.load(resA.rawPayload as unknown as ArrayBuffer);
    const text = wbA.worksheets[0].getSheetValues().flat().map(String).join('|');
    expect(text).toContain('甲县补报支部');
    expect(text).not.toContain('乙县');
  });

  it('rules are configurable per unit type', async () => {
    expect(await ok(admin.get('/api/study/coverage-rules'))).toEqual([{ unitType: 'branch', minMinutes: 240, enabled: true }]);
    expect((await liaisonA.put('/api/study/coverage-rules', { rules: [{ unitType: 'branch', minMinutes: 60, enabled: true }] })).statusCode).toBe(403);
    expect((await admin.put('/api/study/coverage-rules', { rules: [{ unitType: 'nonsense', minMinutes: 60, enabled: true }] })).statusCode).toBe(400);
    const rules = await ok(admin.put('/api/study/coverage-rules', { rules: [{ unitType: 'branch', minMinutes: 230, enabled: true }] }));
    expect(rules).toEqual([{ unitType: 'branch', minMinutes: 230, enabled: true }]);
    const w = await checkWeek(ctx.db, '2026-W11', TODAY);
    expect(rowOf(w.check, city.branchB.id)).toMatchObject({ requiredMinutes: 230, missed: true });
    await ok(admin.put('/api/study/coverage-rules', { rules: [{ unitType: 'branch', minMinutes: 240, enabled: false }] }));
    const off = await checkWeek(ctx.db, '2026-W11', TODAY);
    expect(off.check.rows).toEqual([]);
    await ok(admin.put('/api/study/coverage-rules', { rules: [{ unitType: 'branch', minMinutes: 240, enabled: true }] }));
  });

  it('the job catches up every closed week after the last one checked, once', async () => {
    const [{ latest }] = await ctx.db.select({ latest: sql<string>`max(${studyWeekChecks.week})` }).from(studyWeekChecks);
    const today = addDays(weekRange(latest).end, 22);
    const weeks = await runMissedChecks(ctx.db, today);
    expect(weeks).toHaveLength(3);
    expect(await runMissedChecks(ctx.db, today)).toEqual([]);
  });
});
