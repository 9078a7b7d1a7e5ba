import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, loginAs, makeCity, makeTestApp, makeUnit, type Agent, type TestCtx } from '../../test/harness.ts';
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

describe('units 单位', () => {
  it('creates, renames, disables and moves a unit, auditing each change', async () => {
    const created = await admin.post('/api/org/units', { parentId: city.countyA.id, name: '甲县融媒体中心', type: 'media_center', sort: 3 });
    expect(created.statusCode).toBe(201);
    const unit = created.json();
    expect(unit).toMatchObject({ parentId: city.countyA.id, name: '甲县融媒体中心', type: 'media_center', sort: 3, version: 1, disabled: false });
    expect(unit.path).toBe(`${city.countyA.path}${unit.id}/`);

    const renamed = await admin.patch(`/api/org/units/${unit.id}`, { version: 1, name: '甲县融媒体中心（新）' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: '甲县融媒体中心（新）', version: 2 });

    const moved = await admin.post(`/api/org/units/${unit.id}/move`, { version: 2, parentId: city.countyB.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ parentId: city.countyB.id, path: `${city.countyB.path}${unit.id}/`, version: 3 });

    const disabled = await admin.patch(`/api/org/units/${unit.id}`, { version: 3, disabled: true });
    expect(disabled.json()).toMatchObject({ disabled: true, version: 4 });

    const log = await auditRows(ctx.db, 'unit', unit.id);
    expect(log.map((r) => r.action)).toEqual(['create', 'update', 'move', 'disable']);
    expect(log[1]).toMatchObject({ username: 'admin', route: 'PATCH /api/org/units/:id' });
    expect((log[1].before as { name: string }).name).toBe('甲县融媒体中心');
    expect((log[1].after as { name: string }).name).toBe('甲县融媒体中心（新）');
  });

  it('answers a stale version with 409 and leaves the unit as it was', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.countyA, name: '并发测试单位' });
    expect((await admin.patch(`/api/org/units/${unit.id}`, { version: 1, name: '先改的名字' })).statusCode).toBe(200);
    const stale = await admin.patch(`/api/org/units/${unit.id}`, { version: 1, name: '后改的名字' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toBe('记录已被他人修改，请刷新后重试');
    expect((await admin.get(`/api/org/units/${unit.id}`)).json().name).toBe('先改的名字');
  });

  it('refuses a duplicate name under the same parent', async () => {
    const res = await admin.post('/api/org/units', { parentId: city.city.id, name: '甲县委宣传部', type: 'county_department' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/已存在/);
  });

  it('names the bad fields of an invalid request', async () => {
    const res = await admin.patch(`/api/org/units/${city.countyA.id}`, { version: 0, type: 'castle' });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.version', 'body.type']));
  });

  it('lists units page by page within the list envelope', async () => {
    const res = await admin.get(`/api/org/units?parentId=${city.city.id}&sort=name&pageSize=1`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(body.data).toHaveLength(1);
  });
});

describe('unit export 导出单位', () => {
  it('exports the units in scope with Chinese headers, labels and full name paths', async () => {
    const liaison = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    const res = await liaison.get('/api/org/units/export.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('单位列表'));
    const rows = await sheetOf(res);
    expect(rows[0]).toEqual(['单位名称', '上级单位', '单位类型', '单位路径', '排序', '状态']);
    const byName = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(byName.get('甲县委宣传部')).toEqual(['甲县委宣传部', city.city.name, '县（区）宣传部', `${city.city.name}/甲县委宣传部`, '0', '正常']);
    expect(byName.get('甲县机关党支部')?.slice(0, 4)).toEqual(['甲县机关党支部', '甲县委宣传部', '党支部', `${city.city.name}/甲县委宣传部/甲县机关党支部`]);
    expect(rows.flat().join()).not.toMatch(/乙县/);
  });

  it('applies the list filters to the export', async () => {
    const res = await admin.get(`/api/org/units/export.xlsx?q=${encodeURIComponent('党支部')}&parentId=${city.countyB.id}`);
    const rows = await sheetOf(res);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['乙县机关党支部']);
  });
});
