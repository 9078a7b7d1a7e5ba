import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, infoItems, jobRuns, notifications, notificationSettings, outbox, studySessions, tasks, unitWebhooks } from '../../db/schema/index.ts';
import { runJobsOnce } from '../../jobs.ts';
import { isWorkday, shanghaiDate } from '../../platform/calendar.ts';
import { openOrNull, seal } from '../../platform/crypto.ts';
import { OUTBOUND_FAILED } from '../../platform/outbound.ts';
import { loginAdmin, loginAs, makeCity, makeTestApp, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { deliverOutbox, sentMail } from './channels.ts';
import { runReminders } from './reminders.ts';

let ctx: TestCtx;
let admin: Agent;

type Received = { path: string; query: URLSearchParams; body: any };
let received: Received[] = [];
/** How the receiver answers the next requests: a queue of status codes, 200 when empty. */
let answers: number[] = [];
let server: http.Server;
let base = '';
/**
 * A second receiver, on every loopback address (:: takes IPv4 too), that the guard is not told about: every
 * refusal is proved by its count staying at zero.
 */
let stranger: http.Server;
let strangerPort = 0;
let strangerHits = 0;
/** A port nothing listens on, let through like the receiver: its failure must read like any other. */
let closedPort = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      received.push({ path: url.pathname, query: url.searchParams, body: JSON.parse(data || 'null') });
      if (url.pathname === '/redirect') return res.writeHead(302, { location: `${base}/redirected` }).end();
      if (url.pathname === '/big') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, pad: 'x'.repeat(1 << 20) }));
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { errcode: 0, errmsg: 'ok' } : { errcode: 500, errmsg: 'down' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  stranger = http.createServer((_req, res) => {
    strangerHits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}');
  });
  await new Promise<void>((r) => stranger.listen(0, '::', r));
  strangerPort = (stranger.address() as AddressInfo).port;
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  // The receiver plays a listed intranet gateway, over http; only this exact address and port get past the
  // address check, and only because the test says so in code.
  ctx = await makeTestApp({
    outboundHttpHosts: ['127.0.0.1'],
    outboundTestReceivers: [{ address: '127.0.0.1', port }, { address: '127.0.0.1', port: closedPort }],
  });
  admin = await loginAdmin(ctx);
}, 60_000);
afterAll(async () => {
  server.close();
  stranger.close();
  await ctx.close();
});

async function newTask(leadUnitId: string, deadline: string, extra: Partial<typeof tasks.$inferInsert> = {}) {
  const [t] = await ctx.db
    .insert(tasks)
    .values({ year: Number(deadline.slice(0, 4)), title: `提醒测试任务${Math.random().toString(36).slice(2, 6)}`, leadUnitId, startDate: '2026-01-01', deadline, ...extra })
    .returning();
  return t;
}

const mine = (userId: string) => ctx.db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(notifications.id);

describe('reminders in the working-day calendar', () => {
  it('reminds N working days before a deadline across National Day, once per fact, then once when overdue', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    const b = await loginAs(ctx, 'liaison', city.countyB);
    // 2026-10-09 (Fri): two working days before it are 10-08 and 09-30 (10-01..10-07 is the holiday).
    const t = await newTask(city.countyA.id, '2026-10-09');
    const key = `task:${t.id}:due:2026-10-09`;
    await runReminders(ctx.db, '2026-09-29');
    expect((await mine(a.user.id)).map((n) => n.dedupeKey)).not.toContain(key);
    await runReminders(ctx.db, '2026-09-30');
    await runReminders(ctx.db, '2026-09-30');
    await runReminders(ctx.db, '2026-10-08');
    const got = (await mine(a.user.id)).filter((n) => n.dedupeKey?.startsWith(`task:${t.id}`));
    expect(got.map((n) => n.dedupeKey)).toEqual([key]);
    expect(shanghaiDate(got[0].createdAt)).toBe('2026-09-30');
    expect(got[0]).toMatchObject({ kind: 'reminder', link: `/tasks/${t.id}` });
    // 10-10 is a 调休 Saturday: still not overdue on 10-09, overdue on 10-10, and only once.
    await runReminders(ctx.db, '2026-10-09');
    await runReminders(ctx.db, '2026-10-10');
    await runReminders(ctx.db, '2026-10-12');
    const after = (await mine(a.user.id)).filter((n) => n.dedupeKey?.startsWith(`task:${t.id}`));
    expect(after.map((n) => [n.kind, n.dedupeKey, shanghaiDate(n.createdAt)])).toEqual([
      ['reminder', key, '2026-09-30'],
      ['overdue', `${key}:overdue`, '2026-10-10'],
    ]);
    // County B's liaison is not in scope of county A's task.
    expect((await mine(b.user.id)).filter((n) => n.dedupeKey?.startsWith(`task:${t.id}`))).toEqual([]);
  });

  it('a reminder due before the 清明 holiday goes out on the Friday before it, and honours the person’s N', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    await ok(a.agent.put('/api/notifications/settings', { email: null, emailEnabled: false, digestEnabled: true, remindDays: 1 }));
    // Deadline Tuesday 2026-04-07; 04-04..04-06 are 清明: one working day before is Friday 04-03, not Monday 04-06.
    const t = await newTask(city.countyA.id, '2026-04-07');
    await runReminders(ctx.db, '2026-04-02');
    expect((await mine(a.user.id)).filter((n) => n.dedupeKey?.includes(t.id))).toEqual([]);
    await runReminders(ctx.db, '2026-04-03');
    const got = (await mine(a.user.id)).filter((n) => n.dedupeKey?.includes(t.id));
    expect(got.map((n) => shanghaiDate(n.createdAt))).toEqual(['2026-04-03']);
  });

  it('a year chinese-days does not know follows the adjustments an admin enters', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    await ok(a.agent.put('/api/notifications/settings', { email: null, emailEnabled: false, digestEnabled: false, remindDays: 1 }));
    const before = await ok(admin.get('/api/system/calendar?year=2027'));
    expect(before.known).toBe(false);
    expect(isWorkday('2027-01-04')).toBe(true);
    expect((await a.agent.put('/api/system/calendar/adjustments', { date: '2027-01-04', kind: 'holiday', name: '元旦' })).statusCode).toBe(403);
    await ok(admin.put('/api/system/calendar/adjustments', { date: '2027-01-01', kind: 'holiday', name: '元旦' }));
    await ok(admin.put('/api/system/calendar/adjustments', { date: '2027-01-04', kind: 'holiday', name: '元旦' }));
    const year = await ok(admin.get('/api/system/calendar?year=2027'));
    expect(year.days).toEqual([
      { date: '2027-01-01', kind: 'holiday', name: '元旦', source: 'adjusted' },
      { date: '2027-01-04', kind: 'holiday', name: '元旦', source: 'adjusted' },
    ]);
    expect(isWorkday('2027-01-04')).toBe(false);
    // Deadline Tuesday 2027-01-05: one working day before is Thursday 2026-12-31 (01-01 and 01-04 are off).
    const t = await newTask(city.countyA.id, '2027-01-05');
    await runReminders(ctx.db, '2026-12-30');
    await runReminders(ctx.db, '2026-12-31');
    const got = (await mine(a.user.id)).filter((n) => n.dedupeKey?.includes(t.id));
    expect(got.map((n) => shanghaiDate(n.createdAt))).toEqual(['2026-12-31']);
    await ok(admin.delete('/api/system/calendar/adjustments/2027-01-04'));
    expect(isWorkday('2027-01-04')).toBe(true);
    expect((await admin.delete('/api/system/calendar/adjustments/2027-01-04')).statusCode).toBe(404);
    await ok(admin.delete('/api/system/calendar/adjustments/2027-01-01'));
  });

  it('shows the official calendar of a known year with its 调休 working days', async () => {
    const year = await ok(admin.get('/api/system/calendar?year=2026'));
    expect(year.known).toBe(true);
    expect(year.days).toContainEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节', source: 'official' });
    expect(year.days).toContainEqual({ date: '2026-10-01', kind: 'holiday', name: '国庆节', source: 'official' });
    expect((await admin.get('/api/system/calendar?year=abc')).statusCode).toBe(400);
  });

  it('writes one daily digest per person listing their open items, on working days, unless turned off', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    const quiet = await loginAs(ctx, 'liaison', city.countyA);
    await ok(quiet.agent.put('/api/notifications/settings', { email: null, emailEnabled: false, digestEnabled: false, remindDays: 2 }));
    const t1 = await newTask(city.countyA.id, '2026-06-18', { title: '汇总任务甲' });
    const t2 = await newTask(city.countyA.id, '2026-06-10', { title: '汇总任务乙' });
    await runReminders(ctx.db, '2026-06-17');
    await runReminders(ctx.db, '2026-06-17');
    await runReminders(ctx.db, '2026-06-20'); // 端午: no digest on a holiday
    const digests = (await mine(a.user.id)).filter((n) => n.kind === 'digest');
    expect(digests.map((n) => n.dedupeKey)).toEqual(['digest:2026-06-17']);
    expect(digests[0].title).toContain('2 项');
    expect(digests[0].body).toContain('【逾期】2026-06-10 任务办结期限：汇总任务乙');
    expect(digests[0].body).toContain('2026-06-18 任务办结期限：汇总任务甲');
    expect((await mine(quiet.user.id)).filter((n) => n.kind === 'digest')).toEqual([]);
    // Reminders still come: t1 due then overdue on 06-20, t2 overdue.
    expect((await mine(quiet.user.id)).filter((n) => n.dedupeKey?.includes(t1.id) || n.dedupeKey?.includes(t2.id)).map((n) => n.kind)).toEqual(['reminder', 'overdue', 'overdue']);
  });
});

describe('reminders of study pre-filing and review steps', () => {
  it('reminds the unit’s filers to pre-file a planned session (学前报备), and not once it is filed', async () => {
    const city = await makeCity(ctx.db);
    const sec = await loginAs(ctx, 'branch_secretary', city.branchA);
    const staff = await loginAs(ctx, 'staff', city.branchA);
    const otherBranch = await loginAs(ctx, 'branch_secretary', city.branchB);
    const session = (plannedStart: string, status = 'planned') =>
      ctx.db
        .insert(studySessions)
        .values({ unitId: city.branchA.id, typeCode: 'focus', topic: `周五专题学习${plannedStart}`, plannedStart: new Date(plannedStart), plannedEnd: new Date(plannedStart), status })
        .returning()
        .then((r) => r[0]);
    // Friday 2026-04-10 09:00 Shanghai: two working days before is Wednesday 04-08.
    const planned = await session('2026-04-10T09:00:00+08:00');
    const filed = await session('2026-04-10T14:00:00+08:00', 'filed');
    await runReminders(ctx.db, '2026-04-07');
    expect((await mine(sec.user.id)).filter((n) => n.dedupeKey?.startsWith('study:'))).toEqual([]);
    await runReminders(ctx.db, '2026-04-08');
    await runReminders(ctx.db, '2026-04-13');
    const got = (await mine(sec.user.id)).filter((n) => n.dedupeKey?.startsWith('study:'));
    expect(got.map((n) => [n.kind, n.dedupeKey, shanghaiDate(n.createdAt)])).toEqual([
      ['reminder', `study:${planned.id}:prefile:2026-04-10`, '2026-04-08'],
      ['overdue', `study:${planned.id}:prefile:2026-04-10:overdue`, '2026-04-13'],
    ]);
    expect(got[0].title).toContain('学前报备');
    expect(got.some((n) => n.dedupeKey?.includes(filed.id))).toBe(false);
    // A staff member cannot file sessions; another branch's secretary does not cover this branch.
    expect((await mine(staff.user.id)).filter((n) => n.dedupeKey?.startsWith('study:'))).toEqual([]);
    expect((await mine(otherBranch.user.id)).filter((n) => n.dedupeKey?.startsWith('study:'))).toEqual([]);
  });

  it('reminds the reviewers named on the current step of an item before its step deadline', async () => {
    const city = await makeCity(ctx.db);
    const author = await loginAs(ctx, 'liaison', city.countyA);
    const reviewer = await loginAs(ctx, 'info_reviewer', city.countyA);
    const other = await loginAs(ctx, 'info_reviewer', city.countyA);
    const [item] = await ctx.db
      .insert(infoItems)
      .values({
        unitId: city.countyA.id, title: '甲县信息待审', bodyHtml: '<p>正文</p>', bodyText: '正文', category: '动态信息', status: 'reviewing',
        steps: [{ name: '编辑', deadlineDays: 2, reviewerIds: [reviewer.user.id] }], currentStep: 0, stepDeadline: '2026-10-09', createdBy: author.user.id,
      })
      .returning();
    await runReminders(ctx.db, '2026-09-29');
    expect((await mine(reviewer.user.id)).filter((n) => n.dedupeKey?.startsWith('info:'))).toEqual([]);
    await runReminders(ctx.db, '2026-09-30');
    const got = (await mine(reviewer.user.id)).filter((n) => n.dedupeKey?.startsWith('info:'));
    expect(got.map((n) => [n.dedupeKey, n.link])).toEqual([[`info:${item.id}:step0:due:2026-10-09`, `/info/items/${item.id}`]]);
    // Only the named reviewer: not the other reviewer of the county, not the author.
    expect((await mine(other.user.id)).filter((n) => n.dedupeKey?.startsWith('info:'))).toEqual([]);
    expect((await mine(author.user.id)).filter((n) => n.dedupeKey?.startsWith('info:'))).toEqual([]);
  });
});

describe('the job runner', () => {
  it('two runners at once record one set of notifications', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    const t = await newTask(city.countyA.id, '2026-11-05');
    await ctx.db.delete(jobRuns).where(eq(jobRuns.name, 'reminders'));
    await ctx.db.insert(jobRuns).values({ name: 'reminders', lastDay: '2026-11-03' });
    const [r1, r2] = await Promise.all([
      runJobsOnce(ctx.db, { today: '2026-11-04', only: ['reminders'] }),
      runJobsOnce(ctx.db, { today: '2026-11-04', only: ['reminders'] }),
    ]);
    expect([...r1.ran, ...r2.ran]).toEqual(['reminders']);
    expect([...r1.skipped, ...r2.skipped]).toEqual(['reminders']);
    const got = await mine(a.user.id);
    expect(got.map((n) => n.dedupeKey)).toEqual([`task:${t.id}:due:2026-11-05`, 'digest:2026-11-04']);
    const [ledger] = await ctx.db.select().from(jobRuns).where(eq(jobRuns.name, 'reminders'));
    expect(ledger.lastDay).toBe('2026-11-04');
  });

  it('a runner started after missed days creates the reminders those days should have had, at most a week back', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    // Due Tuesday 2026-09-29: reminded on 09-28 (its window opened during the 中秋 holiday), overdue on 09-30.
    const t = await newTask(city.countyA.id, '2026-09-29');
    await ctx.db.delete(jobRuns).where(eq(jobRuns.name, 'reminders'));
    await ctx.db.insert(jobRuns).values({ name: 'reminders', lastDay: '2026-09-27' });
    const r = await runJobsOnce(ctx.db, { today: '2026-09-30', only: ['reminders'] });
    expect(r.days.reminders).toEqual(['2026-09-28', '2026-09-29', '2026-09-30']);
    const got = (await mine(a.user.id)).map((n) => [n.dedupeKey, shanghaiDate(n.createdAt)]);
    expect(got).toEqual([
      [`task:${t.id}:due:2026-09-29`, '2026-09-28'],
      ['digest:2026-09-28', '2026-09-28'],
      ['digest:2026-09-29', '2026-09-29'],
      [`task:${t.id}:due:2026-09-29:overdue`, '2026-09-30'],
      ['digest:2026-09-30', '2026-09-30'],
    ]);
    await ctx.db.update(jobRuns).set({ lastDay: '2026-08-01' }).where(eq(jobRuns.name, 'reminders'));
    const far = await runJobsOnce(ctx.db, { today: '2026-09-30', only: ['reminders'] });
    expect(far.days.reminders).toEqual(['2026-09-23', '2026-09-24', '2026-09-25', '2026-09-26', '2026-09-27', '2026-09-28', '2026-09-29', '2026-09-30']);
  });
});

describe('notification centre', () => {
  it('lists, counts and marks only the caller’s own notifications', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'staff', city.countyA);
    const b = await loginAs(ctx, 'staff', city.countyB);
    const [n1, , n3] = await ctx.db
      .insert(notifications)
      .values([
        { userId: a.user.id, kind: 'reminder', title: '甲的提醒一', dedupeKey: 'c1' },
        { userId: a.user.id, kind: 'reminder', title: '甲的提醒二', dedupeKey: 'c2' },
        { userId: b.user.id, kind: 'reminder', title: '乙的提醒', dedupeKey: 'c3' },
      ])
      .returning();
    expect(await ok(a.agent.get('/api/notifications/unread-count'))).toEqual({ unread: 2 });
    const list = await ok(a.agent.get('/api/notifications?pageSize=10'));
    expect(list.total).toBe(2);
    expect(list.data.map((n: { title: string }) => n.title).sort()).toEqual(['甲的提醒一', '甲的提醒二']);
    expect((await a.agent.post(`/api/notifications/${n3.id}/read`)).statusCode).toBe(404);
    await ok(a.agent.post(`/api/notifications/${n1.id}/read`));
    expect(await ok(a.agent.get('/api/notifications/unread-count'))).toEqual({ unread: 1 });
    expect((await ok(a.agent.get('/api/notifications?unread=true'))).data.map((n: { title: string }) => n.title)).toEqual(['甲的提醒二']);
    expect(await ok(a.agent.post('/api/notifications/read-all'))).toEqual({ updated: 1 });
    expect(await ok(b.agent.get('/api/notifications/unread-count'))).toEqual({ unread: 1 });
    expect((await ctx.app.inject({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
  });

  it('keeps per-person settings and refuses a bad e-mail address', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'staff', city.countyA);
    expect(await ok(a.agent.get('/api/notifications/settings'))).toEqual({ email: null, emailEnabled: false, digestEnabled: true, remindDays: 2 });
    const bad = await a.agent.put('/api/notifications/settings', { email: 'not-an-address', emailEnabled: true, digestEnabled: true, remindDays: 2 });
    expect(bad.statusCode).toBe(400);
    await ok(a.agent.put('/api/notifications/settings', { email: 'a@example.cn', emailEnabled: true, digestEnabled: false, remindDays: 3 }));
    expect(await ok(a.agent.get('/api/notifications/settings'))).toEqual({ email: 'a@example.cn', emailEnabled: true, digestEnabled: false, remindDays: 3 });
    // The address is sealed at rest and masked in the audit log; only its owner reads it back.
    const [stored] = await ctx.db.select().from(notificationSettings).where(eq(notificationSettings.userId, a.user.id));
    expect(stored.email).toMatch(/^sm4\./);
    const logged = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'notification_settings'), eq(auditLog.entityId, a.user.id)));
    expect(JSON.stringify(logged)).not.toMatch(/a@example\.cn|sm4\./);
    expect(logged.at(-1)?.after).toMatchObject({ email: 'a***@example.cn' });
  });
});

describe('channels: e-mail and group robots through the outbox', () => {
  it('posts WeCom and signed DingTalk payloads to the robots, never returns the secret, and keeps county B out', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    const b = await loginAs(ctx, 'liaison', city.countyB);
    const wecom = await ok(a.agent.post('/api/notify/webhooks', { unitId: city.countyA.id, kind: 'wecom', name: '甲县工作群', url: `${base}/wecom` }), 201);
    const ding = await ok(a.agent.post('/api/notify/webhooks', { unitId: city.countyA.id, kind: 'dingtalk', name: '甲县钉钉群', url: `${base}/ding?access_token=abc`, secret: 'SECtest' }), 201);
    expect(ding).toMatchObject({ hasSecret: true });
    expect(ding).not.toHaveProperty('secret');
    expect(JSON.stringify(await ok(a.agent.get('/api/notify/webhooks')))).not.toContain('SECtest');
    // County B: cannot see, change, test or delete county A's robots, nor add one to county A.
    expect((await ok(b.agent.get('/api/notify/webhooks'))).data.map((h: { id: string }) => h.id)).not.toContain(wecom.id);
    expect((await b.agent.put(`/api/notify/webhooks/${wecom.id}`, { version: 1, kind: 'wecom', name: '改', url: `${base}/x`, enabled: true })).statusCode).toBe(404);
    expect((await b.agent.post(`/api/notify/webhooks/${wecom.id}/test`)).statusCode).toBe(404);
    expect((await b.agent.delete(`/api/notify/webhooks/${wecom.id}`)).statusCode).toBe(404);
    expect((await b.agent.post('/api/notify/webhooks', { unitId: city.countyA.id, kind: 'wecom', name: '越权', url: `${base}/x` })).statusCode).toBe(404);
    const staff = await loginAs(ctx, 'staff', city.countyA);
    expect((await staff.agent.get('/api/notify/webhooks')).statusCode).toBe(403);

    received = [];
    expect(await ok(a.agent.post(`/api/notify/webhooks/${wecom.id}/test`))).toEqual({ ok: true, error: null });
    expect(received[0].path).toBe('/wecom');
    expect(received[0].body).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining('甲县工作群') } });
    expect(await ok(a.agent.post(`/api/notify/webhooks/${ding.id}/test`))).toEqual({ ok: true, error: null });
    const d = received[1];
    expect(d.path).toBe('/ding');
    expect(d.query.get('access_token')).toBe('abc');
    const ts = d.query.get('timestamp')!;
    expect(Math.abs(Number(ts) - Date.now())).toBeLessThan(60_000);
    expect(d.query.get('sign')).toBe(createHmac('sha256', 'SECtest').update(`${ts}\nSECtest`).digest('base64'));
    expect(d.body).toEqual({ msgtype: 'markdown', markdown: { title: '落实：测试消息', text: expect.stringContaining('甲县钉钉群') } });
    answers = [500];
    // the robot's own complaint is not passed on: the same words as for any other failure
    expect(await ok(a.agent.post(`/api/notify/webhooks/${wecom.id}/test`))).toEqual({ ok: false, error: OUTBOUND_FAILED });
    // each test message is on the audit log, with whether it arrived
    const tests = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entityId, wecom.id), eq(auditLog.action, 'notify.webhook.test'))).orderBy(auditLog.id);
    expect(tests.map((t) => (t.after as { ok: boolean }).ok)).toEqual([true, false]);

    // Removing the secret, then a stale version.
    const edited = await ok(a.agent.put(`/api/notify/webhooks/${ding.id}`, { version: 1, kind: 'dingtalk', name: '甲县钉钉群', secret: '', enabled: true }));
    expect(edited).toMatchObject({ hasSecret: false, version: 2 });
    expect((await a.agent.put(`/api/notify/webhooks/${ding.id}`, { version: 1, kind: 'dingtalk', name: 'x', enabled: true })).statusCode).toBe(409);
    await ok(a.agent.delete(`/api/notify/webhooks/${ding.id}`));
    expect((await ok(a.agent.get('/api/notify/webhooks'))).data.map((h: { id: string }) => h.id)).toEqual([wecom.id]);
  });

  it('queues reminders for the unit’s robot and the person’s e-mail once, and retries a failed delivery with backoff', async () => {
    process.env.LUOSHI_SMTP_URL = 'json:';
    process.env.LUOSHI_SMTP_FROM = 'luoshi@example.cn';
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    await ok(a.agent.put('/api/notifications/settings', { email: 'liaison-a@example.cn', emailEnabled: true, digestEnabled: false, remindDays: 2 }));
    const hook = await ok(a.agent.post('/api/notify/webhooks', { unitId: city.countyA.id, kind: 'wecom', name: '甲县提醒群', url: `${base}/remind` }), 201);
    const t = await newTask(city.countyA.id, '2026-05-12', { title: '外发提醒任务' });
    // Drain what earlier tests queued, so this test sees only its own messages.
    await ctx.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.status, 'pending'));
    await runReminders(ctx.db, '2026-05-08');
    await runReminders(ctx.db, '2026-05-11');
    const key = `task:${t.id}:due:2026-05-12`;
    const queued = await ctx.db.select().from(outbox).where(like(outbox.dedupeKey, `task:${t.id}%`));
    // The e-mail address waits in the outbox sealed, as it is kept in the settings.
    expect(queued.find((m) => m.channel === 'email')?.target).toMatch(/^sm4\./);
    expect(queued.map((m) => [m.channel, m.channel === 'email' ? openOrNull(m.target) : m.target, m.dedupeKey]).sort()).toEqual([
      ['email', 'liaison-a@example.cn', key],
      ['wecom', hook.id, key],
    ]);

    received = [];
    sentMail.length = 0;
    answers = [500];
    const first = await deliverOutbox(ctx.db, { config: ctx.config });
    expect(first).toEqual({ sent: 1, failed: 1 });
    expect(sentMail).toEqual([{ from: 'luoshi@example.cn', to: 'liaison-a@example.cn', subject: '【落实】任务办结期限将到期：「外发提醒任务」', text: '期限 2026-05-12，请在期限前办理。' }]);
    const [failed] = await ctx.db.select().from(outbox).where(and(eq(outbox.channel, 'wecom'), eq(outbox.target, hook.id)));
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: OUTBOUND_FAILED });
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    // Not due yet: nothing is sent again.
    expect(await deliverOutbox(ctx.db, { config: ctx.config })).toEqual({ sent: 0, failed: 0 });
    await ctx.db.update(outbox).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outbox.id, failed.id));
    expect(await deliverOutbox(ctx.db, { config: ctx.config })).toEqual({ sent: 1, failed: 0 });
    const [sent] = await ctx.db.select().from(outbox).where(eq(outbox.id, failed.id));
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
    expect(received.map((r) => r.path)).toEqual(['/remind', '/remind']);
    expect(received[1].body.markdown.content).toContain('外发提醒任务');
    // The fact is queued once: another run adds nothing.
    await runReminders(ctx.db, '2026-05-12');
    expect(await ctx.db.select().from(outbox).where(like(outbox.dedupeKey, `task:${t.id}%`))).toHaveLength(2);
    await ctx.db.delete(notificationSettings).where(eq(notificationSettings.userId, a.user.id));
  });
});

describe('group robots: kept sealed, shown masked, reached only through the outbound guard', () => {
  const TOKEN = '693a91f6-7d2e-4bc4-97a0-0ec2a1fa5aaa';

  it('stores the URL and secret sealed, lists the URL masked and keeps both out of the audit log', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    const hook = await ok(
      a.agent.post('/api/notify/webhooks', { unitId: city.countyA.id, kind: 'dingtalk', name: '甲县密钥群', url: `${base}/sealed?access_token=${TOKEN}`, secret: 'SECsealed-secret' }),
      201,
    );
    expect(hook).toMatchObject({ maskedUrl: `${base}/sealed?access_token=****5aaa`, hasSecret: true });
    const listed = await ok(a.agent.get('/api/notify/webhooks'));
    expect(listed.data.find((h: { id: string }) => h.id === hook.id).maskedUrl).toBe(`${base}/sealed?access_token=****5aaa`);
    expect(JSON.stringify(listed)).not.toContain(TOKEN);
    const [row] = await ctx.db.select().from(unitWebhooks).where(eq(unitWebhooks.id, hook.id));
    expect(row.url).toMatch(/^sm4\./);
    expect(row.secret).toMatch(/^sm4\./);
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    expect(JSON.stringify(row)).not.toContain('SECsealed');

    // An edit that leaves URL and secret out keeps them: the message still reaches the same robot, signed.
    await ok(a.agent.put(`/api/notify/webhooks/${hook.id}`, { version: 1, kind: 'dingtalk', name: '甲县密钥群（改）', url: '', enabled: true }));
    received = [];
    expect(await ok(a.agent.post(`/api/notify/webhooks/${hook.id}/test`))).toEqual({ ok: true, error: null });
    expect(received[0].path).toBe('/sealed');
    expect(received[0].query.get('access_token')).toBe(TOKEN);
    expect(received[0].query.get('sign')).toBe(createHmac('sha256', 'SECsealed-secret').update(`${received[0].query.get('timestamp')}\nSECsealed-secret`).digest('base64'));
    // A new URL replaces it.
    const moved = await ok(a.agent.put(`/api/notify/webhooks/${hook.id}`, { version: 2, kind: 'dingtalk', name: '甲县密钥群（改）', url: `${base}/moved?access_token=${TOKEN}`, enabled: true }));
    expect(moved).toMatchObject({ maskedUrl: `${base}/moved?access_token=****5aaa`, hasSecret: true, version: 3 });
    await ok(a.agent.delete(`/api/notify/webhooks/${hook.id}`));

    const rows = await ctx.db.select().from(auditLog).where(eq(auditLog.entityId, hook.id));
    expect(rows.map((r) => r.action)).toEqual(['notify.webhook.create', 'notify.webhook.update', 'notify.webhook.test', 'notify.webhook.update', 'notify.webhook.delete']);
    const text = JSON.stringify(rows.map((r) => [r.before, r.after]));
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('SECsealed');
    expect(rows[0].after).toMatchObject({ url: expect.stringMatching(new RegExp(`^${base}/sealed\\?.*\\*{4}`)), hasSecret: true });
  });

  it('refuses on saving an address of this machine, a private or link-local network, or plain http to an unlisted host', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    const create = (url: string) => a.agent.post('/api/notify/webhooks', { unitId: city.countyA.id, kind: 'wecom', name: '内网探测', url });
    const refused: [string, string][] = [
      [`http://127.0.0.1:${strangerPort}/`, '不能指向本机、内网或保留地址'],
      [`https://127.0.0.1:${strangerPort}/`, '不能指向本机、内网或保留地址'],
      [`https://[::1]:${strangerPort}/`, '不能指向本机、内网或保留地址'],
      [`https://[::ffff:127.0.0.1]:${strangerPort}/`, '不能指向本机、内网或保留地址'],
      [`https://0x7f.1:${strangerPort}/`, '不能指向本机、内网或保留地址'],
      [`https://localhost:${strangerPort}/`, '该域名解析到本机、内网或保留地址，不能使用'],
      ['https://10.0.0.8/robot', '不能指向本机、内网或保留地址'],
      ['https://172.20.1.1/robot', '不能指向本机、内网或保留地址'],
      ['https://192.168.1.10/robot', '不能指向本机、内网或保留地址'],
      ['https://[fd12::1]/robot', '不能指向本机、内网或保留地址'],
      ['https://169.254.169.254/latest/meta-data/', '不能指向本机、内网或保留地址'],
      ['http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x', '只能使用 https 地址（http 仅限管理员登记的内网网关）'],
      ['https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x', '地址中不能含有用户名或密码'],
    ];
    for (const [url, message] of refused) {
      const res = await create(url);
      expect([url, res.statusCode, res.json().error.details]).toEqual([url, 400, [{ field: 'body.url', message }]]);
    }
    expect((await create('ftp://example.cn/robot')).statusCode).toBe(400);
    // An edit to such an address is refused too, and the stored one stays.
    const hook = await ok(a.agent.post('/api/notify/webhooks', { unitId: city.countyA.id, kind: 'wecom', name: '甲县网关群', url: `${base}/gateway` }), 201);
    const res = await a.agent.put(`/api/notify/webhooks/${hook.id}`, { version: 1, kind: 'wecom', name: '甲县网关群', url: 'https://169.254.169.254/', enabled: true });
    expect(res.statusCode).toBe(400);
    expect((await ok(a.agent.get('/api/notify/webhooks'))).data.find((h: { id: string }) => h.id === hook.id)).toMatchObject({ maskedUrl: `${base}/gateway`, version: 1 });
    expect(strangerHits).toBe(0);
  });

  it('checks a stored address again when it is used: the test button and the outbox reach nobody and say the same', async () => {
    const city = await makeCity(ctx.db);
    const a = await loginAs(ctx, 'liaison', city.countyA);
    // addresses saved before the rules existed, or names that resolved elsewhere when they were saved
    const stored = [
      `http://127.0.0.1:${strangerPort}/v4`,
      `http://[::1]:${strangerPort}/v6`,
      `http://[::ffff:127.0.0.1]:${strangerPort}/mapped`,
      `http://localhost:${strangerPort}/name`,
      `https://127.0.0.1:${strangerPort}/https`,
      'https://192.168.1.10/private',
      'http://169.254.169.254/latest/meta-data/',
      `${base}/redirect`,
      `${base}/big`,
      `http://127.0.0.1:${closedPort}/closed`,
      `${base}/open-but-refusing`,
    ];
    const hooks = await ctx.db
      .insert(unitWebhooks)
      .values(stored.map((url, i) => ({ unitId: city.countyA.id, kind: 'wecom' as const, name: `旧机器人${i}`, url: seal(url) })))
      .returning();
    received = [];
    const results = [];
    for (const h of hooks) {
      if (h.name === `旧机器人${stored.length - 1}`) answers = [404];
      results.push(await ok(a.agent.post(`/api/notify/webhooks/${h.id}/test`)));
    }
    expect(results).toEqual(stored.map(() => ({ ok: false, error: OUTBOUND_FAILED })));
    expect(strangerHits).toBe(0);
    // the redirect was answered and not followed; the oversized answer and the 404 were received and not believed
    expect(received.map((r) => r.path)).toEqual(['/redirect', '/big', '/open-but-refusing']);

    // The outbox: the same refusals, the same words in lastError for an open port and a closed one.
    await ctx.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.status, 'pending'));
    answers = [404];
    await ctx.db.insert(outbox).values(hooks.map((h) => ({ channel: 'wecom' as const, target: h.id, subject: '测试', body: '外发', dedupeKey: `guard:${h.id}` })));
    const before = received.length;
    expect(await deliverOutbox(ctx.db, { config: ctx.config })).toEqual({ sent: 0, failed: stored.length });
    const rows = await ctx.db.select().from(outbox).where(like(outbox.dedupeKey, 'guard:%'));
    expect(new Set(rows.map((r) => r.lastError))).toEqual(new Set([OUTBOUND_FAILED]));
    expect(strangerHits).toBe(0);
    expect(received.slice(before).map((r) => r.path).sort()).toEqual(['/big', '/open-but-refusing', '/redirect']);
    expect(received.some((r) => r.path === '/redirected')).toBe(false);
  });
});
