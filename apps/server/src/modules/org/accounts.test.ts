import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema/index.ts';
import { login, loginAdmin, loginAs, makeCity, makePerson, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
import { auditRows } from './testing.ts';

let ctx: TestCtx;
let admin: Agent;
let city: Awaited<ReturnType<typeof makeCity>>;
let roleId: Record<string, string>;
beforeAll(async () => {
  ctx = await makeTestApp();
  admin = await loginAdmin(ctx);
  city = await makeCity(ctx.db);
  const roles = (await admin.get('/api/org/roles?pageSize=200')).json().data as { id: string; code: string }[];
  roleId = Object.fromEntries(roles.map((r) => [r.code, r.id]));
});
afterAll(() => ctx.close());

/** A county-scoped account manager: can manage accounts, but only within county A and only up to its own powers. */
async function countyAccountManager() {
  const res = await admin.post('/api/org/roles', {
    code: `county_accounts_${Math.random().toString(36).slice(2, 8)}`,
    name: '县级账号管理员',
    scope: 'subtree',
    permissions: ['org:person:read', 'org:role:read', 'org:role:write', 'campaigns:task:read'],
  });
  expect(res.statusCode).toBe(201);
  const manager = await loginAs(ctx, 'staff', city.countyA);
  const me = (await admin.get(`/api/org/persons/${manager.person.id}`)).json();
  const patched = await admin.patch(`/api/org/persons/${manager.person.id}/account`, { roleIds: [res.json().id] });
  expect(patched.statusCode).toBe(200);
  expect(me.account.username).toBe(manager.username);
  return { ...manager, role: res.json() };
}

describe('roles 角色', () => {
  it('lists the built-in roles in the list envelope', async () => {
    const res = await admin.get('/api/org/roles');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBeGreaterThanOrEqual(6);
    const liaison = body.data.find((r: { code: string }) => r.code === 'liaison');
    expect(liaison).toMatchObject({ name: '单位联络员', scope: 'subtree', builtin: true });
    expect(liaison.permissions).toContain('org:person:write');
  });

  it('creates and edits a role, auditing both, and refuses a stale edit with 409', async () => {
    const created = await admin.post('/api/org/roles', {
      code: 'info_editor',
      name: '信息编辑',
      scope: 'unit',
      permissions: ['org:person:read', 'org:unit:read', 'org:unit:read'],
    });
    expect(created.statusCode).toBe(201);
    const role = created.json();
    expect(role).toMatchObject({ code: 'info_editor', builtin: false, version: 1, permissions: ['org:person:read', 'org:unit:read'] });

    const edited = await admin.patch(`/api/org/roles/${role.id}`, { version: 1, name: '信息编辑（融媒体）', permissions: ['org:unit:read'] });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ name: '信息编辑（融媒体）', permissions: ['org:unit:read'], version: 2 });
    expect((await admin.patch(`/api/org/roles/${role.id}`, { version: 1, name: '过期' })).statusCode).toBe(409);

    const log = await auditRows(ctx.db, 'role', role.id);
    expect(log.map((r) => r.action)).toEqual(['create', 'update']);
    expect(log[1].before).toMatchObject({ name: '信息编辑' });
  });

  it('refuses a duplicate role code with 409', async () => {
    const res = await admin.post('/api/org/roles', { code: 'liaison', name: '重复', scope: 'unit', permissions: [] });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('已存在');
  });

  it('refuses unknown permissions and a bad code with 400 naming the fields', async () => {
    const res = await admin.post('/api/org/roles', { code: 'Bad Code', name: '', scope: 'galaxy', permissions: ['org:planet:destroy'] });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.code', 'body.name', 'body.scope', 'body.permissions.0']));
  });

  it('refuses to change a built-in role with 400', async () => {
    const res = await admin.patch(`/api/org/roles/${roleId.liaison}`, { version: 1, permissions: ['audit:log:read'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('内置角色');
  });

  it('lets nobody build a role more powerful than themselves', async () => {
    const manager = await countyAccountManager();
    const wider = await manager.agent.post('/api/org/roles', { code: 'county_all', name: '全市范围', scope: 'all', permissions: ['org:person:read'] });
    expect(wider.statusCode).toBe(403);
    expect(wider.json().error.message).toContain('数据范围');
    const stronger = await manager.agent.post('/api/org/roles', { code: 'county_audit', name: '偷看审计', scope: 'unit', permissions: ['audit:log:read'] });
    expect(stronger.statusCode).toBe(403);
    expect(stronger.json().error.message).toContain('查看审计日志');
    // Nor widen a role they already hold.
    const own = await manager.agent.patch(`/api/org/roles/${manager.role.id}`, { version: 1, permissions: ['org:role:write', 'audit:log:read'] });
    expect(own.statusCode).toBe(403);
  });

  it('answers 403 to a user without the permission', async () => {
    const liaison = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    expect((await liaison.post('/api/org/roles', { code: 'x_role', name: 'x', scope: 'self', permissions: [] })).statusCode).toBe(403);
    const staff = (await loginAs(ctx, 'staff', city.countyA)).agent;
    expect((await staff.get('/api/org/roles')).statusCode).toBe(403);
  });
});

describe('accounts 账号', () => {
  it('opens an account for a person, who can then sign in with the unit as their scope', async () => {
    const person = await makePerson(ctx.db, city.countyA, { name: '开户人' });
    const res = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'kaihu', password: 'Kaihu-2026!', roleIds: [roleId.liaison] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'kaihu', disabled: false, roles: [{ code: 'liaison', name: '单位联络员' }] });
    expect(res.body).not.toMatch(/scrypt|hash/i);

    const user = await login(ctx.app, 'kaihu', 'Kaihu-2026!');
    const me = (await user.get('/api/auth/me')).json();
    expect(me).toMatchObject({ person: { name: '开户人' }, unit: { id: city.countyA.id }, scope: 'subtree' });
    expect((await admin.get(`/api/org/persons/${person.id}`)).json()).toMatchObject({ username: 'kaihu', account: { username: 'kaihu' } });

    const log = await auditRows(ctx.db, 'user', res.json().userId);
    expect(log[0]).toMatchObject({ action: 'create', username: 'admin' });
    expect(JSON.stringify(log[0].after)).not.toMatch(/scrypt/);
  });

  it('enforces the password policy with a Chinese message naming the field', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    const res = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'weakpw', password: 'abcdefgh', roleIds: [roleId.staff] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ message: '密码须包含大写字母、小写字母、数字、符号中的至少三类', details: [{ field: 'body.password' }] });
    expect(await ctx.db.select().from(users).where(eq(users.username, 'weakpw'))).toHaveLength(0);
  });

  it('refuses a second account for a person and a username already taken, with 409', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    expect((await admin.post(`/api/org/persons/${person.id}/account`, { username: 'twice', password: 'Twice-2026', roleIds: [roleId.staff] })).statusCode).toBe(201);
    const again = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'twice2', password: 'Twice-2026', roleIds: [roleId.staff] });
    expect(again.statusCode).toBe(409);
    const other = await makePerson(ctx.db, city.countyA);
    const taken = await admin.post(`/api/org/persons/${other.id}/account`, { username: 'twice', password: 'Twice-2026', roleIds: [roleId.staff] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toContain('已被使用');
  });

  it('ends the sessions of an account when it is disabled, and lets it sign in again when enabled', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    const created = (await admin.post(`/api/org/persons/${person.id}/account`, { username: 'tingyong', password: 'Tingyong-26', roleIds: [roleId.staff] })).json();
    const user = await login(ctx.app, 'tingyong', 'Tingyong-26');
    expect((await user.get('/api/auth/me')).statusCode).toBe(200);

    const res = await admin.patch(`/api/org/persons/${person.id}/account`, { disabled: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().disabled).toBe(true);
    expect((await user.get('/api/auth/me')).statusCode).toBe(401);
    expect(await ctx.db.select().from(sessions).where(eq(sessions.userId, created.userId))).toHaveLength(0);
    await expect(login(ctx.app, 'tingyong', 'Tingyong-26')).rejects.toThrow(/401/);

    await admin.patch(`/api/org/persons/${person.id}/account`, { disabled: false });
    expect((await (await login(ctx.app, 'tingyong', 'Tingyong-26')).get('/api/auth/me')).statusCode).toBe(200);
    expect((await auditRows(ctx.db, 'user', created.userId)).map((r) => r.action)).toEqual(
      expect.arrayContaining(['create', 'disable', 'update']),
    );
  });

  it('sets a new password, ending the old sessions, and checks the policy', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    await admin.post(`/api/org/persons/${person.id}/account`, { username: 'chongzhi', password: 'Chongzhi-26', roleIds: [roleId.staff] });
    const user = await login(ctx.app, 'chongzhi', 'Chongzhi-26');
    expect((await admin.patch(`/api/org/persons/${person.id}/account`, { password: 'short' })).statusCode).toBe(400);
    expect((await admin.patch(`/api/org/persons/${person.id}/account`, { password: 'Xinmima-2026' })).statusCode).toBe(200);
    expect((await user.get('/api/auth/me')).statusCode).toBe(401);
    await expect(login(ctx.app, 'chongzhi', 'Chongzhi-26')).rejects.toThrow(/401/);
    expect((await (await login(ctx.app, 'chongzhi', 'Xinmima-2026')).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('changes roles, which take effect at once', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    await admin.post(`/api/org/persons/${person.id}/account`, { username: 'gaijuese', password: 'Gaijuese-26', roleIds: [roleId.staff] });
    const user = await login(ctx.app, 'gaijuese', 'Gaijuese-26');
    expect((await user.get('/api/org/groups')).statusCode).toBe(403);
    const res = await admin.patch(`/api/org/persons/${person.id}/account`, { roleIds: [roleId.liaison] });
    expect(res.json().roles.map((r: { code: string }) => r.code)).toEqual(['liaison']);
    expect((await user.get('/api/org/groups')).statusCode).toBe(200);
  });

  it('refuses to grant a role wider or stronger than the granter, with 403', async () => {
    const manager = await countyAccountManager();
    const person = await makePerson(ctx.db, city.countyA);
    for (const code of ['dept_admin', 'liaison', 'sys_admin', 'audit_admin']) {
      const res = await manager.agent.post(`/api/org/persons/${person.id}/account`, { username: `esc_${code}`, password: 'Escalate-26', roleIds: [roleId[code]] });
      expect(res.statusCode, code).toBe(403);
      expect(res.json().error.message).toMatch(/^不能授予超出本人权限的角色/);
    }
    const narrow = await admin.post('/api/org/roles', { code: 'county_reader', name: '县级查阅', scope: 'unit', permissions: ['org:person:read'] });
    const ok = await manager.agent.post(`/api/org/persons/${person.id}/account`, { username: 'county_reader1', password: 'Reader-2026', roleIds: [narrow.json().id] });
    expect(ok.statusCode).toBe(201);
  });

  it('does not let a manager touch an account more powerful than their own', async () => {
    const manager = await countyAccountManager();
    const boss = await loginAs(ctx, 'liaison', city.countyA);
    const res = await manager.agent.patch(`/api/org/persons/${boss.person.id}/account`, { password: 'Takeover-2026' });
    expect(res.statusCode).toBe(403);
    expect((await boss.agent.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('answers 404 for a person outside the granter’s scope', async () => {
    const manager = await countyAccountManager();
    const personB = await makePerson(ctx.db, city.countyB);
    const narrow = await admin.post('/api/org/roles', { code: 'county_reader_b', name: '县级查阅乙', scope: 'unit', permissions: ['org:person:read'] });
    const res = await manager.agent.post(`/api/org/persons/${personB.id}/account`, { username: 'outsider', password: 'Outsider-26', roleIds: [narrow.json().id] });
    expect(res.statusCode).toBe(404);
    const liaisonB = await loginAs(ctx, 'liaison', city.countyB);
    expect((await manager.agent.patch(`/api/org/persons/${liaisonB.person.id}/account`, { disabled: true })).statusCode).toBe(404);
    expect((await liaisonB.agent.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('does not change the caller’s own account here', async () => {
    const manager = await countyAccountManager();
    const res = await manager.agent.patch(`/api/org/persons/${manager.person.id}/account`, { disabled: true });
    expect(res.statusCode).toBe(400);
    expect((await manager.agent.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('answers 404 when a person has no account to change', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    expect((await admin.patch(`/api/org/persons/${person.id}/account`, { disabled: true })).statusCode).toBe(404);
  });
});
