import { describe, expect, it } from 'vitest';
import { adminPassword, apiAs, login, logout, pickTreeOption, useBrowser } from './helpers';

/** Names carry a run mark so the flow also runs against a server that already has data. */
const run = Date.now().toString(36).slice(-5);
const CITY = `市委宣传部${run}`;
const BRANCH_A = `融媒体中心党支部${run}`;
const BRANCH_B = `文明办党支部${run}`;
const BRANCH_C = `理论科党支部${run}`;
const LIAISON = `liaison_${run}`;
const PASSWORD = 'Points-pass-2026';
const CODE = `B${run}`;
const ITEM = `在市级以上媒体刊发宣传稿件${run}`;

/** Today in Shanghai. */
function today(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

describe('考核积分主流程', () => {
  const newPage = useBrowser();

  it('联络员申请为支部加分，管理员审核通过，积分排名中该支部的名次和得分随之变化，得分可展开为明细', async () => {
    // Preconditions, not under test: three branches of one department (one peer group), a liaison, a manual rule,
    // and an approved claim that puts one branch ahead.
    const admin = await apiAs('admin', adminPassword);
    const city = await admin<{ id: string }>('POST', '/api/org/units', { parentId: null, name: CITY, type: 'department', sort: 0 });
    const a = await admin<{ id: string }>('POST', '/api/org/units', { parentId: city.id, name: BRANCH_A, type: 'branch', sort: 0 });
    const b = await admin<{ id: string }>('POST', '/api/org/units', { parentId: city.id, name: BRANCH_B, type: 'branch', sort: 1 });
    await admin('POST', '/api/org/units', { parentId: city.id, name: BRANCH_C, type: 'branch', sort: 2 });
    const roles = await admin<{ data: { id: string; code: string }[] }>('GET', '/api/org/roles?pageSize=100');
    const liaisonRole = roles.data.find((r) => r.code === 'liaison')!.id;
    const liaison = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: city.id, name: '周联络', post: '联络员', partyMember: true });
    await admin('POST', `/api/org/persons/${liaison.id}/account`, { username: LIAISON, password: PASSWORD, roleIds: [liaisonRole] });
    const year = Number(today().slice(0, 4));
    const rule = await admin<{ id: string }>('POST', '/api/points/rules', {
      year,
      code: CODE,
      category: '宣传报道',
      item: ITEM,
      subjectType: 'unit',
      points: '3',
      countingUnit: '篇',
      evidenceRequired: false,
      effectiveFrom: `${year}-01-01`,
    });
    const asLiaison = await apiAs(LIAISON, PASSWORD);
    const seeded = await asLiaison<{ id: string; version: number }>('POST', '/api/points/claims', {
      ruleId: rule.id,
      subjectId: b.id,
      quantity: '1',
      occurredOn: today(),
      reason: '文明办稿件在市级媒体刊发一篇',
      idempotencyKey: `seed-${run}-claim-b`,
    });
    await admin('POST', `/api/points/claims/${seeded.id}/decide`, { approve: true, version: seeded.version });
    expect(a.id).toBeTruthy();

    const page = await newPage();

    // The liaison claims two articles for branch A; a double click on 保存 makes one claim.
    await login(page, LIAISON, PASSWORD);
    await page.getByRole('menuitem', { name: '考核积分' }).click();
    await page.getByRole('menuitem', { name: '加减分申请' }).click();
    await page.getByRole('button', { name: '申请加减分' }).click();
    const form = page.getByRole('dialog', { name: '申请加减分' });
    await form.getByLabel('评分细则').click();
    await form.getByLabel('评分细则').fill(CODE);
    await page.locator('.ant-select-dropdown:visible').getByText(`${CODE} ${ITEM}`, { exact: false }).click();
    await form.getByText('每篇').waitFor();
    await pickTreeOption(page, '考核单位', BRANCH_A);
    await form.getByLabel('数量（篇）').fill('2');
    await form.getByText('+6', { exact: true }).waitFor();
    await form.getByLabel('事由').fill('融媒体中心两篇稿件在市级媒体刊发');
    await form.getByRole('button', { name: '保存' }).dblclick();
    await page.getByText('申请已提交，等待审核').first().waitFor();
    await form.waitFor({ state: 'hidden' });
    await page.getByRole('tab', { name: '我的申请' }).click();
    const mine = page.getByRole('row').filter({ hasText: BRANCH_A });
    await mine.getByText('待审核').waitFor();
    expect(await mine.count()).toBe(1);
    await logout(page);

    // Before approval branch A is second of three with nothing.
    await login(page, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '考核积分' }).click();
    await page.getByRole('menuitem', { name: '积分排名' }).click();
    await page.getByPlaceholder('搜索名称').fill(run);
    await page.getByPlaceholder('搜索名称').press('Enter');
    const rowA = page.getByRole('row').filter({ hasText: BRANCH_A });
    const rowB = page.getByRole('row').filter({ hasText: BRANCH_B });
    await expect.poll(async () => (await rowA.getByRole('cell').first().textContent())?.trim()).toBe('2/3');
    expect((await rowA.getByRole('cell').nth(3).textContent())?.trim()).toBe('0');
    expect((await rowB.getByRole('cell').first().textContent())?.trim()).toBe('1/3');
    expect((await rowB.getByRole('cell').nth(3).textContent())?.trim()).toBe('3');
    await page.getByText('实时计算').waitFor();

    // The admin approves the claim.
    await page.getByRole('menuitem', { name: '加减分申请' }).click();
    await page.getByRole('tab', { name: '待审核' }).click();
    await page.getByRole('row').filter({ hasText: BRANCH_A }).click();
    const claim = page.getByRole('dialog', { name: '加减分申请' });
    await claim.getByText('融媒体中心两篇稿件在市级媒体刊发').waitFor();
    await claim.getByRole('button', { name: '通过' }).click();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: '通过' }).click();
    await page.getByText('已通过，积分已记入').waitFor();
    await claim.waitFor({ state: 'hidden' });

    // Now branch A leads with 6, and its total opens into the line behind it.
    await page.getByRole('menuitem', { name: '积分排名' }).click();
    await page.getByPlaceholder('搜索名称').fill(run);
    await page.getByPlaceholder('搜索名称').press('Enter');
    await expect.poll(async () => (await rowA.getByRole('cell').first().textContent())?.trim()).toBe('1/3');
    expect((await rowA.getByRole('cell').nth(3).textContent())?.trim()).toBe('6');
    expect((await rowB.getByRole('cell').first().textContent())?.trim()).toBe('2/3');
    await rowA.getByRole('cell').nth(1).click();
    const lines = page.getByRole('dialog').filter({ hasText: '积分明细' });
    await lines.getByRole('row').filter({ hasText: ITEM }).getByText('+6').waitFor();
    await lines.getByText('与排名积分一致').waitFor();
  });
});
