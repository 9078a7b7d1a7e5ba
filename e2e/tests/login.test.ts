import { describe, expect, it } from 'vitest';
import { adminPassword, baseUrl, login, useBrowser } from './helpers';

describe('登录', () => {
  const newPage = useBrowser();

  it('密码错误时在登录页显示中文错误', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(/\/login/);
    await expect(page.getByRole('heading', { name: '落实' }).textContent()).resolves.toBe('落实');
    await expect(page.getByText('宣传文化系统工作平台').count()).resolves.toBeGreaterThan(0);
    await page.getByPlaceholder('用户名').fill('admin');
    await page.getByPlaceholder('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('用户名或密码不正确');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('正确的密码进入工作台', async () => {
    const page = await newPage();
    await login(page, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '工作台' }).waitFor();
    await page.getByRole('menuitem', { name: '组织管理' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('修改密码时原密码错误，错误显示在原密码一栏', async () => {
    const page = await newPage();
    await login(page, 'admin', adminPassword);
    await page.locator('.app-header').getByRole('button').last().hover();
    await page.getByRole('menuitem', { name: '修改密码' }).click();
    const dialog = page.getByRole('dialog', { name: '修改密码' });
    await dialog.getByLabel('原密码').fill('not-the-password');
    await dialog.getByLabel('新密码', { exact: true }).fill('Another-pass-2027');
    await dialog.getByLabel('确认新密码').fill('Another-pass-2027');
    await dialog.getByRole('button', { name: '确定' }).click();
    const fieldError = dialog.locator('.ant-form-item').filter({ hasText: '原密码' }).locator('.ant-form-item-explain-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toBe('原密码不正确');
  });
});
