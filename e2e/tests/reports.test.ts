import fs from 'node:fs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { adminPassword, apiAs, login, useBrowser } from './helpers';

/** Names carry a run mark so the flow also runs against a server that already has data. */
const run = Date.now().toString(36).slice(-5);
const CITY = `青岚市委宣传部${run}`;
const COUNTY = `临川县委宣传部${run}`;
const BRANCH = `临川县委宣传部机关党支部${run}`;
const TASK = `开展理论宣讲进基层${run}`;

const DAY = 86_400_000;
/** A date in Shanghai, `days` from today. */
const shanghaiDay = (days = 0) => new Date(Date.now() + 8 * 3600_000 + days * DAY).toISOString().slice(0, 10);

/** The ISO week key of a date: 2026-W48. */
function isoWeek(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
  return `${d.getUTCFullYear()}-W${String(Math.ceil(((d.getTime() - jan1) / DAY + 1) / 7)).padStart(2, '0')}`;
}

type WeekDetail = { week: string; exempt: boolean; confirmedAt: string | null; rows: { unitId: string; missed: boolean }[] };

describe('统计与通报', () => {
  const newPage = useBrowser();

  it('管理员在统计看板从全市下钻到县和支部，打开逾期任务；起草未学通报、印发并下载 Word', async () => {
    // Preconditions, not under test: a city, a county and its branch that studied nothing, and an overdue task of the branch.
    const admin = await apiAs('admin', adminPassword);
    const city = await admin<{ id: string }>('POST', '/api/org/units', { parentId: null, name: CITY, type: 'department', sort: 0 });
    const county = await admin<{ id: string }>('POST', '/api/org/units', { parentId: city.id, name: COUNTY, type: 'county_department', sort: 0 });
    const branch = await admin<{ id: string }>('POST', '/api/org/units', { parentId: county.id, name: BRANCH, type: 'branch', sort: 0 });
    // Three weeks ago, in this year when the year is old enough for it: the dashboard shows this year by default.
    const year = shanghaiDay().slice(0, 4);
    const deadline = shanghaiDay(-21).startsWith(year) ? shanghaiDay(-21) : `${year}-01-01`;
    await admin('POST', '/api/tasks', {
      campaignId: null,
      year: Number(deadline.slice(0, 4)),
      title: TASK,
      leadUnitId: branch.id,
      startDate: deadline,
      deadline,
    });
    // The 未学通报 rests on a checked and confirmed week: the last closed week with a working day that is not yet confirmed.
    let week: WeekDetail | undefined;
    for (let back = 1; back <= 12 && !week; back++) {
      const key = isoWeek(shanghaiDay(-7 * back));
      const existing = await admin<WeekDetail>('GET', `/api/study/coverage/weeks/${key}`).catch(() => undefined);
      if (existing?.confirmedAt) continue;
      const checked = await admin<WeekDetail>('POST', `/api/study/coverage/weeks/${key}/check`);
      if (checked.exempt) continue;
      week = await admin<WeekDetail>('POST', `/api/study/coverage/weeks/${key}/confirm`);
    }
    expect(week!.rows.find((r) => r.unitId === branch.id)?.missed).toBe(true);

    const page = await newPage();
    await login(page, 'admin', adminPassword);

    // 统计看板: pick the city, drill into the county, then open the branch's overdue task.
    await page.getByRole('menuitem', { name: '统计与通报' }).click();
    await page.getByRole('menuitem', { name: '统计看板' }).click();
    await page.waitForURL(/\/dashboard/);
    if (!deadline.startsWith(year)) await page.goto(`${page.url().split('?')[0]}?period=Y${deadline.slice(0, 4)}`);
    const unitPicker = page.locator('.ant-select').filter({ hasText: '选择单位' });
    await unitPicker.click();
    await page.keyboard.type(CITY);
    await page.locator('.ant-select-dropdown:visible .ant-select-tree-title').getByText(CITY, { exact: true }).click();
    await expect.poll(() => page.locator('.ant-breadcrumb').textContent()).toContain(CITY);
    const countyRow = page.locator('.ant-table-row').filter({ hasText: COUNTY });
    await countyRow.getByText(COUNTY, { exact: true }).click();
    await expect.poll(() => page.locator('.ant-breadcrumb').textContent()).toContain(COUNTY);
    expect(await page.locator('.ant-tag').filter({ hasText: '县（区）级' }).count()).toBe(1);
    // the county's totals count the branch's task as overdue
    await expect.poll(() => page.getByText('逾期 1 项').count()).toBeGreaterThan(0);
    const branchRow = page.locator('.ant-table-row').filter({ hasText: BRANCH });
    // columns: unit, 任务数, 已完成, 逾期 — the overdue figure opens the records behind it
    await branchRow.locator('td').nth(3).getByRole('link', { name: '1' }).click();
    await page.waitForURL(/\/dashboard\/tasks/);
    await expect.poll(() => page.getByText('共 1 项').count()).toBe(1);
    const taskRow = page.locator('.ant-table-row').filter({ hasText: TASK });
    expect(await taskRow.textContent()).toContain('逾期');
    await page.getByRole('link', { name: TASK }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}/);
    const drawer = page.locator('.ant-drawer').filter({ hasText: '任务详情' });
    await expect.poll(() => drawer.textContent()).toContain(TASK);
    expect(await drawer.textContent()).toContain(BRANCH);
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });

    // 通报: a new 未学通报 for the confirmed week over the city, issued and downloaded.
    const bulletinsItem = page.getByRole('menuitem', { name: '通报', exact: true });
    if (!(await bulletinsItem.isVisible())) await page.getByRole('menuitem', { name: '统计与通报' }).click();
    await bulletinsItem.click();
    await page.getByRole('button', { name: '新建通报' }).click();
    const dialog = page.getByRole('dialog', { name: '新建通报' });
    await dialog.getByRole('radio', { name: /未学通报/ }).check();
    await dialog.getByRole('button', { name: '下一步' }).click();
    // the dialog proposes last week; another week is typed as the picker shows it (2026-48周)
    if (week!.week !== isoWeek(shanghaiDay(-7))) {
      const weekInput = dialog.locator('.ant-picker input');
      await weekInput.click();
      await weekInput.fill(week!.week.replace(/-W0?(\d+)$/, '-$1周'));
      await weekInput.press('Enter');
    }
    const scope = dialog.getByLabel('通报范围', { exact: true });
    await scope.click();
    await scope.fill(CITY);
    await page.locator('.ant-select-dropdown:visible .ant-select-tree-title').getByText(CITY, { exact: true }).click();
    await dialog.getByRole('button', { name: '生成草稿' }).click();
    await page.waitForURL(/\/bulletins\/[0-9a-f-]{36}/);
    const paper = page.locator('.bulletin-paper');
    await expect.poll(async () => (await paper.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).join('\n')).toContain(BRANCH);

    await page.getByRole('button', { name: '印 发' }).or(page.getByRole('button', { name: '印发' })).first().click();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: /印\s*发/ }).click();
    await expect.poll(() => page.locator('.ant-tag').filter({ hasText: '已印发' }).count()).toBe(1);
    const docNumber = ((await page.locator('.ant-descriptions-item').filter({ hasText: '发文字号' }).locator('.ant-descriptions-item-content').textContent()) ?? '').trim();
    expect(docNumber).toMatch(/〔\d{4}〕\d+号$/);
    expect(await paper.textContent()).toContain(BRANCH);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /下载 Word/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    expect(download.suggestedFilename()).toContain(docNumber);
    const zip = await JSZip.loadAsync(fs.readFileSync((await download.path())!));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain(docNumber);
    expect(text).toContain(BRANCH);
    expect(text).toContain('未学');
  });
});
