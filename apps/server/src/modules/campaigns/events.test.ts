import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvents } from '../../db/schema/index.ts';
import { loginAs, makeCity, makeTestApp, type TestCtx } from '../../test/harness.ts';
import { emitTaskEvents } from './events.ts';

let ctx: TestCtx;
beforeAll(async () => {
  ctx = await makeTestApp();
});
afterAll(() => ctx.close());

describe('task events for the points module', () => {
  it('records an overdue task and each missing monthly report once, however often the job runs', async () => {
    const city = await makeCity(ctx.db);
    const admin = (await loginAs(ctx, 'dept_admin', city.city)).agent;
    const campaign = (await admin.post('/api/campaigns', { name: '事件测试行动', startDate: '2026-01-01', endDate: '2026-12-31' })).json();
    const late = (await admin.post('/api/tasks', { campaignId: campaign.id, title: '逾期任务', leadUnitId: city.countyA.id, startDate: '2026-01-05', deadline: '2026-03-31', reportCycle: 'monthly' })).json();
    const onTime = (await admin.post('/api/tasks', { campaignId: campaign.id, title: '未到期任务', leadUnitId: city.countyB.id, startDate: '2026-01-05', deadline: '2026-12-31' })).json();

    // On 2026-04-15 the task is overdue and its January–March reports were never filed.
    const first = await emitTaskEvents(ctx.db, '2026-04-15');
    expect(first).toEqual({ overdue: 1, missing: 3 });
    expect(await emitTaskEvents(ctx.db, '2026-04-16')).toEqual({ overdue: 0, missing: 0 });

    const events = await ctx.db.select().from(domainEvents).where(eq(domainEvents.unitId, city.countyA.id));
    expect(events.map((e) => e.key).sort()).toEqual([late.id, `${late.id}:2026-01`, `${late.id}:2026-02`, `${late.id}:2026-03`].sort());
    const onTimeEvents = await ctx.db.select().from(domainEvents).where(and(eq(domainEvents.type, 'task.overdue'), eq(domainEvents.key, onTime.id)));
    expect(onTimeEvents).toEqual([]);
  });
});
