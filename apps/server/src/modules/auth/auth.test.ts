/** 身份鉴别: login answers, lockout, the password policy, expiry, the second factor, and sessions. */
import { and, eq, sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, sessions, users } from '../../db/schema/index.ts';
import { dummyHash } from '../../platform/password.ts';
import {
  ADMIN_PASSWORD, agentWithCookie, login, loginAdmin, loginDuty, makeCity, makeTestApp, makeUser, TEST_PASSWORD, type Agent, type TestCtx,
} from '../../test/harness.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
});
afterAll(() => ctx.close());

const attempt = (username: string, password: string, code?: string) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...(code ? { code } : {}) } });

const actionsOf = async (userId: string) =>
  (await ctx.db.select({ action: auditLog.action, result: auditLog.result }).from(auditLog).where(eq(auditLog.entityId, userId)).orderBy(auditLog.id)).map((r) => `${r.action}:${r.result}`);

describe('login answers', () => {
  it('answers an unknown username, a wrong password and a locked account alike, and audits each', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    const unknown = await attempt('nobody_here', 'Whatever-2026');
    const wrong = await attempt(u.username, 'Whatever-2026');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(unknown.json().error).toMatchObject({ code: 'BAD_CREDENTIALS', details: [] });
    // Four more wrong passwords lock the account (the policy's 5); even the right password then answers the same.
    for (let i = 0; i < 4; i++) await attempt(u.username, 'Whatever-2026');
    const locked = await attempt(u.username, TEST_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.body).toBe(unknown.body);
    expect(await actionsOf(u.user.id)).toEqual([
      'login_failed:failure', 'login_failed:failure', 'login_failed:failure', 'login_failed:failure', 'login_failed:failure', 'login_locked:failure', 'login_while_locked:failure',
    ]);
    const [unknownRow] = await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'login_unknown_user'));
    expect(unknownRow).toMatchObject({ result: 'failure', module: 'auth' });
    expect(JSON.stringify(unknownRow.after)).toContain('nobody_here');
    // The security administrator unlocks it.
    const anquan = await loginDuty(ctx, 'security');
    expect((await anquan.post(`/api/security/accounts/${u.user.id}/unlock`)).statusCode).toBe(200);
    expect((await attempt(u.username, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('checks an unknown username against a real hash, so both take about as long', async () => {
    expect(await dummyHash()).toMatch(/^\$argon2id\$/);
  });

  it('moves an old scrypt hash to argon2id at the next login', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    // scrypt of TEST_PASSWORD as earlier versions stored it
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync(TEST_PASSWORD, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 128 * 2 ** 15 * 16 });
    await ctx.db.update(users).set({ passwordHash: ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$') }).where(eq(users.id, u.user.id));
    expect((await attempt(u.username, TEST_PASSWORD)).statusCode).toBe(200);
    const [row] = await ctx.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, u.user.id));
    expect(row.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await attempt(u.username, TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('password policy', () => {
  it('refuses short, weak, common, username-bearing and recently used passwords, naming the field', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff', { username: 'zhangwei88' });
    const agent = await login(ctx.app, u.username, TEST_PASSWORD);
    const change = (newPassword: string, oldPassword = TEST_PASSWORD) => agent.post('/api/auth/password', { oldPassword, newPassword });
    for (const [pw, msg] of [
      ['Passw0rd', '密码至少 10 位'],
      ['Aa123456', '密码至少 10 位'],
      ['abcdefghijkl', '至少三类'],
      ['Password123!', '过于常见'],
      ['Zhangwei88#Qlx', '不能包含用户名'],
      [TEST_PASSWORD, '最近'],
    ]) {
      const res = await change(pw);
      expect(res.statusCode, pw).toBe(400);
      expect(res.json().error.message, pw).toContain(msg);
      expect(res.json().error.details).toEqual([{ field: 'body.newPassword', message: res.json().error.message }]);
    }
    // Five passwords in a row: none of the last five comes back.
    const used = ['Hx7#qLm-2026', 'Wp4!tRz-2026', 'Jk9@vNc-2026', 'Rb3$yGd-2026', 'Tf6%kWs-2026'];
    let current = TEST_PASSWORD;
    for (const pw of used) {
      expect((await change(pw, current)).statusCode).toBe(200);
      current = pw;
    }
    for (const pw of used.slice(0, 4)) expect((await change(pw, current)).json().error.message).toContain('最近 5 次');
    expect((await change(TEST_PASSWORD, current)).statusCode).toBe(200);
  });

  it('counts wrong old passwords toward the lockout, which ends the sessions', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    const agent = await login(ctx.app, u.username, TEST_PASSWORD);
    for (let i = 0; i < 4; i++) {
      const res = await agent.post('/api/auth/password', { oldPassword: `Guess-${i}-Qx7!`, newPassword: 'Mn2^pHx-2026' });
      expect(res.json().error.details).toEqual([{ field: 'body.oldPassword', message: '原密码不正确' }]);
    }
    await agent.post('/api/auth/password', { oldPassword: 'Guess-5-Qx7!', newPassword: 'Mn2^pHx-2026' });
    expect((await agent.get('/api/auth/me')).statusCode).toBe(401);
    expect((await attempt(u.username, TEST_PASSWORD)).statusCode).toBe(401);
    expect(await actionsOf(u.user.id)).toEqual(expect.arrayContaining(['change_password_failed:failure', 'login_locked:failure', 'session_ended_locked:success']));
  });

  it('lets a user in with an expired password only to change it, and warns within the warning days', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    await ctx.db.update(users).set({ passwordChangedAt: sql`now() - interval '85 days'` }).where(eq(users.id, u.user.id));
    const warned = await login(ctx.app, u.username, TEST_PASSWORD);
    expect((await warned.get('/api/auth/me')).json().security).toMatchObject({ mustChangePassword: false, passwordExpiresInDays: 5 });
    await ctx.db.update(users).set({ passwordChangedAt: sql`now() - interval '91 days'` }).where(eq(users.id, u.user.id));
    const expired = await login(ctx.app, u.username, TEST_PASSWORD);
    expect((await expired.get('/api/auth/me')).json().security.mustChangePassword).toBe(true);
    const refused = await expired.get('/api/campaigns');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await expired.post('/api/auth/password', { oldPassword: TEST_PASSWORD, newPassword: 'Dv5*rKa-2026' })).statusCode).toBe(200);
    expect((await expired.get('/api/campaigns')).statusCode).toBe(200);
  });
});

/** Enrols the second factor of a signed-in agent; returns the secret and the recovery codes. */
async function enrol(agent: Agent, password: string) {
  const setup = (await agent.post('/api/auth/totp/setup', { password })).json();
  expect(setup.qrDataUrl).toMatch(/^data:image\/png;base64,/);
  expect(setup.otpauthUrl).toContain(`secret=${setup.secret}`);
  const enabled = await agent.post('/api/auth/totp/enable', { code: await generate({ secret: setup.secret }) });
  expect(enabled.statusCode).toBe(200);
  return { secret: setup.secret as string, codes: enabled.json().codes as string[] };
}
const nextCode = (secret: string, steps = 1) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * steps });

describe('second factor (TOTP)', () => {
  it('enrols with a QR code, then asks for a code at login, takes each code once, and takes recovery codes once', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    const agent = await login(ctx.app, u.username, TEST_PASSWORD);
    expect((await agent.post('/api/auth/totp/setup', { password: 'Wrong-Pass-2026' })).json().error.details).toEqual([{ field: 'body.password', message: '密码不正确' }]);
    const setup = (await agent.post('/api/auth/totp/setup', { password: TEST_PASSWORD })).json();
    expect((await agent.post('/api/auth/totp/enable', { code: '000000' })).statusCode).toBe(400);
    const enabled = await agent.post('/api/auth/totp/enable', { code: await generate({ secret: setup.secret }) });
    const { codes } = enabled.json();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // The secret and the codes are not stored as such.
    const [row] = await ctx.db.select().from(users).where(eq(users.id, u.user.id));
    expect(row.totpSecret).toMatch(/^sm4\./);
    expect(row.totpSecret).not.toContain(setup.secret);
    expect((await agent.get('/api/auth/totp')).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    const needs = await attempt(u.username, TEST_PASSWORD);
    expect(needs.statusCode).toBe(401);
    expect(needs.json().error.code).toBe('TOTP_REQUIRED');
    expect((await attempt(u.username, TEST_PASSWORD, '123456')).json().error.code).toBe('TOTP_INVALID');
    const code = await nextCode(setup.secret);
    expect((await attempt(u.username, TEST_PASSWORD, code)).statusCode).toBe(200);
    // The same code a second time is refused: someone who watched it being typed cannot use it.
    expect((await attempt(u.username, TEST_PASSWORD, code)).json().error.code).toBe('TOTP_INVALID');
    expect((await attempt(u.username, TEST_PASSWORD, codes[0].toUpperCase())).statusCode).toBe(200);
    expect((await attempt(u.username, TEST_PASSWORD, codes[0])).json().error.code).toBe('TOTP_INVALID');
    expect((await agent.get('/api/auth/totp')).json().recoveryCodesLeft).toBe(9);
    const logins = (await ctx.db.select({ after: auditLog.after }).from(auditLog).where(and(eq(auditLog.entityId, u.user.id), eq(auditLog.action, 'login')))).map((r) => (r.after as { method: string }).method);
    expect(logins).toEqual(['password', 'totp', 'recovery']);
    expect(await actionsOf(u.user.id)).toEqual(expect.arrayContaining(['totp_setup:success', 'totp_enabled:success', 'login_totp_failed:failure']));

    // New recovery codes need the password and a code; the old ones stop working.
    const fresh = (await agent.post('/api/auth/totp/recovery-codes', { password: TEST_PASSWORD, code: codes[1] })).json().codes;
    expect(fresh).toHaveLength(10);
    expect((await attempt(u.username, TEST_PASSWORD, codes[2])).json().error.code).toBe('TOTP_INVALID');
    // Under an optional policy the owner may remove it again.
    expect((await agent.post('/api/auth/totp/disable', { password: TEST_PASSWORD, code: fresh[0] })).statusCode).toBe(200);
    expect((await attempt(u.username, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('requires enrolment of department admins and the 三员 under the default policy, and of everyone when told', async () => {
    const strict = await makeTestApp({}, { policy: { totp: 'privileged' } });
    try {
      const c = await makeCity(strict.db);
      const admin = await login(strict.app, 'admin', ADMIN_PASSWORD);
      expect((await admin.get('/api/auth/me')).json().security).toMatchObject({ totpRequired: true, totpEnabled: false });
      const refused = await admin.get('/api/campaigns');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('TOTP_ENROLMENT_REQUIRED');
      const shenji = await login(strict.app, 'shenji', ADMIN_PASSWORD);
      expect((await shenji.get('/api/audit/logs')).json().error.code).toBe('TOTP_ENROLMENT_REQUIRED');
      const staffUser = await makeUser(strict.db, c.countyA, 'staff');
      const staff = await login(strict.app, staffUser.username, TEST_PASSWORD);
      expect((await staff.get('/api/campaigns')).statusCode).toBe(200);

      const { secret } = await enrol(admin, ADMIN_PASSWORD);
      expect((await admin.get('/api/campaigns')).statusCode).toBe(200);
      expect((await admin.post('/api/auth/totp/disable', { password: ADMIN_PASSWORD, code: await nextCode(secret) })).json().error.message).toContain('不能解除');

      // The security administrator raises it to everyone: the staff member must enrol before going on.
      const anquan = await login(strict.app, 'anquan', ADMIN_PASSWORD);
      await enrol(anquan, ADMIN_PASSWORD);
      const policy = (await anquan.get('/api/security/policy')).json();
      expect((await anquan.put('/api/security/policy', { ...policy, totp: 'everyone' })).statusCode).toBe(200);
      expect((await staff.get('/api/campaigns')).json().error.code).toBe('TOTP_ENROLMENT_REQUIRED');
      // Losing the phone: the security administrator resets the factor, which ends the holder's sessions.
      await enrol(staff, TEST_PASSWORD);
      expect((await anquan.post(`/api/security/accounts/${staffUser.user.id}/totp-reset`)).statusCode).toBe(200);
      expect((await staff.get('/api/auth/me')).statusCode).toBe(401);
      const again = await login(strict.app, staffUser.username, TEST_PASSWORD);
      expect((await again.get('/api/auth/me')).json().security).toMatchObject({ totpEnabled: false, totpRequired: true });
    } finally {
      await strict.close();
    }
  });
});

describe('sessions', () => {
  it('ends a session at its absolute lifetime however active it is', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    const agent = await login(ctx.app, u.username, TEST_PASSWORD);
    await ctx.db.update(sessions).set({ createdAt: sql`now() - interval '13 hours'`, lastSeenAt: sql`now()` }).where(eq(sessions.userId, u.user.id));
    expect((await agent.get('/api/auth/me')).statusCode).toBe(401);
    expect(await actionsOf(u.user.id)).toContain('session_expired:success');
  });

  it('keeps at most the policy’s sessions per account, ending the oldest', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    const agents: Agent[] = [];
    for (let i = 0; i < 4; i++) agents.push(await login(ctx.app, u.username, TEST_PASSWORD));
    expect((await agents[0].get('/api/auth/me')).statusCode).toBe(401);
    for (const a of agents.slice(1)) expect((await a.get('/api/auth/me')).statusCode).toBe(200);
    expect(await actionsOf(u.user.id)).toContain('session_evicted:success');
  });

  it('shows a user their sessions and lets them end one; the security admin ends anyone’s; logout is audited', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    const phone = await login(ctx.app, u.username, TEST_PASSWORD);
    const desk = await login(ctx.app, u.username, TEST_PASSWORD);
    const mine = (await desk.get('/api/auth/sessions')).json().data;
    expect(mine).toHaveLength(2);
    expect(mine.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const other = mine.find((s: { current: boolean }) => !s.current);
    expect(new Date(other.expiresAt).getTime() - new Date(other.createdAt).getTime()).toBe(12 * 3600_000);
    expect((await desk.delete(`/api/auth/sessions/${other.id}`)).statusCode).toBe(200);
    expect((await phone.get('/api/auth/me')).statusCode).toBe(401);
    // Someone else's session is not theirs to end.
    const stranger = await login(ctx.app, (await makeUser(ctx.db, city.countyA, 'staff')).username, TEST_PASSWORD);
    const current = mine.find((s: { current: boolean }) => s.current);
    expect((await stranger.delete(`/api/auth/sessions/${current.id}`)).statusCode).toBe(404);

    const anquan = await loginDuty(ctx, 'security');
    const listed = (await anquan.get(`/api/security/sessions?userId=${u.user.id}`)).json();
    expect(listed.data.map((s: { id: string }) => s.id)).toEqual([current.id]);
    expect((await anquan.delete(`/api/security/sessions/${current.id}`)).statusCode).toBe(200);
    expect((await desk.get('/api/auth/me')).statusCode).toBe(401);

    const again = await login(ctx.app, u.username, TEST_PASSWORD);
    expect((await again.post('/api/auth/logout')).statusCode).toBe(200);
    expect(await actionsOf(u.user.id)).toEqual(expect.arrayContaining(['session_ended:success', 'logout:success']));
    expect((await agentWithCookie(ctx.app, again.cookie).get('/api/auth/me')).statusCode).toBe(401);
  });
});

describe('the security policy', () => {
  it('is set by the security admin only, with a version, and audited', async () => {
    const anquan = await loginDuty(ctx, 'security');
    const admin = await loginAdmin(ctx);
    expect((await admin.get('/api/security/policy')).statusCode).toBe(403);
    const p = (await anquan.get('/api/security/policy')).json() as Record<string, number>;
    expect(p).toMatchObject({ minLength: 10, minClasses: 3, historyCount: 5, maxAgeDays: 90, lockoutThreshold: 5, sessionMaxHours: 12, maxSessions: 3 });
    const saved = await anquan.put('/api/security/policy', { ...p, minLength: 12 });
    const savedPolicy = saved.json() as Record<string, number>;
    expect(saved.json()).toMatchObject({ minLength: 12, version: p.version + 1 });
    expect((await anquan.put('/api/security/policy', { ...p, minLength: 14 })).statusCode).toBe(409);
    expect((await anquan.put('/api/security/policy', { ...savedPolicy, minLength: 4 })).statusCode).toBe(400);
    const u = await makeUser(ctx.db, city.countyA, 'staff');
    const agent = await login(ctx.app, u.username, TEST_PASSWORD);
    expect((await agent.post('/api/auth/password', { oldPassword: TEST_PASSWORD, newPassword: 'Hx7#qLm-206' })).json().error.message).toBe('密码至少 12 位');
    const [row] = await ctx.db.select().from(auditLog).where(eq(auditLog.entity, 'security_policy'));
    expect(row).toMatchObject({ username: 'anquan', action: 'update', module: 'security' });
    await anquan.put('/api/security/policy', { ...savedPolicy, minLength: 10 });
  });
});
