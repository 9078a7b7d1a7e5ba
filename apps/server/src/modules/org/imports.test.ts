import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, importBatches, persons, units } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, makeUnit, type Agent, type TestCtx } from '../../test/harness.ts';
import { purgeStaleImports } from './imports.ts';
import { sheetOf, xlsxOf } from './testing.ts';

let ctx: TestCtx;
let admin: Agent;
let liaisonA: Agent;
let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
  ctx = await makeTestApp();
  admin = await loginAdmin(ctx);
  city = await makeCity(ctx.db);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
});
afterAll(() => ctx.close());

const UNIT_HEADER = ['单位名称', '上级单位', '单位类型', '排序'];
const PERSON_HEADER = ['姓名', '单位', '职务', '性别', '出生日期', '手机号', '是否党员'];

const upload = async (agent: Agent, kind: 'units' | 'persons', rows: unknown[][], name = '导入.xlsx') =>
  agent.upload(`/api/org/imports/${kind}`, [{ name, content: await xlsxOf(rows) }]);

const count = async (table: typeof units | typeof persons | typeof auditLog) =>
  (await ctx.db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;
const importAudits = async () =>
  (await ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.action, 'import')))[0].n;

describe('unit import 单位导入', () => {
  it('previews: lists every bad row with its line and reason, and writes nothing', async () => {
    await makeUnit(ctx.db, { parent: city.countyA, name: '综合科' });
    await makeUnit(ctx.db, { parent: city.branchA, name: '综合科' });
    const unitsBefore = await count(units);
    const auditBefore = await count(auditLog);
    const res = await upload(liaisonA, 'units', [
      UNIT_HEADER,
      ['甲县文明实践中心', '甲县委宣传部', '新时代文明实践中心', 1], // 2 good
      ['甲县城关文明实践所', '甲县文明实践中心', '新时代文明实践所', 2], // 3 good: parent defined on line 2
      ['', '甲县委宣传部', '党支部', ''], // 4
      ['无名上级的支部', '不存在的单位', '党支部', ''], // 5
      ['越界单位', '乙县委宣传部', '党支部', ''], // 6
      ['甲县机关党支部', '甲县委宣传部', '党支部', ''], // 7 already exists
      ['甲县城关文明实践所', `${city.city.name}/甲县委宣传部/甲县文明实践中心`, '新时代文明实践所', ''], // 8 duplicate of line 3
      ['类型不明单位', '甲县委宣传部', '城堡', ''], // 9
      [], // 10 blank: skipped
      ['排序有误单位', '甲县委宣传部', '党支部', '第一'], // 11
      ['综合科下属组', '综合科', '其他', ''], // 12 ambiguous
      ['综合科第一组', '甲县机关党支部/综合科', '其他', ''], // 13 good: path disambiguates
      ['实践站', '无名上级的支部', '新时代文明实践站', ''], // 14 parent is the bad line 5
      ['顶级单位', '', '宣传部', ''], // 15 a liaison may not add top-level units
    ]);
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    expect(preview).toMatchObject({ kind: 'units', total: 13, valid: 3 });
    expect(preview.errors).toEqual([
      { line: 4, reason: '缺少单位名称' },
      { line: 5, reason: '上级单位「不存在的单位」不存在' },
      { line: 6, reason: '上级单位「乙县委宣传部」不在您的管辖范围内' },
      { line: 7, reason: `「${city.city.name}/甲县委宣传部」下已有名为「甲县机关党支部」的单位` },
      { line: 8, reason: `与第 3 行重复：「${city.city.name}/甲县委宣传部/甲县文明实践中心」下的「甲县城关文明实践所」` },
      { line: 9, reason: expect.stringMatching(/^单位类型「城堡」无法识别，应为：宣传部、/) },
      { line: 11, reason: '排序「第一」应为非负整数' },
      { line: 12, reason: expect.stringMatching(/^上级单位「综合科」有 2 个同名单位，请填写完整路径/) },
      { line: 14, reason: '上级单位「无名上级的支部」所在的第 5 行有误' },
      { line: 15, reason: '缺少上级单位（只有全局管理员可以导入顶级单位）' },
    ]);
    expect(preview.sample.map((s: { line: number; parent: string }) => [s.line, s.parent])).toEqual([
      [2, `${city.city.name}/甲县委宣传部`],
      [3, `${city.city.name}/甲县委宣传部/甲县文明实践中心`],
      [13, `${city.city.name}/甲县委宣传部/甲县机关党支部/综合科`],
    ]);
    expect(await count(units)).toBe(unitsBefore);
    expect(await count(auditLog)).toBe(auditBefore);

    // Confirming writes the good rows, a unit defined in the file under its parent from the same file.
    const confirm = await liaisonA.post(`/api/org/imports/${preview.id}/confirm`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json()).toEqual({ id: preview.id, written: 3 });
    const tree = (await liaisonA.get('/api/org/units/tree')).json() as { id: string; name: string; parentId: string; type: string; sort: number }[];
    const center = tree.find((u) => u.name === '甲县文明实践中心')!;
    expect(center).toMatchObject({ parentId: city.countyA.id, type: 'practice_center', sort: 1 });
    expect(tree.find((u) => u.name === '甲县城关文明实践所')).toMatchObject({ parentId: center.id, type: 'practice_institute', sort: 2 });
    expect(await importAudits()).toBe(3);
    const [batch] = await ctx.db.select().from(importBatches).where(eq(importBatches.id, preview.id));
    expect(batch.status).toBe('confirmed');
    const [batchAudit] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'import_batch'), eq(auditLog.entityId, preview.id)));
    expect(batchAudit.after).toMatchObject({ kind: 'units', written: 3, skipped: 10 });

    const again = await liaisonA.post(`/api/org/imports/${preview.id}/confirm`);
    expect(again.statusCode).toBe(409);
    expect(await count(units)).toBe(unitsBefore + 3);
  });

  it('writes nothing when one row no longer fits at confirmation: a unit created between preview and confirm', async () => {
    const rows = [UNIT_HEADER, ['原子一科', '甲县委宣传部', '局委办', ''], ['原子二科', '甲县委宣传部', '局委办', ''], ['原子三科', '甲县委宣传部', '局委办', '']];
    const preview = (await upload(liaisonA, 'units', rows)).json();
    expect(preview).toMatchObject({ valid: 3, errors: [] });
    // Someone else adds the third unit while the preview waits.
    expect((await admin.post('/api/org/units', { parentId: city.countyA.id, name: '原子三科', type: 'bureau' })).statusCode).toBe(201);
    const unitsBefore = await count(units);
    const importsBefore = await importAudits();

    const res = await liaisonA.post(`/api/org/imports/${preview.id}/confirm`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/^第 4 行：.*下已有名为「原子三科」的单位。.*本次导入未写入任何数据/);
    // The first two rows were inserted before line 4 failed; the transaction took them back.
    expect(await ctx.db.select().from(units).where(sql`${units.name} in ('原子一科', '原子二科')`)).toHaveLength(0);
    expect(await count(units)).toBe(unitsBefore);
    expect(await importAudits()).toBe(importsBefore);
    const [batch] = await ctx.db.select().from(importBatches).where(eq(importBatches.id, preview.id));
    expect(batch.status).toBe('preview');
  });

  it('lets an administrator import top-level units and whole trees', async () => {
    const res = await upload(admin, 'units', [UNIT_HEADER, ['新区委宣传部', '', '县（区）宣传部', 9], ['新区机关党支部', '新区委宣传部', 'branch', '']]);
    expect(res.json()).toMatchObject({ valid: 2, errors: [] });
    expect((await admin.post(`/api/org/imports/${res.json().id}/confirm`)).json().written).toBe(2);
    const top = await ctx.db.select().from(units).where(eq(units.name, '新区委宣传部'));
    expect(top[0]).toMatchObject({ parentId: null, depth: 0, sort: 9, type: 'county_department' });
  });

  it('only lets the uploader confirm (404 for anyone else)', async () => {
    const preview = (await upload(liaisonA, 'units', [UNIT_HEADER, ['他人代确认科', '甲县委宣传部', '其他', '']])).json();
    const otherLiaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    expect((await otherLiaisonA.post(`/api/org/imports/${preview.id}/confirm`)).statusCode).toBe(404);
    expect((await admin.post(`/api/org/imports/${preview.id}/confirm`)).statusCode).toBe(404);
    expect(await ctx.db.select().from(units).where(eq(units.name, '他人代确认科'))).toHaveLength(0);
  });
});

describe('person import 人员导入', () => {
  it('previews every bad row with its line and reason, then confirms the good rows with every field', async () => {
    await makePerson(ctx.db, city.countyA, { name: '已在册' });
    await makeUnit(ctx.db, { parent: city.countyA, name: '办公室' });
    await makeUnit(ctx.db, { parent: city.branchA, name: '办公室' });
    const personsBefore = await count(persons);
    const res = await upload(liaisonA, 'persons', [
      PERSON_HEADER,
      ['张明', '甲县委宣传部', '副部长', '男', new Date(Date.UTC(1985, 6, 1)), 13800001234, '是'], // 2 good: Excel date and number cell
      ['刘芳', `${city.city.name}/甲县委宣传部/甲县机关党支部`, '支部书记', '女', '1992-11-30', '0931-8123456', '否'], // 3 good
      ['', '甲县委宣传部', '', '', '', '', ''], // 4
      ['赵强', '不存在的局', '', '', '', '', ''], // 5
      ['钱进', '乙县委宣传部', '', '', '', '', ''], // 6
      ['孙丽', '甲县委宣传部', '', '女', '1990-13-01', '', ''], // 7
      ['周伟', '甲县委宣传部', '', '男', '', '1380000', ''], // 8
      ['吴刚', '甲县委宣传部', '', '男士', '', '', '群众'], // 9 two problems in one row
      ['郑洁', '办公室', '', '', '', '', ''], // 10 ambiguous
      ['已在册', '甲县委宣传部', '', '', '', '', ''], // 11 already there
      ['张明', '甲县委宣传部', '', '', '', '', ''], // 12 same as line 2
      ['王小二', '甲县机关党支部/办公室', '', '', '1988/2/3', '', ''], // 13 good: path and a slash date
    ]);
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    expect(preview).toMatchObject({ kind: 'persons', total: 12, valid: 3 });
    expect(preview.errors).toEqual([
      { line: 4, reason: '缺少姓名' },
      { line: 5, reason: '单位「不存在的局」不存在' },
      { line: 6, reason: '单位「乙县委宣传部」不在您的管辖范围内' },
      { line: 7, reason: '出生日期「1990-13-01」不是有效日期，应为 YYYY-MM-DD' },
      { line: 8, reason: '手机号「13****00」应为 11 位手机号或带区号的固定电话' },
      { line: 9, reason: '性别「男士」应为“男”或“女”；是否党员「群众」应填“是”或“否”' },
      { line: 10, reason: expect.stringMatching(/^单位「办公室」有 2 个同名单位，请填写完整路径，如 「.*办公室」、「.*办公室」$/) },
      { line: 11, reason: `「${city.city.name}/甲县委宣传部」已有同名人员「已在册」，如确为不同人员请在人员管理中单独添加` },
      { line: 12, reason: `与第 2 行重复：「${city.city.name}/甲县委宣传部」的「张明」` },
    ]);
    expect(await count(persons)).toBe(personsBefore);
    // The sheet waits for confirmation in the database with its phones sealed; the preview shows them masked.
    expect(preview.sample.find((r: { name: string }) => r.name === '张明')).toMatchObject({ phone: '138****1234' });
    const [waiting] = await ctx.db.select().from(importBatches).where(eq(importBatches.id, preview.id));
    expect(JSON.stringify(waiting)).not.toMatch(/13800001234|8123456/);

    expect((await liaisonA.post(`/api/org/imports/${preview.id}/confirm`)).json().written).toBe(3);
    const list = (await liaisonA.get(`/api/org/persons?unitId=${city.countyA.id}&pageSize=200`)).json().data as Record<string, unknown>[];
    const zhang = list.find((p) => p.name === '张明')!;
    expect(zhang).toMatchObject({
      unitId: city.countyA.id, post: '副部长', gender: '男', birthDate: '1985-07-01', phone: '138****1234', partyMember: true,
    });
    expect(list.find((p) => p.name === '刘芳')).toMatchObject({ unitId: city.branchA.id, phone: '0931-****456', partyMember: false });
    expect((await liaisonA.get(`/api/org/persons/${zhang.id}/phone`)).json()).toEqual({ phone: '13800001234' });
    expect((await liaisonA.get('/api/org/persons?q=13800001234')).json().data.map((p: { id: string }) => p.id)).toEqual([zhang.id]);
    const [stored] = await ctx.db.select({ phone: persons.phone }).from(persons).where(eq(persons.id, zhang.id as string));
    expect(stored.phone).toMatch(/^sm4\./);
    const written = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'import'), eq(auditLog.entityId, zhang.id as string)));
    expect(written[0].after).toMatchObject({ name: '张明', phone: '138****1234' });
    expect(JSON.stringify(written)).not.toMatch(/13800001234|sm4\./);
    // Once written, the batch keeps its counts and bad lines, not the people.
    const [done] = await ctx.db.select().from(importBatches).where(eq(importBatches.id, preview.id));
    expect(done.rows).toEqual([]);
    expect(list.find((p) => p.name === '王小二')).toMatchObject({ unitName: '办公室', birthDate: '1988-02-03' });
    expect(await count(persons)).toBe(personsBefore + 3);
  });

  it('takes the minimal sheet of name and unit only', async () => {
    const res = await upload(liaisonA, 'persons', [['姓名', '单位'], ['简表人员', '甲县委宣传部']]);
    expect(res.json()).toMatchObject({ valid: 1, errors: [] });
  });

  it('writes nothing when the unit of a later row was disabled between preview and confirm', async () => {
    const closing = await makeUnit(ctx.db, { parent: city.countyA, name: '将撤销科' });
    const preview = (
      await upload(liaisonA, 'persons', [PERSON_HEADER, ['先写甲', '甲县委宣传部'], ['先写乙', '甲县委宣传部'], ['后写丙', '将撤销科']])
    ).json();
    expect(preview.valid).toBe(3);
    await admin.patch(`/api/org/units/${closing.id}`, { version: 1, disabled: true });
    const before = await count(persons);
    const res = await liaisonA.post(`/api/org/imports/${preview.id}/confirm`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/^第 4 行：单位「.*将撤销科」已停用/);
    expect(await count(persons)).toBe(before);
    expect(await ctx.db.select().from(persons).where(eq(persons.name, '先写甲'))).toHaveLength(0);
  });
});

describe('import files', () => {
  it('accepts only .xlsx files, with a Chinese 400 otherwise', async () => {
    const csv = await liaisonA.upload('/api/org/imports/persons', [{ name: 'people.csv', content: Buffer.from('姓名,单位\n张三,甲县委宣传部\n') }]);
    expect(csv.statusCode).toBe(400);
    expect(csv.json().error.message).toContain('只能导入 .xlsx 格式的 Excel 文件');
    const fake = await liaisonA.upload('/api/org/imports/persons', [{ name: 'people.xlsx', content: Buffer.from('not a workbook') }]);
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error.message).toContain('不是 .xlsx 文件');
    const json = await liaisonA.post('/api/org/imports/persons', { file: 'x' });
    expect(json.statusCode).toBe(400);
  });

  it('names the missing columns of a sheet without the header row', async () => {
    const res = await upload(liaisonA, 'units', [['名称', '上级'], ['某单位', '甲县委宣传部']]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('第 1 行应为表头，缺少列：单位名称、上级单位、单位类型。请使用导入模板');
  });

  it('refuses a sheet with a header only', async () => {
    const res = await upload(liaisonA, 'persons', [PERSON_HEADER]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('没有数据行');
  });

  it('serves templates with the header row and one example row', async () => {
    for (const [kind, header, name] of [['units', UNIT_HEADER, '单位导入模板'], ['persons', PERSON_HEADER, '人员导入模板']] as const) {
      const res = await liaisonA.get(`/api/org/imports/template/${kind}`);
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent(name));
      const rows = await sheetOf(res);
      expect(rows[0]).toEqual(header);
      expect(rows).toHaveLength(2);
    }
  });

  it('answers 403 to a user who may not import', async () => {
    const staff = (await loginAs(ctx, 'staff', city.countyA)).agent;
    expect((await upload(staff, 'persons', [PERSON_HEADER, ['某人', '甲县委宣传部']])).statusCode).toBe(403);
    expect((await staff.get('/api/org/imports/template/persons')).statusCode).toBe(403);
  });
});

describe('stale previews', () => {
  it('drops previews nobody confirmed within a week and keeps newer ones', async () => {
    const fresh = (await upload(admin, 'units', [['单位名称', '上级单位', '单位类型'], ['清理测试单位', city.city.name, '直属单位']])).json();
    const old = (await upload(admin, 'units', [['单位名称', '上级单位', '单位类型'], ['过期测试单位', city.city.name, '直属单位']])).json();
    await ctx.db.update(importBatches).set({ createdAt: new Date(Date.now() - 8 * 86_400_000) }).where(eq(importBatches.id, old.id));
    expect(await purgeStaleImports(ctx.db)).toBeGreaterThanOrEqual(1);
    const left = await ctx.db.select({ id: importBatches.id }).from(importBatches).where(and(eq(importBatches.id, old.id)));
    expect(left).toEqual([]);
    expect((await admin.post(`/api/org/imports/${fresh.id}/confirm`)).statusCode).toBe(200);
  });
});
