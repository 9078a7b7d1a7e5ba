import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, domainEvents, infoActions, infoAdoptions, infoIssues, pointEvents, pointRules, roles } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makeTestApp, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { makeApprovedItem, PDF, PNG } from './publish.testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let pubSeq = 0;

async function newPublication(level = '市级') {
  return ok(admin.post('/api/info/publications', { name: `测试期刊${++pubSeq}`, level, issuer: '市委宣传部' }), 201);
}

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
}, 60_000);
afterAll(() => ctx.close());

describe('编入期刊: numbers without gaps', () => {
  it('12 adoptions at once, each opening a new issue, number 1..12 exactly; a new year starts at 1', async () => {
    const pub = await newPublication();
    const items = await Promise.all(Array.from({ length: 12 }, () => makeApprovedItem(ctx.db, { unitId: city.countyA.id })));
    const res = await Promise.all(
      items.map((it) => admin.post(`/api/info/items/${it.id}/adoptions`, { kind: 'issue', publicationId: pub.id, adoptedOn: '2026-03-02' })),
    );
    expect(res.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    const issues = await ctx.db.select().from(infoIssues).where(eq(infoIssues.publicationId, pub.id));
    expect(issues.map((i) => i.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(issues.map((i) => i.totalNumber).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // every item sits alone, first, in its own issue, labelled with it
    const labels = res.map((r) => r.json().issueLabel as string);
    expect(new Set(labels).size).toBe(12);
    expect(labels).toContain(`${pub.name} 2026年第12期（总第12期）`);

    const next = await makeApprovedItem(ctx.db, { unitId: city.countyA.id });
    const y2027 = await ok(admin.post(`/api/info/items/${next.id}/adoptions`, { kind: 'issue', publicationId: pub.id, adoptedOn: '2027-01-05' }), 201);
    expect(y2027.issueLabel).toBe(`${pub.name} 2027年第1期（总第13期）`);
  });

  it('two publications opened at once number independently', async () => {
    const [p1, p2] = [await newPublication(), await newPublication()];
    const calls = Array.from({ length: 10 }, (_, i) => admin.post('/api/info/issues', { publicationId: i % 2 ? p2.id : p1.id, issueDate: '2026-04-01' }));
    const res = await Promise.all(calls);
    expect(res.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    for (const p of [p1, p2]) {
      const listed = await ok(admin.get(`/api/info/issues?publicationId=${p.id}&year=2026&sort=number`));
      expect(listed.data.map((i: { number: number }) => i.number)).toEqual([1, 2, 3, 4, 5]);
      expect(listed.total).toBe(5);
    }
  });
});

describe('采用的前提', () => {
  it('an item not yet approved cannot be adopted (409)', async () => {
    const item = await makeApprovedItem(ctx.db, { unitId: city.countyA.id, status: 'reviewing' });
    const r = await admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'outlet', outlet: '省委宣传部', level: '省级', adoptedOn: '2026-03-01', links: ['https://example.com/a'] });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toContain('已审定');
  });

  it('an outside adoption without proof is refused (400) and writes nothing', async () => {
    const item = await makeApprovedItem(ctx.db, { unitId: city.countyA.id });
    const r = await admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'outlet', outlet: '省委宣传部', level: '省级', adoptedOn: '2026-03-01' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toBe('请提供采用证明（链接或扫描件）');
    expect(await ctx.db.select().from(infoAdoptions).where(eq(infoAdoptions.itemId, item.id))).toEqual([]);
    expect(await ctx.db.select().from(domainEvents).where(sql`${domainEvents.payload}->>'sourceId' = ${item.id}`)).toEqual([]);
    expect(await ctx.db.select().from(infoActions).where(eq(infoActions.itemId, item.id))).toEqual([]);
  });

  it('the same item twice in one issue is 409; an issue adoption emits nothing until 印发', async () => {
    const pub = await newPublication();
    const item = await makeApprovedItem(ctx.db, { unitId: city.countyA.id });
    const first = await ok(admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'issue', publicationId: pub.id, adoptedOn: '2026-03-03' }), 201);
    const again = await admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'issue', issueId: first.issueId });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('不能重复编入');
    expect(first).toMatchObject({ kind: 'issue', outlet: pub.name, level: '市级', adoptedOn: '2026-03-03' });
    expect(await ctx.db.select().from(domainEvents).where(sql`${domainEvents.payload}->>'adoptionId' = ${first.id}`)).toEqual([]);
    // an issue being compiled gives the item up freely
    await ok(admin.delete(`/api/info/adoptions/${first.id}`));
    expect(await ctx.db.select().from(infoAdoptions).where(eq(infoAdoptions.id, first.id))).toEqual([]);
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'info_adoption'), eq(auditLog.entityId, first.id)));
    expect(audits.map((a) => a.action)).toEqual(['create', 'delete']);
  });

  it('proof scans: only the caller’s own unattached uploads, and a bad file is refused with its reason', async () => {
    const reviewer = await loginAs(ctx, 'info_reviewer', city.countyA);
    const bad = await reviewer.agent.upload('/api/info/files', [{ name: '说明.txt', content: Buffer.from('hello'), type: 'text/plain' }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('不支持的文件类型');
    const fake = await reviewer.agent.upload('/api/info/files', [{ name: '截图.png', content: Buffer.from('not a png at all'), type: 'image/png' }]);
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error.message).toContain('内容与扩展名不符');
    // a reader who neither submits nor adopts uploads nothing
    await ctx.db.insert(roles).values({ code: 'info_reader', name: '信息查阅', scope: 'unit', permissions: ['info:item:read'] });
    const reader = await loginAs(ctx, 'info_reader', city.countyA);
    expect((await reader.agent.upload('/api/info/files', [{ name: '证明.pdf', content: PDF, type: 'application/pdf' }])).statusCode).toBe(403);
    const scan = await ok(reviewer.agent.upload('/api/info/files', [{ name: '采用证明.pdf', content: PDF, type: 'application/pdf' }]), 201);
    const item = await makeApprovedItem(ctx.db, { unitId: city.branchA.id });
    // somebody else's file is as if it did not exist
    const foreign = await admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'outlet', outlet: '市委办', level: '市级', adoptedOn: '2026-03-01', fileIds: [scan.id] });
    expect(foreign.statusCode).toBe(404);
    const adopted = await ok(
      reviewer.agent.post(`/api/info/items/${item.id}/adoptions`, { kind: 'outlet', outlet: '市委办', level: '市级', adoptedOn: '2026-03-01', fileIds: [scan.id] }),
      201,
    );
    expect(adopted.files.map((f: { name: string }) => f.name)).toEqual(['采用证明.pdf']);
    const taken = await reviewer.agent.post(`/api/info/items/${item.id}/instructions`, { leader: '市长', level: '市级', content: '阅', instructedOn: '2026-03-02', fileIds: [scan.id] });
    expect(taken.statusCode).toBe(404);
    // the item's county sees the scan; the other county does not
    const liaisonA = await loginAs(ctx, 'liaison', city.countyA);
    const liaisonB = await loginAs(ctx, 'liaison', city.countyB);
    const seen = await liaisonA.agent.get(`/api/info/files/${scan.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await liaisonB.agent.get(`/api/info/files/${scan.id}`)).statusCode).toBe(404);
    // an outside adoption has scored already: it is not taken back by deleting it
    const del = await reviewer.agent.delete(`/api/info/adoptions/${adopted.id}`);
    expect(del.statusCode).toBe(409);
  });

  it('an image in a body is shown to whoever sees the item, inline', async () => {
    const staffA = await loginAs(ctx, 'staff', city.countyA);
    const img = await ok(staffA.agent.upload('/api/info/files', [{ name: '现场.png', content: PNG, type: 'image/png' }]), 201);
    await makeApprovedItem(ctx.db, { unitId: city.countyA.id, bodyHtml: `<p>正文</p><p><img src="/api/info/files/${img.id}"></p>`, bodyText: '正文' });
    const liaisonA = await loginAs(ctx, 'liaison', city.countyA);
    const liaisonB = await loginAs(ctx, 'liaison', city.countyB);
    const shown = await liaisonA.agent.get(`/api/info/files/${img.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/png');
    expect(String(shown.headers['content-disposition'])).toMatch(/^inline/);
    expect((await liaisonB.agent.get(`/api/info/files/${img.id}`)).statusCode).toBe(404);
    expect((await staffA.agent.get(`/api/info/files/${img.id}`)).statusCode).toBe(200);
    // the usual case: the picture sits in an item its uploader wrote
    const own = await ok(staffA.agent.upload('/api/info/files', [{ name: '本人配图.png', content: PNG, type: 'image/png' }]), 201);
    await makeApprovedItem(ctx.db, { unitId: city.countyA.id, createdBy: staffA.user.id, bodyHtml: `<p><img src="/api/info/files/${own.id}"></p>`, bodyText: '' });
    expect((await liaisonA.agent.get(`/api/info/files/${own.id}`)).statusCode).toBe(200);
    expect((await liaisonB.agent.get(`/api/info/files/${own.id}`)).statusCode).toBe(404);
  });
});

describe('采用计分', () => {
  let code = 0;
  async function rule(source: string, subjectType: 'unit' | 'person', points: number, level: string) {
    await ctx.db.insert(pointRules).values({
      year: 2026,
      code: `INFO-${++code}`,
      effectiveFrom: '2026-01-01',
      category: '信息工作',
      item: `${level}采用`,
      subjectType,
      points,
      source,
      sourceMatch: { level },
    });
  }
  const ledgerOf = (subjectId: string, itemId: string) =>
    ctx.db.select().from(pointEvents).where(and(eq(pointEvents.subjectId, subjectId), eq(pointEvents.sourceId, itemId)));

  beforeAll(async () => {
    await rule('info.adopted', 'unit', 400, '省级');
    await rule('info.adopted', 'person', 200, '省级');
    await rule('info.instructed', 'unit', 300, '省级');
  });

  it('a 省级 adoption gives the unit +4 and the author +2; a 市级 one matches no rule', async () => {
    const author = await loginAs(ctx, 'staff', city.branchB);
    const item = await makeApprovedItem(ctx.db, { unitId: city.branchB.id, title: '乙县机关支部学习做法', authors: [{ personId: author.person.id, name: author.person.name }, { name: '外单位作者' }] });
    await ok(admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'outlet', outlet: '省委宣传部《宣传工作》', level: '省级', adoptedOn: '2026-03-20', links: ['https://example.com/p'] }), 201);
    const other = await makeApprovedItem(ctx.db, { unitId: city.branchB.id, title: '市级采用的一条' });
    await ok(admin.post(`/api/info/items/${other.id}/adoptions`, { kind: 'outlet', outlet: '市委办公室', level: '市级', adoptedOn: '2026-03-21', links: ['https://example.com/q'] }), 201);
    await ok(admin.post('/api/points/sync'));
    const [unitRow] = await ledgerOf(city.branchB.id, item.id);
    expect(unitRow).toMatchObject({ points: 400, subjectType: 'unit', occurredOn: '2026-03-20', sourceType: 'info' });
    expect(unitRow.sourceLabel).toBe('信息《乙县机关支部学习做法》被省委宣传部《宣传工作》采用（省级）');
    const personRows = await ledgerOf(author.person.id, item.id);
    expect(personRows.map((r) => r.points)).toEqual([200]);
    expect(await ledgerOf(city.branchB.id, other.id)).toEqual([]);
    // the ledger row links back to the item
    const ev = await ok(admin.get(`/api/points/events/${unitRow.id}`));
    expect(ev.sourceLink).toBe(`/info/items/${item.id}`);
    // 领导批示 at 省级 scores under its own rule
    await ok(admin.post(`/api/info/items/${item.id}/instructions`, { leader: '省委副书记', level: '省级', content: '此做法值得推广', instructedOn: '2026-03-25' }), 201);
    await ok(admin.post('/api/points/sync'));
    const rows = await ledgerOf(city.branchB.id, item.id);
    expect(rows.map((r) => r.points).sort()).toEqual([300, 400]);
    expect(rows.find((r) => r.points === 300)!.sourceLabel).toBe('信息《乙县机关支部学习做法》获省委副书记批示（省级）');
    const actions = await ctx.db.select().from(infoActions).where(eq(infoActions.itemId, item.id));
    expect(actions.map((a) => [a.action, a.comment]).sort()).toEqual([
      ['adopt', '省委宣传部《宣传工作》 省级'],
      ['instruct', '省委副书记（省级）'],
    ]);
  });

  it('an adoption into our own issue scores only once the issue is 印发, dated on the issue date', async () => {
    const pub = await newPublication('省级');
    const author = await loginAs(ctx, 'staff', city.countyB);
    const item = await makeApprovedItem(ctx.db, { unitId: city.countyB.id, title: '乙县经验', authors: [{ personId: author.person.id, name: author.person.name }] });
    const adoption = await ok(admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'issue', publicationId: pub.id, adoptedOn: '2026-04-01' }), 201);
    await ok(admin.post('/api/points/sync'));
    expect(await ledgerOf(city.countyB.id, item.id)).toEqual([]);
    const issue = await ok(admin.get(`/api/info/issues/${adoption.issueId}`));
    await ok(admin.put(`/api/info/issues/${issue.id}`, { issueDate: '2026-04-03', editorNote: null, colophon: [], items: [{ adoptionId: adoption.id, editorNote: null }], version: issue.version }));
    await ok(admin.post(`/api/info/issues/${issue.id}/issue`, { version: issue.version + 1 }));
    await ok(admin.post('/api/points/sync'));
    const rows = await ledgerOf(city.countyB.id, item.id);
    expect(rows.map((r) => [r.points, r.occurredOn])).toEqual([[400, '2026-04-03']]);
    expect((await ledgerOf(author.person.id, item.id)).map((r) => r.points)).toEqual([200]);
    const keys = await ctx.db.select({ key: domainEvents.key }).from(domainEvents).where(like(domainEvents.key, `adoption:${adoption.id}:%`));
    expect(keys.map((k) => k.key).sort()).toEqual([`adoption:${adoption.id}:person:${author.person.id}`, `adoption:${adoption.id}:unit`]);
  });
});
