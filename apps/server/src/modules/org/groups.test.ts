import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
import { auditRows } from './testing.ts';

let ctx: TestCtx;
let admin: Agent;
let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
  ctx = await makeTestApp();
  admin = await loginAdmin(ctx);
  city = await makeCity(ctx.db);
});
afterAll(() => ctx.close());

describe('groups 领导小组 / 工作专班 / 学习小组 / 宣讲队', () => {
  it('creates a leading group with 组长, 副组长 and 成员, lists it, and replaces members wholesale', async () => {
    const head = await makePerson(ctx.db, city.countyA, { name: '组长甲', post: '部长' });
    const deputy = await makePerson(ctx.db, city.countyA, { name: '副组长乙', post: '副部长' });
    const m1 = await makePerson(ctx.db, city.branchA, { name: '成员丙' });
    const m2 = await makePerson(ctx.db, city.branchA, { name: '成员丁' });
    const liaison = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    const res = await liaison.post('/api/org/groups', {
      unitId: city.countyA.id,
      name: '甲县“学比转提”专项行动领导小组',
      type: 'leading',
      members: [
        { personId: m1.id, role: 'member' },
        { personId: head.id, role: 'leader' },
        { personId: deputy.id, role: 'deputy' },
      ],
    });
    expect(res.statusCode).toBe(201);
    const group = res.json();
    expect(group).toMatchObject({ unitName: '甲县委宣传部', type: 'leading', version: 1 });
    expect(group.members.map((m: { name: string; role: string }) => `${m.role}:${m.name}`)).toEqual([
      'leader:组长甲',
      'deputy:副组长乙',
      'member:成员丙',
    ]);
    expect(group.members[0]).toMatchObject({ post: '部长', unitName: '甲县委宣传部' });

    const list = (await liaison.get('/api/org/groups?type=leading')).json();
    expect(list.data.map((g: { id: string }) => g.id)).toContain(group.id);

    // Renaming leaves members alone; sending members replaces them all.
    const renamed = await liaison.patch(`/api/org/groups/${group.id}`, { version: 1, name: '甲县专项行动领导小组' });
    expect(renamed.json().members).toHaveLength(3);
    const replaced = await liaison.patch(`/api/org/groups/${group.id}`, {
      version: 2,
      members: [
        { personId: deputy.id, role: 'leader' },
        { personId: m2.id, role: 'member' },
      ],
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ name: '甲县专项行动领导小组', version: 3 });
    expect(replaced.json().members.map((m: { name: string; role: string }) => `${m.role}:${m.name}`)).toEqual(['leader:副组长乙', 'member:成员丁']);

    const log = await auditRows(ctx.db, 'group', group.id);
    expect(log.map((r) => r.action)).toEqual(['create', 'update', 'update']);
    expect((log[2].before as { members: unknown[] }).members).toHaveLength(3);
    expect((log[2].after as { members: unknown[] }).members).toEqual([
      { personId: deputy.id, role: 'leader' },
      { personId: m2.id, role: 'member' },
    ]);
  });

  it('allows at most one 组长', async () => {
    const a = await makePerson(ctx.db, city.countyA);
    const b = await makePerson(ctx.db, city.countyA);
    const res = await admin.post('/api/org/groups', {
      unitId: city.countyA.id,
      name: '两个组长的宣讲队',
      type: 'lecture',
      members: [
        { personId: a.id, role: 'leader' },
        { personId: b.id, role: 'leader' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('一个小组只能有一名组长，当前有 2 名');
  });

  it('refuses the same person twice', async () => {
    const a = await makePerson(ctx.db, city.countyA);
    const res = await admin.post('/api/org/groups', {
      unitId: city.countyA.id,
      name: '重复成员学习小组',
      type: 'study',
      members: [
        { personId: a.id, role: 'deputy' },
        { personId: a.id, role: 'member' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('body.members.1.personId');
  });

  it('names invalid fields', async () => {
    const res = await admin.post('/api/org/groups', { unitId: city.countyA.id, name: '', type: 'choir', members: [{ personId: 'x', role: 'boss' }] });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.type', 'body.members.0.personId', 'body.members.0.role']));
  });

  it('answers a stale version with 409', async () => {
    const g = (await admin.post('/api/org/groups', { unitId: city.countyA.id, name: '并发专班', type: 'task_force' })).json();
    expect((await admin.patch(`/api/org/groups/${g.id}`, { version: 1, name: '并发专班一' })).statusCode).toBe(200);
    expect((await admin.patch(`/api/org/groups/${g.id}`, { version: 1, name: '并发专班二' })).statusCode).toBe(409);
    expect((await admin.get(`/api/org/groups/${g.id}`)).json().name).toBe('并发专班一');
  });

  it('will not put another county’s people into a group (404) and leaves the group unchanged', async () => {
    const liaison = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    const mine = await makePerson(ctx.db, city.countyA);
    const theirs = await makePerson(ctx.db, city.countyB);
    const create = await liaison.post('/api/org/groups', {
      unitId: city.countyA.id,
      name: '跨县专班',
      type: 'task_force',
      members: [
        { personId: mine.id, role: 'leader' },
        { personId: theirs.id, role: 'member' },
      ],
    });
    expect(create.statusCode).toBe(404);
    const g = (await liaison.post('/api/org/groups', { unitId: city.countyA.id, name: '本县专班', type: 'task_force', members: [{ personId: mine.id, role: 'leader' }] })).json();
    const patch = await liaison.patch(`/api/org/groups/${g.id}`, { version: 1, members: [{ personId: theirs.id, role: 'member' }] });
    expect(patch.statusCode).toBe(404);
    const after = (await liaison.get(`/api/org/groups/${g.id}`)).json();
    expect(after).toMatchObject({ version: 1, members: [{ personId: mine.id, role: 'leader' }] });
  });
});
