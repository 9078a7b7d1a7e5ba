import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema/index.ts';
import { login, loginAdmin, loginAs, loginFirstTime, makeCity, makePerson, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
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
    const stronger = await manager.agent.post('/api/org/roles', { code: 'county_points', name: '越权审核', scope: 'unit', permissions: ['points:claim:approve'] });
    expect(stronger.statusCode).toBe(403);
    expect(stronger.json().error.message).toContain('审核加减分');
    // Nor widen a role they already hold.
    const own = await manager.agent.patch(`/api/org/roles/${manager.role.id}`, { version: 1, permissions: ['org:role:write', 'points:claim:approve'] });
    expect(own.statusCode).toBe(403);
    // The separated duties' permissions stay in their own roles, whoever asks.
    const audit = await admin.post('/api/org/roles', { code: 'county_audit', name: '偷看审计', scope: 'unit', permissions: ['audit:log:read'] });
    expect(audit.statusCode).toBe(400);
    expect(audit.json().error.message).toContain('只属于三员角色');
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
    const res = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'kaihu', password: 'Hx7#qLm-2026', roleIds: [roleId.liaison] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'kaihu', disabled: false, roles: [{ code: 'liaison', name: '单位联络员' }] });
    expect(res.body).not.toMatch(/scrypt|hash/i);

    const first = await login(ctx.app, 'kaihu', 'Hx7#qLm-2026');
    // The password an administrator chose works once, to choose one only its holder knows.
    expect((await first.get('/api/auth/me')).json().security).toMatchObject({ mustChangePassword: true });
    expect((await first.get('/api/org/groups')).json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const user = await loginFirstTime(ctx.app, 'kaihu', 'Hx7#qLm-2026');
    const me = (await user.get('/api/auth/me')).json();
    expect(me).toMatchObject({ person: { name: '开户人' }, unit: { id: city.countyA.id }, scope: 'subtree', security: { mustChangePassword: false } });
    expect((await user.get('/api/org/groups')).statusCode).toBe(200);
    expect((await admin.get(`/api/org/persons/${person.id}`)).json()).toMatchObject({ username: 'kaihu', account: { username: 'kaihu' } });

    const log = await auditRows(ctx.db, 'user', res.json().userId);
    expect(log[0]).toMatchObject({ action: 'create', username: 'admin' });
    expect(JSON.stringify(log[0].after)).not.toMatch(/scrypt/);
  });

  it('enforces the password policy with a Chinese message naming the field', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    const res = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'weakpw', password: 'abcdefgh', roleIds: [roleId.staff] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ message: '密码至少 10 位', details: [{ field: 'body.password' }] });
    const common = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'weakpw', password: 'Password123!', roleIds: [roleId.staff] });
    expect(common.json().error.message).toMatch(/过于常见/);
    const named = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'weakpw', password: 'Weakpw#2026-Tz', roleIds: [roleId.staff] });
    expect(named.json().error.message).toBe('密码不能包含用户名');
    expect(await ctx.db.select().from(users).where(eq(users.username, 'weakpw'))).toHaveLength(0);
  });

  it('refuses a second account for a person and a username already taken, with 409', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    expect((await admin.post(`/api/org/persons/${person.id}/account`, { username: 'twice', password: 'Wp4!tRz-2026', roleIds: [roleId.staff] })).statusCode).toBe(201);
    const again = await admin.post(`/api/org/persons/${person.id}/account`, { username: 'twice2', password: 'Wp4!tRz-2026', roleIds: [roleId.staff] });
    expect(again.statusCode).toBe(409);
    const other = await makePerson(ctx.db, city.countyA);
    const taken = await admin.post(`/api/org/persons/${other.id}/account`, { username: 'twice', password: 'Wp4!tRz-2026', roleIds: [roleId.staff] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toContain('已被使用');
  });

  it('ends the sessions of an account when it is disabled, and lets it sign in again when enabled', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    const created = (await admin.post(`/api/org/persons/${person.id}/account`, { username: 'tingyong', password: 'Jk9@vNc-2026', roleIds: [roleId.staff] })).json();
    const user = await loginFirstTime(ctx.app, 'tingyong', 'Jk9@vNc-2026');
    expect((await user.get('/api/auth/me')).statusCode).toBe(200);

    const res = await admin.patch(`/api/org/persons/${person.id}/account`, { disabled: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().disabled).toBe(true);
    expect((await user.get('/api/auth/me')).statusCode).toBe(401);
    expect(await ctx.db.select().from(sessions).where(eq(sessions.userId, created.userId))).toHaveLength(0);
    await expect(login(ctx.app, 'tingyong', user.password)).rejects.toThrow(/401/);

    await admin.patch(`/api/org/persons/${person.id}/account`, { disabled: false });
    expect((await (await login(ctx.app, 'tingyong', user.password)).get('/api/auth/me')).statusCode).toBe(200);
    expect((await auditRows(ctx.db, 'user', created.userId)).map((r) => r.action)).toEqual(
      expect.arrayContaining(['create', 'disable', 'update']),
    );
  });

  it('sets a new password, ending the old sessions, and checks the policy', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    await admin.post(`/api/org/persons/${person.id}/account`, { username: 'chongzhi', password: 'Rb3$yGd-2026', roleIds: [roleId.staff] });
    const user = await loginFirstTime(ctx.app, 'chongzhi', 'Rb3$yGd-2026');
    expect((await admin.patch(`/api/org/persons/${person.id}/account`, { password: 'short' })).statusCode).toBe(400);
    expect((await admin.patch(`/api/org/persons/${person.id}/account`, { password: 'Tf6%kWs-2026' })).statusCode).toBe(200);
    expect((await user.get('/api/auth/me')).statusCode).toBe(401);
    await expect(login(ctx.app, 'chongzhi', user.password)).rejects.toThrow(/401/);
    // A reset password is an initial one again: its holder must replace it at once.
    const again = await login(ctx.app, 'chongzhi', 'Tf6%kWs-2026');
    expect((await again.get('/api/auth/me')).json().security.mustChangePassword).toBe(true);
    expect((await again.get('/api/campaigns')).statusCode).toBe(403);
  });

  it('changes roles, which take effect at once', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    await admin.post(`/api/org/persons/${person.id}/account`, { username: 'gaijuese', password: 'Mn2^pHx-2026', roleIds: [roleId.staff] });
    const user = await loginFirstTime(ctx.app, 'gaijuese', 'Mn2^pHx-2026');
    expect((await user.get('/api/org/groups')).statusCode).toBe(403);
    const res = await admin.patch(`/api/org/persons/${person.id}/account`, { roleIds: [roleId.liaison] });
    expect(res.json().roles.map((r: { code: string }) => r.code)).toEqual(['liaison']);
    expect((await user.get('/api/org/groups')).statusCode).toBe(200);
  });

  it('refuses to grant a role wider or stronger than the granter, with 403', async () => {
    const manager = await countyAccountManager();
    const person = await makePerson(ctx.db, city.countyA);
    for (const code of ['dept_admin', 'liaison', 'sys_admin', 'security_admin', 'audit_admin']) {
      const res = await manager.agent.post(`/api/org/persons/${person.id}/account`, { username: `esc_${code}`, password: 'Cz8&uQe-2026', roleIds: [roleId[code]] });
      expect(res.statusCode, code).toBe(403);
      expect(res.json().error.message).toMatch(/^不能授予超出本人权限的角色/);
    }
    const narrow = await admin.post('/api/org/roles', { code: 'county_reader', name: '县级查阅', scope: 'unit', permissions: ['org:person:read'] });
    const ok = await manager.agent.post(`/api/org/persons/${person.id}/account`, { username: 'county_reader1', password: 'Dv5*rKa-2026', roleIds: [narrow.json().id] });
    expect(ok.statusCode).toBe(201);
  });

  it('does not let a manager touch an account more powerful than their own', async () => {
    const manager = await countyAccountManager();
    const boss = await loginAs(ctx, 'liaison', city.countyA);
    const res = await manager.agent.patch(`/api/org/persons/${boss.person.id}/account`, { password: 'Gs1~wBn-2026' });
    expect(res.statusCode).toBe(403);
    expect((await boss.agent.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('answers 404 for a person outside the granter’s scope', async () => {
    const manager = await countyAccountManager();
    const personB = await makePerson(ctx.db, city.countyB);
    const narrow = await admin.post('/api/org/roles', { code: 'county_reader_b', name: '县级查阅乙', scope: 'unit', permissions: ['org:person:read'] });
    const res = await manager.agent.post(`/api/org/persons/${personB.id}/account`, { username: 'outsider', password: 'Yq0=jFt-2026', roleIds: [narrow.json().id] });
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
