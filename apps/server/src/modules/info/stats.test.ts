import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointRules } from '../../db/schema/index.ts';
import { rowsOf } from '../points/results.ts';
import { loginAdmin, loginAs, makeCity, makeTestApp, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { makeApprovedItem } from './publish.testkit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let staff: Awaited<ReturnType<typeof loginAs>>;
let p2: Awaited<ReturnType<typeof loginAs>>;
let p3: Awaited<ReturnType<typeof loginAs>>;

/**
 * May 2026, by unit (问题建议 = P):
 *   甲县 (countyA): a1 P [p1, p2] 省级 + 市级 outlet, 批示; a2 P [p1] in an issued 市级 issue; a3 [p1] in a compiling issue;
 *                   a4 [name only]; a0 submitted in April [p1], adopted 县级 in May; 2 media reports by p1
 *   乙县 (countyB): b1 P [p3] 省级; b2 [p3]; 1 media report by p3
 *   乙县支部 (branchB): c1 P 省级; c2
 *   甲县支部 (branchA): d1 P, d2, d3
 * Rules: info.adopted 省级 unit +4 / person +2, 市级 unit +1 / person +0.5.
 */
beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  staff = await loginAs(ctx, 'staff', city.countyA);
  p2 = await loginAs(ctx, 'staff', city.countyA);
  p3 = await loginAs(ctx, 'staff', city.countyB);
  const rule = (subjectType: 'unit' | 'person', points: number, level: string, n: number) =>
    ctx.db.insert(pointRules).values({ year: 2026, code: `S${n}`, effectiveFrom: '2026-01-01', category: '信息', item: `${level}采用`, subjectType, points, source: 'info.adopted', sourceMatch: { level } });
  await rule('unit', 400, '省级', 1);
  await rule('person', 200, '省级', 2);
  await rule('unit', 100, '市级', 3);
  await rule('person', 50, '市级', 4);

  const A = city.countyA.id;
  const P = '问题建议';
  const me = (a: Awaited<ReturnType<typeof loginAs>>) => ({ personId: a.person.id, name: a.person.name });
  const item = (unitId: string, category: string, authors: { personId?: string; name: string }[] = [], submittedOn = '2026-05-04') =>
    makeApprovedItem(ctx.db, { unitId, category, authors, submittedOn });
  const outlet = (id: string, level: string, day: string) =>
    ok(admin.post(`/api/info/items/${id}/adoptions`, { kind: 'outlet', outlet: '媒体', level, adoptedOn: day, links: ['https://example.com/s'] }), 201);

  const a1 = await item(A, P, [me(staff), me(p2)]);
  const a2 = await item(A, P, [me(staff)]);
  const a3 = await item(A, '动态信息', [me(staff)]);
  await item(A, '经验做法', [{ name: '外单位作者' }]);
  const a0 = await item(A, '动态信息', [me(staff)], '2026-04-28');
  await outlet(a1.id, '省级', '2026-05-05');
  await outlet(a1.id, '市级', '2026-05-06');
  await ok(admin.post(`/api/info/items/${a1.id}/instructions`, { leader: '市委书记', level: '市级', content: '阅示', instructedOn: '2026-05-07' }), 201);
  await outlet(a0.id, '县级', '2026-05-10');
  const pubs = await ok(admin.get('/api/info/publications'));
  const pub = pubs.data.find((p: { name: string }) => p.name === '信息专报');
  const issued = await ok(admin.post('/api/info/issues', { publicationId: pub.id, issueDate: '2026-05-20' }), 201);
  await ok(admin.post(`/api/info/items/${a2.id}/adoptions`, { kind: 'issue', issueId: issued.id }), 201);
  await ok(admin.post(`/api/info/issues/${issued.id}/issue`, { version: issued.version + 1 }));
  await ok(admin.post(`/api/info/items/${a3.id}/adoptions`, { kind: 'issue', publicationId: pub.id, adoptedOn: '2026-05-25' }), 201);
  for (const day of ['2026-05-08', '2026-05-09']) {
    await ok(staff.agent.post('/api/info/media', { outlet: '县融媒', level: '县级', title: `报道${day}`, publishedOn: day }), 201);
  }

  const b1 = await item(city.countyB.id, P, [me(p3)]);
  await item(city.countyB.id, '动态信息', [me(p3)]);
  await outlet(b1.id, '省级', '2026-05-07');
  await ok(p3.agent.post('/api/info/media', { outlet: '县融媒', level: '县级', title: '乙县报道', publishedOn: '2026-05-11' }), 201);

  const c1 = await item(city.branchB.id, P);
  await item(city.branchB.id, '动态信息');
  await outlet(c1.id, '省级', '2026-05-08');

  await item(city.branchA.id, P);
  await item(city.branchA.id, '动态信息');
  await item(city.branchA.id, '动态信息');

  await ok(admin.post('/api/points/sync'));
}, 120_000);
afterAll(() => ctx.close());

type Row = { rank: number; subjectId: string; name: string; submitted: number; problems: number; problemShare: number; adopted: number; adoptedByLevel: Record<string, number>; instructed: number; media: number; score: string; unitPath: string };
const pick = (r: Row) => [r.rank, r.name, r.submitted, r.problems, r.problemShare, r.adopted, r.adoptedByLevel, r.instructed, r.media, r.score];
const lv = (县级: number, 市级: number, 省级: number, 中央 = 0) => ({ 县级, 市级, 省级, 中央 });

describe('统计与排名', () => {
  it('per unit: exact counts, problem share, adoptions by level, score from the ledger, ties share a rank', async () => {
    const s = await ok(admin.get('/api/info/stats?period=M2026-05&by=unit'));
    expect(s).toMatchObject({ period: 'M2026-05', from: '2026-05-01', to: '2026-05-31', by: 'unit' });
    expect(s.rows.map(pick)).toEqual([
      [1, '甲县委宣传部', 4, 2, 50, 4, lv(1, 2, 1), 1, 2, '6'],
      [2, '乙县委宣传部', 2, 1, 50, 1, lv(0, 0, 1), 0, 1, '4'],
      [2, '乙县机关党支部', 2, 1, 50, 1, lv(0, 0, 1), 0, 0, '4'],
      [4, '甲县机关党支部', 3, 1, 33.3, 0, lv(0, 0, 0), 0, 0, '0'],
    ]);
    expect(s.rows[0].unitPath).toBe(`${city.city.name} / 甲县委宣传部`);
    expect(s.totals).toEqual({ submitted: 11, problems: 5, problemShare: 45.5, adopted: 6, adoptedByLevel: lv(1, 2, 3), instructed: 1, media: 3, score: '14' });
    // the score is what the ledger holds
    for (const r of s.rows as Row[]) {
      const [{ cents }] = rowsOf<{ cents: string }>(
        await ctx.db.execute(sql`select coalesce(sum(points), 0)::text as cents from point_events where subject_id = ${r.subjectId} and source_type = 'info' and booked_on between '2026-05-01' and '2026-05-31'`),
      );
      expect(Number(r.score) * 100).toBe(Number(cents));
    }
    // another period counts its own facts: April has a0's submission only
    const april = await ok(admin.get('/api/info/stats?period=M2026-04'));
    expect(april.rows.map(pick)).toEqual([[1, '甲县委宣传部', 1, 0, 0, 0, lv(0, 0, 0), 0, 0, '0']]);
    const quarter = await ok(admin.get('/api/info/stats?period=Q2026-2'));
    expect(quarter.totals).toMatchObject({ submitted: 12, adopted: 6, score: '14' });
  });

  it('per author: the people who wrote the items, with their own points', async () => {
    const s = await ok(admin.get('/api/info/stats?period=M2026-05&by=author'));
    expect(s.rows.map(pick)).toEqual([
      [1, staff.person.name, 3, 2, 66.7, 4, lv(1, 2, 1), 1, 2, '3'],
      [2, p2.person.name, 1, 1, 100, 2, lv(0, 1, 1), 1, 0, '2.5'],
      [3, p3.person.name, 2, 1, 50, 1, lv(0, 0, 1), 0, 1, '2'],
    ]);
  });

  it('scope: a county sees its own units, a staff member only their own row', async () => {
    const liaisonA = await loginAs(ctx, 'liaison', city.countyA);
    const a = await ok(liaisonA.agent.get('/api/info/stats?period=M2026-05&by=unit'));
    expect(a.rows.map((r: Row) => [r.rank, r.name])).toEqual([
      [1, '甲县委宣传部'],
      [2, '甲县机关党支部'],
    ]);
    const mine = await ok(staff.agent.get('/api/info/stats?period=M2026-05&by=unit'));
    expect(mine.by).toBe('author');
    expect(mine.rows.map((r: Row) => r.name)).toEqual([staff.person.name]);
    const narrowed = await ok(admin.get(`/api/info/stats?period=M2026-05&unitId=${city.countyB.id}`));
    expect(narrowed.rows.map((r: Row) => r.name)).toEqual(['乙县委宣传部', '乙县机关党支部']);
    expect((await admin.get('/api/info/stats?period=M2026-13')).statusCode).toBe(400);
  });

  it('the XLSX export holds the same numbers under Chinese headers, with a totals line', async () => {
    const res = await admin.get('/api/info/stats/export?period=M2026-05&by=unit');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const rows = [];
    for (let r = 1; r <= ws.rowCount; r++) rows.push((ws.getRow(r).values as unknown[]).slice(1));
    expect(rows[0]).toEqual(['排名', '单位', '单位层级', '报送', '问题建议', '问题建议占比（%）', '采用', '县级采用', '市级采用', '省级采用', '中央采用', '领导批示', '媒体报道', '积分']);
    expect(rows[1]).toEqual([1, '甲县委宣传部', `${city.city.name} / 甲县委宣传部`, 4, 2, 50, 4, 1, 2, 1, 0, 1, 2, 6]);
    expect(rows[4]).toEqual([4, '甲县机关党支部', `${city.city.name} / 甲县委宣传部 / 甲县机关党支部`, 3, 1, 33.3, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rows[5]).toEqual([undefined, '合计', undefined, 11, 5, 45.5, 6, 1, 2, 3, 0, 1, 3, 14]);
  });
});
