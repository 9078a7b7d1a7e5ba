import { inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { auditLog } from '../../db/schema/index.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeCity, makePerson, makeTestApp, loginAs, type Agent, type TestCtx } from '../../test/harness.ts';
import { clock } from './dates.ts';
import { idem, newCampaign, newTask, ok, PDF } from './testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Awaited<ReturnType<typeof loginAs>>;
let liaisonB: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = (await loginAs(ctx, 'dept_admin', city.city)).agent;
  liaisonA = await loginAs(ctx, 'liaison', city.countyA);
  liaisonB = await loginAs(ctx, 'liaison', city.countyB);
});
afterAll(() => ctx.close());
afterEach(() => vi.restoreAllMocks());

describe('campaign, task, breakdown, report, review', () => {
  it('creates a campaign in the caller’s unit by default and lists it with its numbers', async () => {
    const c = await ok(admin.post('/api/campaigns', { name: '作风建设专项行动', startDate: '2026-03-01', endDate: '2026-12-31', dimensions: ['学', '比'] }), 201);
    expect(c).toMatchObject({ unitId: city.city.id, unitName: city.city.name, status: 'active', taskCount: 0, progress: 0, version: 1 });
    const list = await ok(admin.get('/api/campaigns?q=作风'));
    expect(list.data.map((x: { id: string }) => x.id)).toContain(c.id);
    const bad = await admin.post('/api/campaigns', { name: '', startDate: '2026-05-01', endDate: '2026-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['body.name']));
  });

  it('breaks a task down, rolls accepted progress up to the parent and the campaign, and marks done at 100', async () => {
    vi.spyOn(clock, 'today').mockReturnValue('2026-06-15');
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id, dimension: '学', responsiblePersonId: liaisonA.person.id });
    expect(t).toMatchObject({ assignedByUnitId: city.city.id, leadUnitName: '甲县委宣传部', responsiblePersonName: liaisonA.person.name, progress: 0, status: 'in_progress', overdue: false });

    const worker = await makePerson(ctx.db, city.branchA, { name: '赵分解' });
    const children = await ok(
      liaisonA.agent.post(`/api/tasks/${t.id}/breakdown`, {
        items: [
          { title: '县直机关学习', leadUnitId: city.countyA.id, deadline: '2026-10-31' },
          { title: '支部学习到人', leadUnitId: city.branchA.id, responsiblePersonId: worker.id, deadline: '2026-11-30' },
        ],
      }),
      201,
    );
    expect(children).toHaveLength(2);
    expect(children[1]).toMatchObject({ parentId: t.id, depth: 1, assignedByUnitId: city.countyA.id, responsiblePersonName: '赵分解', campaignId: c.id });

    // The branch reports 100%, the county (assigner of the sub-task) accepts: parent = (0 + 100) / 2 = 50.
    const secretary = await loginAs(ctx, 'branch_secretary', city.branchA);
    const r1 = await ok(secretary.agent.post(`/api/tasks/${children[1].id}/reports`, { content: '已完成学习', percent: 100, idempotencyKey: idem() }), 201);
    expect(r1).toMatchObject({ status: 'submitted', periodKey: 'once', periodLabel: '不定期', submittedByName: secretary.person.name });
    // The branch cannot review its own report: the county assigned the sub-task.
    expect((await secretary.agent.post(`/api/reports/${r1.id}/review`, { version: 1, decision: 'accept' })).statusCode).toBe(403);
    const toReview = await ok(liaisonA.agent.get('/api/reports?toReview=true'));
    expect(toReview.data.map((r: { id: string }) => r.id)).toContain(r1.id);
    const accepted = await ok(liaisonA.agent.post(`/api/reports/${r1.id}/review`, { version: r1.version, decision: 'accept' }));
    expect(accepted).toMatchObject({ status: 'accepted', reviewedByName: liaisonA.person.name });

    expect(await ok(admin.get(`/api/tasks/${children[1].id}`))).toMatchObject({ progress: 100, status: 'done' });
    expect((await ok(admin.get(`/api/tasks/${t.id}`))).progress).toBe(50);
    expect((await ok(admin.get(`/api/campaigns/${c.id}`))).progress).toBe(50);

    // The other child at 60%: parent = floor((60 + 100) / 2) = 80. Nobody reviews a report they submitted.
    const r2 = await ok(liaisonA.agent.post(`/api/tasks/${children[0].id}/reports`, { content: '完成六成', percent: 60, idempotencyKey: idem() }), 201);
    expect((await liaisonA.agent.post(`/api/reports/${r2.id}/review`, { version: 1, decision: 'accept' })).statusCode).toBe(403);
    await ok(admin.post(`/api/reports/${r2.id}/review`, { version: 1, decision: 'accept' }));
    const parent = await ok(admin.get(`/api/tasks/${t.id}`));
    expect(parent).toMatchObject({ progress: 80, status: 'in_progress', childCount: 2 });
    const camp = await ok(admin.get(`/api/campaigns/${c.id}`));
    expect(camp).toMatchObject({ progress: 80, taskCount: 3, overdueCount: 0 });

    const tree = await ok(admin.get(`/api/tasks/tree?campaignId=${c.id}`));
    expect(tree.map((x: { id: string }) => x.id)).toEqual([t.id, children[0].id, children[1].id]);

    // Every step left an audit row, the roll-up included.
    const logs = await ctx.db.select().from(auditLog).where(inArray(auditLog.entityId, [t.id, children[1].id, r1.id]));
    const actions = logs.map((l) => `${l.entity}:${l.action}`);
    expect(actions).toEqual(expect.arrayContaining(['task:create', 'task:breakdown', 'task_report:submit', 'task_report:accept', 'task:progress']));
    expect(logs.find((l) => l.action === 'accept')?.username).toBe(liaisonA.username);
  });

  it('returns a report only with a comment, and a returned report does not move progress', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const r = await ok(liaisonA.agent.post(`/api/tasks/${t.id}/reports`, { content: '进展', percent: 40, idempotencyKey: idem() }), 201);
    const noComment = await admin.post(`/api/reports/${r.id}/review`, { version: 1, decision: 'return' });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.json().error.details[0].field).toBe('body.comment');
    // The county cannot accept its own report: the city assigned the task.
    expect((await liaisonA.agent.post(`/api/reports/${r.id}/review`, { version: 1, decision: 'accept' })).statusCode).toBe(403);
    const returned = await ok(admin.post(`/api/reports/${r.id}/review`, { version: 1, decision: 'return', comment: '请补充佐证材料' }));
    expect(returned).toMatchObject({ status: 'returned', reviewComment: '请补充佐证材料', version: 2 });
    expect((await ok(admin.get(`/api/tasks/${t.id}`))).progress).toBe(0);
    // A stale version and a second review both answer 409.
    expect((await admin.post(`/api/reports/${r.id}/review`, { version: 1, decision: 'accept' })).statusCode).toBe(409);
    expect((await admin.post(`/api/reports/${r.id}/review`, { version: 2, decision: 'accept' })).statusCode).toBe(409);
  });

  it('makes one report of a double click with the same idempotency key', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const file = await ok(liaisonA.agent.upload('/api/campaigns/uploads', [{ name: '佐证.pdf', content: PDF }]), 201);
    const body = { content: '双击提交', percent: 30, fileIds: [file.id], idempotencyKey: idem() };
    const clicks = await Promise.all([1, 2, 3, 4].map(() => liaisonA.agent.post(`/api/tasks/${t.id}/reports`, body)));
    expect(clicks.map((c) => c.statusCode).sort()).toEqual([200, 200, 200, 201]);
    const [a] = clicks;
    expect(new Set(clicks.map((c) => c.json().id)).size).toBe(1);
    expect(a.json().files.map((f: { id: string }) => f.id)).toEqual([file.id]);
    const again = await liaisonA.agent.post(`/api/tasks/${t.id}/reports`, body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(a.json().id);
    const list = await ok(admin.get(`/api/reports?taskId=${t.id}`));
    expect(list.total).toBe(1);
  });

  it('refuses a report for a cycle period the task does not have', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id, reportCycle: 'monthly', startDate: '2026-01-01', deadline: '2026-06-30' });
    const res = await liaisonA.agent.post(`/api/tasks/${t.id}/reports`, { periodKey: '2026-09', content: 'x', percent: 10, idempotencyKey: idem() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('body.periodKey');
    const okRes = await ok(liaisonA.agent.post(`/api/tasks/${t.id}/reports`, { periodKey: '2026-03', content: 'x', percent: 10, idempotencyKey: idem() }), 201);
    expect(okRes.periodLabel).toBe('2026年3月');
  });

  it('writes nothing when one item of a breakdown is bad, and names the item', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const res = await liaisonA.agent.post(`/api/tasks/${t.id}/breakdown`, {
      items: [
        { title: '好的一项', leadUnitId: city.branchA.id, deadline: '2026-10-31' },
        { title: '给了别的县', leadUnitId: city.countyB.id, deadline: '2026-10-31' },
        { title: '超过上级截止日期', leadUnitId: city.branchA.id, deadline: '2027-03-01' },
      ],
    });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.message).toContain('第 2 项');
    expect(err.details.map((d: { index: number }) => d.index)).toEqual([1, 2]);
    expect(err.details[0].field).toBe('body.items.1.leadUnitId');
    const tree = await ok(admin.get(`/api/tasks/tree?campaignId=${c.id}`));
    expect(tree).toHaveLength(1);
    expect(tree[0].childCount).toBe(0);
  });

  it('only lets the lead unit break a task down', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const item = { items: [{ title: 'x', leadUnitId: city.branchB.id, deadline: '2026-10-31' }] };
    expect((await liaisonB.agent.post(`/api/tasks/${t.id}/breakdown`, item)).statusCode).toBe(404);
  });

  it('keeps a county read-only on the city campaign that assigned it tasks', async () => {
    const c = await newCampaign(admin, city.city.id);
    await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const seen = await ok(liaisonA.agent.get(`/api/campaigns/${c.id}`));
    expect(seen).toMatchObject({ id: c.id, taskCount: 1 });
    expect((await liaisonA.agent.get('/api/campaigns')).json().data.map((x: { id: string }) => x.id)).toContain(c.id);
    // liaisons lack campaigns:campaign:write altogether
    expect((await liaisonA.agent.patch(`/api/campaigns/${c.id}`, { version: 1, name: '改名' })).statusCode).toBe(403);
  });

  it('edits a campaign and a task with version checks', async () => {
    const c = await newCampaign(admin, city.city.id);
    const changed = await ok(admin.patch(`/api/campaigns/${c.id}`, { version: 1, name: '四大专项行动（修订）' }));
    // Fields the update does not mention stay as they were.
    expect(changed).toMatchObject({ name: '四大专项行动（修订）', version: 2, dimensions: ['学', '比', '转', '提'] });
    expect((await admin.patch(`/api/campaigns/${c.id}`, { version: 1, name: '旧版本' })).statusCode).toBe(409);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const t2 = await ok(admin.patch(`/api/tasks/${t.id}`, { version: 1, deadline: '2026-11-30', coUnitIds: [city.countyB.id] }));
    expect(t2).toMatchObject({ deadline: '2026-11-30', version: 2, coUnits: [{ id: city.countyB.id, name: '乙县委宣传部' }] });
    expect((await admin.patch(`/api/tasks/${t.id}`, { version: 1, title: '旧' })).statusCode).toBe(409);
    const renamed = await ok(admin.patch(`/api/tasks/${t.id}`, { version: 2, title: '开展理论学习（调整）' }));
    expect(renamed).toMatchObject({ coUnits: [{ id: city.countyB.id }], reportCycle: t.reportCycle, deadline: '2026-11-30' });
    const done = await ok(admin.patch(`/api/tasks/${t.id}`, { version: 3, status: 'done' }));
    expect(done).toMatchObject({ status: 'done', progress: 100 });
  });

  it('keeps a year’s key-task list apart from campaigns', async () => {
    const k = await newTask(admin, { campaignId: null, year: 2026, title: '重点任务：意识形态工作责任制', leadUnitId: city.countyB.id });
    expect(k).toMatchObject({ campaignId: null, campaignName: null, year: 2026, assignedByUnitId: city.city.id });
    const list = await ok(admin.get('/api/tasks?keyList=true&year=2026'));
    expect(list.data.map((x: { id: string }) => x.id)).toEqual([k.id]);
    const tree = await ok(admin.get('/api/tasks/tree?year=2026'));
    expect(tree.map((x: { id: string }) => x.id)).toEqual([k.id]);
    expect((await admin.post('/api/tasks', { campaignId: null, title: 'x', leadUnitId: city.countyB.id, startDate: '2026-01-01', deadline: '2026-02-01' })).statusCode).toBe(400);
  });
});

describe('uploads', () => {
  it('stores a PDF plan and lets only people who see the campaign download it', async () => {
    const c = await newCampaign(admin, city.city.id);
    await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const doc = await ok(admin.upload(`/api/campaigns/${c.id}/documents`, [{ name: '实施方案.pdf', content: PDF, type: 'application/pdf' }], { kind: 'plan' }), 201);
    expect(doc).toMatchObject({ kind: 'plan', fileName: '实施方案.pdf', mime: 'application/pdf', size: PDF.length });
    const docs = await ok(liaisonA.agent.get(`/api/campaigns/${c.id}/documents`));
    expect(docs.map((d: { id: string }) => d.id)).toEqual([doc.id]);
    const dl = await liaisonA.agent.get(`/api/campaigns/${c.id}/documents/${doc.id}/download`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    expect(dl.headers['content-disposition']).toContain(encodeURIComponent('实施方案.pdf'));
    expect((await liaisonB.agent.get(`/api/campaigns/${c.id}/documents/${doc.id}/download`)).statusCode).toBe(404);
  });

  it('refuses an .exe, a "PDF" whose bytes are not a PDF, and an unknown kind', async () => {
    const c = await newCampaign(admin, city.city.id);
    const exe = await admin.upload(`/api/campaigns/${c.id}/documents`, [{ name: 'setup.exe', content: Buffer.from('MZ\x90\x00') }], { kind: 'plan' });
    expect(exe.statusCode).toBe(400);
    expect(exe.json().error.message).toContain('不支持的文件类型');
    const fake = await admin.upload(`/api/campaigns/${c.id}/documents`, [{ name: '方案.pdf', content: Buffer.from('MZ not a pdf at all') }], { kind: 'plan' });
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error.message).toContain('内容与扩展名不符');
    const kind = await admin.upload(`/api/campaigns/${c.id}/documents`, [{ name: '方案.pdf', content: PDF }], { kind: 'secret' });
    expect(kind.statusCode).toBe(400);
    expect(await ok(admin.get(`/api/campaigns/${c.id}/documents`))).toEqual([]);
  });

  it('attaches only the caller’s own unattached evidence to a report', async () => {
    const c = await newCampaign(admin, city.city.id);
    const t = await newTask(admin, { campaignId: c.id, leadUnitId: city.countyA.id });
    const mine = await ok(liaisonA.agent.upload('/api/campaigns/uploads', [{ name: '照片.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) }]), 201);
    const theirs = await ok(liaisonB.agent.upload('/api/campaigns/uploads', [{ name: '别人的.pdf', content: PDF }]), 201);
    const stolen = await liaisonA.agent.post(`/api/tasks/${t.id}/reports`, { content: 'x', percent: 10, fileIds: [theirs.id], idempotencyKey: idem() });
    expect(stolen.statusCode).toBe(404);
    const r = await ok(liaisonA.agent.post(`/api/tasks/${t.id}/reports`, { content: '附照片', percent: 10, fileIds: [mine.id], idempotencyKey: idem() }), 201);
    expect(r.files).toEqual([mine]);
    const file = await admin.get(`/api/reports/${r.id}/files/${mine.id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect((await liaisonB.agent.get(`/api/reports/${r.id}/files/${mine.id}`)).statusCode).toBe(404);
  });
});

describe('export', () => {
  it('exports the visible tasks with Chinese headers, unit paths and the overdue flag', async () => {
    vi.spyOn(clock, 'today').mockReturnValue('2026-06-15');
    const c = await newCampaign(admin, city.city.id, { name: '导出测试行动' });
    await newTask(admin, { campaignId: c.id, title: '已逾期的任务', leadUnitId: city.countyA.id, startDate: '2026-01-01', deadline: '2026-05-29' });
    await newTask(admin, { campaignId: c.id, title: '乙县的任务', leadUnitId: city.countyB.id });
    const res = await liaisonA.agent.get(`/api/tasks/export.xlsx?campaignId=${c.id}`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('任务清单')!;
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['任务名称', '牵头单位', '截止日期', '逾期']));
    const rows = [];
    for (let i = 2; i <= ws.rowCount; i++) {
      const r = ws.getRow(i);
      rows.push(Object.fromEntries(header.map((h, j) => [h, r.getCell(j + 1).value])));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ 任务名称: '已逾期的任务', 牵头单位: `${city.city.name}/甲县委宣传部`, 逾期: '是' });
  });
});
