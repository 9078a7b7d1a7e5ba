import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, infoItems, jobRuns, notifications, notificationSettings, outbox, studySessions, tasks } from '../../db/schema/index.ts';
import { runJobsOnce } from '../../jobs.ts';
import { isWorkday, shanghaiDate } from '../../platform/calendar.ts';
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

beforeAll(async () => {
  ctx = await makeTestApp();
  admin = await loginAdmin(ctx);
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      received.push({ path: url.pathname, query: url.searchParams, body: JSON.parse(data || 'null') });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { errcode: 0, errmsg: 'ok' } : { errcode: 500, errmsg: 'down' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  server.close();
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
    expect(await ok(a.agent.post(`/api/notify/webhooks/${wecom.id}/test`))).toMatchObject({ ok: false, error: expect.stringContaining('500') });
    // each test message is on the audit log, with whether it arrived
    const tests = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entityId, wecom.id), eq(auditLog.action, 'notify.webhook.test'))).orderBy(auditLog.id);
    expect(tests.map((t) => (t.after as { ok: boolean }).ok)).toEqual([true, false]);

    // Removing the secret, then a stale version.
    const edited = await ok(a.agent.put(`/api/notify/webhooks/${ding.id}`, { version: 1, kind: 'dingtalk', name: '甲县钉钉群', url: ding.url, secret: '', enabled: true }));
    expect(edited).toMatchObject({ hasSecret: false, version: 2 });
    expect((await a.agent.put(`/api/notify/webhooks/${ding.id}`, { version: 1, kind: 'dingtalk', name: 'x', url: ding.url, enabled: true })).statusCode).toBe(409);
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
    expect(queued.map((m) => [m.channel, m.target, m.dedupeKey]).sort()).toEqual([
      ['email', 'liaison-a@example.cn', key],
      ['wecom', hook.id, key],
    ]);

    received = [];
    sentMail.length = 0;
    answers = [500];
    const first = await deliverOutbox(ctx.db);
    expect(first).toEqual({ sent: 1, failed: 1 });
    expect(sentMail).toEqual([{ from: 'luoshi@example.cn', to: 'liaison-a@example.cn', subject: '【落实】任务办结期限将到期：「外发提醒任务」', text: '期限 2026-05-12，请在期限前办理。' }]);
    const [failed] = await ctx.db.select().from(outbox).where(and(eq(outbox.channel, 'wecom'), eq(outbox.target, hook.id)));
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('500') });
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    // Not due yet: nothing is sent again.
    expect(await deliverOutbox(ctx.db)).toEqual({ sent: 0, failed: 0 });
    await ctx.db.update(outbox).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outbox.id, failed.id));
    expect(await deliverOutbox(ctx.db)).toEqual({ sent: 1, failed: 0 });
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
