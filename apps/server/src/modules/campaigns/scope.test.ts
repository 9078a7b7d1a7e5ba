import { PERMISSIONS } from '@luoshi/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles } from '../../db/schema/index.ts';
import { loginAs, makeCity, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
import { idem, newCampaign, newTask, ok, PDF } from './testkit.ts';

/**
 * The scope walk: a county's people can neither read nor change the other county's campaign, task,
 * report, document or meeting (404), nor find them in lists and exports; a staff member sees only
 * the tasks they are responsible for; missing permissions answer 403.
 */
let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let liaisonB: Awaited<ReturnType<typeof loginAs>>;
/** a county user holding every campaigns permission, so that changes reach the scope check */
let countyAdminA: Agent;
const b: Record<string, any> = {};

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  await ctx.db.insert(roles).values({
    code: 'county_campaign_admin',
    name: '县级专项行动管理员',
    scope: 'subtree',
    permissions: Object.keys(PERMISSIONS).filter((p) => p.startsWith('campaigns:')),
  });
  admin = (await loginAs(ctx, 'dept_admin', city.city)).agent;
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = await loginAs(ctx, 'liaison', city.countyB);
  countyAdminA = (await loginAs(ctx, 'county_campaign_admin', city.countyA)).agent;

  // County B's own records, assigned by the city.
  b.campaign = await newCampaign(admin, city.countyB.id, { name: '乙县专项行动' });
  b.task = await newTask(admin, { campaignId: b.campaign.id, title: '乙县任务', leadUnitId: city.countyB.id });
  b.doc = await ok(admin.upload(`/api/campaigns/${b.campaign.id}/documents`, [{ name: '乙县方案.pdf', content: PDF }], { kind: 'plan' }), 201);
  b.file = await ok(liaisonB.agent.upload('/api/campaigns/uploads', [{ name: '乙县佐证.pdf', content: PDF }]), 201);
  b.report = await ok(liaisonB.agent.post(`/api/tasks/${b.task.id}/reports`, { content: '乙县进展', percent: 20, fileIds: [b.file.id], idempotencyKey: idem() }), 201);
  b.meeting = await ok(
    liaisonB.agent.post('/api/meetings', { type: 'weekly', title: '乙县周例会', heldAt: '2026-06-01T09:00:00+08:00', attendeeIds: [liaisonB.person.id], decisions: ['乙县决定'] }),
    201,
  );
});
afterAll(() => ctx.close());

describe('a county never reaches the other county', () => {
  it('404 on reading the other county’s records', async () => {
    for (const agent of [liaisonA, countyAdminA]) {
      for (const url of [
        `/api/campaigns/${b.campaign.id}`,
        `/api/campaigns/${b.campaign.id}/documents`,
        `/api/campaigns/${b.campaign.id}/documents/${b.doc.id}/download`,
        `/api/tasks/${b.task.id}`,
        `/api/tasks/tree?campaignId=${b.campaign.id}`,
        `/api/reports/${b.report.id}`,
        `/api/reports/${b.report.id}/files/${b.file.id}`,
        `/api/meetings/${b.meeting.id}`,
      ]) {
        const res = await agent.get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.json().error.code, url).toBe('NOT_FOUND');
      }
    }
  });

  it('404 on changing the other county’s records', async () => {
    const calls: [string, () => Promise<{ statusCode: number }>][] = [
      ['patch campaign', () => countyAdminA.patch(`/api/campaigns/${b.campaign.id}`, { version: 1, name: '改名' })],
      ['upload document', () => countyAdminA.upload(`/api/campaigns/${b.campaign.id}/documents`, [{ name: 'x.pdf', content: PDF }], { kind: 'plan' })],
      ['create task', () => countyAdminA.post('/api/tasks', { campaignId: b.campaign.id, title: 'x', leadUnitId: city.countyA.id, startDate: '2026-01-01', deadline: '2026-02-01' })],
      ['assign to county B', () => countyAdminA.post('/api/tasks', { campaignId: null, year: 2026, title: 'x', leadUnitId: city.countyB.id, startDate: '2026-01-01', deadline: '2026-02-01' })],
      ['patch task', () => countyAdminA.patch(`/api/tasks/${b.task.id}`, { version: 1, title: '改名' })],
      ['breakdown', () => countyAdminA.post(`/api/tasks/${b.task.id}/breakdown`, { items: [{ title: 'x', leadUnitId: city.branchA.id, deadline: '2026-06-01' }] })],
      ['report', () => countyAdminA.post(`/api/tasks/${b.task.id}/reports`, { content: 'x', percent: 1, idempotencyKey: idem() })],
      ['review', () => countyAdminA.post(`/api/reports/${b.report.id}/review`, { version: 1, decision: 'accept' })],
      ['patch meeting', () => countyAdminA.patch(`/api/meetings/${b.meeting.id}`, { version: 1, title: '改名' })],
      ['decision to task', () => countyAdminA.post(`/api/meetings/${b.meeting.id}/decisions/${b.meeting.decisions[0].id}/task`, { leadUnitId: city.countyA.id, deadline: '2026-12-01' })],
    ];
    for (const [name, call] of calls) expect((await call()).statusCode, name).toBe(404);
    // Nothing changed.
    expect(await ok(admin.get(`/api/campaigns/${b.campaign.id}`))).toMatchObject({ name: '乙县专项行动', version: 1, taskCount: 1 });
    expect(await ok(admin.get(`/api/reports/${b.report.id}`))).toMatchObject({ status: 'submitted' });
  });

  it('leaves the other county out of every list and export', async () => {
    for (const agent of [liaisonA, countyAdminA]) {
      expect((await ok(agent.get('/api/campaigns?pageSize=200'))).data.map((x: any) => x.id)).not.toContain(b.campaign.id);
      expect((await ok(agent.get('/api/tasks?pageSize=200'))).total).toBe(0);
      expect((await ok(agent.get('/api/reports?pageSize=200'))).total).toBe(0);
      expect((await ok(agent.get('/api/reports?toReview=true'))).total).toBe(0);
      expect((await ok(agent.get('/api/meetings?pageSize=200'))).total).toBe(0);
      const xlsx = await agent.get('/api/tasks/export.xlsx');
      expect(xlsx.statusCode).toBe(200);
      const ExcelJS = (await import('exceljs')).default;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      expect(wb.getWorksheet('任务清单')!.rowCount).toBe(1);
    }
    // The owner sees them.
    expect((await ok(liaisonB.agent.get('/api/tasks'))).total).toBe(1);
    expect((await ok(liaisonB.agent.get('/api/meetings'))).total).toBe(1);
  });

  it('does not let an uploader’s file be attached by someone else, even the same county', async () => {
    const spare = await ok(liaisonB.agent.upload('/api/campaigns/uploads', [{ name: '未用.pdf', content: PDF }]), 201);
    const other = await loginAs(ctx, 'liaison', city.countyB);
    const res = await other.agent.post(`/api/tasks/${b.task.id}/reports`, { content: 'x', percent: 5, fileIds: [spare.id], idempotencyKey: idem() });
    expect(res.statusCode).toBe(404);
  });
});

describe('a staff member sees only their own tasks', () => {
  it('lists, reads and reports only tasks where they are the responsible person', async () => {
    const staff = await loginAs(ctx, 'staff', city.branchA);
    const c = await newCampaign(admin, city.city.id, { name: '支部学习行动' });
    const mine = await newTask(admin, { campaignId: c.id, title: '本人任务', leadUnitId: city.branchA.id, responsiblePersonId: staff.person.id });
    const notMine = await newTask(admin, { campaignId: c.id, title: '支部其他任务', leadUnitId: city.branchA.id });
    const list = await ok(staff.agent.get('/api/tasks'));
    expect(list.data.map((t: any) => t.id)).toEqual([mine.id]);
    expect((await ok(staff.agent.get('/api/tasks?mine=true'))).data.map((t: any) => t.id)).toEqual([mine.id]);
    expect((await ok(staff.agent.get(`/api/tasks/tree?campaignId=${c.id}`))).map((t: any) => t.id)).toEqual([mine.id]);
    expect((await staff.agent.get(`/api/tasks/${notMine.id}`)).statusCode).toBe(404);
    expect((await staff.agent.post(`/api/tasks/${notMine.id}/reports`, { content: 'x', percent: 5, idempotencyKey: idem() })).statusCode).toBe(404);
    // The campaign shows, read-only, with the numbers of the part they see.
    expect(await ok(staff.agent.get(`/api/campaigns/${c.id}`))).toMatchObject({ taskCount: 1 });
    const r = await ok(staff.agent.post(`/api/tasks/${mine.id}/reports`, { content: '本人进展', percent: 50, idempotencyKey: idem() }), 201);
    expect((await ok(staff.agent.get('/api/reports'))).data.map((x: any) => x.id)).toEqual([r.id]);
    // 我的任务 of the liaison holds none of these: they are not its responsible person.
    expect((await ok(liaisonA.get('/api/tasks?mine=true'))).total).toBe(0);
  });
});

describe('permissions', () => {
  it('answers 403 to callers without the route’s permission', async () => {
    const staff = await loginAs(ctx, 'staff', city.branchA);
    const calls: [string, () => Promise<{ statusCode: number }>][] = [
      ['staff creates campaign', () => staff.agent.post('/api/campaigns', { name: 'x', startDate: '2026-01-01', endDate: '2026-02-01' })],
      ['staff creates task', () => staff.agent.post('/api/tasks', { campaignId: null, year: 2026, title: 'x', leadUnitId: city.branchA.id, startDate: '2026-01-01', deadline: '2026-02-01' })],
      ['staff breaks down', () => staff.agent.post(`/api/tasks/${b.task.id}/breakdown`, { items: [{ title: 'x', leadUnitId: city.branchA.id, deadline: '2026-06-01' }] })],
      ['staff reviews', () => staff.agent.post(`/api/reports/${b.report.id}/review`, { version: 1, decision: 'accept' })],
      ['staff holds a meeting', () => staff.agent.post('/api/meetings', { type: 'weekly', title: 'x', heldAt: '2026-06-01T09:00:00+08:00' })],
      ['liaison edits a campaign', () => liaisonA.patch(`/api/campaigns/${b.campaign.id}`, { version: 1, name: 'x' })],
      ['liaison uploads a plan', () => liaisonA.upload(`/api/campaigns/${b.campaign.id}/documents`, [{ name: 'x.pdf', content: PDF }], { kind: 'plan' })],
    ];
    for (const [name, call] of calls) expect((await call()).statusCode, name).toBe(403);
    // A liaison hands down its own county's key tasks, but never into another county's campaign.
    expect((await liaisonA.post('/api/tasks', { campaignId: null, year: 2026, title: '甲县重点任务', leadUnitId: city.countyA.id, startDate: '2026-01-01', deadline: '2026-02-01' })).statusCode).toBe(201);
    expect((await liaisonA.post('/api/tasks', { campaignId: b.campaign.id, title: 'x', leadUnitId: city.countyA.id, startDate: '2026-01-01', deadline: '2026-02-01' })).statusCode).toBe(404);
    const noRole = await loginAs(ctx, 'audit_admin', city.city);
    for (const url of ['/api/campaigns', '/api/tasks', '/api/reports', '/api/meetings', '/api/tasks/export.xlsx']) {
      expect((await noRole.agent.get(url)).statusCode, url).toBe(403);
    }
  });
});
