import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, infoItems, infoVersions } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makeTestApp, ok, type Agent, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let liaisonB: Agent;
let reviewerA: Agent;
let staffA: Awaited<ReturnType<typeof loginAs>>;
let keySeq = 0;

const REPORT = [
  '11月18日，甲县委宣传部组织全县宣传文化系统干部开展专题读书班，围绕基层理论宣讲的方法进行集中研讨。',
  '读书班采取专家辅导、分组讨论和现场教学相结合的方式，先后到三个乡镇的文明实践站观摩宣讲活动，听取群众对宣讲内容的意见。',
  '参训干部表示，要把学到的方法用到田间地头，用群众听得懂的话讲清楚政策，推动理论宣讲常态化。',
].join('\n\n');
const UNRELATED = [
  '甲县图书馆近日启动冬季阅读推广月，面向中小学生开放周末自习室并开设少儿绘本专区。',
  '活动期间将举办十场亲子阅读沙龙，邀请本地作家与孩子们面对面交流写作心得，预计服务读者三千人次。',
].join('\n\n');

const html = (text: string) => text.split(/\n\n/).map((p) => `<p>${p}</p>`).join('');
const body = (title: string, text: string, extra: Record<string, unknown> = {}) => ({
  title,
  bodyHtml: html(text),
  category: '动态信息',
  authors: [],
  idempotencyKey: `info-key-${++keySeq}`,
  ...extra,
});

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = (await loginAs(ctx, 'liaison', city.countyB)).agent;
  reviewerA = (await loginAs(ctx, 'info_reviewer', city.city)).agent;
  staffA = await loginAs(ctx, 'staff', city.branchA);
}, 60_000);
afterAll(() => ctx.close());

describe('报送', () => {
  it('a double click makes one item, and both clicks answer with it', async () => {
    const b = body('甲县举办基层宣讲骨干读书班', REPORT, { submit: true });
    const [x, y] = await Promise.all([liaisonA.post('/api/info/items', b), liaisonA.post('/api/info/items', b)]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 201]);
    expect(x.json().id).toBe(y.json().id);
    const rows = await ctx.db.select().from(infoItems).where(eq(infoItems.idempotencyKey, b.idempotencyKey));
    expect(rows).toHaveLength(1);
    expect(x.json()).toMatchObject({ status: 'reviewing', stepName: '编辑', unitName: '甲县委宣传部' });
    expect(x.json().holder).toContain('编辑');
  });

  it('keeps only safe rich text: scripts, foreign images and handlers are removed', async () => {
    const item = await ok(
      liaisonA.post('/api/info/items', {
        ...body('富文本清理', ''),
        bodyHtml: '<p onclick="x()">正文<strong>加粗</strong><script>alert(1)</script></p><img src="https://evil.example/a.png"><img src="/api/info/files/00000000-0000-4000-8000-000000000000">',
      }),
      201,
    );
    expect(item.bodyHtml).toBe('<p>正文<strong>加粗</strong></p><img src="/api/info/files/00000000-0000-4000-8000-000000000000" />');
    expect(item.bodyText).toContain('正文加粗');
    expect(item.status).toBe('draft');
  });

  it('refuses a category outside the dictionary, a unit outside the caller and an empty body on submit, writing nothing', async () => {
    const before = (await ctx.db.select().from(infoItems)).length;
    const bad = await liaisonA.post('/api/info/items', body('类别不对', REPORT, { category: '随便写写' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('类别');
    const other = await liaisonA.post('/api/info/items', body('冒名报送', REPORT, { unitId: city.countyB.id }));
    expect(other.statusCode).toBe(400);
    expect(other.json().error.message).toContain('本单位');
    const empty = await liaisonA.post('/api/info/items', body('空稿', '', { submit: true }));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toContain('正文为空');
    expect((await ctx.db.select().from(infoItems)).length).toBe(before);
  });

  it('a draft keeps one version while its author writes, and is deleted only while never submitted', async () => {
    const d = await ok(liaisonA.post('/api/info/items', body('草稿', '第一稿内容。')), 201);
    const d2 = await ok(liaisonA.put(`/api/info/items/${d.id}`, { ...body('草稿', '第二稿内容。'), version: d.version }));
    expect(d2.latestVersion).toBe(1);
    expect(d2.bodyText).toBe('第二稿内容。');
    const stale = await liaisonA.put(`/api/info/items/${d.id}`, { ...body('草稿', '第三稿'), version: d.version });
    expect(stale.statusCode).toBe(409);
    expect((await liaisonB.delete(`/api/info/items/${d.id}`)).statusCode).toBe(404);
    await ok(liaisonA.delete(`/api/info/items/${d.id}`));
    expect((await liaisonA.get(`/api/info/items/${d.id}`)).statusCode).toBe(404);
  });
});

describe('三审三校', () => {
  it('编辑 edits, 校对 returns, the author resubmits to 校对, 审核 approves; every version kept with a word diff', async () => {
    const item = await ok(liaisonA.post('/api/info/items', body('甲县开展理论宣讲进乡村活动', `${REPORT}\n\n宣讲团今年已开展活动四十余场。`, { submit: true })), 201);
    expect(item.can).toMatchObject({ review: false, edit: false });
    // the county liaison does not review its own item
    expect((await liaisonA.post(`/api/info/items/${item.id}/review`, { action: 'pass', version: item.version })).statusCode).toBe(403);

    const seen = await ok(reviewerA.get(`/api/info/items/${item.id}`));
    expect(seen.can).toMatchObject({ review: true, edit: true, approve: false });
    const todo = await ok(reviewerA.get('/api/info/items?todo=true&pageSize=200'));
    expect(todo.data.map((r: { id: string }) => r.id)).toContain(item.id);

    const edited = await ok(
      reviewerA.put(`/api/info/items/${item.id}`, {
        ...body('甲县开展理论宣讲进乡村活动', `${REPORT}\n\n宣讲团今年已在全县开展宣讲活动四十六场。`),
        version: seen.version,
        note: '核实场次',
      }),
    );
    expect(edited.latestVersion).toBe(2);
    const passed = await ok(reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'pass', comment: null, version: edited.version }));
    expect(passed).toMatchObject({ status: 'reviewing', stepName: '校对' });

    const noComment = await reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'return', version: passed.version });
    expect(noComment.statusCode).toBe(400);
    const returned = await ok(reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'return', comment: '请补充参加人数', version: passed.version }));
    expect(returned).toMatchObject({ status: 'returned', stepName: '校对' });
    expect(returned.holder).toContain('作者');

    const mine = await ok(liaisonA.get(`/api/info/items/${item.id}`));
    expect(mine.can).toMatchObject({ edit: true, submit: true });
    const fixed = await ok(
      liaisonA.put(`/api/info/items/${item.id}`, {
        ...body('甲县开展理论宣讲进乡村活动', `${REPORT}\n\n宣讲团今年已在全县开展宣讲活动四十六场，听众一万二千人次。`),
        version: mine.version,
        submit: true,
      }),
    );
    expect(fixed).toMatchObject({ status: 'reviewing', stepName: '校对', latestVersion: 3 });
    const p2 = await ok(reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'pass', version: fixed.version }));
    expect(p2.stepName).toBe('审核');
    expect(p2.can.approve).toBe(true);
    const approved = await ok(reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'pass', comment: '同意', version: p2.version }));
    expect(approved.status).toBe('approved');
    expect(approved.actions.map((a: { action: string }) => a.action)).toEqual(['submit', 'edit', 'pass', 'return', 'resubmit', 'pass', 'approve']);
    expect(approved.actions[3]).toMatchObject({ stepName: '校对', comment: '请补充参加人数' });
    // approved: nobody edits it any more
    expect((await liaisonA.put(`/api/info/items/${item.id}`, { ...body('改', REPORT), version: approved.version })).statusCode).toBe(409);

    const versions = await ok(reviewerA.get(`/api/info/items/${item.id}/versions`));
    expect(versions.data.map((v: { stage: string }) => v.stage)).toEqual(['作者', '编辑', '作者']);
    const diff = await ok(reviewerA.get(`/api/info/items/${item.id}/diff?from=1&to=3`));
    const inserted = diff.body.filter((p: { op: string }) => p.op === 'insert').map((p: { text: string }) => p.text).join('');
    const deleted = diff.body.filter((p: { op: string }) => p.op === 'delete').map((p: { text: string }) => p.text).join('');
    expect(inserted).toContain('听众');
    expect(inserted).toContain('四十六');
    expect(deleted).toContain('四十');
    // whole words, not single characters, where a word changed
    expect(diff.body.some((p: { op: string; text: string }) => p.op === 'insert' && p.text.length >= 2)).toBe(true);
    const v1 = diff.body.filter((p: { op: string }) => p.op !== 'insert').map((p: { text: string }) => p.text).join('');
    expect(v1).toBe(versions.data[0].bodyText);
  });

  it('only the last step rejects, with a reason; a rejected item is final', async () => {
    const item = await ok(liaisonA.post('/api/info/items', body('不予采用的稿件', UNRELATED, { submit: true })), 201);
    const early = await reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'reject', comment: '不采用', version: item.version });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.message).toContain('审核');
    let cur = await ok(reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'pass', version: item.version }));
    cur = await ok(reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'pass', version: cur.version }));
    const rejected = await ok(reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'reject', comment: '时效性不足', version: cur.version }));
    expect(rejected.status).toBe('rejected');
    expect((await liaisonA.post(`/api/info/items/${item.id}/submit`)).statusCode).toBe(409);
  });

  it('a step with named reviewers is held by them only, and the chain of an item in review stays as it was', async () => {
    const other = await loginAs(ctx, 'info_reviewer', city.city);
    const settings = await ok(admin.get('/api/info/settings'));
    const named = await ok(
      admin.put('/api/info/settings', {
        ...settings,
        steps: [
          { name: '编辑', deadlineDays: 2, reviewerIds: [other.user.id] },
          { name: '审核', deadlineDays: 1, reviewerIds: [] },
        ],
      }),
    );
    expect(named.steps[0].reviewers[0].name).toBe(other.person.name);
    const item = await ok(liaisonA.post('/api/info/items', body('指定编辑的稿件', `${UNRELATED}\n\n另行安排专人负责。`, { submit: true })), 201);
    expect(item.holder).toContain(other.person.name);
    expect(item.steps).toHaveLength(2);
    expect((await reviewerA.post(`/api/info/items/${item.id}/review`, { action: 'pass', version: item.version })).statusCode).toBe(403);
    // a reviewer of another county is routed the item because they are named on it
    const remote = await loginAs(ctx, 'info_reviewer', city.countyB);
    await ok(admin.put('/api/info/settings', { ...settings, version: named.version, steps: [{ name: '编辑', deadlineDays: 2, reviewerIds: [remote.user.id] }] }));
    const routed = await ok(liaisonA.post('/api/info/items', body('外县编辑的稿件', `${REPORT}\n\n另有专门安排。`, { submit: true })), 201);
    await ok(remote.agent.get(`/api/info/items/${routed.id}`));
    expect((await remote.agent.get(`/api/info/items/${item.id}`)).statusCode).toBe(404);
    const restored = await ok(admin.get('/api/info/settings'));
    await ok(admin.put('/api/info/settings', { ...settings, version: restored.version }));
    // the earlier item keeps its two steps
    expect((await ok(admin.get(`/api/info/items/${item.id}`))).steps.map((s: { name: string }) => s.name)).toEqual(['编辑', '审核']);
  });
});

describe('查重', () => {
  it('finds an item re-submitted with small edits and ignores unrelated items', async () => {
    const first = await ok(liaisonB.post('/api/info/items', body('乙县宣讲骨干读书班开班', REPORT, { submit: true })), 201);
    await ok(liaisonB.post('/api/info/items', body('乙县图书馆阅读推广', UNRELATED, { submit: true })), 201);
    const edited = REPORT.replace('11月18日', '11月20日').replace('三个乡镇', '四个乡镇').replace('推动理论宣讲常态化', '推动理论宣讲常态化、长效化');
    const again = await ok(liaisonA.post('/api/info/items', body('甲县宣讲骨干读书班', edited, { submit: true })), 201);
    expect(again.dupTop).toBeGreaterThanOrEqual(60);
    const match = again.dupMatches.find((m: { id: string }) => m.id === first.id);
    expect(match).toBeDefined();
    expect(match.similarity).toBeGreaterThanOrEqual(60);
    // county A may not read county B's item: the warning names the unit, not the text
    expect(match).toMatchObject({ unitName: '乙县委宣传部', visible: false, title: '（其他单位的信息）' });
    // the reviewer above both counties sees the warning with the earlier title
    const forReviewer = await ok(reviewerA.get(`/api/info/items/${again.id}`));
    expect(forReviewer.dupMatches.find((m: { id: string }) => m.id === first.id)).toMatchObject({ visible: true, title: '乙县宣讲骨干读书班开班' });

    const unrelated = await ok(liaisonA.post('/api/info/dup-check', { title: '冬季阅读', text: '县文化馆举办迎新春书法展，展出本地书法爱好者作品一百二十幅，吸引市民前来观展。' }));
    expect(unrelated.matches).toEqual([]);
    const check = await ok(liaisonA.post('/api/info/dup-check', { title: '甲县宣讲骨干读书班', text: edited, excludeId: again.id }));
    expect(check.matches[0].similarity).toBeGreaterThanOrEqual(60);
  });
});

describe('清理粘贴文本', () => {
  it('offers a cleaned text beside the original and says what it changed', async () => {
    const pasted = '頭部\n\n本縣召開宣傳工作會(huì)議,部署明年重點(diǎn)任務(wù)。\n\n圖片\n\n返回顶部';
    const r = await ok(liaisonA.post('/api/info/clean', { text: pasted }));
    expect(r.original).toBe(pasted);
    expect(r.text).toBe('本县召开宣传工作会议，部署明年重点任务。');
    const kinds = r.changes.map((c: { kind: string }) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(['chrome', 'pinyin', 'traditional', 'punctuation']));
    expect(r.changes.find((c: { kind: string }) => c.kind === 'pinyin').label).toBe('删除字后的拼音注音');
  });

  it('imports a web page file and refuses a file of another kind with the reason', async () => {
    const page = Buffer.from('<html><body><div>返回顶部</div><p>县融媒體中心開展新聞業務培訓。</p></body></html>');
    const r = await ok(liaisonA.upload('/api/info/clean/file', [{ name: '网页.html', content: page, type: 'text/html' }]));
    expect(r.text).toBe('县融媒体中心开展新闻业务培训。');
    const exe = await liaisonA.upload('/api/info/clean/file', [{ name: '稿件.exe', content: Buffer.from('MZ'), type: 'application/octet-stream' }]);
    expect(exe.statusCode).toBe(400);
    expect(exe.json().error.message).toContain('.docx');
    const fake = await liaisonA.upload('/api/info/clean/file', [{ name: '稿件.docx', content: Buffer.from('not a zip'), type: 'application/octet-stream' }]);
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error.message).toContain('不是 Word');
  });
});

describe('范围与审计', () => {
  it('one county never reads, edits or reviews the other county’s items; a staff member sees their own', async () => {
    const item = await ok(liaisonB.post('/api/info/items', body('乙县自己的稿件', `${UNRELATED}\n\n乙县独有。`)), 201);
    expect((await liaisonA.get(`/api/info/items/${item.id}`)).statusCode).toBe(404);
    expect((await liaisonA.put(`/api/info/items/${item.id}`, { ...body('改', REPORT), version: item.version })).statusCode).toBe(404);
    expect((await liaisonA.get(`/api/info/items/${item.id}/versions`)).statusCode).toBe(404);
    const list = await ok(liaisonA.get('/api/info/items?pageSize=200'));
    expect(list.data.every((r: { unitName: string }) => r.unitName.startsWith('甲县'))).toBe(true);

    const own = await ok(staffA.agent.post('/api/info/items', body('我写的稿件', '支部开展主题党日活动。', { authors: [{ personId: staffA.person.id, name: '别人的名字' }, { name: '通讯员小王' }] })), 201);
    expect(own.unitName).toBe('甲县机关党支部');
    // a person author is named as their record names them; a name-only author as written
    expect(own.authors).toEqual([{ personId: staffA.person.id, name: staffA.person.name }, { personId: null, name: '通讯员小王' }]);
    const staffList = await ok(staffA.agent.get('/api/info/items?pageSize=200'));
    expect(staffList.data.map((r: { id: string }) => r.id)).toEqual([own.id]);
    // the county liaison above the branch sees it
    await ok(liaisonA.get(`/api/info/items/${own.id}`));
    const audits = await ctx.db.select().from(auditLog).where(eq(auditLog.entityId, own.id));
    expect(audits.map((a) => a.action)).toContain('info.item.create');
    const versions = await ctx.db.select().from(infoVersions).where(eq(infoVersions.itemId, own.id));
    expect(versions).toHaveLength(1);
  });
});
