/** 三员分立: the three separated admin duties, each held alone, and who may touch whose account. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, userRoles, users } from '../../db/schema/index.ts';
import { bootstrap } from '../auth/bootstrap.ts';
import { ADMIN_PASSWORD, login, loginAdmin, loginDuty, loginFirstTime, makeCity, makePerson, makeTestApp, makeUser, type Agent, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let xitong: Agent;
let anquan: Agent;
let shenji: Agent;
let roleId: Record<string, string>;
const userId = async (username: string) => (await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0].id;

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  xitong = await loginDuty(ctx, 'system');
  anquan = await loginDuty(ctx, 'security');
  shenji = await loginDuty(ctx, 'audit');
  roleId = Object.fromEntries((await ctx.db.select().from(roles)).map((r) => [r.code, r.id]));
});
afterAll(() => ctx.close());

const rolesOf = async (username: string) =>
  (await ctx.db.select({ code: roles.code }).from(userRoles).innerJoin(roles, eq(roles.id, userRoles.roleId)).innerJoin(users, eq(users.id, userRoles.userId)).where(eq(users.username, username))).map((r) => r.code).sort();

describe('the first accounts', () => {
  it('are admin with the business role alone and one account per duty', async () => {
    expect(await rolesOf('admin')).toEqual(['dept_admin']);
    expect(await rolesOf('xitong')).toEqual(['sys_admin']);
    expect(await rolesOf('anquan')).toEqual(['security_admin']);
    expect(await rolesOf('shenji')).toEqual(['audit_admin']);
    expect((await xitong.get('/api/auth/me')).json().security.duty).toBe('system');
  });

  it('takes the duties away from an account that holds them beside a business role, at the next start', async () => {
    const u = await makeUser(ctx.db, city.countyA, 'liaison');
    await ctx.db.insert(userRoles).values([{ userId: u.user.id, roleId: roleId.audit_admin }, { userId: u.user.id, roleId: roleId.sys_admin }]);
    expect(await bootstrap(ctx.db, ctx.config)).toEqual([]);
    expect(await rolesOf(u.username)).toEqual(['liaison']);
  });
});

describe('each duty does its own work and nothing else', () => {
  it('the audit admin reads the audit log and nothing else; nobody else reads it', async () => {
    expect((await shenji.get('/api/audit/logs')).statusCode).toBe(200);
    for (const [url, method] of [['/api/campaigns', 'get'], ['/api/org/persons', 'get'], ['/api/security/policy', 'get'], ['/api/org/accounts', 'get']] as const) {
      expect((await shenji[method](url)).statusCode, url).toBe(403);
    }
    expect((await shenji.post('/api/org/units', { parentId: null, name: '审计员建的单位', type: 'department' })).statusCode).toBe(403);
    for (const a of [admin, xitong, anquan]) expect((await a.get('/api/audit/logs')).statusCode).toBe(403);
  });

  it('the security admin keeps the policy and the logins, and sees no business data', async () => {
    expect((await anquan.get('/api/security/accounts?state=duty')).json().data.map((a: { username: string }) => a.username).sort()).toEqual(['anquan', 'shenji', 'xitong']);
    for (const url of ['/api/campaigns', '/api/org/persons', '/api/org/accounts', '/api/dashboards/overview']) expect((await anquan.get(url)).statusCode, url).toBe(403);
  });

  it('the system admin keeps units, accounts and roles, but reads no business records', async () => {
    expect((await xitong.post('/api/org/units', { parentId: null, name: '系统管理员建的单位', type: 'department' })).statusCode).toBe(201);
    expect((await xitong.get('/api/org/accounts')).json().data.map((a: { username: string }) => a.username)).toEqual(expect.arrayContaining(['admin', 'anquan', 'shenji', 'xitong']));
    for (const url of ['/api/campaigns', '/api/study/sessions', '/api/info/items', '/api/security/policy']) expect((await xitong.get(url)).statusCode, url).toBe(403);
  });
});

describe('who manages whose account', () => {
  it('business administrators cannot reset, disable or create 三员 accounts', async () => {
    for (const name of ['xitong', 'anquan', 'shenji']) {
      const res = await admin.patch(`/api/org/accounts/${await userId(name)}`, { version: 1, password: 'Takeover#2026-Q' });
      expect(res.statusCode, name).toBe(403);
    }
    const person = await makePerson(ctx.db, city.city);
    for (const code of ['sys_admin', 'security_admin', 'audit_admin']) {
      const res = await admin.post(`/api/org/persons/${person.id}/account`, { username: `biz_${code}`, password: 'Cz8&uQe-2026', roleIds: [roleId[code]] });
      expect(res.statusCode, code).toBe(403);
      expect(res.json().error.message).toContain('只能由系统管理员授予');
    }
    expect((await login(ctx.app, 'xitong', ADMIN_PASSWORD)).cookie).toBeTruthy();
  });

  it('the system admin never changes its own account nor the roles of the other two, and makes no second system admin', async () => {
    const self = await xitong.patch(`/api/org/accounts/${await userId('xitong')}`, { version: 1, disabled: true });
    expect(self.statusCode).toBe(400);
    const person = await makePerson(ctx.db, city.city, { name: '第二个系统管理员' });
    const second = await xitong.post(`/api/org/persons/${person.id}/account`, { username: 'xitong_b', password: 'Cz8&uQe-2026', roleIds: [roleId.sys_admin] });
    expect(second.statusCode).toBe(403);
    const both = await xitong.post(`/api/org/persons/${person.id}/account`, { username: 'shenji_b', password: 'Cz8&uQe-2026', roleIds: [roleId.audit_admin, roleId.staff] });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toContain('须单独持有');
    // A second audit admin, alone in the role: allowed, on the log, and the new holder sets their own password.
    const created = await xitong.post(`/api/org/persons/${person.id}/account`, { username: 'shenji_b', password: 'Cz8&uQe-2026', roleIds: [roleId.audit_admin] });
    expect(created.statusCode).toBe(201);
    const changeRoles = await xitong.patch(`/api/org/persons/${person.id}/account`, { roleIds: [roleId.staff] });
    expect(changeRoles.statusCode).toBe(403);
    expect(changeRoles.json().error.message).toContain('角色不能修改');
    const shenjiB = await loginFirstTime(ctx.app, 'shenji_b', 'Cz8&uQe-2026');
    expect((await shenjiB.get('/api/audit/logs')).statusCode).toBe(200);
    // The system admin edits no person record behind a 三员 account.
    const edit = await xitong.patch(`/api/org/persons/${person.id}`, { version: 1, post: '改' });
    expect(edit.statusCode).toBe(403);
    expect((await admin.patch(`/api/org/persons/${person.id}`, { version: 1, post: '改' })).statusCode).toBe(403);
  });

  it('the system admin resets the audit admin’s password, who must then change it; the reset is on the log', async () => {
    const id = await userId('shenji');
    const [u] = await ctx.db.select({ version: users.version }).from(users).where(eq(users.id, id));
    expect((await xitong.patch(`/api/org/accounts/${id}`, { version: u.version, password: 'Reset#Shen-2026' })).statusCode).toBe(200);
    expect((await shenji.get('/api/auth/me')).statusCode).toBe(401);
    shenji = await loginFirstTime(ctx.app, 'shenji', 'Reset#Shen-2026');
    const rows = (await shenji.get(`/api/audit/logs?entityId=${id}&action=reset_password`)).json().data;
    expect(rows[0]).toMatchObject({ username: 'xitong', result: 'success' });
    expect(JSON.stringify(rows[0])).not.toContain('Reset#Shen-2026');
  });
});
