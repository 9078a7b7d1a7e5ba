/**
 * The organisation module's scope walk: a liaison of county A, holding every permission the module's county
 * routes need, reaches nothing of county B — every read and change answers 404 and nothing changes; lists and
 * exports never show county B. A staff member sees only their own record; a role without the permission gets 403.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groups, persons, units } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, makeUnit, type Agent, type TestCtx } from '../../test/harness.ts';
import { sheetOf, xlsxOf } from './testing.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let liaisonA: Agent;
let b: { unit: string; branch: string; person: string; group: string; subUnit: string };
let a: { unit: string; person: string; group: string };
beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  const admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  const personB = await makePerson(ctx.db, city.countyB, { name: '乙县干部' });
  const subUnitB = await makeUnit(ctx.db, { parent: city.countyB, name: '乙县宣教科' });
  const groupB = (await admin.post('/api/org/groups', { unitId: city.countyB.id, name: '乙县领导小组', type: 'leading', members: [{ personId: personB.id, role: 'leader' }] })).json();
  const personA = await makePerson(ctx.db, city.countyA, { name: '甲县干部' });
  const groupA = (await admin.post('/api/org/groups', { unitId: city.countyA.id, name: '甲县领导小组', type: 'leading', members: [{ personId: personA.id, role: 'leader' }] })).json();
  b = { unit: city.countyB.id, branch: city.branchB.id, person: personB.id, group: groupB.id, subUnit: subUnitB.id };
  a = { unit: city.countyA.id, person: personA.id, group: groupA.id };
});
afterAll(() => ctx.close());

const B_MARK = /乙县/;

describe('scope walk: a liaison of county A never reaches county B', () => {
  it('gets 404 reading county B’s units, people and groups', async () => {
    for (const url of [`/api/org/units/${b.unit}`, `/api/org/units/${b.branch}`, `/api/org/persons/${b.person}`, `/api/org/groups/${b.group}`]) {
      const res = await liaisonA.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.message).toMatch(/不存在或无权访问$/);
      expect(res.body).not.toMatch(B_MARK);
    }
  });

  it('gets 404 changing county B’s units, people and groups, and nothing changes', async () => {
    const calls: [string, string, unknown][] = [
      ['patch', `/api/org/units/${b.unit}`, { version: 1, name: '越权改名' }],
      ['patch', `/api/org/units/${b.branch}`, { version: 1, disabled: true }],
      ['post', `/api/org/units/${b.branch}/move`, { version: 1, parentId: a.unit }],
      ['patch', `/api/org/persons/${b.person}`, { version: 1, name: '越权改名' }],
      ['patch', `/api/org/groups/${b.group}`, { version: 1, name: '越权改名', members: [] }],
    ];
    for (const [method, url, body] of calls) {
      const res = await (method === 'post' ? liaisonA.post(url, body) : liaisonA.patch(url, body));
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await ctx.db.select().from(units).where(eq(units.id, b.unit)))[0]).toMatchObject({ name: '乙县委宣传部', version: 1 });
    expect((await ctx.db.select().from(units).where(eq(units.id, b.branch)))[0]).toMatchObject({ disabled: false, parentId: b.unit });
    expect((await ctx.db.select().from(persons).where(eq(persons.id, b.person)))[0]).toMatchObject({ name: '乙县干部', version: 1 });
    expect((await ctx.db.select().from(groups).where(eq(groups.id, b.group)))[0]).toMatchObject({ name: '乙县领导小组', version: 1 });
  });

  it('gets 404 moving its own units into county B, or people and groups over to county B', async () => {
    const mine = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县待移科' });
    const move = await liaisonA.post(`/api/org/units/${mine.id}/move`, { version: 1, parentId: b.unit });
    expect(move.statusCode).toBe(404);
    expect((await ctx.db.select().from(units).where(eq(units.id, mine.id)))[0].parentId).toBe(a.unit);

    const person = await liaisonA.patch(`/api/org/persons/${a.person}`, { version: 1, unitId: b.unit });
    expect(person.statusCode).toBe(404);
    expect((await ctx.db.select().from(persons).where(eq(persons.id, a.person)))[0].unitId).toBe(a.unit);

    const member = await liaisonA.patch(`/api/org/groups/${a.group}`, { version: 1, members: [{ personId: b.person, role: 'member' }] });
    expect(member.statusCode).toBe(404);
  });

  it('gets 404 creating units, people and groups in county B', async () => {
    const before = (await ctx.db.select().from(persons)).length;
    expect((await liaisonA.post('/api/org/persons', { unitId: b.unit, name: '越权新增' })).statusCode).toBe(404);
    expect((await liaisonA.post('/api/org/persons', { unitId: b.branch, name: '越权新增' })).statusCode).toBe(404);
    expect((await liaisonA.post('/api/org/units', { parentId: b.unit, name: '越权单位', type: 'branch' })).statusCode).toBe(404);
    expect((await liaisonA.post('/api/org/groups', { unitId: b.unit, name: '越权小组', type: 'study' })).statusCode).toBe(404);
    expect((await ctx.db.select().from(persons)).length).toBe(before);
    expect(await ctx.db.select().from(units).where(eq(units.name, '越权单位'))).toHaveLength(0);
  });

  it('cannot import into county B: those rows are refused as outside its scope', async () => {
    const file = await xlsxOf([['姓名', '单位'], ['越权导入', '乙县委宣传部'], ['越权导入二', `${city.city.name}/乙县委宣传部/乙县宣教科`]]);
    const res = await liaisonA.upload('/api/org/imports/persons', [{ name: '人员.xlsx', content: file }]);
    expect(res.json()).toMatchObject({ valid: 0, errors: [{ line: 2 }, { line: 3 }] });
    expect(res.json().errors.every((e: { reason: string }) => e.reason.endsWith('不在您的管辖范围内'))).toBe(true);
  });

  it('sees no county B row in any list, tree or export', async () => {
    for (const url of [
      '/api/org/units?pageSize=200',
      '/api/org/units?pageSize=200&includeDisabled=true',
      `/api/org/units?parentId=${b.unit}`,
      '/api/org/units/tree?includeDisabled=true',
      '/api/org/persons?pageSize=200',
      `/api/org/persons?unitId=${b.unit}`,
      '/api/org/groups?pageSize=200',
      `/api/org/groups?unitId=${b.unit}`,
    ]) {
      const res = await liaisonA.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(B_MARK);
    }
    const ownUnits = (await liaisonA.get('/api/org/units?pageSize=200')).json();
    expect(ownUnits.data.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['甲县委宣传部', '甲县机关党支部']));
    expect((await liaisonA.get('/api/org/groups')).json().data.map((g: { name: string }) => g.name)).toEqual(['甲县领导小组']);

    for (const url of ['/api/org/units/export.xlsx?includeDisabled=true', '/api/org/persons/export.xlsx', `/api/org/persons/export.xlsx?unitId=${b.unit}`]) {
      const rows = await sheetOf(await liaisonA.get(url));
      expect(rows.flat().join('|'), url).not.toMatch(B_MARK);
    }
    const exported = await sheetOf(await liaisonA.get('/api/org/persons/export.xlsx'));
    expect(exported.map((r) => r[0])).toContain('甲县干部');
  });
});

describe('a staff member sees only their own record', () => {
  it('lists, reads and exports only themselves, and gets 404 for a colleague', async () => {
    const staff = await loginAs(ctx, 'staff', city.countyA);
    const list = (await staff.agent.get('/api/org/persons')).json();
    expect(list.data.map((p: { id: string }) => p.id)).toEqual([staff.person.id]);
    expect((await staff.agent.get(`/api/org/persons/${a.person}`)).statusCode).toBe(404);
    expect((await staff.agent.get(`/api/org/persons/${b.person}`)).statusCode).toBe(404);
    const rows = await sheetOf(await staff.agent.get('/api/org/persons/export.xlsx'));
    expect(rows).toHaveLength(2);
    expect(rows[1][0]).toBe(staff.person.name);
  });

  it('gets 403 for what the role does not allow', async () => {
    const staff = (await loginAs(ctx, 'staff', city.countyA)).agent;
    const calls: [string, string, unknown?][] = [
      ['get', '/api/org/groups'],
      ['get', `/api/org/groups/${a.group}`],
      ['get', '/api/org/roles'],
      ['post', '/api/org/persons', { unitId: a.unit, name: '某人' }],
      ['patch', `/api/org/persons/${a.person}`, { version: 1, name: '某人' }],
      ['post', '/api/org/units', { parentId: a.unit, name: '某单位', type: 'branch' }],
      ['patch', `/api/org/units/${a.unit}`, { version: 1, name: '某单位' }],
      ['post', '/api/org/groups', { unitId: a.unit, name: '某组', type: 'study' }],
      ['patch', `/api/org/persons/${a.person}/account`, { disabled: true }],
    ];
    for (const [method, url, body] of calls) {
      const res = await (method === 'get' ? staff.get(url) : method === 'post' ? staff.post(url, body) : staff.patch(url, body));
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });
});
