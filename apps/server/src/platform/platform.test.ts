import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema/index.ts';
import { ADMIN_PASSWORD, login, loginAdmin, loginDuty, makeTestApp, makeUnit, makeUser, type Agent, type TestCtx } from '../test/harness.ts';
import { verifyAuditChain } from './audit.ts';
import type { App } from './types.ts';

let ctx: TestCtx;
beforeAll(async () => {
  ctx = await makeTestApp();
});
afterAll(() => ctx.close());

describe('health, errors and the API document', () => {
  it('answers health without a session', async () => {
    const res = await ctx.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('refuses every other /api route without a session with 401 JSON in Chinese', async () => {
    for (const url of ['/api/auth/me', '/api/org/units', '/api/org/units/tree', '/api/audit/logs']) {
      const res = await ctx.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error).toMatchObject({ code: 'UNAUTHORIZED', message: '请先登录' });
    }
  });

  it('answers unknown API routes with 404 JSON', async () => {
    const admin = await loginAdmin(ctx);
    const res = await admin.get('/api/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('names each invalid field in Chinese', async () => {
    const admin = await loginAdmin(ctx);
    const res = await admin.post('/api/org/units', { parentId: 'not-a-uuid', name: '', type: 'nonsense' });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('VALIDATION');
    const fields = err.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.parentId', 'body.name', 'body.type']));
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('publishes an OpenAPI 3 document with every operation tagged by module', async () => {
    const res = await ctx.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const ops = Object.values(doc.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThan(5);
    for (const op of ops) expect(op.tags?.length).toBeGreaterThan(0);
  });
});

describe('serving the web app', () => {
  it('serves the built index page for app routes and keeps JSON 404 for unknown API routes', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dist = fs.mkdtempSync(path.join(ctx.config.dataDir, 'web-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>落实</title>');
    const { buildApp } = await import('../app.ts');
    const web = await buildApp({ db: ctx.db, config: { ...ctx.config, webDist: dist }, logger: false });
    const page = await web.inject({ url: '/campaigns/some-id' });
    const api = await web.inject({ url: '/api/no-such-route' });
    await web.close();
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>落实</title>');
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
  });
});

describe('login and sessions', () => {
  it('logs in with an HttpOnly SameSite=Lax cookie and reports person, roles, permissions and scope', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = res.json();
    expect(me.user.username).toBe('admin');
    expect(me.scope).toBe('all');
    expect(me.permissions).toContain('org:unit:write');
  });

  it('rejects a wrong password without saying which part was wrong', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/^用户名或密码不正确/);
  });

  it('ends the session on logout', async () => {
    const admin = await loginAdmin(ctx);
    expect((await admin.get('/api/auth/me')).statusCode).toBe(200);
    await admin.post('/api/auth/logout');
    expect((await admin.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('keeps sessions in the database, so a second app on the same database accepts them', async () => {
    const admin = await loginAdmin(ctx);
    const { buildApp } = await import('../app.ts');
    const other = await buildApp({ db: ctx.db, config: ctx.config, logger: false });
    const res = await other.inject({ url: '/api/auth/me', headers: { cookie: admin.cookie } });
    await other.close();
    expect(res.statusCode).toBe(200);
    expect(res.json().user.username).toBe('admin');
  });

  it('expires a session after the idle time', async () => {
    const admin = await loginAdmin(ctx);
    await ctx.db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes'`);
    expect((await admin.get('/api/auth/me')).statusCode).toBe(401);
  });
});

describe('audit log', () => {
  it('records who changed what, and the database refuses to change or delete audit rows', async () => {
    const admin = await loginAdmin(ctx);
    const res = await admin.post('/api/org/units', { parentId: null, name: '审计测试单位', type: 'department' });
    expect(res.statusCode).toBe(201);
    const logs = (await (await loginDuty(ctx, 'audit')).get(`/api/audit/logs?entity=unit&entityId=${res.json().id}`)).json();
    expect(logs.total).toBe(1);
    expect(logs.data[0]).toMatchObject({ username: 'admin', action: 'create', route: 'POST /api/org/units' });
    expect(logs.data[0].after.name).toBe('审计测试单位');
    await expect(ctx.db.execute(sql`update audit_log set action = 'x'`)).rejects.toThrow();
    await expect(ctx.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    expect((await verifyAuditChain(ctx.db)).intact).toBe(true);
    const [{ n }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(n).toBeGreaterThan(1);
  });
});

describe('the client address comes only from trusted proxies', () => {
  /** An app on the same database with its own proxy list and a login limit of three a minute. */
  async function appWith(trustProxy: string[]) {
    const { buildApp } = await import('../app.ts');
    const app = await buildApp({ db: ctx.db, config: { ...ctx.config, trustProxy, loginRatePerMinute: 3 }, logger: false });
    await app.ready();
    return app;
  }
  const loginFrom = (app: App, forwardedFor: string, username: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': forwardedFor }, payload: { username, password } });
  const lastAuditIp = async (username: string) => {
    const [row] = await ctx.db.select({ ip: auditLog.ip }).from(auditLog).where(eq(auditLog.username, username)).orderBy(desc(auditLog.id)).limit(1);
    return row?.ip;
  };

  it('without a trusted proxy, a forged X-Forwarded-For neither escapes the login limit nor reaches the audit log', async () => {
    const app = await appWith([]);
    const unit = await makeUnit(ctx.db);
    const u = await makeUser(ctx.db, unit, 'liaison');
    const first = await loginFrom(app, '203.0.113.1', u.username, u.password);
    expect(first.statusCode).toBe(200);
    expect(await lastAuditIp(u.username)).toBe('127.0.0.1');
    const statuses = [];
    for (const n of [2, 3, 4]) statuses.push((await loginFrom(app, `203.0.113.${n}`, u.username, 'wrong-password')).statusCode);
    await app.close();
    expect(statuses.at(-1)).toBe(429);
  });

  it('behind a trusted proxy, each forwarded client has its own limit and its address is audited', async () => {
    const app = await appWith(['127.0.0.1/32']);
    const unit = await makeUnit(ctx.db);
    const u = await makeUser(ctx.db, unit, 'liaison');
    const statuses = [];
    for (const n of [1, 2, 3, 4]) statuses.push((await loginFrom(app, `198.51.100.${n}`, u.username, 'wrong-password')).statusCode);
    const ok = await loginFrom(app, '198.51.100.77', u.username, u.password);
    await app.close();
    expect(statuses).not.toContain(429);
    expect(ok.statusCode).toBe(200);
    expect(await lastAuditIp(u.username)).toBe('198.51.100.77');
  });

  it('makes the session cookie Secure and sends HSTS only over HTTPS from a trusted proxy', async () => {
    const unit = await makeUnit(ctx.db);
    const u = await makeUser(ctx.db, unit, 'liaison');
    const login = (app: App, headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username: u.username, password: u.password } });
    const plain = await appWith([]);
    const overPlainHttp = await login(plain, {});
    const forgedProto = await login(plain, { 'x-forwarded-proto': 'https' });
    await plain.close();
    const proxied = await appWith(['127.0.0.1']);
    const viaTls = await login(proxied, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.9' });
    const viaHttp = await login(proxied, { 'x-forwarded-for': '198.51.100.9' });
    await proxied.close();
    for (const res of [overPlainHttp, forgedProto, viaHttp]) {
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    expect(viaTls.statusCode).toBe(200);
    expect(String(viaTls.headers['set-cookie'])).toMatch(/;\s*Secure/i);
    expect(viaTls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('keeps LUOSHI_SECURE_COOKIE=true as a way to force Secure cookies', async () => {
    const { buildApp } = await import('../app.ts');
    const app = await buildApp({ db: ctx.db, config: { ...ctx.config, secureCookie: true }, logger: false });
    const unit = await makeUnit(ctx.db);
    const u = await makeUser(ctx.db, unit, 'liaison');
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: u.password } });
    await app.close();
    expect(String(res.headers['set-cookie'])).toMatch(/;\s*Secure/i);
  });
});

describe('state-changing requests come from the app’s own pages', () => {
  const freshAgent = async () => {
    const unit = await makeUnit(ctx.db);
    const u = await makeUser(ctx.db, unit, 'liaison');
    return login(ctx.app, u.username, u.password);
  };
  const logout = (agent: Agent, headers: Record<string, string>) =>
    ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: agent.cookie, host: 'luoshi.example.cn', ...headers } });

  it('refuses a cross-site or same-site write, body-less POSTs included, with 403 in Chinese', async () => {
    const agent = await freshAgent();
    const refused: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example.com' },
      { origin: 'null' },
      { origin: 'http://luoshi.example.cn.evil.example.com' },
      { origin: 'https://luoshi.example.cn' },
      { 'sec-fetch-site': 'same-origin', origin: 'http://evil.example.com' },
    ];
    for (const headers of refused) {
      const res = await logout(agent, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().error.message).toMatch(/跨站请求/);
    }
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/org/units/00000000-0000-4000-8000-000000000000',
      headers: { cookie: agent.cookie, origin: 'https://evil.example.com' },
    });
    expect(del.statusCode).toBe(403);
    expect((await agent.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('lets reads through from anywhere', async () => {
    const agent = await freshAgent();
    const res = await ctx.app.inject({ url: '/api/auth/me', headers: { cookie: agent.cookie, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example.com' } });
    expect(res.statusCode).toBe(200);
  });

  it('accepts its own origin, a typed-in address (Sec-Fetch-Site none), and clients that send neither header', async () => {
    const accepted: Record<string, string>[] = [{ 'sec-fetch-site': 'same-origin', origin: 'http://luoshi.example.cn' }, { origin: 'http://luoshi.example.cn' }, { 'sec-fetch-site': 'none' }, {}];
    for (const headers of accepted) {
      const agent = await freshAgent();
      const res = await logout(agent, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
      expect((await agent.get('/api/auth/me')).statusCode).toBe(401);
    }
  });

  it('compares the origin with the address the browser used, as a trusted proxy forwards it', async () => {
    const { buildApp } = await import('../app.ts');
    const proxied = await buildApp({ db: ctx.db, config: { ...ctx.config, trustProxy: ['127.0.0.1'] }, logger: false });
    const direct = await buildApp({ db: ctx.db, config: { ...ctx.config, trustProxy: [] }, logger: false });
    const forwarded = { host: '127.0.0.1:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'luoshi.example.cn', origin: 'https://luoshi.example.cn' };
    const a = await freshAgent();
    const throughProxy = await proxied.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: a.cookie, ...forwarded } });
    const b = await freshAgent();
    const notTrusted = await direct.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: b.cookie, ...forwarded } });
    await proxied.close();
    await direct.close();
    expect(throughProxy.statusCode).toBe(200);
    expect(notTrusted.statusCode).toBe(403);
  });
});

describe('API answers are never cached', () => {
  it('sends Cache-Control: no-store on answers, errors and file downloads', async () => {
    const unit = await makeUnit(ctx.db);
    const u = await makeUser(ctx.db, unit, 'liaison');
    const agent = await login(ctx.app, u.username, u.password);
    const download = await agent.get('/api/org/imports/template/persons');
    expect(download.statusCode).toBe(200);
    expect(String(download.headers['content-disposition'])).toMatch(/attachment/);
    const answers = [
      await ctx.app.inject({ url: '/api/health' }),
      await agent.get('/api/auth/me'),
      await ctx.app.inject({ url: '/api/auth/me' }),
      await agent.get('/api/no-such-thing'),
      await agent.post('/api/auth/logout'),
      download,
    ];
    for (const res of answers) expect(res.headers['cache-control'], res.body.slice(0, 80)).toBe('no-store');
  });
});

describe('bad input is a 400 naming the field, never a 500', () => {
  let agent: Agent;
  beforeAll(async () => {
    const unit = await makeUnit(ctx.db);
    const u = await makeUser(ctx.db, unit, 'liaison');
    agent = await login(ctx.app, u.username, u.password);
  });
  const expectField = (res: { statusCode: number; json: () => any }, field: string) => {
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('VALIDATION');
    expect(err.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(err.message).toContain(field);
    expect(err.message).toMatch(/[\u4e00-\u9fa5]/);
  };

  it('refuses NUL in the unauthenticated login', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ad\u0000min', password: 'x\u0000' } });
    expectField(res, 'body.username');
  });

  it('refuses NUL in query strings, path parameters, arrays and JSON held in a string', async () => {
    expectField(await agent.get('/api/org/persons?q=%00'), 'querystring.q');
    expectField(await agent.get('/api/org/persons/%00'), 'params.id');
    const meeting = { type: 'weekly', title: '周例会', heldAt: '2026-03-02T09:00:00+08:00', attendeeIds: [] };
    expectField(await agent.post('/api/meetings', { ...meeting, decisions: ['第一项', '第二项\u0000'] }), 'body.decisions.1');
    expectField(await agent.post('/api/org/persons', { name: '{"a":"\\u0000"}' }), 'body.name');
    expectField(await agent.post('/api/org/persons', { name: '张三', ['x\u0000']: 1 }), 'body');
  });

  it('refuses integers beyond int4, in bodies and in coerced query strings', async () => {
    expectField(await agent.patch('/api/org/persons/00000000-0000-4000-8000-000000000000', { version: 2147483648, name: '张三' }), 'body.version');
    expectField(await agent.get('/api/org/persons?page=2147483648'), 'querystring.page');
    const huge = await ctx.app.inject({ method: 'PATCH', url: '/api/org/persons/00000000-0000-4000-8000-000000000000', headers: { cookie: agent.cookie, 'content-type': 'application/json' }, payload: '{"version":1e400}' });
    expectField(huge, 'body.version');
  });

  it('refuses NUL in the name of an uploaded file and in form fields', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    expectField(await agent.upload('/api/campaigns/uploads', [{ name: 'a\u0000b.pdf', content: pdf }]), 'body.file');
    const boundary = '----luoshi-nul';
    const payload = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''%E4%BD%90%00.pdf\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`,
    );
    const encoded = await ctx.app.inject({ method: 'POST', url: '/api/campaigns/uploads', headers: { cookie: agent.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expectField(encoded, 'body.file');
    const withField = await agent.upload('/api/study/scores/imports', [{ name: 'a.csv', content: Buffer.from('姓名,积分\n张三,1\n') }], { platform: 'xuexi\u0000', month: '2026-01' });
    expect(withField.statusCode).toBe(400);
    expect(withField.json().error.details.map((d: { field: string }) => d.field)).toContain('body.platform');
  });

  it('answers every error with a details list, empty when there is nothing to name', async () => {
    for (const res of [await agent.get('/api/no-such-thing'), await ctx.app.inject({ url: '/api/auth/me' })]) {
      expect(res.json().error.details).toEqual([]);
    }
  });
});

describe('logs keep secrets out', () => {
  it('a failed query logs neither the password nor the phone number it was given, nor secret query values', async () => {
    const { Writable } = await import('node:stream');
    const { buildApp } = await import('../app.ts');
    const lines: string[] = [];
    const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const app = await buildApp({ db: ctx.db, config: { ...ctx.config, logLevel: 'info' }, logger: { level: 'info', stream } });
    const password = 'Zq9-secret-Passw0rd';
    const phone = '13987654321';
    // A route whose query fails in the database with the caller's password and phone among its parameters.
    app.post('/api/test/failing-query', { config: { public: true } }, async (req) => {
      const b = req.body as { password: string; phone: string };
      await ctx.db.execute(sql`select ${b.password}::int as a, ${b.phone}::int as b`);
      return { ok: true };
    });
    const res = await app.inject({ method: 'POST', url: `/api/test/failing-query?phone=${phone}&token=${password}`, payload: { password, phone } });
    await app.close();
    expect(res.statusCode).toBe(500);
    const log = lines.join('');
    expect(log).toContain('unhandled error');
    expect(log).toContain('select $1::int');
    expect(log).not.toContain(password);
    expect(log).not.toContain(phone);
  });
});
