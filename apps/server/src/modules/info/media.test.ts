import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, infoMediaReports, infoTargets } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { makeApprovedItem } from './publish.testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let liaisonB: Agent;
let staffA: Awaited<ReturnType<typeof loginAs>>;

let key = 0;
const report = (extra: Record<string, unknown> = {}) => ({
  outlet: '甘肃日报',
  level: '省级',
  title: `宣传报道${++key}`,
  publishedOn: '2026-03-10',
  idempotencyKey: `media-key-${key}-xxxx`,
  ...extra,
});

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = (await loginAs(ctx, 'liaison', city.countyB)).agent;
  staffA = await loginAs(ctx, 'staff', city.countyA);
}, 60_000);
afterAll(() => ctx.close());

describe('媒体报道', () => {
  it('a staff member registers their own reports only; a double click is one report', async () => {
    const body = report();
    const first = await ok(staffA.agent.post('/api/info/media', body), 201);
    const second = await ok(staffA.agent.post('/api/info/media', body), 200);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ unitId: city.countyA.id, reporterId: staffA.person.id, reporterName: staffA.person.name, version: 1 });
    expect(await ctx.db.select().from(infoMediaReports).where(eq(infoMediaReports.idempotencyKey, body.idempotencyKey))).toHaveLength(1);
    const other = await makePerson(ctx.db, city.countyA);
    const forOther = await staffA.agent.post('/api/info/media', report({ reporterId: other.id }));
    expect(forOther.statusCode).toBe(403);
    expect(forOther.json().error.message).toBe('只能登记本人的媒体报道');
    expect((await staffA.agent.post('/api/info/media', report({ unitId: city.branchA.id }))).statusCode).toBe(403);
  });

  it('a staff member sees only their own; the liaison sees the county’s; the other county gets 404 and changes nothing', async () => {
    const colleague = await makePerson(ctx.db, city.branchA);
    const byLiaison = await ok(liaisonA.post('/api/info/media', report({ unitId: city.branchA.id, reporterId: colleague.id, title: '甲县支部报道' })), 201);
    expect(byLiaison).toMatchObject({ unitName: '甲县机关党支部', reporterName: colleague.name });
    const own = await ok(staffA.agent.post('/api/info/media', report({ title: '本人报道' })), 201);
    const staffList = await ok(staffA.agent.get('/api/info/media?pageSize=100'));
    expect(staffList.data.every((m: { reporterId: string }) => m.reporterId === staffA.person.id)).toBe(true);
    expect(staffList.data.map((m: { id: string }) => m.id)).toContain(own.id);
    expect(staffList.data.map((m: { id: string }) => m.id)).not.toContain(byLiaison.id);
    const countyList = await ok(liaisonA.get(`/api/info/media?unitId=${city.countyA.id}&pageSize=100`));
    expect(countyList.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining([own.id, byLiaison.id]));
    // a reporter of the other county cannot be named
    const personB = await makePerson(ctx.db, city.countyB);
    expect((await liaisonA.post('/api/info/media', report({ reporterId: personB.id }))).statusCode).toBe(404);
    expect((await liaisonA.post('/api/info/media', report({ unitId: city.countyB.id }))).statusCode).toBe(404);

    expect((await liaisonB.get(`/api/info/media/${byLiaison.id}`)).statusCode).toBe(404);
    expect((await liaisonB.put(`/api/info/media/${byLiaison.id}`, report({ version: 1 }))).statusCode).toBe(404);
    expect((await liaisonB.delete(`/api/info/media/${byLiaison.id}`)).statusCode).toBe(404);
    expect((await ok(liaisonB.get('/api/info/media?pageSize=100'))).total).toBe(0);

    const edited = await ok(liaisonA.put(`/api/info/media/${byLiaison.id}`, report({ unitId: city.branchA.id, reporterId: colleague.id, title: '甲县支部报道（修改）', version: 1 })));
    expect(edited).toMatchObject({ title: '甲县支部报道（修改）', version: 2 });
    expect((await liaisonA.put(`/api/info/media/${byLiaison.id}`, report({ title: '过期修改', version: 1 }))).statusCode).toBe(409);
    expect((await liaisonA.delete(`/api/info/media/${byLiaison.id}?version=1`)).statusCode).toBe(409);
    await ok(liaisonA.delete(`/api/info/media/${byLiaison.id}?version=2`));
    const audits = await ctx.db.select().from(auditLog).where(eq(auditLog.entityId, byLiaison.id)).orderBy(auditLog.id);
    expect(audits.filter((a) => a.result === 'success').map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    // The other county's attempts are on the log too, as refusals.
    expect(audits.filter((a) => a.result === 'denied').length).toBeGreaterThan(0);
  });
});

describe('宣传目标任务', () => {
  it('progress is counted live: 3 of 4 reports is 75; a person’s target counts their own; a zero target is 100', async () => {
    const county = city.branchB;
    const reporter = await makePerson(ctx.db, county);
    const target = await ok(admin.put('/api/info/targets', { year: 2026, month: 5, subjectType: 'unit', subjectId: county.id, measure: 'media', target: 4 }));
    expect(target).toMatchObject({ actual: 0, progress: 0, subjectName: '乙县机关党支部' });
    for (const day of ['2026-05-02', '2026-05-15', '2026-05-31']) await ok(admin.post('/api/info/media', report({ unitId: county.id, reporterId: reporter.id, publishedOn: day })), 201);
    await ok(admin.post('/api/info/media', report({ unitId: county.id, publishedOn: '2026-06-01' })), 201);
    const personTarget = await ok(admin.put('/api/info/targets', { year: 2026, month: null, subjectType: 'person', subjectId: reporter.id, measure: 'media', target: 2 }));
    const zero = await ok(admin.put('/api/info/targets', { year: 2026, month: 5, subjectType: 'unit', subjectId: county.id, measure: 'submitted', target: 0 }));
    const list = await ok(admin.get(`/api/info/targets?year=2026&unitId=${county.id}`));
    const byId = new Map(list.data.map((t: { id: string }) => [t.id, t]));
    expect(byId.get(target.id)).toMatchObject({ target: 4, actual: 3, progress: 75 });
    expect(byId.get(personTarget.id)).toMatchObject({ target: 2, actual: 3, progress: 150, subjectName: reporter.name, unitName: '乙县机关党支部' });
    expect(byId.get(zero.id)).toMatchObject({ actual: 0, progress: 100 });
    // saving the same target again changes it, it does not add a second one (a yearly one too)
    const again = await ok(admin.put('/api/info/targets', { year: 2026, month: null, subjectType: 'person', subjectId: reporter.id, measure: 'media', target: 6 }));
    expect(again).toMatchObject({ id: personTarget.id, target: 6, progress: 50, version: 2 });
    expect(await ctx.db.select().from(infoTargets).where(eq(infoTargets.subjectId, reporter.id))).toHaveLength(1);

    const xlsx = await admin.get(`/api/info/targets/export?year=2026&unitId=${county.id}`);
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, '年度', '月份', '对象类型', '对象', '所属单位', '指标', '目标', '完成', '完成率（%）']);
    const lines = [];
    for (let r = 2; r <= ws.rowCount; r++) lines.push((ws.getRow(r).values as unknown[]).slice(1));
    expect(lines).toContainEqual([2026, '5月', '单位', '乙县机关党支部', '乙县机关党支部', '媒体报道', 4, 3, 75]);
    expect(lines).toContainEqual([2026, '全年', '个人', reporter.name, '乙县机关党支部', '媒体报道', 6, 3, 50]);
  });

  it('adopted counts distinct items, issue adoptions only once issued; submitted counts the unit’s own items', async () => {
    const unit = city.countyA;
    const author = await makePerson(ctx.db, unit);
    const items = [];
    for (let i = 0; i < 3; i++) items.push(await makeApprovedItem(ctx.db, { unitId: unit.id, submittedOn: '2026-07-0' + (i + 1), authors: [{ personId: author.id, name: author.name }] }));
    await makeApprovedItem(ctx.db, { unitId: city.branchA.id, submittedOn: '2026-07-04' });
    const outlet = (id: string, level: string, day: string) =>
      ok(admin.post(`/api/info/items/${id}/adoptions`, { kind: 'outlet', outlet: '省委宣传部', level, adoptedOn: day, links: ['https://example.com/x'] }), 201);
    await outlet(items[0].id, '省级', '2026-07-10');
    await outlet(items[0].id, '市级', '2026-07-11');
    const pubs = await ok(admin.get('/api/info/publications'));
    const inIssue = await ok(admin.post(`/api/info/items/${items[1].id}/adoptions`, { kind: 'issue', publicationId: pubs.data[0].id, adoptedOn: '2026-07-12' }), 201);
    const unitAdopted = await ok(admin.put('/api/info/targets', { year: 2026, month: 7, subjectType: 'unit', subjectId: unit.id, measure: 'adopted', target: 2 }));
    const personAdopted = await ok(admin.put('/api/info/targets', { year: 2026, month: 7, subjectType: 'person', subjectId: author.id, measure: 'adopted', target: 4 }));
    const unitSubmitted = await ok(admin.put('/api/info/targets', { year: 2026, month: 7, subjectType: 'unit', subjectId: unit.id, measure: 'submitted', target: 6 }));
    expect(unitAdopted).toMatchObject({ actual: 1, progress: 50 });
    expect(personAdopted).toMatchObject({ actual: 1, progress: 25 });
    expect(unitSubmitted).toMatchObject({ actual: 3, progress: 50 });
    const issue = await ok(admin.get(`/api/info/issues/${inIssue.issueId}`));
    await ok(admin.post(`/api/info/issues/${issue.id}/issue`, { version: issue.version }));
    const list = await ok(admin.get(`/api/info/targets?year=2026&month=7&measure=adopted`));
    expect(list.data.map((t: { id: string; actual: number; progress: number }) => [t.id, t.actual, t.progress]).sort()).toEqual(
      [
        [unitAdopted.id, 2, 100],
        [personAdopted.id, 2, 50],
      ].sort(),
    );
  });

  it('targets are set by those who may, for subjects in their scope; a staff member sees their own', async () => {
    expect((await liaisonA.put('/api/info/targets', { year: 2026, month: 1, subjectType: 'unit', subjectId: city.countyA.id, measure: 'media', target: 3 })).statusCode).toBe(403);
    expect((await admin.put('/api/info/targets', { year: 2026, month: 1, subjectType: 'unit', subjectId: crypto.randomUUID(), measure: 'media', target: 3 })).statusCode).toBe(404);
    expect((await admin.put('/api/info/targets', { year: 2026, month: 1, subjectType: 'person', subjectId: crypto.randomUUID(), measure: 'media', target: 3 })).statusCode).toBe(404);
    const mine = await ok(admin.put('/api/info/targets', { year: 2026, month: 1, subjectType: 'person', subjectId: staffA.person.id, measure: 'media', target: 3 }));
    await ok(admin.put('/api/info/targets', { year: 2026, month: 1, subjectType: 'unit', subjectId: city.countyA.id, measure: 'media', target: 3 }));
    const bTarget = await ok(admin.put('/api/info/targets', { year: 2026, month: 1, subjectType: 'unit', subjectId: city.countyB.id, measure: 'media', target: 3 }));
    const seen = await ok(staffA.agent.get('/api/info/targets?year=2026&month=1'));
    expect(seen.data.map((t: { id: string }) => t.id)).toEqual([mine.id]);
    const seenA = await ok(liaisonA.get('/api/info/targets?year=2026&month=1'));
    expect(seenA.data.map((t: { id: string }) => t.id)).not.toContain(bTarget.id);
    expect(seenA.total).toBe(2);
    await ok(admin.delete(`/api/info/targets/${bTarget.id}`));
    expect((await admin.delete(`/api/info/targets/${bTarget.id}`)).statusCode).toBe(404);
  });
});
