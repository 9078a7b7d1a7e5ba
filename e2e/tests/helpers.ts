import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject, type TestContext } from 'vitest';

export const baseUrl = inject('baseUrl');
export const adminPassword = inject('adminPassword');
const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** One Chromium for the file, a fresh context (no cookies) per test, a screenshot when a test fails. */
export function useBrowser() {
  const state: { browser?: Browser; context?: BrowserContext; page?: Page } = {};
  beforeAll(async () => {
    state.browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await state.browser?.close();
  });
  afterEach(async (ctx: TestContext) => {
    if (ctx.task.result?.state === 'fail' && state.page) {
      fs.mkdirSync(artifacts, { recursive: true });
      const name = ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, '-');
      await state.page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true }).catch(() => undefined);
    }
    await state.context?.close();
    state.context = undefined;
    state.page = undefined;
  });
  return async function newPage(): Promise<Page> {
    state.context = await state.browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    // Generous: on a loaded 2-core CI machine an antd dialog can take seconds to settle.
    state.context.setDefaultTimeout(30_000);
    state.page = await state.context.newPage();
    return state.page;
  };
}

/**
 * An account an administrator opened (or reset) must set its own password at its first login. The helpers do that
 * the way its holder would, with this derived password, and remember it: later logins of the same account in the
 * same test file use it.
 */
const ownPasswords = new Map<string, string>();
const ownPassword = (initial: string) => `${initial}-own`;

export async function login(page: Page, username: string, password: string) {
  const current = ownPasswords.get(username) ?? password;
  await page.goto(`${baseUrl}/login`);
  await page.getByPlaceholder('用户名').fill(username);
  await page.getByPlaceholder('密码').fill(current);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  // the app, or the full-screen step the layout sends a first login to
  await page.locator('.app-header, .security-step').first().waitFor();
  if (new URL(page.url()).pathname === '/change-password') {
    const next = ownPassword(current);
    await page.getByLabel('原密码').fill(current);
    await page.getByLabel('新密码', { exact: true }).fill(next);
    await page.getByLabel('确认新密码').fill(next);
    await page.getByRole('button', { name: '修改密码并继续' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/change-password'));
    ownPasswords.set(username, next);
  }
}

export async function logout(page: Page) {
  await page.locator('.app-header').getByRole('button').last().hover();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/login'));
}

/** Picks a node of an antd TreeSelect (unit pickers) by typing its name and clicking it; checks the choice took. */
export async function pickTreeOption(page: Page, label: string, name: string) {
  const input = page.getByLabel(label, { exact: true });
  const item = page.locator('.ant-form-item').filter({ has: input });
  for (let attempt = 0; attempt < 3; attempt++) {
    await input.click();
    await input.fill(name);
    const option = page.locator('.ant-select-dropdown:visible .ant-select-tree-title').getByText(name, { exact: true });
    await option.waitFor();
    await page.waitForTimeout(200); // the dropdown's opening animation
    await option.click();
    await page.waitForTimeout(200);
    if (((await item.textContent()) ?? '').includes(name)) return;
  }
  throw new Error(`未能在“${label}”中选中“${name}”`);
}

/** Types a date into an antd DatePicker and confirms it. */
export async function fillDate(page: Page, label: string, date: string) {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

/** A tiny API client with its own session, for preconditions that are not what a test is about. */
export async function apiAs(username: string, password: string) {
  const current = ownPasswords.get(username) ?? password;
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: current }),
  });
  if (!res.ok) throw new Error(`登录失败：${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const me = (await res.json()) as { security?: { mustChangePassword?: boolean } };
  if (me.security?.mustChangePassword) {
    const next = ownPassword(current);
    const r = await fetch(`${baseUrl}/api/auth/password`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ oldPassword: current, newPassword: next }),
    });
    if (!r.ok) throw new Error(`首次登录修改密码失败：${r.status} ${await r.text()}`);
    ownPasswords.set(username, next);
  }
  return async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const r = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${url} → ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
