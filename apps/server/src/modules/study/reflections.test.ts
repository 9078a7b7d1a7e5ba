import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, domainEvents } from '../../db/schema/index.ts';
import { loginAs, makeCity, makeTestApp, makeUnit, type Agent, type TestCtx } from '../../test/harness.ts';
import { ok } from '../campaigns/testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let member: Awaited<ReturnType<typeof loginAs>>;
let colleague: Awaited<ReturnType<typeof loginAs>>;
let secretary: Agent;
let liaisonA: Agent;
let liaisonB: Agent;
let staffB: Awaited<ReturnType<typeof loginAs>>;

const ESSAY =
  '<p>通过这次集中学习，我深刻认识到坚持用党的创新理论凝心铸魂的重要意义。</p><p>要把学习成果转化为做好宣传思想文化工作的实际行动，推动理论学习走深走实，不断提高政治判断力、政治领悟力、政治执行力。</p>';

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  member = await loginAs(ctx, 'staff', city.branchA);
  colleague = await loginAs(ctx, 'staff', city.branchA);
  secretary = (await loginAs(ctx, 'branch_secretary', city.branchA)).agent;
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = (await loginAs(ctx, 'liaison', city.countyB)).agent;
  staffB = await loginAs(ctx, 'staff', city.branchB);
});
afterAll(() => ctx.close());

const write = (agent: Agent, body: Record<string, unknown>) => ok(agent.post('/api/study/reflections', body), 201);
const submit = (agent: Agent, r: { id: string; version: number }) => ok(agent.post(`/api/study/reflections/${r.id}/submit`, { version: r.version }));

describe('心得体会: write, submit, review', () => {
  it('stores sanitised rich text, its plain text and the Chinese word count', async () => {
    const r = await write(member.agent, { title: '学习体会', bodyHtml: '<p onclick="x()">学习贯彻 new ideas 2026，好！</p><script>alert(1)</script>' });
    expect(r).toMatchObject({ status: 'draft', bodyHtml: '<p>学习贯彻 new ideas 2026，好！</p>', bodyText: '学习贯彻 new ideas 2026，好！', wordCount: 8, authorName: member.person.name });
    const empty = await member.agent.post('/api/study/reflections', { title: '空', bodyHtml: '<script>x</script>' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toBe('请填写正文');
  });

  it('a draft is the author’s alone; review returns with a comment, the author edits and resubmits; stale versions get 409', async () => {
    const draft = await write(member.agent, { title: '周五专题学习心得', bodyHtml: '<p>第一稿</p>' });
    expect((await secretary.get(`/api/study/reflections/${draft.id}`)).statusCode).toBe(404);
    expect((await colleague.agent.get(`/api/study/reflections/${draft.id}`)).statusCode).toBe(404);
    expect((await colleague.agent.patch(`/api/study/reflections/${draft.id}`, { version: 1, title: '改' })).statusCode).toBe(404);

    const submitted = await submit(member.agent, draft);
    expect(submitted.status).toBe('submitted');
    expect((await member.agent.patch(`/api/study/reflections/${draft.id}`, { version: submitted.version, title: '再改' })).statusCode).toBe(409);

    const noComment = await secretary.post(`/api/study/reflections/${draft.id}/review`, { version: submitted.version, decision: 'return' });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.json().error.message).toContain('退回修改时请填写意见');
    // Staff may not review at all.
    expect((await colleague.agent.post(`/api/study/reflections/${draft.id}/review`, { version: submitted.version, decision: 'pass' })).statusCode).toBe(403);

    const returned = await ok(secretary.post(`/api/study/reflections/${draft.id}/review`, { version: submitted.version, decision: 'return', comment: '联系工作实际不够，请充实' }));
    expect(returned).toMatchObject({ status: 'returned', reviewComment: '联系工作实际不够，请充实' });
    expect((await secretary.post(`/api/study/reflections/${draft.id}/review`, { version: returned.version, decision: 'pass' })).statusCode).toBe(409);

    const stale = await member.agent.patch(`/api/study/reflections/${draft.id}`, { version: submitted.version, bodyHtml: '<p>第二稿</p>' });
    expect(stale.statusCode).toBe(409);
    const edited = await ok(member.agent.patch(`/api/study/reflections/${draft.id}`, { version: returned.version, bodyHtml: '<p>第二稿，结合本职工作</p>' }));
    const again = await submit(member.agent, edited);
    const passed = await ok(secretary.post(`/api/study/reflections/${draft.id}/review`, { version: again.version, decision: 'pass' }));
    expect(passed.status).toBe('passed');
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'study_reflection'), eq(auditLog.entityId, draft.id)));
    expect(audits.map((a) => a.action)).toEqual(['create', 'submit', 'review:return', 'update', 'submit', 'review:pass']);
  });

  it('excellent emits study.reflection_excellent once and can be published to the unit wall', async () => {
    const r = await submit(member.agent, await write(member.agent, { title: '读书分享心得', bodyHtml: '<p>读《习近平谈治国理政》有感</p>' }));
    expect((await secretary.post(`/api/study/reflections/${r.id}/publish`, { version: r.version })).statusCode).toBe(400);
    const excellent = await ok(secretary.post(`/api/study/reflections/${r.id}/review`, { version: r.version, decision: 'excellent', comment: '联系实际，体会深刻' }));
    expect(excellent.status).toBe('excellent');
    expect((await secretary.post(`/api/study/reflections/${r.id}/review`, { version: excellent.version, decision: 'excellent' })).statusCode).toBe(409);
    const events = await ctx.db.select().from(domainEvents).where(and(eq(domainEvents.type, 'study.reflection_excellent'), eq(domainEvents.key, r.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ unitId: city.branchA.id, personId: member.person.id });

    const published = await ok(secretary.post(`/api/study/reflections/${r.id}/publish`, { version: excellent.version }));
    expect(published.publishedAt).not.toBeNull();
    // Colleagues read their unit's wall; county B does not see it.
    expect((await colleague.agent.get('/api/study/wall')).json().data.map((x: { id: string }) => x.id)).toEqual([r.id]);
    expect((await liaisonA.get(`/api/study/wall?unitId=${city.branchA.id}`)).json().total).toBe(1);
    expect((await liaisonB.get('/api/study/wall')).json().total).toBe(0);
    expect((await staffB.agent.get('/api/study/wall')).json().total).toBe(0);
  });

  it('ties a reflection to a study session the author sees, and to the author’s own reading log', async () => {
    const session = await ok(
      secretary.post('/api/study/sessions', { unitId: city.branchA.id, typeCode: 'collective', topic: '集中学习党的二十大精神', plannedStart: '2026-03-03T09:00:00+08:00', plannedEnd: '2026-03-03T13:00:00+08:00' }),
      201,
    );
    const tied = await write(secretary, { title: '集中学习体会', bodyHtml: '<p>体会</p>', sessionId: session.id });
    expect(tied.sessionId).toBe(session.id);
    // a member who was not listed at the session does not see it
    const notSeen = await member.agent.post('/api/study/reflections', { title: '体会', bodyHtml: '<p>体会</p>', sessionId: session.id });
    expect(notSeen.statusCode).toBe(400);
    expect(notSeen.json().error.details).toEqual([{ field: 'body.sessionId', message: '学习活动不存在或无权访问' }]);
    const book = await ok(member.agent.post('/api/study/reading-logs', { bookTitle: '之江新语', finishDate: '2026-03-01' }), 201);
    const onBook = await write(member.agent, { title: '读《之江新语》', bodyHtml: '<p>读后感</p>', readingLogId: book.id });
    expect(onBook.bookTitle).toBe('之江新语');
    expect((await colleague.agent.post('/api/study/reflections', { title: '借用', bodyHtml: '<p>x</p>', readingLogId: book.id })).statusCode).toBe(400);
  });

  it('a double click on 保存 makes one reflection', async () => {
    const body = { title: '双击测试', bodyHtml: '<p>同一次打开表单，连点两下保存。</p>', idempotencyKey: 'reflection-double-click-1' };
    const [a, b] = await Promise.all([colleague.agent.post('/api/study/reflections', body), colleague.agent.post('/api/study/reflections', body)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    const mine = (await colleague.agent.get('/api/study/reflections?mine=true&pageSize=100')).json();
    expect(mine.data.filter((r: { title: string }) => r.title === '双击测试')).toHaveLength(1);
  });

  it('nobody reviews their own reflection', async () => {
    const own = await write(secretary, { title: '支部书记的体会', bodyHtml: '<p>带头学</p>' });
    const s = await submit(secretary, own);
    const waiting = await ok(secretary.get('/api/study/reflections?toReview=true&pageSize=200'));
    expect(waiting.data.map((r: { id: string }) => r.id)).not.toContain(own.id);
    expect(waiting.data.every((r: { status: string; unitId: string }) => r.status === 'submitted' && r.unitId === city.branchA.id)).toBe(true);
    expect((await ok(liaisonA.get('/api/study/reflections?toReview=true&pageSize=200'))).data.map((r: { id: string }) => r.id)).toContain(own.id);
    expect((await secretary.post(`/api/study/reflections/${own.id}/review`, { version: s.version, decision: 'pass' })).statusCode).toBe(403);
    expect((await ok(liaisonA.post(`/api/study/reflections/${own.id}/review`, { version: s.version, decision: 'pass' }))).status).toBe('passed');
  });
});

describe('查重: the same text as an earlier reflection is flagged', () => {
  it('flags a copy of another unit’s earlier reflection, showing only similarity, date and unit name', async () => {
    const original = await submit(staffB.agent, await write(staffB.agent, { title: '乙县原创心得', bodyHtml: ESSAY }));
    const otherBranchA = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县文明实践中心党支部', type: 'branch' });
    const writerA2 = await loginAs(ctx, 'staff', otherBranchA);
    const inScopeOriginal = await submit(writerA2.agent, await write(writerA2.agent, { title: '甲县另一支部心得', bodyHtml: `<p>前言。</p>${ESSAY}` }));
    // the second one already matches the first
    expect(inScopeOriginal.similarity).toBe(1);

    const copy = await submit(member.agent, await write(member.agent, { title: '我的心得', bodyHtml: `<p>我的体会如下：</p>${ESSAY}` }));
    expect(copy.similarity).toBeGreaterThanOrEqual(0.8);
    const seen = await ok(secretary.get(`/api/study/reflections/${copy.id}`));
    const byUnit = Object.fromEntries(seen.similarMatches.map((m: { unitName: string }) => [m.unitName, m]));
    expect(byUnit['乙县机关党支部']).toEqual({ similarity: 1, submittedAt: original.submittedAt, unitName: '乙县机关党支部', reflectionId: null, title: null, authorName: null });
    // in the liaison's scope the earlier item is named and can be opened
    const forLiaison = await ok(liaisonA.get(`/api/study/reflections/${copy.id}`));
    const inScope = forLiaison.similarMatches.find((m: { unitName: string }) => m.unitName === '甲县文明实践中心党支部');
    expect(inScope).toMatchObject({ reflectionId: inScopeOriginal.id, title: '甲县另一支部心得', authorName: writerA2.person.name });
    expect(JSON.stringify(forLiaison.similarMatches)).not.toContain('乙县原创心得');
    expect((await ok(liaisonA.get('/api/study/reflections?flagged=true'))).data.map((x: { id: string }) => x.id)).toContain(copy.id);

    const fresh = await submit(colleague.agent, await write(colleague.agent, { title: '自己写的', bodyHtml: '<p>今天组织全体干部职工观看了红色电影，大家深受教育，纷纷表示要把革命传统发扬光大，在岗位上建功立业，为家乡发展贡献力量。</p>' }));
    expect(fresh.similarity).toBeNull();
    expect(fresh.similarMatches).toEqual([]);
  });
});

describe('scope', () => {
  it('county A gets 404 on county B reflections; lists never show county B; staff see only their own', async () => {
    const bDraft = await write(staffB.agent, { title: '乙县心得', bodyHtml: '<p>乙县</p>' });
    const bSubmitted = await submit(staffB.agent, bDraft);
    for (const url of [`/api/study/reflections/${bDraft.id}`]) {
      expect((await liaisonA.get(url)).statusCode).toBe(404);
      expect((await member.agent.get(url)).statusCode).toBe(404);
    }
    expect((await liaisonA.post(`/api/study/reflections/${bDraft.id}/review`, { version: bSubmitted.version, decision: 'pass' })).statusCode).toBe(404);
    expect((await liaisonA.post(`/api/study/reflections/${bDraft.id}/publish`, { version: bSubmitted.version })).statusCode).toBe(404);
    expect((await liaisonA.patch(`/api/study/reflections/${bDraft.id}`, { version: bSubmitted.version, title: 'x' })).statusCode).toBe(404);
    const listA = await ok(liaisonA.get('/api/study/reflections?pageSize=200'));
    expect(listA.data.every((r: { unitName: string }) => !r.unitName.startsWith('乙县'))).toBe(true);
    expect((await ok(liaisonB.get('/api/study/reflections?pageSize=200'))).data.some((r: { id: string }) => r.id === bDraft.id)).toBe(true);
    const mine = await ok(member.agent.get('/api/study/reflections?pageSize=200'));
    expect(mine.data.every((r: { personId: string }) => r.personId === member.person.id)).toBe(true);
    expect(mine.total).toBeGreaterThan(0);
  });
});
