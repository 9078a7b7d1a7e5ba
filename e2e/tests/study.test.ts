import { describe, expect, it } from 'vitest';
import { adminPassword, apiAs, login, logout, useBrowser } from './helpers';

/** Names carry a run mark so the flow also runs against a server that already has data. */
const run = Date.now().toString(36).slice(-5);
const CITY = `市委宣传部${run}`;
const BRANCH = `机关第一党支部${run}`;
const SECRETARY = `sec_${run}`;
const MEMBER = `member_${run}`;
const PASSWORD = 'Study-pass-2026';
const TOPIC = `学习党的二十届四中全会精神${run}`;
const REFLECTION = `四中全会精神学习体会${run}`;
const REFLECTION_TEXT = '通过集中学习，我深刻认识到理论武装的重要性，要把学习成果转化为做好宣传工作的实际行动。';

/** Yesterday in Shanghai, as the range pickers type it. */
function yesterdayAt(hour: number): string {
  const d = new Date(Date.now() + 8 * 3600_000 - 24 * 3600_000);
  return `${d.toISOString().slice(0, 10)} ${String(hour).padStart(2, '0')}:00`;
}

describe('学习主流程', () => {
  const newPage = useBrowser();

  it('支部书记报备并记录学习，党员撰写心得，支部书记评为优秀，管理员在未学通报中看到该支部', async () => {
    // Preconditions, not under test: a branch with its secretary and a member, each with an account.
    const admin = await apiAs('admin', adminPassword);
    const city = await admin<{ id: string }>('POST', '/api/org/units', { parentId: null, name: CITY, type: 'department', sort: 0 });
    const branch = await admin<{ id: string }>('POST', '/api/org/units', { parentId: city.id, name: BRANCH, type: 'branch', sort: 0 });
    const roles = await admin<{ data: { id: string; code: string }[] }>('GET', '/api/org/roles?pageSize=100');
    const roleId = (code: string) => roles.data.find((r) => r.code === code)!.id;
    const secretary = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: branch.id, name: '李建国', post: '支部书记', partyMember: true });
    const member = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: branch.id, name: '王小明', post: '干事', partyMember: true });
    const absent = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: branch.id, name: '赵丽', post: '干事', partyMember: true });
    await admin('POST', `/api/org/persons/${secretary.id}/account`, { username: SECRETARY, password: PASSWORD, roleIds: [roleId('branch_secretary')] });
    await admin('POST', `/api/org/persons/${member.id}/account`, { username: MEMBER, password: PASSWORD, roleIds: [roleId('staff')] });
    expect(absent.id).toBeTruthy();

    const page = await newPage();
    await login(page, SECRETARY, PASSWORD);

    // 学前报备: a session for tomorrow morning (the form's default time), filed at once.
    await page.getByRole('menuitem', { name: '学习' }).click();
    await page.getByRole('menuitem', { name: '学习活动' }).click();
    await page.getByRole('button', { name: '新建学习活动' }).click();
    const sessionDialog = page.getByRole('dialog', { name: '新建学习活动' });
    await sessionDialog.getByLabel('学习形式').click();
    await page.locator('.ant-select-dropdown:visible').getByText('集中学习', { exact: true }).click();
    await sessionDialog.getByLabel('学习主题').fill(TOPIC);
    await sessionDialog.getByLabel('地点').fill('三楼会议室');
    await sessionDialog.getByRole('button', { name: '报备' }).dblclick();
    await page.waitForURL(/\/study\/sessions\/[0-9a-f-]{36}$/);
    const header = page.locator('.ant-card-head').filter({ hasText: TOPIC });
    await header.getByText('已报备', { exact: true }).waitFor();
    expect(await header.getByText('补报').count()).toBe(0);

    // 记录开展: it was held yesterday morning; 赵丽 was on leave.
    await page.getByRole('button', { name: '记录开展' }).click();
    const recordDialog = page.getByRole('dialog', { name: `记录开展：${TOPIC}` });
    const range = recordDialog.locator('.ant-picker-range input');
    await range.nth(0).click();
    await range.nth(0).fill(yesterdayAt(9));
    await range.nth(0).press('Enter');
    await range.nth(1).fill(yesterdayAt(12));
    await range.nth(1).press('Enter');
    const leaveRow = recordDialog.getByRole('row').filter({ hasText: '赵丽' });
    await leaveRow.getByText('请假', { exact: true }).click();
    await leaveRow.getByPlaceholder('请填写请假事由').fill('下乡调研');
    await recordDialog.getByLabel('学习小结').fill('集中学习 3 小时，3 名同志交流发言。');
    await recordDialog.getByRole('button', { name: '确定' }).click();
    await page.getByText('已记录开展情况').waitFor();
    await recordDialog.waitFor({ state: 'hidden' });
    await header.getByText('已开展', { exact: true }).waitFor();
    const attendance = page.locator('.ant-card').filter({ has: page.getByText('考勤', { exact: true }) });
    await attendance.getByRole('row').filter({ hasText: '赵丽' }).getByText('下乡调研').waitFor();
    expect(await page.getByText('180 分钟').count()).toBe(1);
    await logout(page);

    // A member writes a reflection and submits it; the word count is counted the Chinese way.
    await login(page, MEMBER, PASSWORD);
    await page.getByRole('menuitem', { name: '学习' }).click();
    await page.getByRole('menuitem', { name: '心得体会' }).click();
    await page.getByRole('button', { name: '写心得' }).click();
    const editor = page.getByRole('dialog', { name: '写心得体会' });
    await editor.getByLabel('标题').fill(REFLECTION);
    await editor.getByRole('textbox', { name: '正文' }).click();
    await page.keyboard.insertText(REFLECTION_TEXT);
    const chars = [...REFLECTION_TEXT].filter((c) => /\p{Script=Han}/u.test(c)).length;
    await editor.getByText(`${chars} 字`).waitFor();
    await editor.getByRole('button', { name: '提交' }).dblclick();
    // On a server that already holds similar text the submission comes back flagged instead.
    const similar = page.getByRole('button', { name: '知道了' });
    await page.getByText('已提交，等待支部书记审阅').first().or(similar).waitFor();
    if (await similar.isVisible()) await similar.click();
    const mine = page.getByRole('row').filter({ hasText: REFLECTION });
    await mine.getByText('待审阅').waitFor();
    expect(await page.getByRole('row').filter({ hasText: REFLECTION }).count()).toBe(1);
    await logout(page);

    // The secretary marks it 优秀.
    await login(page, SECRETARY, PASSWORD);
    await page.getByRole('menuitem', { name: '学习' }).click();
    await page.getByRole('menuitem', { name: '心得体会' }).click();
    await page.getByRole('tab', { name: '审阅' }).click();
    const queued = page.getByRole('row').filter({ hasText: REFLECTION });
    await queued.getByRole('button', { name: '审阅' }).click();
    const review = page.getByRole('dialog', { name: '审阅心得体会' });
    await review.getByText(REFLECTION_TEXT).waitFor();
    await review.getByText('优秀', { exact: true }).click();
    await review.getByRole('checkbox', { name: '同时发布到本单位心得墙' }).check();
    await review.getByRole('button', { name: '提交审阅' }).click();
    await page.getByText('已审阅：优秀').waitFor();
    await queued.waitFor({ state: 'detached' });
    await page.getByText('优秀心得', { exact: true }).click();
    await page.getByRole('row').filter({ hasText: REFLECTION }).getByRole('button', { name: '撤下' }).waitFor();
    await page.getByRole('tab', { name: '心得墙' }).click();
    await page.locator('.ant-card').filter({ hasText: REFLECTION }).getByText(REFLECTION_TEXT).waitFor();
    await logout(page);

    // The admin checks last week again (the branch is newer than the hourly check) and finds it on the 未学 list.
    await login(page, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '学习' }).click();
    await page.getByRole('menuitem', { name: '未学通报' }).click();
    const check = page.getByRole('button', { name: /^(立即检查|重新检查)$/ });
    await check.waitFor();
    await check.click();
    await page.getByText('已完成检查').waitFor();
    const missedRow = page.getByRole('row').filter({ hasText: BRANCH });
    await missedRow.waitFor();
    expect(await missedRow.textContent()).toContain('4 小时');
  });
});
