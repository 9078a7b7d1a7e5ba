import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, loginAs, makeCity, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
import { newCampaign, ok } from '../campaigns/testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let liaisonB: Awaited<ReturnType<typeof loginAs>>;
let reader: Awaited<ReturnType<typeof loginAs>>;
let other: Awaited<ReturnType<typeof loginAs>>;
let secretary: Agent;

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = await loginAs(ctx, 'liaison', city.countyB);
  reader = await loginAs(ctx, 'staff', city.branchA);
  other = await loginAs(ctx, 'staff', city.branchA);
  secretary = (await loginAs(ctx, 'branch_secretary', city.branchA)).agent;
});
afterAll(() => ctx.close());

describe('指定读本 and 每月读一本好书', () => {
  it('designated readers per campaign; reading logs; progress by month and against the target', async () => {
    const campaign = await newCampaign(admin, city.countyA.id);
    const r1 = await ok(liaisonA.post('/api/study/readers', { campaignId: campaign.id, title: '习近平新时代中国特色社会主义思想学习纲要', author: '中共中央宣传部', targetBooks: 2 }), 201);
    const r2 = await ok(liaisonA.post('/api/study/readers', { campaignId: campaign.id, title: '习近平谈治国理政 第四卷', targetBooks: 2 }), 201);
    const r3 = await ok(liaisonA.post('/api/study/readers', { campaignId: campaign.id, title: '之江新语', targetBooks: 2 }), 201);
    // staff see the readers that apply to them, and may not set any
    expect((await ok(reader.agent.get(`/api/study/readers?campaignId=${campaign.id}`))).total).toBe(3);
    expect([403, 404]).toContain((await reader.agent.post('/api/study/readers', { campaignId: campaign.id, title: '私设读本', targetBooks: 1 })).statusCode);
    const patched = await ok(liaisonA.patch(`/api/study/readers/${r3.id}`, { version: r3.version, author: '习近平' }));
    expect(patched.author).toBe('习近平');
    expect((await liaisonA.patch(`/api/study/readers/${r3.id}`, { version: r3.version, author: 'x' })).statusCode).toBe(409);

    const log = (body: Record<string, unknown>, agent = reader.agent) => ok(agent.post('/api/study/reading-logs', body), 201);
    await log({ bookTitle: '习近平新时代中国特色社会主义思想学习纲要', designatedReaderId: r1.id, startDate: '2026-01-05', finishDate: '2026-01-28' });
    await log({ bookTitle: '平凡的世界', startDate: '2026-01-29', finishDate: '2026-01-31' });
    await log({ bookTitle: '习近平谈治国理政 第四卷', designatedReaderId: r2.id, startDate: '2026-02-01', finishDate: '2026-03-10' });
    await log({ bookTitle: '之江新语', designatedReaderId: r3.id, finishDate: '2026-06-20' });
    await log({ bookTitle: '红星照耀中国', finishDate: '2025-12-30' });
    const reading = await log({ bookTitle: '乡土中国', startDate: '2026-07-01' });
    await log({ bookTitle: '苦难辉煌', finishDate: '2026-05-02' }, other.agent);
    // the secretary records a book for a member of the branch
    const forOther = await ok(secretary.post('/api/study/reading-logs', { personId: other.person.id, bookTitle: '长征', finishDate: '2026-05-20' }), 201);
    expect(forOther.personName).toBe(other.person.name);
    const bad = await reader.agent.post('/api/study/reading-logs', { bookTitle: '倒着读', startDate: '2026-03-01', finishDate: '2026-02-01' });
    expect(bad.statusCode).toBe(400);

    const finished = await ok(reader.agent.patch(`/api/study/reading-logs/${reading.id}`, { version: reading.version, finishDate: '2026-07-25', notes: '费孝通先生的经典' }));
    expect(finished.finishDate).toBe('2026-07-25');

    const progress = await ok(liaisonA.get(`/api/study/reading/progress?year=2026&unitId=${city.branchA.id}&pageSize=200`));
    const mine = progress.data.find((p: { personId: string }) => p.personId === reader.person.id);
    expect(mine).toMatchObject({ booksFinished: 5, months: [1, 3, 6, 7], monthsWithBook: 4, designatedTarget: 2, designatedFinished: 2 });
    const theirs = progress.data.find((p: { personId: string }) => p.personId === other.person.id);
    expect(theirs).toMatchObject({ booksFinished: 2, months: [5], monthsWithBook: 1, designatedTarget: 2, designatedFinished: 0 });
    // a staff member sees only their own row and their own logs
    const own = await ok(reader.agent.get('/api/study/reading/progress?year=2026'));
    expect(own.data.map((p: { personId: string }) => p.personId)).toEqual([reader.person.id]);
    const logs = await ok(reader.agent.get('/api/study/reading-logs?pageSize=200'));
    expect(logs.total).toBe(6);
    expect(logs.data.every((l: { personId: string }) => l.personId === reader.person.id)).toBe(true);
    expect((await ok(reader.agent.get('/api/study/reading-logs?year=2026'))).total).toBe(5);
    expect((await reader.agent.get(`/api/study/reading-logs/${forOther.id}`)).statusCode).toBe(404);
    expect((await secretary.get(`/api/study/reading-logs/${forOther.id}`)).statusCode).toBe(200);
  });

  it('county A gets 404 on county B readers and logs; lists never show them', async () => {
    const campaignB = await newCampaign(admin, city.countyB.id, { name: '乙县专项行动' });
    const readerB = await ok(liaisonB.agent.post('/api/study/readers', { campaignId: campaignB.id, title: '乙县读本', targetBooks: 1 }), 201);
    const logB = await ok(liaisonB.agent.post('/api/study/reading-logs', { bookTitle: '乙县的书', designatedReaderId: readerB.id, finishDate: '2026-02-02' }), 201);
    // county A cannot hang a reader on county B's campaign either
    expect((await liaisonA.post('/api/study/readers', { campaignId: campaignB.id, title: '越权', targetBooks: 1 })).statusCode).toBe(404);
    for (const agent of [liaisonA, reader.agent]) {
      expect((await agent.get(`/api/study/readers/${readerB.id}`)).statusCode).toBe(404);
      expect((await agent.patch(`/api/study/readers/${readerB.id}`, { version: 1, title: '越权' })).statusCode).toBe(404);
      expect((await agent.get(`/api/study/reading-logs/${logB.id}`)).statusCode).toBe(404);
      expect((await agent.patch(`/api/study/reading-logs/${logB.id}`, { version: 1, bookTitle: '越权' })).statusCode).toBe(404);
      for (const url of ['/api/study/readers?pageSize=200', '/api/study/reading-logs?pageSize=200', '/api/study/reading/progress?year=2026&pageSize=200']) {
        expect((await agent.get(url)).body).not.toContain('乙县');
      }
    }
    // nor log a book against county B's reader, nor for county B's people
    expect((await reader.agent.post('/api/study/reading-logs', { bookTitle: '乙县读本', designatedReaderId: readerB.id })).statusCode).toBe(400);
    expect((await liaisonA.post('/api/study/reading-logs', { personId: liaisonB.person.id, bookTitle: '越权' })).statusCode).toBe(404);
  });
});
