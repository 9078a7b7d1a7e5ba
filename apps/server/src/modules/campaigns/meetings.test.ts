import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeCity, makePerson, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
import { newCampaign, ok } from './testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let adminUser: Awaited<ReturnType<typeof loginAs>>;
beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  adminUser = await loginAs(ctx, 'dept_admin', city.city);
  admin = adminUser.agent;
});
afterAll(() => ctx.close());

describe('meetings 周例会 / 月调度会 / 部署会', () => {
  it('records a meeting and turns a decision into a task once', async () => {
    const c = await newCampaign(admin, city.city.id);
    const secretary = await makePerson(ctx.db, city.countyA, { name: '钱书记' });
    const m = await ok(
      admin.post('/api/meetings', {
        campaignId: c.id,
        type: 'monthly',
        title: '六月调度会',
        heldAt: '2026-06-05T15:00:00+08:00',
        place: '三楼会议室',
        minutes: '通报各县进展',
        attendeeIds: [adminUser.person.id, secretary.id],
        decisions: ['各县六月底前完成专题学习', '编印典型案例汇编'],
      }),
      201,
    );
    expect(m).toMatchObject({ unitId: city.city.id, type: 'monthly', title: '六月调度会', campaignId: c.id });
    expect(m.attendees.map((a: { name: string }) => a.name)).toContain('钱书记');
    expect(m.decisions.map((d: { seq: number; content: string }) => [d.seq, d.content])).toEqual([
      [1, '各县六月底前完成专题学习'],
      [2, '编印典型案例汇编'],
    ]);

    const d = m.decisions[0];
    const task = await ok(admin.post(`/api/meetings/${m.id}/decisions/${d.id}/task`, { leadUnitId: city.countyA.id, deadline: '2026-06-30', responsiblePersonId: secretary.id }), 201);
    expect(task).toMatchObject({ title: '各县六月底前完成专题学习', campaignId: c.id, leadUnitId: city.countyA.id, responsiblePersonName: '钱书记', assignedByUnitId: city.city.id });
    const again = await admin.post(`/api/meetings/${m.id}/decisions/${d.id}/task`, { leadUnitId: city.countyA.id, deadline: '2026-06-30' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('该决定已转为任务');
    const after = await ok(admin.get(`/api/meetings/${m.id}`));
    expect(after.decisions[0].taskId).toBe(task.id);
    expect((await ok(admin.get(`/api/tasks?campaignId=${c.id}`))).total).toBe(1);

    // Replacing the decisions keeps the one that became a task, with its link.
    const edited = await ok(admin.patch(`/api/meetings/${m.id}`, { version: m.version, decisions: ['新增：开展宣讲', '各县六月底前完成专题学习'] }));
    expect(edited.decisions.map((x: { content: string; taskId: string | null; id: string }) => [x.content, x.taskId])).toEqual([
      ['新增：开展宣讲', null],
      ['各县六月底前完成专题学习', task.id],
    ]);
    expect(edited.decisions[1].id).toBe(d.id);
    const dropped = await ok(admin.patch(`/api/meetings/${m.id}`, { version: edited.version, decisions: [] }));
    expect(dropped.decisions.map((x: { taskId: string | null }) => x.taskId)).toEqual([task.id]);
    expect((await admin.patch(`/api/meetings/${m.id}`, { version: 1, title: '旧版本' })).statusCode).toBe(409);
    // An update that does not mention decisions or attendees keeps them.
    const retitled = await ok(admin.patch(`/api/meetings/${m.id}`, { version: dropped.version, title: '六月调度会（补记）' }));
    expect(retitled.decisions.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect(retitled.attendees).toHaveLength(2);
  });

  it('turns a decision of a meeting without a campaign into a key-list task assigned by the meeting’s unit', async () => {
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    const m = await ok(liaison.agent.post('/api/meetings', { type: 'weekly', title: '甲县周例会', heldAt: '2026-03-02T09:00:00+08:00', decisions: ['做好春节后复工宣传'] }), 201);
    expect(m.unitId).toBe(city.countyA.id);
    const t = await ok(admin.post(`/api/meetings/${m.id}/decisions/${m.decisions[0].id}/task`, { leadUnitId: city.branchA.id, deadline: '2026-12-31' }), 201);
    expect(t).toMatchObject({ campaignId: null, year: 2026, assignedByUnitId: city.countyA.id });
  });

  it('refuses attendees outside the caller’s scope', async () => {
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    const outsider = await makePerson(ctx.db, city.countyB);
    const res = await liaison.agent.post('/api/meetings', { type: 'deploy', title: '部署会', heldAt: '2026-03-02T09:00:00+08:00', attendeeIds: [outsider.id] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('body.attendeeIds');
  });

  it('shows a staff member the meetings they attended, read-only', async () => {
    const staff = await loginAs(ctx, 'staff', city.branchA);
    const m = await ok(admin.post('/api/meetings', { type: 'summary', title: '年度总结会', heldAt: '2026-12-20T09:00:00+08:00', attendeeIds: [staff.person.id] }), 201);
    await ok(admin.post('/api/meetings', { type: 'summary', title: '未参加的会', heldAt: '2026-12-21T09:00:00+08:00' }), 201);
    const list = await ok(staff.agent.get('/api/meetings'));
    expect(list.data.map((x: { id: string }) => x.id)).toEqual([m.id]);
    expect((await ok(staff.agent.get(`/api/meetings/${m.id}`))).title).toBe('年度总结会');
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    await ok(admin.patch(`/api/meetings/${m.id}`, { version: 1, attendeeIds: [staff.person.id, liaison.person.id] }));
    // The county liaison attended the city's meeting: it may read it, not change it.
    expect((await liaison.agent.get(`/api/meetings/${m.id}`)).statusCode).toBe(200);
    expect((await liaison.agent.patch(`/api/meetings/${m.id}`, { version: 2, title: '改名' })).statusCode).toBe(403);
  });
});
