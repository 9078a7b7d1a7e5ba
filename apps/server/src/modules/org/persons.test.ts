import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, persons } from '../../db/schema/index.ts';
import { login, loginAdmin, loginAs, makeCity, makePerson, makeTestApp, makeUnit, type Agent, type TestCtx } from '../../test/harness.ts';
import { phoneColumns as phoneOf } from './persons.ts';
import { auditRows, sheetOf } from './testing.ts';

let ctx: TestCtx;
let admin: Agent;
let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
  ctx = await makeTestApp();
  admin = await loginAdmin(ctx);
  city = await makeCity(ctx.db);
});
afterAll(() => ctx.close());

describe('people 人员', () => {
  it('adds a person, shows the unit and its path, edits and disables them, auditing each change', async () => {
    const res = await admin.post('/api/org/persons', {
      unitId: city.branchA.id,
      name: '李晓梅',
      gender: '女',
      post: '组织委员',
      birthDate: '1993-04-18',
      phone: '13912345678',
      partyMember: true,
    });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      name: '李晓梅',
      unitName: '甲县机关党支部',
      unitPath: `${city.city.name}/甲县委宣传部/甲县机关党支部`,
      gender: '女',
      post: '组织委员',
      birthDate: '1993-04-18',
      phone: '139****5678',
      phoneRevealable: true,
      partyMember: true,
      username: null,
      account: null,
      version: 1,
    });

    const edited = await admin.patch(`/api/org/persons/${p.id}`, { version: 1, post: '宣传委员' });
    expect(edited.statusCode).toBe(200);
    // Fields the edit does not mention stay as they were.
    expect(edited.json()).toMatchObject({ post: '宣传委员', partyMember: true, phone: '139****5678', version: 2 });
    expect((await admin.get(`/api/org/persons/${p.id}/phone`)).json()).toEqual({ phone: '13912345678' });

    const disabled = await admin.patch(`/api/org/persons/${p.id}`, { version: 2, disabled: true });
    expect(disabled.json()).toMatchObject({ disabled: true, version: 3 });

    const log = await auditRows(ctx.db, 'person', p.id);
    expect(log.map((r) => r.action)).toEqual(['create', 'update', 'read_pii', 'disable']);
    expect(log[1]).toMatchObject({ username: 'admin', route: 'PATCH /api/org/persons/:id' });
    expect(log[1].before).toMatchObject({ post: '组织委员', phone: '139****5678' });
    expect(log[1].after).toMatchObject({ post: '宣传委员', phone: '139****5678' });
  });

  it('answers a stale version with 409', async () => {
    const person = await makePerson(ctx.db, city.countyA);
    expect((await admin.patch(`/api/org/persons/${person.id}`, { version: 1, post: '科长' })).statusCode).toBe(200);
    const stale = await admin.patch(`/api/org/persons/${person.id}`, { version: 1, post: '副科长' });
    expect(stale.statusCode).toBe(409);
    expect((await admin.get(`/api/org/persons/${person.id}`)).json().post).toBe('科长');
  });

  it('names each invalid field', async () => {
    const res = await admin.post('/api/org/persons', { unitId: city.countyA.id, name: ' ', birthDate: '1990/1/1', phone: '12345', gender: '未知' });
    expect(res.statusCode).toBe(400);
    const details = res.json().error.details as { field: string; message: string }[];
    expect(details.map((d) => d.field)).toEqual(expect.arrayContaining(['body.name', 'body.birthDate', 'body.phone', 'body.gender']));
    expect(details.find((d) => d.field === 'body.phone')?.message).toBe('手机号应为 11 位手机号或带区号的固定电话');
    expect(details.find((d) => d.field === 'body.birthDate')?.message).toContain('日期格式应为 YYYY-MM-DD');
  });

  it('refuses to add people to a disabled unit', async () => {
    const closed = await makeUnit(ctx.db, { parent: city.countyA, name: '已撤销的科室' });
    await admin.patch(`/api/org/units/${closed.id}`, { version: 1, disabled: true });
    const res = await admin.post('/api/org/persons', { unitId: closed.id, name: '赵六' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('已停用');
  });

  it('filters by unit and below, the unit alone, party membership and age', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.countyB, name: '乙县筛选科' });
    const sub = await makeUnit(ctx.db, { parent: unit, name: '乙县筛选股' });
    await makePerson(ctx.db, unit, { name: '年轻党员', partyMember: true, birthDate: '1998-01-01' });
    await makePerson(ctx.db, unit, { name: '年长群众', partyMember: false, birthDate: '1970-01-01' });
    await makePerson(ctx.db, sub, { name: '下级干部', partyMember: true, birthDate: '1995-06-01' });
    const names = async (qs: string) => (await admin.get(`/api/org/persons?${qs}`)).json().data.map((p: { name: string }) => p.name).sort();
    expect(await names(`unitId=${unit.id}`)).toEqual(['下级干部', '年轻党员', '年长群众']);
    expect(await names(`unitId=${unit.id}&direct=true`)).toEqual(['年轻党员', '年长群众']);
    expect(await names(`unitId=${unit.id}&partyMember=true`)).toEqual(['下级干部', '年轻党员']);
    expect(await names(`unitId=${unit.id}&bornAfter=1991-01-01`)).toEqual(['下级干部', '年轻党员']);
    expect(await names(`unitId=${unit.id}&q=${encodeURIComponent('年长')}`)).toEqual(['年长群众']);
    const sorted = (await admin.get(`/api/org/persons?unitId=${unit.id}&sort=-birthDate`)).json();
    expect(sorted.total).toBe(3);
    expect(sorted.data.map((p: { name: string }) => p.name)).toEqual(['年轻党员', '下级干部', '年长群众']);
  });

  it('moves a person to another unit, and their login follows', async () => {
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    const before = (await admin.get(`/api/org/persons/${liaison.person.id}`)).json();
    const res = await admin.patch(`/api/org/persons/${liaison.person.id}`, { version: before.version, unitId: city.branchA.id });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ unitId: city.branchA.id, unitName: '甲县机关党支部' });
    // The liaison's scope is now the branch: the county itself is out of reach.
    expect((await liaison.agent.get(`/api/org/units/${city.countyA.id}`)).statusCode).toBe(404);
    expect((await liaison.agent.get(`/api/org/units/${city.branchA.id}`)).statusCode).toBe(200);
  });
});

describe('people with logins', () => {
  it('disabling a person ends their sessions and stops them signing in', async () => {
    const staff = await loginAs(ctx, 'staff', city.countyA);
    expect((await staff.agent.get('/api/auth/me')).statusCode).toBe(200);
    const res = await admin.patch(`/api/org/persons/${staff.person.id}`, { version: 1, disabled: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().account.disabled).toBe(true);
    expect((await staff.agent.get('/api/auth/me')).statusCode).toBe(401);
    await expect(login(ctx.app, staff.username, staff.password)).rejects.toThrow(/401/);
  });

  it('will not let a liaison disable or move someone whose login is more powerful (403), nor disable themselves', async () => {
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    const boss = await loginAs(ctx, 'dept_admin', city.countyA);
    const disable = await liaison.agent.patch(`/api/org/persons/${boss.person.id}`, { version: 1, disabled: true });
    expect(disable.statusCode).toBe(403);
    expect(disable.json().error.message).toContain('账号权限超出您的权限');
    const move = await liaison.agent.patch(`/api/org/persons/${boss.person.id}`, { version: 1, unitId: city.branchA.id });
    expect(move.statusCode).toBe(403);
    expect((await boss.agent.get('/api/auth/me')).json().unit.id).toBe(city.countyA.id);
    // An edit that leaves the login alone is fine.
    expect((await liaison.agent.patch(`/api/org/persons/${boss.person.id}`, { version: 1, post: '常务副部长' })).statusCode).toBe(200);

    const self = await liaison.agent.patch(`/api/org/persons/${liaison.person.id}`, { version: 1, disabled: true });
    expect(self.statusCode).toBe(400);
    expect(self.json().error.message).toBe('不能停用本人');
  });
});

describe('person export 导出人员', () => {
  it('exports the people in scope with Chinese headers and every column, whole phones for who keeps the records', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县导出科' });
    await makePerson(ctx.db, unit, { name: '王建国', gender: '男', post: '科长', birthDate: '1980-02-29', phone: '13700001111', partyMember: true });
    await makePerson(ctx.db, city.countyB, { name: '乙县某人' });
    const liaisonA = await loginAs(ctx, 'liaison', city.countyA);
    const liaison = liaisonA.agent;
    const res = await liaison.get('/api/org/persons/export.xlsx');
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('人员列表'));
    const rows = await sheetOf(res);
    expect(rows[0]).toEqual(['姓名', '性别', '单位', '单位路径', '职务', '出生日期', '手机号', '是否党员', '账号', '状态']);
    expect(rows.find((r) => r[0] === '王建国')).toEqual([
      '王建国', '男', '甲县导出科', `${city.city.name}/甲县委宣传部/甲县导出科`, '科长', '1980-02-29', '13700001111', '是', '', '正常',
    ]);
    const text = rows.flat().join();
    expect(text).not.toContain('乙县');
    // The export of personal data is audited: the filters and how many rows, never the people.
    const [exported] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'person'), eq(auditLog.action, 'export'), eq(auditLog.username, liaisonA.username)));
    expect(exported.after).toMatchObject({ rows: rows.length - 1, fullPhones: true });
    expect(JSON.stringify(exported)).not.toContain('王建国');

    // Someone who may read the people but does not keep their records gets the masked number.
    const reviewer = (await loginAs(ctx, 'info_reviewer', city.countyA)).agent;
    const masked = await sheetOf(await reviewer.get('/api/org/persons/export.xlsx'));
    expect(masked.find((r) => r[0] === '王建国')?.[6]).toBe('137****1111');
    expect(masked.flat().join()).not.toContain('13700001111');
  });

  it('applies the list filters to the export', async () => {
    const res = await admin.get(`/api/org/persons/export.xlsx?unitId=${city.countyA.id}&q=${encodeURIComponent('王建国')}`);
    const rows = await sheetOf(res);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['王建国']);
  });
});

describe('who sees whom', () => {
  it('shows a staff member only their own record, in lists, reads and exports', async () => {
    const staff = await loginAs(ctx, 'staff', city.countyA);
    const colleague = await makePerson(ctx.db, city.countyA, { name: '同事甲' });
    const list = (await staff.agent.get('/api/org/persons')).json();
    expect(list.total).toBe(1);
    expect(list.data[0]).toMatchObject({ id: staff.person.id, username: staff.username });
    expect((await staff.agent.get(`/api/org/persons/${staff.person.id}`)).statusCode).toBe(200);
    expect((await staff.agent.get(`/api/org/persons/${colleague.id}`)).statusCode).toBe(404);
    const rows = await sheetOf(await staff.agent.get('/api/org/persons/export.xlsx'));
    expect(rows.slice(1).map((r) => r[0])).toEqual([staff.person.name]);
  });

  it('refuses a staff member who tries to add a person with 403', async () => {
    const staff = await loginAs(ctx, 'staff', city.countyA);
    const res = await staff.agent.post('/api/org/persons', { unitId: city.countyA.id, name: '冒名' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('没有执行此操作的权限');
  });

  it('never shows the password hash', async () => {
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    const body = (await admin.get(`/api/org/persons/${liaison.person.id}`)).body;
    expect(body).toContain(liaison.username);
    expect(body).not.toMatch(/scrypt|passwordHash|password/i);
  });
});

describe('phone numbers 手机号 at rest and on screen', () => {
  const raw = async (id: string) => (await ctx.db.select({ phone: persons.phone, phoneIndex: persons.phoneIndex }).from(persons).where(eq(persons.id, id)))[0];

  it('stores the phone sealed, keeps it out of the audit log, and shows 138****1234 in lists and details', async () => {
    const created = await admin.post('/api/org/persons', { unitId: city.countyA.id, name: '周密', phone: '13812341234' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const stored = await raw(id);
    expect(stored.phone).toMatch(/^sm4\./);
    expect(stored.phone).not.toContain('13812341234');
    expect(stored.phoneIndex).toMatch(/^[0-9a-f]{64}$/);

    const liaison = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    const list = (await liaison.get(`/api/org/persons?unitId=${city.countyA.id}&direct=true&pageSize=100`)).json();
    expect(list.data.find((p: { id: string }) => p.id === id)).toMatchObject({ phone: '138****1234', phoneRevealable: true });
    expect(JSON.stringify(list)).not.toContain('13812341234');
    expect((await liaison.get(`/api/org/persons/${id}`)).json()).toMatchObject({ phone: '138****1234' });

    await admin.patch(`/api/org/persons/${id}`, { version: 1, phone: '13800005555' });
    const log = await auditRows(ctx.db, 'person', id);
    const text = JSON.stringify(log);
    expect(text).not.toMatch(/13812341234|13800005555|sm4\.|phoneIndex/);
    expect(log.find((r) => r.action === 'update')).toMatchObject({ before: { phone: '138****1234' }, after: { phone: '138****5555' } });
  });

  it('reveals the whole number to the person and to who keeps the unit’s records, auditing each look; others get 403, other counties 404', async () => {
    const person = await makePerson(ctx.db, city.branchA, { name: '吴明', phone: '13922223333' });
    const liaisonA = await loginAs(ctx, 'liaison', city.countyA);
    const shown = await liaisonA.agent.get(`/api/org/persons/${person.id}/phone`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({ phone: '13922223333' });
    const [look] = await ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'person'), eq(auditLog.entityId, person.id), eq(auditLog.action, 'read_pii')));
    expect(look).toMatchObject({ username: liaisonA.username, route: 'GET /api/org/persons/:id/phone' });
    expect(JSON.stringify(look)).not.toContain('13922223333');

    // May list the person, may not see the number.
    const reviewer = await loginAs(ctx, 'info_reviewer', city.countyA);
    const listed = (await reviewer.agent.get(`/api/org/persons/${person.id}`)).json();
    expect(listed).toMatchObject({ phone: '139****3333', phoneRevealable: false });
    const refused = await reviewer.agent.get(`/api/org/persons/${person.id}/phone`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('完整手机号');
    expect((await (await loginAs(ctx, 'branch_secretary', city.branchA)).agent.get(`/api/org/persons/${person.id}/phone`)).statusCode).toBe(403);

    // Another county does not learn the person exists.
    const liaisonB = await loginAs(ctx, 'liaison', city.countyB);
    expect((await liaisonB.agent.get(`/api/org/persons/${person.id}/phone`)).statusCode).toBe(404);

    // Everyone sees their own.
    const staff = await loginAs(ctx, 'staff', city.countyA);
    await ctx.db.update(persons).set(phoneOf('13700007777')).where(eq(persons.id, staff.person.id));
    expect((await staff.agent.get('/api/org/persons')).json().data[0]).toMatchObject({ phone: '137****7777', phoneRevealable: true });
    expect((await staff.agent.get(`/api/org/persons/${staff.person.id}/phone`)).json()).toEqual({ phone: '13700007777' });
  });

  it('finds a person by the whole number typed any usual way, and by nothing less', async () => {
    const person = await makePerson(ctx.db, city.countyB, { name: '郑重', phone: '13566667777' });
    const find = async (q: string) => (await admin.get(`/api/org/persons?q=${encodeURIComponent(q)}`)).json().data.map((p: { id: string }) => p.id);
    expect(await find('13566667777')).toEqual([person.id]);
    expect(await find('135 6666 7777')).toEqual([person.id]);
    expect(await find('+86 135-6666-7777')).toEqual([person.id]);
    expect(await find('1356666')).toEqual([]);
    // Another county's liaison does not find them by number either.
    const liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    expect((await liaisonA.get('/api/org/persons?q=13566667777')).json().total).toBe(0);
    // The search is audited with the number masked.
    const reads = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'person'), eq(auditLog.action, 'read')));
    expect(JSON.stringify(reads)).not.toContain('13566667777');
    expect(reads.some((r) => (r.after as { filters?: { q?: string } } | null)?.filters?.q === '135****7777')).toBe(true);
  });

  it('keeps the number when an edit leaves it out, clears it with null, and re-indexes a new one', async () => {
    const person = await makePerson(ctx.db, city.countyA, { name: '冯远', phone: '13611112222' });
    expect((await admin.patch(`/api/org/persons/${person.id}`, { version: 1, post: '科员' })).json()).toMatchObject({ phone: '136****2222' });
    const changed = await admin.patch(`/api/org/persons/${person.id}`, { version: 2, phone: '0931-8123456' });
    expect(changed.json()).toMatchObject({ phone: '0931-****456' });
    expect((await admin.get('/api/org/persons?q=13611112222')).json().total).toBe(0);
    expect((await admin.get('/api/org/persons?q=09318123456')).json().data.map((p: { id: string }) => p.id)).toEqual([person.id]);
    const cleared = await admin.patch(`/api/org/persons/${person.id}`, { version: 3, phone: null });
    expect(cleared.json()).toMatchObject({ phone: null, phoneRevealable: false });
    expect(await raw(person.id)).toEqual({ phone: null, phoneIndex: null });
  });

  it('audits reading the list and a person’s record once per request, without their data', async () => {
    const person = await makePerson(ctx.db, city.countyA, { name: '陈述', phone: '13633334444' });
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    const mine = () => ctx.db.select().from(auditLog).where(and(eq(auditLog.username, liaison.username), eq(auditLog.action, 'read')));
    await liaison.agent.get(`/api/org/persons?unitId=${city.countyA.id}&pageSize=5`);
    await liaison.agent.get(`/api/org/persons/${person.id}`);
    const reads = await mine();
    expect(reads.map((r) => [r.entity, r.entityId])).toEqual([['person', null], ['person', person.id]]);
    expect(reads[0].after).toMatchObject({ filters: { unitId: city.countyA.id, pageSize: 5 }, shown: 5 });
    expect(JSON.stringify(reads)).not.toMatch(/陈述|13633334444|sm4\./);
  });
});
