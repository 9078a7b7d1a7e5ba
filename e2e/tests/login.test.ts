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
});
