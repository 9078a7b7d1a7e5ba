import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, infoAdoptions, infoItems } from '../../db/schema/index.ts';
import { GBT9704, libreOfficeAvailable } from '../../platform/docx.ts';
import { loginAdmin, loginAs, makeCity, makeTestApp, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { makeApprovedItem } from './publish.testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
}, 60_000);
afterAll(() => ctx.close());

/** The visible text of word/document.xml, paragraph by paragraph. */
async function docxParagraphs(buf: Buffer): Promise<{ xml: string; paragraphs: string[] }> {
  const zip = await JSZip.loadAsync(buf);
  const xml = await zip.file('word/document.xml')!.async('string');
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''))
    .filter(Boolean);
  return { xml, paragraphs };
}

describe('期刊', () => {
  it('publications are there from the first read; a new one is added and a stale edit is 409', async () => {
    const list = await ok(admin.get('/api/info/publications'));
    expect(list.data.map((p: { name: string }) => p.name)).toEqual(['信息专报', '工作简报']);
    const created = await ok(admin.post('/api/info/publications', { name: '每日要情', level: '市级', issuer: '市委宣传部' }), 201);
    const twin = await admin.post('/api/info/publications', { name: '每日要情', level: '市级', issuer: '市委宣传部' });
    expect(twin.statusCode).toBe(409);
    await ok(admin.put(`/api/info/publications/${created.id}`, { name: '每日要情', level: '省级', issuer: '市委宣传部', version: 1 }));
    expect((await admin.put(`/api/info/publications/${created.id}`, { name: '每日要情', level: '县级', issuer: '市委宣传部', version: 1 })).statusCode).toBe(409);
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    expect((await liaison.agent.post('/api/info/publications', { name: '县里自办', level: '县级', issuer: '甲县' })).statusCode).toBe(403);
  });

  it('an issue is arranged (order, 按语, 版记), printed as a GB/T 9704 Word document, then 印发 and frozen', async () => {
    const pubs = await ok(admin.get('/api/info/publications'));
    const pub = pubs.data.find((p: { name: string }) => p.name === '信息专报');
    const issue = await ok(admin.post('/api/info/issues', { publicationId: pub.id, issueDate: '2026-11-20' }), 201);
    expect(issue).toMatchObject({ number: 1, totalNumber: 1, status: 'compiling', itemCount: 0, label: '信息专报 2026年第1期（总第1期）' });
    const empty = await admin.post(`/api/info/issues/${issue.id}/issue`, { version: issue.version });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toContain('还没有编入信息');

    const titles = ['甲县推进理论宣讲进基层', '乙县文明实践站点建设', '市直单位读书活动'];
    const adoptions = [];
    for (const [i, title] of titles.entries()) {
      const item = await makeApprovedItem(ctx.db, {
        unitId: [city.countyA.id, city.countyB.id, city.city.id][i],
        title,
        bodyText: `${title}第一段。\n\n${title}第二段。`,
        authors: [{ name: `作者${i + 1}` }],
      });
      adoptions.push(await ok(admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'issue', issueId: issue.id }), 201));
    }
    const before = await ok(admin.get(`/api/info/issues/${issue.id}`));
    expect(before.items.map((i: { title: string }) => i.title)).toEqual(titles);
    // new order: 3, 1, 2; a 按语 on the first
    const order = [adoptions[2], adoptions[0], adoptions[1]];
    const colophon = [
      { label: '报', text: '省委宣传部' },
      { label: '送', text: '市委常委' },
    ];
    const stale = await admin.put(`/api/info/issues/${issue.id}`, { issueDate: '2026-11-25', editorNote: '本期聚焦基层宣传', colophon, items: order.map((a) => ({ adoptionId: a.id, editorNote: null })), version: 1 });
    expect(stale.statusCode).toBe(409);
    const arranged = await ok(
      admin.put(`/api/info/issues/${issue.id}`, {
        issueDate: '2026-11-25',
        editorNote: '本期聚焦基层宣传',
        colophon,
        items: order.map((a, i) => ({ adoptionId: a.id, editorNote: i === 0 ? '此做法值得各地借鉴' : null })),
        version: before.version,
      }),
    );
    expect(arranged.items.map((i: { title: string; position: number }) => [i.position, i.title])).toEqual([
      [1, titles[2]],
      [2, titles[0]],
      [3, titles[1]],
    ]);
    expect(arranged.items[0]).toMatchObject({ editorNote: '此做法值得各地借鉴', authors: ['作者3'], unitName: city.city.name });
    // the items of the issue must be those the caller saw
    const partial = await admin.put(`/api/info/issues/${issue.id}`, { issueDate: '2026-11-25', editorNote: null, colophon, items: order.slice(1).map((a) => ({ adoptionId: a.id, editorNote: null })), version: arranged.version });
    expect(partial.statusCode).toBe(409);

    const res = await admin.get(`/api/info/issues/${issue.id}/docx`);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('信息专报第1期.docx'));
    const { xml, paragraphs } = await docxParagraphs(res.rawPayload);
    expect(paragraphs).toContain('信息专报');
    expect(paragraphs.some((p) => p.includes('第 1 期'))).toBe(true);
    expect(paragraphs.some((p) => p.includes('2026年11月25日'))).toBe(true);
    const at = (t: string) => paragraphs.indexOf(t);
    expect(at(titles[2])).toBeGreaterThan(-1);
    expect(at(titles[2])).toBeLessThan(at(titles[0]));
    expect(at(titles[0])).toBeLessThan(at(titles[1]));
    expect(paragraphs).toContain(`${titles[0]}第二段。`);
    expect(paragraphs.some((p) => p.includes('此做法值得各地借鉴'))).toBe(true);
    expect(paragraphs).toContain(`（${city.countyA.name} 作者1）`);
    const joined = paragraphs.join('\n');
    expect(joined).toContain('省委宣传部');
    expect(joined).toContain('市委常委');
    expect(joined).toContain('印发');
    expect(xml).toContain(`w:w="${GBT9704.pageWidthTwip}"`);
    expect(xml).toContain(`w:h="${GBT9704.pageHeightTwip}"`);
    expect(xml).toMatch(new RegExp(`<w:pgMar[^>]*w:top="${GBT9704.marginTopTwip}"`));
    expect(xml).toMatch(new RegExp(`<w:pgMar[^>]*w:left="${GBT9704.marginLeftTwip}"`));

    const pdf = await admin.get(`/api/info/issues/${issue.id}/pdf`);
    if (libreOfficeAvailable()) {
      expect(pdf.statusCode).toBe(200);
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    } else {
      expect(pdf.statusCode).toBe(503);
      expect(pdf.json().error.message).toBe('本机未安装 LibreOffice，暂不能生成 PDF');
    }

    // 印发 freezes it
    const issued = await ok(admin.post(`/api/info/issues/${issue.id}/issue`, { version: arranged.version }));
    expect(issued).toMatchObject({ status: 'issued', itemCount: 3 });
    const rows = await ctx.db.select().from(infoAdoptions).where(eq(infoAdoptions.issueId, issue.id));
    expect(rows.map((r) => r.adoptedOn)).toEqual(['2026-11-25', '2026-11-25', '2026-11-25']);
    expect((await admin.put(`/api/info/issues/${issue.id}`, { issueDate: '2026-11-25', editorNote: null, colophon, items: order.map((a) => ({ adoptionId: a.id, editorNote: null })), version: issued.version })).statusCode).toBe(409);
    expect((await admin.post(`/api/info/issues/${issue.id}/issue`, { version: issued.version })).statusCode).toBe(409);
    expect((await admin.delete(`/api/info/adoptions/${adoptions[0].id}`)).statusCode).toBe(409);
    const late = await makeApprovedItem(ctx.db, { unitId: city.countyA.id });
    const into = await admin.post(`/api/info/items/${late.id}/adoptions`, { kind: 'issue', issueId: issue.id });
    expect(into.statusCode).toBe(409);
    expect(into.json().error.message).toContain('已印发');
    const audits = await ctx.db.select().from(auditLog).where(eq(auditLog.entityId, issue.id));
    expect(audits.map((a) => a.action)).toEqual(['create', 'update', 'issue']);
  });

  it('taking an item out of a compiling issue closes the gap in its order; readers list it once it is issued', async () => {
    const pubs = await ok(admin.get('/api/info/publications'));
    const pub = pubs.data.find((p: { name: string }) => p.name === '工作简报');
    const issue = await ok(admin.post('/api/info/issues', { publicationId: pub.id, issueDate: '2026-11-21' }), 201);
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const item = await makeApprovedItem(ctx.db, { unitId: city.countyA.id, title: `简报稿${i + 1}` });
      ids.push((await ok(admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'issue', issueId: issue.id }), 201)).id);
    }
    await ok(admin.delete(`/api/info/adoptions/${ids[1]}`));
    const after = await ok(admin.get(`/api/info/issues/${issue.id}`));
    expect(after.items.map((i: { title: string; position: number }) => [i.position, i.title])).toEqual([
      [1, '简报稿1'],
      [2, '简报稿3'],
    ]);
    const staff = await loginAs(ctx, 'staff', city.countyB);
    // still being compiled: not theirs to read
    expect((await ok(staff.agent.get(`/api/info/issues?publicationId=${pub.id}`))).data).toEqual([]);
    await ok(admin.post(`/api/info/issues/${issue.id}/issue`, { version: after.version }));
    const listed = await ok(staff.agent.get(`/api/info/issues?publicationId=${pub.id}`));
    expect(listed.data.map((i: { id: string; itemCount: number }) => [i.id, i.itemCount])).toEqual([[issue.id, 2]]);
    // a staff member neither opens nor arranges issues
    expect((await staff.agent.post('/api/info/issues', { publicationId: pub.id })).statusCode).toBe(403);
  });
});

describe('who sees an issue', () => {
  type Login = Awaited<ReturnType<typeof loginAs>>;
  let pubId: string;
  let reviewerA: Login; // 甲县 compiles its own issues
  let reviewerB: Login;
  let reviewerCity: Login; // the city's 信息科: its scope covers both counties
  let liaisonA: Login;
  let staffA: Login;
  let staffBranchA: Login;
  let liaisonB: Login;
  let staffB: Login;

  beforeAll(async () => {
    const pubs = await ok(admin.get('/api/info/publications'));
    pubId = pubs.data.find((p: { name: string }) => p.name === '信息专报').id;
    [reviewerA, reviewerB, reviewerCity, liaisonA, staffA, staffBranchA, liaisonB, staffB] = await Promise.all([
      loginAs(ctx, 'info_reviewer', city.countyA),
      loginAs(ctx, 'info_reviewer', city.countyB),
      loginAs(ctx, 'info_reviewer', city.city),
      loginAs(ctx, 'liaison', city.countyA),
      loginAs(ctx, 'staff', city.countyA),
      loginAs(ctx, 'staff', city.branchA),
      loginAs(ctx, 'liaison', city.countyB),
      loginAs(ctx, 'staff', city.countyB),
    ]);
  });

  /** What each reader gets for the issue: the detail, the Word, and whether the list shows it. */
  async function reach(issueId: string, who: Login[]) {
    return Promise.all(
      who.map(async (w) => {
        const [detail, docx, list, exported] = await Promise.all([
          w.agent.get(`/api/info/issues/${issueId}`),
          w.agent.get(`/api/info/issues/${issueId}/docx`),
          w.agent.get(`/api/info/issues?publicationId=${pubId}&pageSize=100`),
          w.agent.get(`/api/info/issues/export?publicationId=${pubId}`),
        ]);
        const listed = list.json().data.some((i: { id: string }) => i.id === issueId);
        const inExport = await exportHas(exported.rawPayload, issueId);
        return `${detail.statusCode}/${docx.statusCode}/${listed ? 'listed' : 'unlisted'}/${inExport ? 'exported' : 'not exported'}`;
      }),
    );
  }

  /** The export names issues by label; the label of the issue looked up by an administrator. */
  const labels = new Map<string, string>();
  async function exportHas(xlsx: Buffer, issueId: string) {
    if (!labels.has(issueId)) labels.set(issueId, (await ok(admin.get(`/api/info/issues/${issueId}`))).label);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    return wb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String)).includes(labels.get(issueId)!);
  }

  const SEEN = '200/200/listed/exported';
  const UNSEEN = '404/404/unlisted/not exported';

  it('a county’s issue being compiled: its editors only, not the county’s own staff; once issued, the county and the levels above', async () => {
    const itemA = await makeApprovedItem(ctx.db, { unitId: city.countyA.id, title: '甲县编辑中的稿件', bodyText: '甲县编辑中的正文。' });
    const itemBranch = await makeApprovedItem(ctx.db, { unitId: city.branchA.id, title: '甲县支部的做法', bodyText: '甲县支部的正文。' });
    const issue = await ok(reviewerA.agent.post('/api/info/issues', { publicationId: pubId, issueDate: '2026-10-10', editorNote: '甲县编者按' }), 201);
    for (const it of [itemA, itemBranch]) await ok(reviewerA.agent.post(`/api/info/items/${it.id}/adoptions`, { kind: 'issue', issueId: issue.id }), 201);

    expect(await reach(issue.id, [reviewerA, reviewerCity])).toEqual([SEEN, SEEN]);
    expect(await reach(issue.id, [liaisonA, staffA, staffBranchA, reviewerB, liaisonB, staffB])).toEqual(Array(6).fill(UNSEEN));
    expect((await liaisonA.agent.get(`/api/info/issues/${issue.id}/pdf`)).statusCode).toBe(404);
    // another county's compiler neither adds to it nor arranges, issues or empties it
    const itemB = await makeApprovedItem(ctx.db, { unitId: city.countyB.id });
    expect((await reviewerB.agent.post(`/api/info/items/${itemB.id}/adoptions`, { kind: 'issue', issueId: issue.id })).statusCode).toBe(404);
    const current = await ok(reviewerCity.agent.get(`/api/info/issues/${issue.id}`));
    const arrange = { issueDate: '2026-10-10', editorNote: '甲县编者按', colophon: [], items: current.items.map((i: { adoptionId: string }) => ({ adoptionId: i.adoptionId, editorNote: null })) };
    expect((await reviewerB.agent.put(`/api/info/issues/${issue.id}`, { ...arrange, version: current.version })).statusCode).toBe(404);
    expect((await reviewerB.agent.post(`/api/info/issues/${issue.id}/issue`, { version: current.version })).statusCode).toBe(404);
    // the city's 信息科 edits it with the county
    const arranged = await ok(reviewerCity.agent.put(`/api/info/issues/${issue.id}`, { ...arrange, version: current.version }));
    expect(arranged.items.every((i: { readable: boolean }) => i.readable)).toBe(true);

    await ok(reviewerA.agent.post(`/api/info/issues/${issue.id}/issue`, { version: arranged.version }));
    expect(await reach(issue.id, [reviewerA, reviewerCity, liaisonA, staffA, staffBranchA])).toEqual(Array(5).fill(SEEN));
    expect(await reach(issue.id, [reviewerB, liaisonB, staffB])).toEqual(Array(3).fill(UNSEEN));
    // the audience reads it as issued, every item's text included, even items they could not open on their own
    const read = await ok(staffA.agent.get(`/api/info/issues/${issue.id}`));
    expect(read.items.map((i: { title: string; readable: boolean }) => [i.title, i.readable])).toEqual([
      ['甲县编辑中的稿件', false],
      ['甲县支部的做法', false],
    ]);
    const { paragraphs } = await docxParagraphs((await staffBranchA.agent.get(`/api/info/issues/${issue.id}/docx`)).rawPayload);
    expect(paragraphs).toEqual(expect.arrayContaining(['甲县编辑中的正文。', '甲县支部的正文。', '编者按：甲县编者按']));
    expect((await ok(liaisonA.agent.get(`/api/info/issues/${issue.id}`))).items.every((i: { readable: boolean }) => i.readable)).toBe(true);
    // reading it does not make it theirs to change
    expect((await liaisonA.agent.put(`/api/info/issues/${issue.id}`, { ...arrange, version: arranged.version + 1 })).statusCode).toBe(403);
  });

  it('an issue carrying another county’s information is sent to that county too, not to its branches’ staff', async () => {
    // an item of 甲县 routed to 乙县's compiler (named on a step), who puts it into 乙县's issue
    const itemA = await makeApprovedItem(ctx.db, { unitId: city.countyA.id, title: '甲县报乙县的稿件', bodyText: '甲县报乙县的正文。' });
    await ctx.db.update(infoItems).set({ steps: [{ name: '审核', deadlineDays: 1, reviewerIds: [reviewerB.user.id] }] }).where(eq(infoItems.id, itemA.id));
    const issue = await ok(reviewerB.agent.post('/api/info/issues', { publicationId: pubId, issueDate: '2026-10-12' }), 201);
    const adoption = await ok(reviewerB.agent.post(`/api/info/items/${itemA.id}/adoptions`, { kind: 'issue', issueId: issue.id }), 201);
    expect(await reach(issue.id, [liaisonA, staffA])).toEqual([UNSEEN, UNSEEN]);
    // 甲县's own compiler sees the item, not 乙县's issue: taking it out is not theirs either
    expect((await reviewerA.agent.delete(`/api/info/adoptions/${adoption.id}`)).statusCode).toBe(404);
    await ok(reviewerB.agent.post(`/api/info/issues/${issue.id}/issue`, { version: (await ok(reviewerB.agent.get(`/api/info/issues/${issue.id}`))).version }));
    expect(await reach(issue.id, [reviewerB, liaisonB, staffB, liaisonA, staffA, reviewerA])).toEqual(Array(6).fill(SEEN));
    expect(await reach(issue.id, [staffBranchA])).toEqual([UNSEEN]);
  });

  it('an issue opened above every unit goes to the whole tree once issued, and to no one but the department while compiled', async () => {
    const item = await makeApprovedItem(ctx.db, { unitId: city.countyB.id, title: '全市专报稿件' });
    const adoption = await ok(admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'issue', publicationId: pubId, adoptedOn: '2026-10-15' }), 201);
    const issue = await ok(admin.get(`/api/info/issues/${adoption.issueId}`));
    expect(await reach(issue.id, [reviewerCity, reviewerA, liaisonA, staffA, staffB])).toEqual(Array(5).fill(UNSEEN));
    await ok(admin.post(`/api/info/issues/${issue.id}/issue`, { version: issue.version }));
    expect(await reach(issue.id, [reviewerCity, reviewerA, liaisonA, staffA, staffBranchA, staffB])).toEqual(Array(6).fill(SEEN));
  });

  it('a compiler who sees only some issues is still told the number the next one takes', async () => {
    const nextOf = async (w: Login) => (await ok(w.agent.get('/api/info/publications'))).data.find((p: { id: string }) => p.id === pubId).nextNumber;
    await ok(reviewerB.agent.post('/api/info/issues', { publicationId: pubId }), 201);
    const next = await nextOf(reviewerA);
    expect(await nextOf(reviewerB)).toBe(next);
    const opened = await ok(reviewerA.agent.post('/api/info/issues', { publicationId: pubId }), 201);
    expect(opened.number).toBe(next);
  });
});
