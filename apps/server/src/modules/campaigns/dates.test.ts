import chineseDays from 'chinese-days';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, effectiveDeadline, isPastDue } from '../../platform/calendar.ts';
import { makeCity, loginAs, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
import { clock, overdueCutoff, taskDates } from './dates.ts';
import { idem, newCampaign, newTask, ok } from './testkit.ts';

describe('deadlines on the Chinese working-day calendar', () => {
  it('moves a National Day deadline to the first working day after the holiday', () => {
    // chinese-days: 2026-10-01..07 are the National Day holiday and 2026-10-08 is a working day.
    expect(chineseDays.isWorkday('2026-10-07')).toBe(false);
    expect(chineseDays.isWorkday('2026-10-08')).toBe(true);
    const t = { deadline: '2026-10-01', startDate: '2026-09-01', reportCycle: 'none', status: 'in_progress' };
    expect(taskDates(t, new Set(), '2026-10-05')).toMatchObject({ effectiveDeadline: '2026-10-08', overdue: false });
    expect(taskDates(t, new Set(), '2026-10-08').overdue).toBe(false);
    expect(taskDates(t, new Set(), '2026-10-09').overdue).toBe(true);
  });

  it('moves a Saturday deadline to Monday, but keeps a 调休 Saturday that is a working day', () => {
    const sat = { deadline: '2026-11-28', startDate: '2026-11-01', reportCycle: 'none', status: 'in_progress' };
    expect(taskDates(sat, new Set(), '2026-11-30')).toMatchObject({ effectiveDeadline: '2026-11-30', overdue: false });
    expect(taskDates(sat, new Set(), '2026-12-01').overdue).toBe(true);
    // 2026-10-10 is a Saturday worked in exchange for the National Day holiday.
    expect(effectiveDeadline('2026-10-10')).toBe('2026-10-10');
  });

  it('never calls a done task overdue', () => {
    expect(taskDates({ deadline: '2026-01-05', startDate: '2026-01-01', reportCycle: 'none', status: 'done' }, new Set(), '2026-06-01').overdue).toBe(false);
  });

  it('agrees with isPastDue through the cutoff SQL filters with, on every day of 2026', () => {
    for (let today = '2026-01-02'; today <= '2026-12-31'; today = addDays(today, 1)) {
      const cutoff = overdueCutoff(today);
      for (const d of [addDays(today, -12), addDays(today, -8), addDays(today, -3), addDays(today, -1), today, cutoff, addDays(cutoff, 1)]) {
        expect(d <= cutoff, `${d} on ${today}`).toBe(isPastDue(d, today));
      }
    }
  });

  it('flags monthly reports whose due day has passed without a submitted or accepted report', () => {
    const t = { deadline: '2026-12-31', startDate: '2026-01-01', reportCycle: 'monthly', status: 'in_progress' };
    // January was reported; February's report (due 2026-02-28, a Saturday 调休 working day) is missing.
    const missing = taskDates(t, new Set(['2026-01']), '2026-03-10').missingReports;
    expect(missing).toEqual([{ periodKey: '2026-02', label: '2026年2月', dueDate: effectiveDeadline('2026-02-28') }]);
    // March is not due yet on 2026-03-10.
    expect(taskDates(t, new Set(['2026-01', '2026-02']), '2026-03-10').missingReports).toEqual([]);
  });
});

describe('overdue and missing reports through the API, with an injected today', () => {
  let ctx: TestCtx;
  let admin: Agent;
  let liaison: Awaited<ReturnType<typeof loginAs>>;
  let city: Awaited<ReturnType<typeof makeCity>>;
  beforeAll(async () => {
    ctx = await makeTestApp();
    city = await makeCity(ctx.db);
    admin = (await loginAs(ctx, 'dept_admin', city.city)).agent;
    liaison = await loginAs(ctx, 'liaison', city.countyA);
  });
  afterAll(() => ctx.close());
  afterEach(() => vi.restoreAllMocks());

  it('is not overdue until after the effective deadline of a holiday deadline', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id, startDate: '2026-09-01', deadline: '2026-10-01' });
    vi.spyOn(clock, 'today').mockReturnValue('2026-10-08');
    expect(await ok(admin.get(`/api/tasks/${t.id}`))).toMatchObject({ effectiveDeadline: '2026-10-08', overdue: false });
    expect((await ok(admin.get(`/api/tasks?campaignId=${c.id}&overdue=true`))).total).toBe(0);
    expect((await ok(admin.get(`/api/campaigns/${c.id}`))).overdueCount).toBe(0);
    vi.spyOn(clock, 'today').mockReturnValue('2026-10-09');
    expect((await ok(admin.get(`/api/tasks/${t.id}`))).overdue).toBe(true);
    expect((await ok(admin.get(`/api/tasks?campaignId=${c.id}&overdue=true`))).total).toBe(1);
    expect((await ok(admin.get(`/api/campaigns/${c.id}`))).overdueCount).toBe(1);
  });

  it('flags a missing monthly report, and a returned report does not count', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id, reportCycle: 'monthly', startDate: '2026-04-01', deadline: '2026-09-30' });
    vi.spyOn(clock, 'today').mockReturnValue('2026-06-10');
    const r = await ok(liaison.agent.post(`/api/tasks/${t.id}/reports`, { periodKey: '2026-04', content: '四月', percent: 10, idempotencyKey: idem() }), 201);
    let task = await ok(admin.get(`/api/tasks/${t.id}`));
    expect(task.missingReports.map((m: { periodKey: string }) => m.periodKey)).toEqual(['2026-05']);
    await ok(admin.post(`/api/reports/${r.id}/review`, { version: 1, decision: 'return', comment: '内容太简单' }));
    task = await ok(admin.get(`/api/tasks/${t.id}`));
    expect(task.missingReports.map((m: { periodKey: string }) => m.periodKey)).toEqual(['2026-04', '2026-05']);
    // Without a periodKey the report files under the current month.
    const june = await ok(liaison.agent.post(`/api/tasks/${t.id}/reports`, { content: '六月', percent: 30, idempotencyKey: idem() }), 201);
    expect(june.periodKey).toBe('2026-06');
  });
});
