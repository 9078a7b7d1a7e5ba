import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema/index.ts';
import { ADMIN_PASSWORD, loginAdmin, makeTestApp, type TestCtx } from '../test/harness.ts';
import { verifyAuditChain } from './audit.ts';

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
    expect(res.json().error.message).toBe('用户名或密码不正确');
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
    const logs = (await admin.get(`/api/audit/logs?entity=unit&entityId=${res.json().id}`)).json();
    expect(logs.total).toBe(1);
    expect(logs.data[0]).toMatchObject({ username: 'admin', action: 'create', route: 'POST /api/org/units' });
    expect(logs.data[0].after.name).toBe('审计测试单位');
    await expect(ctx.db.execute(sql`update audit_log set action = 'x'`)).rejects.toThrow();
    await expect(ctx.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    expect(await verifyAuditChain(ctx.db)).toBeNull();
    const [{ n }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(n).toBeGreaterThan(1);
  });
});
