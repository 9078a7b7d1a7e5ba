import { describe, expect, it } from 'vitest';
import { adminPassword, apiAs, login, useBrowser } from './helpers';

const run = Date.now().toString(36).slice(-5);

describe('按权限显示菜单和按钮', () => {
  const newPage = useBrowser();

  it('干部职工看不到审核菜单，也看不到维护单位和新建专项行动的按钮', async () => {
    // Preconditions through the API: a county with a staff member who can sign in.
    const admin = await apiAs('admin', adminPassword);
    const county = await admin<{ id: string }>('POST', '/api/org/units', { parentId: null, name: `乙县委宣传部${run}`, type: 'county_department', sort: 0 });
    const person = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: county.id, name: '赵敏', partyMember: true });
    const roles = await admin<{ data: { id: string; code: string }[] }>('GET', '/api/org/roles?pageSize=100');
    const staff = roles.data.find((r) => r.code === 'staff')!;
    await admin('POST', `/api/org/persons/${person.id}/account`, { username: `zhaomin_${run}`, password: 'Staff-pass-2026', roleIds: [staff.id] });

    const page = await newPage();
    await login(page, `zhaomin_${run}`, 'Staff-pass-2026');
    await page.getByRole('menuitem', { name: '我的任务' }).waitFor();
    expect(await page.getByRole('menuitem', { name: '进展审核' }).count()).toBe(0);

    await page.getByRole('menuitem', { name: '专项行动' }).click();
    await page.getByRole('heading', { name: '专项行动' }).waitFor();
    expect(await page.getByRole('button', { name: '新建专项行动' }).count()).toBe(0);

    await page.getByRole('menuitem', { name: '组织管理' }).click();
    await page.getByRole('heading', { name: '组织管理' }).waitFor();
    expect(await page.getByRole('button', { name: /新增$/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '新增人员' }).count()).toBe(0);
    expect(await page.getByRole('tab', { name: '角色权限' }).count()).toBe(0);
  });
});
