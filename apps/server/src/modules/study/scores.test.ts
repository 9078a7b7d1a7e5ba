import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, persons, studyScoreImports, studyScores } from '../../db/schema/index.ts';
import { loginAs, makeCity, makePerson, makeTestApp, makeUnit, type Agent, type TestCtx } from '../../test/harness.ts';
import { ok } from '../campaigns/testkit.ts';
import { sheetOf, xlsxOf } from '../org/testing.ts';
import { scoresCsv } from './content.testkit.ts';
import { parseCsv, parseScore, purgeStaleScoreImports } from './scores.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let liaisonA: Agent;
let liaisonB: Agent;
let staff: Awaited<ReturnType<typeof loginAs>>;
const people: Record<string, { id: string }> = {};
let branchA2: Awaited<ReturnType<typeof makeUnit>>;

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  branchA2 = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县融媒体中心党支部', type: 'branch' });
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = (await loginAs(ctx, 'liaison', city.countyB)).agent;
  people.zhang = await makePerson(ctx.db, city.branchA, { name: '张三' });
  people.li = await makePerson(ctx.db, city.branchA, { name: '李四' });
  people.wang1 = await makePerson(ctx.db, city.branchA, { name: '王五' });
  people.wang2 = await makePerson(ctx.db, branchA2, { name: '王五' });
  people.zhao = await makePerson(ctx.db, branchA2, { name: '赵六', phone: '13800000006' });
  people.qian = await makePerson(ctx.db, city.branchB, { name: '钱七' });
  staff = await loginAs(ctx, 'staff', city.branchA);
});
afterAll(() => ctx.close());

const HEADER = ['序号', '姓名', '单位', '手机号', '总积分'];
const MAPPING = { nameColumn: '姓名', unitColumn: '单位', phoneColumn: '手机号', scoreColumn: '总积分' };
const upload = (agent: Agent, name: string, content: Buffer, fields: Record<string, string>) =>
  agent.upload('/api/study/scores/imports', [{ name, content }], { platform: '学习强国', ruleVersion: '2026年积分规则', ...fields });
const scoreCount = async () => (await ctx.db.select({ n: sql<number>`count(*)::int` }).from(studyScores))[0].n;

describe('exact scores and CSV', () => {
  it('reads scores as integer hundredths, never rounding', () => {
    expect(parseScore('95.5')).toBe(9550);
    expect(parseScore('1,234.05')).toBe(123405);
    expect(parseScore('70.25')).toBe(7025);
    expect(parseScore('0.1')).toBe(10);
    expect(parseScore('88.888')).toBe('积分「88.888」最多保留两位小数');
    expect(parseScore('-3')).toBe('积分「-3」不能为负数');
    expect(parseScore('八十')).toBe('积分「八十」不是有效数字');
  });
  it('parses quoted CSV fields with commas, quotes and line breaks, keeping line numbers', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",3\n\n4,5')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['two\nlines', '3'] },
      { line: 6, cells: ['4', '5'] },
    ]);
  });
});

describe('学习平台积分导入', () => {
  let januaryId: string;

  it('CSV: preview gives the header row; mapping lists every unmatched row with its line and reason; nothing written', async () => {
    const csv = scoresCsv([
      HEADER,
      ['1', '张三', '甲县机关党支部', '', '95.5'], // 2 matched
      ['2', '李四', '甲县委宣传部/甲县机关党支部', '', '88'], // 3 matched by path
      ['3', '王五', '甲县委宣传部', '', '90'], // 4 two people of that name below the county
      ['4', '孙八', '甲县机关党支部', '', '80'], // 5 unknown
      ['5', '钱七', '乙县机关党支部', '', '99'], // 6 outside the importer's scope
      ['6', '赵六', '', '13800000006', '70.25'], // 7 matched by phone
      ['7', '张三', '甲县机关党支部', '', '60'], // 8 the same person again
      ['8', '李四', '甲县机关党支部', '', '八十'], // 9 not a number
    ]);
    const preview = await ok(upload(liaisonA, '学习强国1月.csv', csv, { month: '2026-01' }), 201);
    expect(preview).toMatchObject({ status: 'uploaded', headers: HEADER, total: 8, matched: [], ruleVersion: '2026年积分规则' });
    expect(preview.suggested).toEqual(MAPPING);
    januaryId = preview.id;
    // While it waits for its mapping, the sheet's names and numbers are sealed in the database.
    const [waiting] = await ctx.db.select({ sheet: studyScoreImports.sheet }).from(studyScoreImports).where(eq(studyScoreImports.id, januaryId));
    expect(JSON.stringify(waiting.sheet)).not.toContain('13800000006');
    expect(JSON.stringify(waiting.sheet)).not.toContain('赵六');

    const badColumn = await liaisonA.post(`/api/study/scores/imports/${januaryId}/mapping`, { ...MAPPING, scoreColumn: '得分' });
    expect(badColumn.statusCode).toBe(400);
    expect(badColumn.json().error.message).toBe('表头中没有「得分」列');

    const mapped = await ok(liaisonA.post(`/api/study/scores/imports/${januaryId}/mapping`, MAPPING));
    expect(mapped.matched.map((m: { line: number; personName: string; score: number }) => [m.line, m.personName, m.score])).toEqual([
      [2, '张三', 95.5],
      [3, '李四', 88],
      [7, '赵六', 70.25],
    ]);
    expect(mapped.unmatched).toEqual([
      { line: 4, reason: '「甲县委宣传部」有 2 名「王五」，无法确定是哪一位，请填写具体单位或手机号' },
      { line: 5, reason: '未找到「甲县机关党支部」的「孙八」：人员不存在或不在您的管辖范围内' },
      { line: 6, reason: '未找到「乙县机关党支部」的「钱七」：人员不存在或不在您的管辖范围内' },
      { line: 8, reason: '与第 2 行是同一人「张三」' },
      { line: 9, reason: '积分「八十」不是有效数字' },
    ]);
    expect(await scoreCount()).toBe(0);
  });

  it('confirm writes all or nothing', async () => {
    // A matched person leaves between preview and confirm: nothing is written.
    await ctx.db.update(persons).set({ disabled: true }).where(eq(persons.id, people.zhao.id));
    expect((await liaisonA.post(`/api/study/scores/imports/${januaryId}/confirm`)).statusCode).toBe(409);
    expect(await scoreCount()).toBe(0);
    await ctx.db.update(persons).set({ disabled: false }).where(eq(persons.id, people.zhao.id));

    expect(await ok(liaisonA.post(`/api/study/scores/imports/${januaryId}/confirm`))).toEqual({ id: januaryId, written: 3, replaced: 0 });
    expect(await scoreCount()).toBe(3);
    expect((await liaisonA.post(`/api/study/scores/imports/${januaryId}/confirm`)).statusCode).toBe(409);
    // once written, the sheet itself is not kept; the lines and reasons are
    const [batch] = await ctx.db.select().from(studyScoreImports).where(eq(studyScoreImports.id, januaryId));
    expect(batch.sheet).toEqual([]);
    expect(await ok(liaisonA.get(`/api/study/scores/imports/${januaryId}`))).toMatchObject({ status: 'confirmed', total: 8 });
    const [row] = await ctx.db.select().from(studyScores).where(eq(studyScores.personId, people.zhao.id));
    expect(row).toMatchObject({ hundredths: 7025, ruleVersion: '2026年积分规则', month: '2026-01' });
  });

  it('XLSX: February, and a re-import of January replaces the earlier score with an audit', async () => {
    const feb = await xlsxOf([
      ['姓名', '所在单位', '学习积分'],
      ['张三', '甲县机关党支部', 80],
      ['李四', '甲县机关党支部', 82.5],
      ['王五', '甲县融媒体中心党支部', 90],
      ['赵六', '甲县融媒体中心党支部', 60],
    ]);
    const p = await ok(upload(liaisonA, '学习强国2月.xlsx', feb, { month: '2026-02' }), 201);
    expect(p.suggested).toEqual({ nameColumn: '姓名', unitColumn: '所在单位', scoreColumn: '学习积分' });
    const m = await ok(liaisonA.post(`/api/study/scores/imports/${p.id}/mapping`, p.suggested));
    expect(m.unmatched).toEqual([]);
    expect(m.matched.find((x: { personName: string; unitName: string }) => x.personName === '王五').unitName).toBe('甲县融媒体中心党支部');
    expect((await ok(liaisonA.post(`/api/study/scores/imports/${p.id}/confirm`))).written).toBe(4);

    const again = await ok(upload(liaisonA, '学习强国1月更正.csv', scoresCsv([['姓名', '单位', '积分'], ['李四', '甲县机关党支部', '91']]), { month: '2026-01', ruleVersion: '2026年积分规则（修订）' }), 201);
    const preview = await ok(liaisonA.post(`/api/study/scores/imports/${again.id}/mapping`, { nameColumn: '姓名', unitColumn: '单位', scoreColumn: '积分' }));
    expect(preview.matched[0]).toMatchObject({ score: 91, replaces: 88 });
    expect(await ok(liaisonA.post(`/api/study/scores/imports/${again.id}/confirm`))).toMatchObject({ written: 1, replaced: 1 });
    const [li] = await ctx.db.select().from(studyScores).where(and(eq(studyScores.personId, people.li.id), eq(studyScores.month, '2026-01')));
    expect(li).toMatchObject({ hundredths: 9100, ruleVersion: '2026年积分规则（修订）', importId: again.id });
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'study_score'), eq(auditLog.entityId, li.id)));
    expect(audits.map((a) => a.action)).toEqual(['import', 'replace']);
    expect((audits[1].before as { hundredths: number }).hundredths).toBe(8800);

    const history = await ok(liaisonA.get('/api/study/scores/imports?month=2026-01'));
    expect(history.data.map((h: { ruleVersion: string }) => h.ruleVersion).sort()).toEqual(['2026年积分规则', '2026年积分规则（修订）']);
  });

  it('一月一汇总: people by score, units by the average of their people', async () => {
    const people1 = await ok(liaisonA.get('/api/study/scores/ranking?month=2026-01&platform=学习强国'));
    expect(people1.data.map((r: { rank: number; personName: string; score: number }) => [r.rank, r.personName, r.score])).toEqual([
      [1, '张三', 95.5],
      [2, '李四', 91],
      [3, '赵六', 70.25],
    ]);
    const units1 = await ok(liaisonA.get('/api/study/scores/ranking?month=2026-01&platform=学习强国&by=unit'));
    expect(units1.data.map((r: { rank: number; unitName: string; score: number; people: number }) => [r.rank, r.unitName, r.score, r.people])).toEqual([
      [1, '甲县机关党支部', 93.25],
      [2, '甲县融媒体中心党支部', 70.25],
    ].map(([rank, name, score]) => [rank, name, score, name === '甲县机关党支部' ? 2 : 1]));
    const units2 = await ok(liaisonA.get('/api/study/scores/ranking?month=2026-02&platform=学习强国&by=unit'));
    expect(units2.data.map((r: { unitName: string; score: number }) => [r.unitName, r.score])).toEqual([
      ['甲县机关党支部', 81.25],
      ['甲县融媒体中心党支部', 75],
    ]);
    // a staff member sees their own score only; another platform has nothing
    expect((await ok(staff.agent.get('/api/study/scores/ranking?month=2026-01&platform=学习强国'))).total).toBe(0);
    expect((await ok(liaisonA.get('/api/study/scores/ranking?month=2026-01&platform=干部网络学院'))).total).toBe(0);

    const xlsx = await liaisonA.get(`/api/study/scores/ranking/export.xlsx?month=2026-01&platform=${encodeURIComponent('学习强国')}&by=person`);
    expect(xlsx.statusCode).toBe(200);
    expect(await sheetOf(xlsx)).toEqual([
      ['名次', '姓名', '单位', '积分', '积分规则版本'],
      ['1', '张三', '甲县机关党支部', '95.5', '2026年积分规则'],
      ['2', '李四', '甲县机关党支部', '91', '2026年积分规则（修订）'],
      ['3', '赵六', '甲县融媒体中心党支部', '70.25', '2026年积分规则'],
    ]);
  });

  it('半年一通报: units with monthly averages and the half-year average, ranked', async () => {
    const report = await ok(liaisonA.get(`/api/study/scores/half-year?year=2026&half=1&platform=${encodeURIComponent('学习强国')}`));
    expect(report.months).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    expect(report.rows).toEqual([
      // (95.5 + 91 + 80 + 82.5) / 4
      { rank: 1, unitId: city.branchA.id, unitName: '甲县机关党支部', monthly: [93.25, 81.25, null, null, null, null], average: 87.25, people: 2 },
      // (70.25 + 90 + 60) / 3 = 73.4166… → 73.42
      { rank: 2, unitId: branchA2.id, unitName: '甲县融媒体中心党支部', monthly: [70.25, 75, null, null, null, null], average: 73.42, people: 2 },
    ]);
    const xlsx = await liaisonA.get(`/api/study/scores/half-year/export.xlsx?year=2026&half=1&platform=${encodeURIComponent('学习强国')}`);
    const sheet = await sheetOf(xlsx);
    expect(sheet[0]).toEqual(['名次', '单位', '1月人均', '2月人均', '3月人均', '4月人均', '5月人均', '6月人均', '半年人均', '人数']);
    expect(sheet[1]).toEqual(['1', '甲县机关党支部', '93.25', '81.25', '', '', '', '', '87.25', '2']);
  });

  it('scope: county B gets 404 on county A imports and never sees its scores', async () => {
    for (const url of [`/api/study/scores/imports/${januaryId}`]) expect((await liaisonB.get(url)).statusCode).toBe(404);
    expect((await liaisonB.post(`/api/study/scores/imports/${januaryId}/mapping`, MAPPING)).statusCode).toBe(404);
    expect((await liaisonB.post(`/api/study/scores/imports/${januaryId}/confirm`)).statusCode).toBe(404);
    expect((await staff.agent.get(`/api/study/scores/imports/${januaryId}`)).statusCode).toBe(403);
    expect((await ok(liaisonB.get('/api/study/scores/imports'))).total).toBe(0);
    expect((await ok(liaisonB.get('/api/study/scores/ranking?month=2026-01&platform=学习强国'))).total).toBe(0);
    expect((await ok(liaisonB.get('/api/study/scores/half-year?year=2026&half=1&platform=学习强国'))).rows).toEqual([]);
    // county B's own import cannot match county A's people
    const b = await ok(upload(liaisonB, '乙县.csv', scoresCsv([['姓名', '单位', '积分'], ['张三', '甲县机关党支部', '99'], ['钱七', '乙县机关党支部', '77']]), { month: '2026-01' }), 201);
    const mapped = await ok(liaisonB.post(`/api/study/scores/imports/${b.id}/mapping`, { nameColumn: '姓名', unitColumn: '单位', scoreColumn: '积分' }));
    expect(mapped.matched.map((m: { personName: string }) => m.personName)).toEqual(['钱七']);
    expect(mapped.unmatched).toEqual([{ line: 2, reason: '未找到「甲县机关党支部」的「张三」：人员不存在或不在您的管辖范围内' }]);
    expect((await liaisonA.get(`/api/study/scores/imports/${b.id}`)).statusCode).toBe(404);
  });

  it('uploads nobody confirmed are purged after a week; confirmed ones stay', async () => {
    const stale = await ok(upload(liaisonA, '忘了确认.csv', scoresCsv([['姓名', '单位', '积分'], ['张三', '甲县机关党支部', '1']]), { month: '2026-04' }), 201);
    await ctx.db.update(studyScoreImports).set({ createdAt: new Date(Date.now() - 8 * 86_400_000) });
    expect(await purgeStaleScoreImports(ctx.db)).toBe(2);
    expect((await liaisonA.get(`/api/study/scores/imports/${stale.id}`)).statusCode).toBe(404);
    expect((await ok(liaisonA.get(`/api/study/scores/imports/${januaryId}`))).status).toBe('confirmed');
  });

  it('refuses files that are neither .xlsx nor .csv, and bad months', async () => {
    const res = await upload(liaisonA, '积分.txt', Buffer.from('x'), { month: '2026-01' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('只能导入 .xlsx 或 .csv 文件');
    const month = await upload(liaisonA, '积分.csv', scoresCsv([HEADER, ['1', '张三', '甲县机关党支部', '', '1']]), { month: '2026-13' });
    expect(month.statusCode).toBe(400);
    expect(month.json().error.message).toContain('月份格式应为 YYYY-MM');
  });

  it('matches a sealed phone however it is written, never one of another county, and keeps unmatched numbers masked', async () => {
    await makePerson(ctx.db, city.branchB, { name: '孙九', phone: '13800000009' });
    const csv = scoresCsv([HEADER, ['1', '赵六', '', '+86 138-0000-0006', '50'], ['2', '孙九', '', '13800000009', '60']]);
    const upload6 = await ok(upload(liaisonA, '六月.csv', csv, { month: '2026-06' }), 201);
    const mapped = await ok(liaisonA.post(`/api/study/scores/imports/${upload6.id}/mapping`, MAPPING));
    expect(mapped.matched.map((m: { personName: string }) => m.personName)).toEqual(['赵六']);
    expect(mapped.unmatched).toEqual([{ line: 3, reason: '未找到手机号为「138****0009」的「孙九」：人员不存在或不在您的管辖范围内' }]);
    const [kept] = await ctx.db.select({ unmatched: studyScoreImports.unmatched }).from(studyScoreImports).where(eq(studyScoreImports.id, upload6.id));
    expect(JSON.stringify(kept)).not.toContain('13800000009');
  });
});
