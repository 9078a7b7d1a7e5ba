import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { adminPassword, apiAs, baseUrl, login, logout, useBrowser } from './helpers';

const run = Date.now().toString(36).slice(-5);
const STEP_MS = 30_000;

/** The authenticator app's code (RFC 6238: SHA-1, 30 s, 6 digits) for the secret shown on the page, at a time. */
const codeAt = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });
const stepOf = (ms: number) => Math.floor(ms / STEP_MS);

/** Each code works once: waits for a time step after the last one used, as a person waits for the app's next code. */
async function freshCode(secret: string, usedStep: number) {
  while (stepOf(Date.now()) <= usedStep) await new Promise((r) => setTimeout(r, 500));
  const now = Date.now();
  return { code: await codeAt(secret, now), step: stepOf(now) };
}

/** A person of a new county with an account of the given role whose first password is already changed by its holder. */
async function accountWithRole(roleCode: string, name: string, username: string, password: string) {
  const admin = await apiAs('admin', adminPassword);
  const county = await admin<{ id: string }>('POST', '/api/org/units', { parentId: null, name: `丙县委宣传部${run}${username}`, type: 'county_department', sort: 0 });
  const person = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: county.id, name, partyMember: true });
  const roles = await admin<{ data: { id: string; code: string }[] }>('GET', '/api/org/roles?pageSize=100');
  const initial = `${password}-first`;
  await admin('POST', `/api/org/persons/${person.id}/account`, { username, password: initial, roleIds: [roles.data.find((r) => r.code === roleCode)!.id] });
  // the holder's first login: the server allows nothing but the change of password until it is done
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: initial }) });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const changed = await fetch(`${baseUrl}/api/auth/password`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ oldPassword: initial, newPassword: password }),
  });
  expect(changed.status).toBe(200);
}

describe('身份鉴别与安全审计', () => {
  const newPage = useBrowser();

  it('系统管理员重置密码后，本人登录先被带到修改密码页面，改好后进入工作台', async () => {
    const username = `chongzhi_${run}`;
    await accountWithRole('staff', '钱进', username, 'Staff-pass-2026');

    // 账号管理: the system administrator resets the password; the page shows the new one once.
    const page = await newPage();
    await login(page, 'xitong', adminPassword);
    await page.getByRole('menuitem', { name: '账号管理' }).click();
    await page.getByPlaceholder('用户名或姓名').fill(username);
    await page.getByPlaceholder('用户名或姓名').press('Enter');
    const row = page.locator('.ant-table-row').filter({ hasText: username });
    await row.getByRole('button', { name: '重置密码' }).click();
    const dialog = page.getByRole('dialog', { name: `重置 ${username} 的密码` });
    await dialog.getByRole('radio', { name: '手动输入' }).check();
    const given = `Reset-${run}-2026`;
    await dialog.getByLabel('新的初始密码').fill(given);
    await dialog.getByRole('button', { name: '重置密码' }).click();
    await dialog.getByText('密码已重置').waitFor();
    expect(await dialog.getByLabel('新的初始密码').textContent()).toBe(given);
    await dialog.getByRole('button', { name: '我已记下，关闭' }).click();
    await expect.poll(() => row.textContent()).toContain('待修改密码');
    await logout(page);

    // The holder signs in with it and is taken to the full-screen change before anything else.
    await page.getByPlaceholder('用户名', { exact: true }).fill(username);
    await page.getByPlaceholder('密码', { exact: true }).fill(given);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/change-password/);
    await page.getByText('请修改密码').waitFor();
    expect(await page.getByRole('menuitem', { name: '工作台' }).count()).toBe(0);
    // Any page asked for by address leads back to the change.
    await page.goto(`${baseUrl}/my-tasks`);
    await page.waitForURL(/\/change-password/);

    await page.getByLabel('原密码').fill(given);
    await page.getByLabel('新密码', { exact: true }).fill(`${username}-pass-1`);
    await page.getByLabel('确认新密码').fill(`${username}-pass-1`);
    await page.getByRole('button', { name: '修改密码并继续' }).click();
    const newError = page.locator('.ant-form-item').filter({ hasText: '新密码' }).first().locator('.ant-form-item-explain-error');
    await newError.waitFor();
    expect(await newError.textContent()).toContain('用户名');

    const own = `Qian-own-${run}-9`;
    await page.getByLabel('新密码', { exact: true }).fill(own);
    await page.getByLabel('确认新密码').fill(own);
    await page.getByRole('button', { name: '修改密码并继续' }).click();
    await page.waitForURL((url) => url.pathname === '/my-tasks');
    await page.getByRole('menuitem', { name: '工作台' }).waitFor();
  });

  it('部机关管理员启用动态口令，退出后用密码和验证码登录；审计管理员在审计日志中找到这次登录', async () => {
    const username = `bujiguan_${run}`;
    const password = `Dept-admin-${run}-2026`;
    await accountWithRole('dept_admin', '孙丽', username, password);

    const page = await newPage();
    await login(page, username, password);
    // 账号安全, from the user menu
    await page.locator('.app-header').getByRole('button').last().hover();
    await page.getByRole('menuitem', { name: '账号安全' }).click();
    await page.getByRole('heading', { name: '账号安全' }).waitFor();
    await page.getByRole('button', { name: '启用动态口令' }).click();
    const dialog = page.getByRole('dialog', { name: '启用动态口令' });
    await dialog.getByLabel('当前密码').fill(password);
    await dialog.getByRole('button', { name: '下一步' }).click();
    await dialog.getByRole('img', { name: '动态口令二维码' }).waitFor();
    // what a person would type into an app that cannot scan
    const secret = ((await dialog.locator('.totp-secret code').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const enrolledAt = Date.now();
    await dialog.getByLabel('输入应用显示的 6 位验证码').fill(await codeAt(secret, enrolledAt));
    await dialog.getByRole('button', { name: '确认启用' }).click();
    await dialog.getByText('恢复码（只显示这一次）').waitFor();
    expect(await dialog.locator('.recovery-codes li').count()).toBe(10);
    const done = dialog.getByRole('button', { name: '完成' });
    expect(await done.isDisabled()).toBe(true);
    await dialog.getByRole('checkbox', { name: '我已妥善保存' }).check();
    await done.click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.ant-card').filter({ hasText: '动态口令（双因素认证）' }).getByText('已启用').waitFor();
    await logout(page);

    // Password first; then the second step asks for the code and keeps the username and password.
    await page.getByPlaceholder('用户名', { exact: true }).fill(username);
    await page.getByPlaceholder('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('动态验证码').first().waitFor();
    await page.getByRole('button', { name: '使用恢复码' }).waitFor();
    const { code } = await freshCode(secret, stepOf(enrolledAt));
    await page.getByLabel('6 位验证码').fill(code);
    await page.getByRole('button', { name: '验证并登录' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.getByRole('menuitem', { name: '工作台' }).waitFor();
    const loggedInAt = Date.now();
    await logout(page);

    // The audit administrator finds that login on the audit page.
    await login(page, 'shenji', adminPassword);
    await page.waitForURL(/\/audit/);
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['审计日志']);
    await page.getByLabel('人员（用户名）').fill(username);
    await page.getByLabel('操作').click();
    await page.getByLabel('操作').fill('登录（login）');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="登录（login）"]').click();
    await page.getByRole('button', { name: '查询' }).click();
    const rows = page.locator('.ant-table-row');
    // the holder's logins: the first one (through the API), the one before enrolling, and the one with the code
    await expect
      .poll(async () => {
        const texts = await rows.allTextContents();
        return texts.length >= 2 && texts.every((t) => t.includes(username) && t.includes('登录'));
      })
      .toBe(true);
    // newest first: the login with the code, a moment ago
    const newest = rows.first();
    expect(await newest.textContent()).toContain('成功');
    const at = new Date(`${(await newest.locator('td').first().textContent())!.replace(' ', 'T')}+08:00`);
    expect(Math.abs(at.getTime() - loggedInAt)).toBeLessThan(120_000);
    await newest.click();
    const drawer = page.getByRole('dialog').filter({ hasText: '变更前后对比' });
    await drawer.waitFor();
    expect(await drawer.textContent()).toContain(`审计记录 #`);
    const method = drawer.locator('.audit-diff .ant-table-row').filter({ hasText: 'method' });
    expect(await method.textContent()).toContain('totp');
  });
});
