import { describe, expect, it } from 'vitest';
import { adminPassword, apiAs, fillDate, login, logout, pickTreeOption, useBrowser } from './helpers';

/** Names carry a run mark so the flow also runs against a server that already has data. */
const run = Date.now().toString(36).slice(-5);
const CITY = `市委宣传部${run}`;
const COUNTY = `甲县委宣传部${run}`;
const PERSON = '张卫东';
const LIAISON = `liaison_${run}`;
const LIAISON_PASSWORD = 'Liaison-pass-2026';
const CAMPAIGN = `四大专项行动${run}`;
const TASK = `每周半天集中学习全覆盖${run}`;
const REPORT_TEXT = '本月组织集中学习 4 次，覆盖全体干部职工 36 人。';

describe('专项行动主流程', () => {
  const newPage = useBrowser();

  it('管理员下达任务，县联络员报送进展，管理员审核通过后任务显示 60%', async () => {
    // Precondition, not under test: the city department at the top of the tree.
    const admin = await apiAs('admin', adminPassword);
    await admin('POST', '/api/org/units', { parentId: null, name: CITY, type: 'department', sort: 0 });

    const page = await newPage();
    await login(page, 'admin', adminPassword);

    // 组织管理: a county department under the city, a person in it, a liaison account for that person.
    await page.getByRole('menuitem', { name: '组织管理' }).click();
    // Find the city in the tree the way a person would in a long tree: by searching.
    await page.getByPlaceholder('搜索单位').fill(run);
    const tree = page.getByRole('tree');
    await tree.getByText(CITY, { exact: true }).click();
    await page.getByRole('button', { name: /新增$/ }).click();
    const unitDialog = page.getByRole('dialog', { name: `在“${CITY}”下新增单位` });
    await unitDialog.getByLabel('单位名称').fill(COUNTY);
    await unitDialog.getByLabel('单位类型').click();
    await page.locator('.ant-select-dropdown:visible').getByText('县（区）宣传部', { exact: true }).click();
    await unitDialog.getByRole('button', { name: '确定' }).click();
    await unitDialog.waitFor({ state: 'hidden' });
    await tree.getByText(COUNTY, { exact: true }).click();

    await page.getByRole('button', { name: '新增人员' }).click();
    const personDrawer = page.getByRole('dialog', { name: '新增人员' });
    await personDrawer.getByLabel('姓名').fill(PERSON);
    await personDrawer.getByLabel('职务').fill('宣传科科长');
    await personDrawer.getByRole('button', { name: '保存' }).click();
    await personDrawer.waitFor({ state: 'hidden' });
    const personRow = page.getByRole('row').filter({ hasText: PERSON });
    await personRow.getByText(COUNTY).waitFor();

    await personRow.getByRole('button', { name: '开通账号' }).click();
    const accountDialog = page.getByRole('dialog', { name: `为“${PERSON}”开通账号` });
    await accountDialog.getByLabel('用户名').fill(LIAISON);
    await accountDialog.getByLabel('初始密码').fill(LIAISON_PASSWORD);
    await accountDialog.getByRole('checkbox', { name: '单位联络员' }).check();
    await accountDialog.getByRole('button', { name: '确定' }).click();
    await accountDialog.waitFor({ state: 'hidden' });
    await personRow.getByText(LIAISON).waitFor();

    // 专项行动: create a campaign, then a task led by the county.
    await page.getByRole('menuitem', { name: '专项行动' }).click();
    await page.getByRole('button', { name: '新建专项行动' }).click();
    const campaignDialog = page.getByRole('dialog', { name: '新建专项行动' });
    await campaignDialog.getByLabel('专项行动名称').fill(CAMPAIGN);
    await pickTreeOption(page, '牵头部门', CITY);
    await campaignDialog.getByRole('button', { name: '确定' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: CAMPAIGN }).or(page.getByText(CAMPAIGN).first()).first().waitFor();

    await page.getByRole('button', { name: '下达任务' }).click();
    const taskDialog = page.getByRole('dialog', { name: '下达任务' });
    await taskDialog.getByLabel('任务名称').fill(TASK);
    await pickTreeOption(page, '牵头单位', COUNTY);
    const deadline = `${new Date().getFullYear() + 1}-06-30`;
    await fillDate(page, '截止日期', deadline);
    await taskDialog.getByRole('button', { name: '确定' }).click();
    await taskDialog.waitFor({ state: 'hidden' });
    const taskRow = page.getByRole('row').filter({ hasText: TASK });
    await taskRow.getByText(COUNTY).waitFor();
    expect(await taskRow.textContent()).toContain('0%');
    await logout(page);

    // The county liaison sees the task of the unit and reports 60%.
    await login(page, LIAISON, LIAISON_PASSWORD);
    await page.getByRole('menuitem', { name: '我的任务' }).click();
    await page.getByText(`本单位（${COUNTY}）`).click();
    const myRow = page.getByRole('row').filter({ hasText: TASK });
    await myRow.waitFor();
    await myRow.getByRole('button', { name: '报送进展' }).click();
    const reportDialog = page.getByRole('dialog', { name: '报送进展' });
    await reportDialog.getByLabel('进展情况').fill(REPORT_TEXT);
    const percent = reportDialog.getByRole('spinbutton', { name: '完成比例' });
    await percent.fill('60');
    await percent.press('Tab');
    // A double click on 提交 makes one report.
    await reportDialog.getByRole('button', { name: '提交' }).dblclick();
    await page.getByText('进展已报送，等待审核').first().waitFor();
    await reportDialog.waitFor({ state: 'hidden' });
    await page.waitForTimeout(300);
    expect(await page.getByText('进展已报送，等待审核').count()).toBe(1);
    await logout(page);

    // The admin accepts it in 进展审核.
    await login(page, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '进展审核' }).click();
    const reviewRows = page.getByRole('row').filter({ hasText: TASK });
    await reviewRows.first().waitFor();
    expect(await reviewRows.count()).toBe(1);
    expect(await reviewRows.first().textContent()).toContain(REPORT_TEXT);
    await reviewRows.first().getByRole('button', { name: '通过' }).click();
    const reviewDialog = page.getByRole('dialog', { name: '审核通过' });
    await reviewDialog.getByRole('button', { name: '确认通过' }).click();
    await page.getByText('已审核通过').waitFor();
    await reviewRows.first().waitFor({ state: 'detached' });

    // The task now shows 60% in the campaign's breakdown tree.
    await page.getByRole('menuitem', { name: '专项行动' }).click();
    await page.getByRole('link', { name: CAMPAIGN }).click();
    const doneRow = page.getByRole('row').filter({ hasText: TASK });
    await doneRow.getByText('60%').waitFor();
    expect(await doneRow.textContent()).toContain('60%');
  });
});
