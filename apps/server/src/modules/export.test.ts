import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, loginAs, loginDuty, makeCity, makeTestApp, ok, type Agent, type TestCtx } from '../test/harness.ts';
import { idem, newCampaign, newTask } from './campaigns/testkit.ts';

/** The list exports: the same rows as the list for the same filters, scope-checked, under Chinese headers. */
let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let liaisonB: Agent;

async function sheetOf(res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer; body: string }) {
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  expect(String(res.headers['content-type'])).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, string>[] = [];
  ws.eachRow((row, line) => {
    if (line === 1) return;
    rows.push(Object.fromEntries(header.map((h, i) => {
      const v = row.getCell(i + 1).value;
      return [h, v instanceof Date ? v.toISOString() : row.getCell(i + 1).text];
    })));
  });
  return { header, rows };
}

const item = (title: string) => ({
  title,
  bodyHtml: `<p>${title}。全县宣传文化系统干部参加，围绕工作方法进行集中研讨，推动各项工作常态化开展。</p>`,
  category: '动态信息',
  authors: [],
  submit: true,
  idempotencyKey: idem(),
});

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = (await loginAs(ctx, 'liaison', city.countyB)).agent;
}, 60_000);
afterAll(() => ctx.close());

describe('list exports', () => {
  it('the info items export with a filter holds exactly the rows the list shows for that filter, with the unit path', async () => {
    for (const title of ['甲县宣讲骨干读书班开班', '甲县图书馆冬季阅读推广月', '甲县宣讲团走进乡镇']) await ok(liaisonA.post('/api/info/items', item(title)), 201);
    await ok(liaisonB.post('/api/info/items', item('乙县宣讲团走进社区')), 201);

    const list = await ok(liaisonA.get('/api/info/items?q=%E5%AE%A3%E8%AE%B2&sort=title&pageSize=200'));
    expect(list.data.map((r: { title: string }) => r.title)).toEqual(['甲县宣讲团走进乡镇', '甲县宣讲骨干读书班开班']);

    const { header, rows } = await sheetOf(await liaisonA.get('/api/info/items/export?q=%E5%AE%A3%E8%AE%B2&sort=title&page=3&pageSize=1'));
    expect(header).toContain('标题');
    expect(header).toContain('单位路径');
    expect(rows.map((r) => r['标题'])).toEqual(list.data.map((r: { title: string }) => r.title));
    for (const r of rows) {
      expect(r['单位路径']).toContain('甲县委宣传部');
      expect(r['状态']).toBe('审核中');
    }
  });

  it('county A’s export of tasks, reports and meetings never holds county B’s', async () => {
    const leader = (await loginAs(ctx, 'dept_admin', city.city)).agent;
    const campaign = await newCampaign(leader, city.city.id, { name: '全市专项行动' });
    const taskA = await newTask(leader, { campaignId: campaign.id, title: '甲县牵头任务', leadUnitId: city.countyA.id });
    const taskB = await newTask(leader, { campaignId: campaign.id, title: '乙县牵头任务', leadUnitId: city.countyB.id });
    await ok(liaisonA.post(`/api/tasks/${taskA.id}/reports`, { content: '甲县进展顺利', percent: 30, idempotencyKey: idem() }), 201);
    await ok(liaisonB.post(`/api/tasks/${taskB.id}/reports`, { content: '乙县进展顺利', percent: 40, idempotencyKey: idem() }), 201);
    await ok(liaisonA.post('/api/meetings', { type: 'weekly', title: '甲县周例会', heldAt: '2026-06-01T09:00:00+08:00' }), 201);
    await ok(liaisonB.post('/api/meetings', { type: 'weekly', title: '乙县周例会', heldAt: '2026-06-01T09:00:00+08:00' }), 201);

    const tasks = await sheetOf(await liaisonA.get('/api/tasks/export.xlsx'));
    expect(tasks.rows.map((r) => r['任务名称'])).toContain('甲县牵头任务');
    expect(JSON.stringify(tasks.rows)).not.toContain('乙县');

    const reports = await sheetOf(await liaisonA.get('/api/reports/export'));
    expect(reports.rows.map((r) => r['进展情况'])).toEqual(['甲县进展顺利']);
    expect(reports.rows[0]['状态']).toBe('待审核');

    const meetings = await sheetOf(await liaisonA.get('/api/meetings/export?type=weekly'));
    expect(meetings.rows.map((r) => r['会议名称'])).toEqual(['甲县周例会']);
    expect(meetings.rows[0]['单位路径']).toContain('甲县委宣传部');
    // Shanghai wall-clock time, as the list page shows it.
    expect(meetings.rows[0]['召开时间']).toBe('2026-06-01T09:00:00.000Z');

    // The city sees both counties in the same exports.
    const cityReports = await sheetOf(await leader.get('/api/reports/export'));
    expect(cityReports.rows.map((r) => r['进展情况']).sort()).toEqual(['乙县进展顺利', '甲县进展顺利']);
  });

  it('the audit log export needs audit:log:read: a liaison gets 403 and no file', async () => {
    const res = await liaisonA.get('/api/audit/logs/export');
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.json().error.code).toBe('FORBIDDEN');

    const { header, rows } = await sheetOf(await (await loginDuty(ctx, 'audit')).get('/api/audit/logs/export?entity=meeting'));
    expect(header.slice(0, 3)).toEqual(['序号', '时间', '账号']);
    expect(rows.length).toBe(2);
    expect(rows.every((r) => r['对象'] === 'meeting')).toBe(true);
  });
});

describe('every list export answers a workbook', () => {
  it('a county liaison downloads each list export with no filters, under Chinese headers', async () => {
    const urls = [
      '/api/info/items/export', '/api/info/media/export', '/api/campaigns/export', '/api/reports/export', '/api/meetings/export',
      '/api/points/events/export', '/api/points/claims/export', '/api/points/appeals/export', '/api/points/interviews/export',
      '/api/study/sessions/export', '/api/study/reflections/export', '/api/study/reading-logs/export', '/api/study/coverage/weeks/export', '/api/org/groups/export',
      '/api/bulletins/export', '/api/info/issues/export',
      '/api/study/stats/export?from=2026-01-01&to=2026-12-31', `/api/study/attendance/export?unitId=${city.countyA.id}&from=2026-01-01&to=2026-12-31`,
    ];
    const failures: string[] = [];
    for (const url of urls) {
      const res = await liaisonA.get(url);
      if (res.statusCode !== 200 || !String(res.headers['content-type']).includes('spreadsheetml')) {
        failures.push(`${url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
        continue;
      }
      const { header } = await sheetOf(res);
      if (!header.length || header.some((h) => !/[\u4e00-\u9fff]/.test(h))) failures.push(`${url}: header ${header.join(',')}`);
      if (!/filename\*=UTF-8''.*\d{4}-\d{2}-\d{2}\.xlsx/.test(String(res.headers['content-disposition']))) failures.push(`${url}: file name ${res.headers['content-disposition']}`);
    }
    expect(failures).toEqual([]);
  });
});
