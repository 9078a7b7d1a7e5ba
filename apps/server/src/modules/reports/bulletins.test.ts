import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, bulletinRecipients, bulletins, studySessions, studyWeekChecks, tasks } from '../../db/schema/index.ts';
import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import { checkWeek, confirmWeek } from '../study/coverage.ts';
import { loginAdmin, loginAs, makeCity, makeTestApp, makeUnit, makeUser, login, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { ensureCountyWriterRole } from './bulletins.testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let writerA: Agent;
let writerB: Agent;
let staffBranchA: Agent;
let adminUserId: string;

const TODAY = new Date().toISOString().slice(0, 10);

async function addTask(leadUnitId: string, over: Partial<typeof tasks.$inferInsert> = {}) {
  const [t] = await ctx.db
    .insert(tasks)
    .values({ year: 2026, title: '测试重点任务', leadUnitId, startDate: '2026-01-05', deadline: '2026-03-20', status: 'in_progress', ...over })
    .returning();
  return t;
}

/** The rows of the bulletin list's Excel export, each as the texts of its cells, header row left out. */
async function exportedRows(agent: Agent, query = ''): Promise<string[][]> {
  const res = await agent.get(`/api/bulletins/export${query}`);
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((row, line) => {
    if (line > 1) rows.push(Array.from({ length: 10 }, (_, i) => row.getCell(i + 1).text));
  });
  return rows;
}
const exportedTitles = async (agent: Agent) => (await exportedRows(agent)).map((r) => r[1]);

const plain = (xml: string) => [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  adminUserId = (await ok(admin.get('/api/auth/me'))).user?.id ?? (await ok(admin.get('/api/auth/me'))).id;
  const role = await ensureCountyWriterRole(ctx.db);
  const wa = await makeUser(ctx.db, city.countyA, role);
  writerA = await login(ctx.app, wa.username, wa.password);
  const wb = await makeUser(ctx.db, city.countyB, role);
  writerB = await login(ctx.app, wb.username, wb.password);
  staffBranchA = (await loginAs(ctx, 'staff', city.branchA)).agent;
  // March 2026: county A's branch finished one task of two on time, county A itself let one run over; county B did its one.
  await addTask(city.branchA.id, { status: 'done', completedAt: new Date('2026-03-18T10:00:00+08:00'), progress: 100 });
  await addTask(city.branchA.id, { deadline: '2026-03-25', reportCycle: 'monthly' });
  await addTask(city.countyA.id, { deadline: '2026-03-10' });
  await addTask(city.countyB.id, { status: 'done', completedAt: new Date('2026-03-05T10:00:00+08:00'), progress: 100 });
}, 60_000);
afterAll(() => ctx.close());

describe('印发与编号', () => {
  it('ten bulletins issued at once take the next ten numbers of the year, without a gap or a repeat', async () => {
    const drafts = [];
    for (let i = 0; i < 10; i++) {
      drafts.push(await ok(admin.post('/api/bulletins', { template: 'commendation', periodKey: 'M2026-03', scopeUnitId: city.city.id, unitIds: [city.countyB.id], reason: `第${i}次表扬理由` }), 201));
    }
    const [{ before }] = await ctx.db.select({ before: sql<number>`coalesce(max(${bulletins.number}), 0)::int` }).from(bulletins).where(eq(bulletins.year, Number(TODAY.slice(0, 4))));
    const results = await Promise.all(drafts.map((d) => admin.post(`/api/bulletins/${d.id}/issue`, { version: d.version })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    const numbers = results.map((r) => r.json().number).sort((a: number, b: number) => a - b);
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => before + i + 1));
    const docNumbers = new Set(results.map((r) => r.json().docNumber));
    expect(docNumbers.size).toBe(10);
    for (const r of results) expect(r.json().docNumber).toBe(`${city.city.name.slice(0, 1)}宣通〔${TODAY.slice(0, 4)}〕${r.json().number}号`);
    // Recipients: every unit of the city, the named county B marked as named.
    const rec = await ctx.db.select().from(bulletinRecipients).where(eq(bulletinRecipients.bulletinId, drafts[0].id));
    expect(rec.map((r) => r.unitId).sort()).toEqual([city.city.id, city.countyA.id, city.countyB.id, city.branchA.id, city.branchB.id].sort());
    expect(rec.filter((r) => r.named).map((r) => r.unitId)).toEqual([city.countyB.id]);
    // An issued bulletin cannot be issued again, edited or deleted.
    const again = await admin.post(`/api/bulletins/${drafts[0].id}/issue`, { version: results[0].json().version });
    expect(again.statusCode).toBe(409);
    expect((await admin.delete(`/api/bulletins/${drafts[0].id}?version=${results[0].json().version}`)).statusCode).toBe(409);
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'bulletin'), eq(auditLog.entityId, drafts[0].id)));
    expect(audits.map((a) => a.action)).toEqual(['create', 'issue']);
  });

  it('a stale version answers 409 and a draft can be edited and deleted', async () => {
    const d = await ok(admin.post('/api/bulletins', { template: 'criticism', periodKey: 'M2026-03', scopeUnitId: city.city.id, measure: 'tasks' }), 201);
    // prefilled from the bottom of the tasks measure: county A has the overdue task
    expect(d.namedUnits.map((u: { id: string }) => u.id)).toEqual([city.countyA.id]);
    expect(d.title).toBe('关于对甲县委宣传部予以通报批评的通报');
    const edited = await ok(admin.put(`/api/bulletins/${d.id}`, { title: '关于对甲县委宣传部予以通报批评的通报（修改）', addressee: '甲县委宣传部：', blocks: [{ kind: 'paragraph', text: '修改后的正文。' }], signatureIssuer: '中共测试市委宣传部', signatureDate: null, colophon: [], version: d.version }));
    expect(edited.version).toBe(d.version + 1);
    expect(edited.blocks).toEqual([{ kind: 'paragraph', text: '修改后的正文。' }]);
    const stale = await admin.put(`/api/bulletins/${d.id}`, { title: 'x', addressee: null, blocks: [], signatureIssuer: null, signatureDate: null, colophon: [], version: d.version });
    expect(stale.statusCode).toBe(409);
    await ok(admin.delete(`/api/bulletins/${d.id}?version=${edited.version}`));
    expect((await admin.get(`/api/bulletins/${d.id}`)).statusCode).toBe(404);
  });
});

describe('未学通报', () => {
  it('lists exactly the branches the confirmed coverage check lists as missed', async () => {
    const week = '2026-W10'; // 2 to 8 March 2026
    // branch A studied four and a half hours, branch B nothing; a third branch under county A studied two hours
    const branchA2 = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县第二党支部', type: 'branch' });
    const held = (unitId: string, start: string, end: string) =>
      ctx.db.insert(studySessions).values({ unitId, typeCode: 'collective', topic: '集中学习', plannedStart: new Date(start), plannedEnd: new Date(end), actualStart: new Date(start), actualEnd: new Date(end), status: 'held', filedAt: new Date('2026-03-01T10:00:00+08:00') });
    await held(city.branchA.id, '2026-03-04T08:30:00+08:00', '2026-03-04T13:00:00+08:00');
    await held(branchA2.id, '2026-03-05T09:00:00+08:00', '2026-03-05T11:00:00+08:00');
    await checkWeek(ctx.db, week, TODAY);
    // an unconfirmed check is not yet a basis for a bulletin
    const early = await admin.post('/api/bulletins', { template: 'weekly_study', periodKey: week, scopeUnitId: city.city.id });
    expect(early.statusCode).toBe(400);
    await ctx.db.transaction((tx) => confirmWeek(tx, adminUserId, SYSTEM_ACTOR, week));
    const [check] = await ctx.db.select().from(studyWeekChecks).where(eq(studyWeekChecks.week, week));
    const listed = check.rows.filter((r) => r.missed && r.unitPath.startsWith(city.city.path)).map((r) => r.unitId).sort();
    expect(listed).toEqual([branchA2.id, city.branchB.id].sort());
    const d = await ok(admin.post('/api/bulletins', { template: 'weekly_study', periodKey: week, scopeUnitId: city.city.id }), 201);
    expect(d.data.missed.map((m: { unitId: string }) => m.unitId).sort()).toEqual(listed);
    expect(d.namedUnits.map((u: { id: string }) => u.id).sort()).toEqual(listed);
    const table = d.blocks.find((b: { kind: string }) => b.kind === 'table');
    expect(table.rows).toHaveLength(2);
    expect(table.rows.map((r: string[]) => r[1]).sort()).toEqual(['乙县机关党支部', '甲县第二党支部'].sort());
    expect(table.rows.find((r: string[]) => r[1] === '甲县第二党支部')[3]).toBe('2小时');
    // county A's writer sees only county A's branch
    const a = await ok(writerA.post('/api/bulletins', { template: 'weekly_study', periodKey: week, scopeUnitId: city.countyA.id }), 201);
    expect(a.data.missed.map((m: { unitId: string }) => m.unitId)).toEqual([branchA2.id]);
  });
});

describe('印发后的数据固定与 Word 版式', () => {
  it('the issued DOCX is GB/T 9704: page, margins, fonts, 发文字号, title, table rows, 版记', async () => {
    const d = await ok(admin.post('/api/bulletins', { template: 'monthly_tasks', periodKey: 'M2026-03', scopeUnitId: city.city.id }), 201);
    const issued = await ok(admin.post(`/api/bulletins/${d.id}/issue`, { version: d.version, signatureDate: `${TODAY.slice(0, 4)}-04-03` }));
    const res = await admin.get(`/api/bulletins/${d.id}/docx`);
    expect(res.statusCode).toBe(200);
    const zip = await JSZip.loadAsync(res.rawPayload);
    const document = await zip.file('word/document.xml')!.async('string');
    const styles = await zip.file('word/styles.xml')!.async('string');
    expect(document).toMatch(/<w:pgSz[^>]*w:w="11906"[^>]*w:h="16838"/);
    const margin = document.match(/<w:pgMar [^>]*>/)![0];
    for (const m of ['w:top="2098"', 'w:bottom="1984"', 'w:left="1587"', 'w:right="1474"']) expect(margin).toContain(m);
    expect(styles.match(/<w:docDefaults>[\s\S]*?<\/w:docDefaults>/)![0]).toMatch(/w:eastAsia="仿宋_GB2312"/);
    const text = plain(document);
    expect(text).toContain(issued.docNumber);
    expect(issued.docNumber).toMatch(/^市宣通〔\d{4}〕\d+号$/);
    expect(text).toContain('关于2026年3月全市重点任务推进情况的通报');
    expect(text).toContain('各县（市、区）委宣传部，市直各有关单位：');
    // the title in 方正小标宋简体 二号 (22 pt)
    const titleRun = document.match(/<w:r>(?:(?!<\/w:r>)[\s\S])*?关于2026年3月全市重点任务推进情况的通报/)![0];
    expect(titleRun).toContain('方正小标宋简体');
    expect(titleRun).toContain('<w:sz w:val="44"/>');
    // the table: a header row and one row for each of the city itself, county A and county B
    const tbl = document.match(/<w:tbl>[\s\S]*?<\/w:tbl>/)![0];
    const rows = [...tbl.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((m) => [...m[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual(['序号', '单位', '到期任务', '已完成', '逾期', '未报进展', '完成率']);
    // county A: three tasks due in March (branch 2, county 1), one done, two overdue (one of them monthly without a report)
    expect(rows.find((r) => r[1] === '甲县委宣传部')!.slice(2)).toEqual(['3', '1', '2', '1', '33.3%']);
    expect(rows.find((r) => r[1] === '乙县委宣传部')!.slice(2)).toEqual(['1', '1', '0', '0', '100%']);
    // 落款 and 版记 after the body
    expect(text).toContain(`${TODAY.slice(0, 4)}年4月3日`);
    expect(text.lastIndexOf('抄送')).toBeGreaterThan(text.indexOf('工作要求'));
    expect(text).toMatch(/办公室\s*\d{4}年4月3日印发/);
  });

  it('an issued bulletin keeps its figures after the records change; a new draft sees the change', async () => {
    const d = await ok(admin.post('/api/bulletins', { template: 'monthly_tasks', periodKey: 'M2026-03', scopeUnitId: city.city.id }), 201);
    const issued = await ok(admin.post(`/api/bulletins/${d.id}/issue`, { version: d.version }));
    const a = (x: { data: { rows: { unitId: string; done: number; overdue: number }[] } }) => x.data.rows.find((r) => r.unitId === city.countyA.id)!;
    expect(a(issued)).toMatchObject({ done: 1, overdue: 2 });
    await ctx.db.update(tasks).set({ status: 'done', completedAt: new Date('2026-03-09T10:00:00+08:00'), progress: 100 }).where(eq(tasks.leadUnitId, city.countyA.id));
    const later = await ok(admin.get(`/api/bulletins/${d.id}`));
    expect(a(later)).toMatchObject({ done: 1, overdue: 2 });
    expect(later.blocks).toEqual(issued.blocks);
    expect((await admin.post(`/api/bulletins/${d.id}/refresh`, { version: later.version })).statusCode).toBe(409);
    expect((await admin.put(`/api/bulletins/${d.id}`, { title: '改', addressee: null, blocks: [], signatureIssuer: null, signatureDate: null, colophon: [], version: later.version })).statusCode).toBe(409);
    const fresh = await ok(admin.post('/api/bulletins', { template: 'monthly_tasks', periodKey: 'M2026-03', scopeUnitId: city.city.id }), 201);
    expect(a(fresh)).toMatchObject({ done: 2, overdue: 1 });
    // and a draft refreshed after a change follows it
    await ctx.db.update(tasks).set({ status: 'in_progress', completedAt: null }).where(eq(tasks.leadUnitId, city.countyA.id));
    const refreshed = await ok(admin.post(`/api/bulletins/${fresh.id}/refresh`, { version: fresh.version }));
    expect(a(refreshed)).toMatchObject({ done: 1, overdue: 2 });
  });

  it('the PDF renders when LibreOffice is here', async () => {
    const [row] = await ctx.db.select().from(bulletins).where(eq(bulletins.status, 'issued')).limit(1);
    const res = await admin.get(`/api/bulletins/${row.id}/pdf`);
    expect([200, 503]).toContain(res.statusCode);
    if (res.statusCode === 200) expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    else expect(res.json().error.message).toContain('LibreOffice');
  }, 60_000);
});

describe('通报的可见范围', () => {
  it('a draft is seen only by writers over its scope: another county gets 404', async () => {
    const d = await ok(writerA.post('/api/bulletins', { template: 'commendation', periodKey: 'Q2026-1', scopeUnitId: city.countyA.id, unitIds: [city.branchA.id], reason: '学习组织扎实' }), 201);
    expect(d.title).toBe('关于对甲县机关党支部予以通报表扬的通报');
    expect(d.data.units).toEqual([{ unitId: city.branchA.id, unitName: '甲县机关党支部' }]);
    expect((await writerB.get(`/api/bulletins/${d.id}`)).statusCode).toBe(404);
    expect((await writerB.get(`/api/bulletins/${d.id}/docx`)).statusCode).toBe(404);
    expect((await writerB.post(`/api/bulletins/${d.id}/issue`, { version: d.version })).statusCode).toBe(404);
    expect((await writerB.get('/api/bulletins?pageSize=200')).json().data.map((x: { id: string }) => x.id)).not.toContain(d.id);
    // nor in the Excel export of the list, where county A's writer finds it with its scope's unit path
    expect(await exportedTitles(writerB)).not.toContain(d.title);
    const mine = (await exportedRows(writerA)).find((r) => r[1] === d.title);
    expect(mine).toEqual(['', d.title, '表扬通报', d.periodLabel, '甲县委宣传部', '草稿', '', '', '', `${city.city.name}/甲县委宣传部`]);
    // a reader of county A's own branch does not see the draft either
    expect((await staffBranchA.get(`/api/bulletins/${d.id}`)).statusCode).toBe(404);
    // county A's writer cannot draft over county B, nor name a unit outside its scope
    expect((await writerA.post('/api/bulletins', { template: 'commendation', periodKey: 'Q2026-1', scopeUnitId: city.countyB.id })).statusCode).toBe(404);
    expect((await writerA.post('/api/bulletins', { template: 'commendation', periodKey: 'Q2026-1', scopeUnitId: city.countyA.id, unitIds: [city.branchB.id] })).statusCode).toBe(400);
    // issued, it reaches the branch, which marks it read; county B still gets 404
    const issued = await ok(writerA.post(`/api/bulletins/${d.id}/issue`, { version: d.version }));
    expect(issued.docNumber).toMatch(/^市宣通〔\d{4}〕\d+号$/);
    // the branch's staff member finds it in the notification centre, linked to the bulletin; county B's writer does not
    const notices = (await ok(staffBranchA.get('/api/notifications?pageSize=100'))).data.filter((n: { link: string | null }) => n.link === `/bulletins/${d.id}`);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'bulletin', title: '通报：关于对甲县机关党支部予以通报表扬的通报', readAt: null });
    expect(notices[0].body).toContain(issued.docNumber);
    const elsewhere = (await ok(writerB.get('/api/notifications?pageSize=100'))).data.map((n: { link: string | null }) => n.link);
    expect(elsewhere).not.toContain(`/bulletins/${d.id}`);
    const seen = await ok(staffBranchA.get(`/api/bulletins/${d.id}`));
    expect(seen.readAt).toBeNull();
    await ok(staffBranchA.post(`/api/bulletins/${d.id}/read`));
    expect((await ok(staffBranchA.get(`/api/bulletins/${d.id}`))).readAt).not.toBeNull();
    // and its notice no longer counts as unread
    const after = (await ok(staffBranchA.get('/api/notifications?pageSize=100'))).data.find((n: { link: string | null }) => n.link === `/bulletins/${d.id}`);
    expect(after.readAt).not.toBeNull();
    const [r] = await ctx.db.select().from(bulletinRecipients).where(and(eq(bulletinRecipients.bulletinId, d.id), eq(bulletinRecipients.unitId, city.branchA.id)));
    expect(r.readAt).not.toBeNull();
    expect(r.named).toBe(true);
    expect((await writerB.get(`/api/bulletins/${d.id}`)).statusCode).toBe(404);
  });

  it('the detail, the Word, the PDF and the list agree: a draft for its writers, an issued one for its units and the levels above', async () => {
    const liaisonCity = (await loginAs(ctx, 'liaison', city.city)).agent; // reads bulletins over the whole city, writes none
    const staffA = (await loginAs(ctx, 'staff', city.countyA)).agent;
    const staffB = (await loginAs(ctx, 'staff', city.countyB)).agent;
    const d = await ok(writerA.post('/api/bulletins', { template: 'criticism', periodKey: 'Q2026-1', scopeUnitId: city.countyA.id, unitIds: [city.branchA.id], reason: '可见范围测试' }), 201);
    /** detail/Word/PDF status and whether the list shows it, for each reader */
    const reach = (agents: Agent[], pdf = true) =>
      Promise.all(
        agents.map(async (g) => {
          const [one, docx, asPdf, list] = await Promise.all([
            g.get(`/api/bulletins/${d.id}`),
            g.get(`/api/bulletins/${d.id}/docx`),
            // the PDF is the Word converted, which is slow: it is asked only of those who must not get it
            pdf ? g.get(`/api/bulletins/${d.id}/pdf`) : Promise.resolve({ statusCode: 0 }),
            g.get('/api/bulletins?pageSize=200'),
          ]);
          const listed = list.json().data.some((x: { id: string }) => x.id === d.id);
          return [one.statusCode, docx.statusCode, asPdf.statusCode, listed].join('/');
        }),
      );
    expect(await reach([writerA, admin], false)).toEqual(['200/200/0/true', '200/200/0/true']);
    // a draft is not read by the county's own people, nor by a reader above who does not write bulletins
    expect(await reach([staffA, staffBranchA, liaisonCity, writerB, staffB])).toEqual(Array(5).fill('404/404/404/false'));

    await ok(writerA.post(`/api/bulletins/${d.id}/issue`, { version: d.version }));
    const audience = [writerA, admin, staffA, staffBranchA, liaisonCity];
    expect(await reach(audience, false)).toEqual(Array(5).fill('200/200/0/true'));
    expect(await reach([writerB, staffB])).toEqual(Array(2).fill('404/404/404/false'));
  }, 60_000);
});
