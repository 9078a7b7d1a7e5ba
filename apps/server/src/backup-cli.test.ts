/** The restore drill of the README, as an operator runs it: real processes, on a data folder or a PostgreSQL server. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyArchive } from './backup/archive.ts';
import { existingKeyRing } from './backup/keys.ts';
import { countRows } from './backup/snapshot.ts';
import { openDatabase } from './db/client.ts';
import { freePort, killStarted, runServerScript } from './test/processes.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-drill-'));
const dropLater: string[] = [];
const ADMIN_PASSWORD = 'Drill-pass-2026!';
const serverUrl = process.env.DATABASE_URL;

/** The environment of one installation: its data folder and, on PostgreSQL, its database; keys in the folder's keys/. */
function installation(dataDir: string, databaseUrl?: string): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    DATABASE_URL: databaseUrl ?? '',
    LUOSHI_DATA: dataDir,
    LUOSHI_AUDIT_KEY: '',
    LUOSHI_DATA_KEY: '',
    LUOSHI_BACKUP_DIR: '',
    LUOSHI_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LUOSHI_LOGIN_RATE_PER_MINUTE: '100000',
    LUOSHI_LOG_LEVEL: 'warn',
    LUOSHI_WEB_DIST: path.join(work, 'no-web'),
  };
}

/** npm run backup / restore: the same command line the root package.json runs. */
async function cli(env: Record<string, string>, ...args: string[]) {
  const p = runServerScript(['src/backup-cli.ts', ...args], env);
  const code = await p.exited;
  return { code, output: p.output() };
}

async function createDatabase(): Promise<string> {
  const name = `luoshi_d_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  dropLater.push(name);
  const u = new URL(serverUrl!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function counts(dataDir: string, databaseUrl: string | undefined, tables: string[]) {
  const database = await openDatabase(databaseUrl ? { dataDir: null, databaseUrl } : { dataDir });
  try {
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = await countRows(database.db, t);
    return out;
  } finally {
    await database.close();
  }
}

afterAll(async () => {
  killStarted();
  if (serverUrl) {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    for (const name of dropLater) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
  fs.rmSync(work, { recursive: true, force: true });
});

describe(`the restore drill (${serverUrl ? 'PostgreSQL' : 'embedded PGlite'})`, () => {
  it('backs up the running server while people sign in, refuses a non-empty target, restores into an empty one with the keys copied, and the server starts on it', async () => {
    const sourceDir = path.join(work, 'source');
    const sourceDb = serverUrl ? await createDatabase() : undefined;
    const source = installation(sourceDir, sourceDb);
    const port = await freePort();
    const server = runServerScript(['src/main.ts'], { ...source, PORT: String(port) });
    await server.until(/落实已启动/);
    const base = `http://127.0.0.1:${port}`;

    // Writes go on during the backup: every attempt with an unknown name is put on the audit log.
    let writing = true;
    let attempts = 0;
    const writer = (async () => {
      while (writing) {
        await fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `nobody${attempts}`, password: 'wrong-password-1' }),
        }).catch(() => {});
        attempts++;
      }
    })();
    while (attempts < 5) await new Promise((r) => setTimeout(r, 20));
    const archive = path.join(work, 'backups', 'luoshi-drill.tar.gz');
    const backup = await cli(source, 'backup', archive);
    writing = false;
    await writer;
    expect(backup.output).toMatch(/已写入备份/);
    expect(backup.code).toBe(0);
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    expect((await cli(source, 'backup', archive)).output).toMatch(/已存在/);

    const check = await cli(source, 'restore', '--check', archive);
    expect(check.output).toMatch(/完好/);
    expect(check.code).toBe(0);

    server.child.kill('SIGTERM');
    await server.exited;

    // Restoring over the installation it came from is refused.
    const over = await cli(source, 'restore', archive);
    expect(over.code).toBe(1);
    expect(over.output).toMatch(serverUrl ? /不是空的|不是空库/ : /不是空的/);

    // The drill: a new folder holding only the keys folder kept apart, and on PostgreSQL a new database.
    const targetDir = path.join(work, 'target');
    fs.cpSync(path.join(sourceDir, 'keys'), path.join(targetDir, 'keys'), { recursive: true });
    const targetDb = serverUrl ? await createDatabase() : undefined;
    const target = installation(targetDir, targetDb);
    const restore = await cli(target, 'restore', archive);
    expect(restore.output).toMatch(/各表行数与清单一致/);
    expect(restore.output).toMatch(/审计链校验通过/);
    expect(restore.code).toBe(0);

    const manifest = await verifyArchive(archive, existingKeyRing({ keysDir: path.join(targetDir, 'keys') }));
    const restored = await counts(targetDir, targetDb, manifest.tables.map((t) => t.name));
    expect(restored).toEqual(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])));
    expect(restored.audit_log).toBeGreaterThan(5);

    const port2 = await freePort();
    const again = runServerScript(['src/main.ts'], { ...target, PORT: String(port2) });
    const out = await again.until(/落实已启动/);
    expect(out).not.toContain('初始密码');
    const login = await fetch(`http://127.0.0.1:${port2}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    if (!serverUrl) {
      // A server that died left its socket and lock behind: the command opens the folder itself.
      again.child.kill('SIGKILL');
      await again.exited;
      const offline = await cli(target, 'backup', path.join(work, 'backups', 'after-crash.tar.gz'));
      expect(offline.output).toMatch(/已写入备份/);
      expect(offline.code).toBe(0);
    } else {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  }, 600_000);
});
