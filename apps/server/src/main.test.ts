/** The product as a user starts it: a real process on a data folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, killStarted, runServerScript } from './test/processes.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-main-'));

function start(env: Record<string, string>) {
  return runServerScript(['src/main.ts'], {
    ...process.env,
    DATABASE_URL: '',
    LUOSHI_DATA: dataDir,
    LUOSHI_LOG_LEVEL: 'warn',
    LUOSHI_WEB_DIST: path.join(dataDir, 'no-web'),
    ...env,
  });
}

async function stop(p: ReturnType<typeof start>) {
  p.child.kill('SIGTERM');
  await p.exited;
}

afterAll(() => {
  killStarted();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on the embedded database', () => {
  it('prints a random admin password once, keeps data across a restart, and refuses a second process on the folder', async () => {
    const port = await freePort();
    const first = start({ PORT: String(port) });
    const out = await first.until(/落实已启动/);
    // admin and the three separated admin duties, each with its own password, shown this once.
    const passwords = Object.fromEntries([...out.matchAll(/账号 (\S+)，初始密码：(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(Object.keys(passwords).sort()).toEqual(['admin', 'anquan', 'shenji', 'xitong']);
    expect(new Set(Object.values(passwords)).size).toBe(4);
    const initial = passwords.admin;

    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ status: 'ok' });
    const call = (url: string, cookie: string, body?: unknown) =>
      fetch(`${base}${url}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', cookie }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const signIn = (password: string, code?: string) =>
      fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password, code }) });
    const login = await signIn(initial);
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    // First the printed password is replaced, then (the default policy) the administrator binds a second factor.
    expect((await login.json()).security).toMatchObject({ mustChangePassword: true, totpRequired: true, totpEnabled: false });
    expect((await (await call('/api/org/units', cookie)).json()).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const password = 'Qinglan#Xuan-2026';
    expect((await call('/api/auth/password', cookie, { oldPassword: initial, newPassword: password })).status).toBe(200);
    expect((await (await call('/api/org/units', cookie)).json()).error.code).toBe('TOTP_ENROLMENT_REQUIRED');
    const setup = await (await call('/api/auth/totp/setup', cookie, { password })).json();
    const enabled = await call('/api/auth/totp/enable', cookie, { code: await generate({ secret: setup.secret }) });
    expect((await enabled.json()).codes).toHaveLength(10);
    const created = await fetch(`${base}/api/org/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ parentId: null, name: '重启测试宣传部', type: 'department' }),
    });
    expect(created.status).toBe(201);

    const second = start({ PORT: String(await freePort()) });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain('正被另一个进程');

    await stop(first);
    const again = start({ PORT: String(port) });
    const out2 = await again.until(/落实已启动/);
    expect(out2).not.toContain('初始密码');
    expect((await (await signIn(password)).json()).error.code).toBe('TOTP_REQUIRED');
    // A code of the next 30-second step: the one used at enrolment may not be taken twice.
    const relog = await signIn(password, await generate({ secret: setup.secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    expect(relog.status).toBe(200);
    const cookie2 = relog.headers.get('set-cookie')!.split(';')[0];
    const units = await (await fetch(`${base}/api/org/units?q=${encodeURIComponent('重启测试')}`, { headers: { cookie: cookie2 } })).json();
    expect(units.data.map((u: { name: string }) => u.name)).toEqual(['重启测试宣传部']);
    await stop(again);
  }, 90_000);
});
