import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { DEFAULT_SECURITY_POLICY, type Duty, type SecurityPolicy } from '@luoshi/contract';
import { persons, roles, securitySettings, units, userRoles, users } from '../db/schema/index.ts';
import { bootstrap } from '../modules/auth/bootstrap.ts';
import { phoneColumns } from '../modules/org/persons.ts';
import { hashPassword } from '../platform/password.ts';
import { useKeyRing } from '../platform/crypto.ts';
import { loadKeyRing } from '../platform/keys.ts';
import type { App } from '../platform/types.ts';

export const ADMIN_PASSWORD = 'Admin-pass-2026';
export const TEST_PASSWORD = 'Test-pass-2026';
let testHash: Promise<string> | null = null;
const testPasswordHash = () => (testHash ??= hashPassword(TEST_PASSWORD));

/** Fixed keys for every test app of a process, so two apps of one file read each other's sealed values alike. */
export const TEST_AUDIT_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_DATA_KEY = Buffer.alloc(32, 9).toString('base64');

export type TestCtx = { app: App; db: Db; config: Config; close: () => Promise<void> };

/**
 * A real database for one test file: PGlite in memory by default, or a fresh database on the
 * PostgreSQL server of DATABASE_URL (created here and dropped on close). Migrated, and nothing else:
 * no accounts and no application.
 */
export async function makeTestDb(overrides: Partial<Config> = {}): Promise<Omit<TestCtx, 'app'>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-test-'));
  const serverUrl = process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  let dropDb = async () => {};
  if (serverUrl) {
    const name = `luoshi_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      // The pool's sockets may still be closing; let them go before forcing the rest.
      for (let i = 0; i < 40; i++) {
        const { rows } = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const database = await openDatabase({ dataDir: null, databaseUrl });
  const config = loadConfig({ LUOSHI_DATA: dataDir, LUOSHI_LOG_LEVEL: process.env.TEST_LOG ?? 'silent' } as NodeJS.ProcessEnv, {
    databaseUrl,
    adminPassword: ADMIN_PASSWORD,
    loginRatePerMinute: 100_000,
    webDist: path.join(dataDir, 'no-web'),
    auditKey: TEST_AUDIT_KEY,
    dataKey: TEST_DATA_KEY,
    ...overrides,
  });
  useKeyRing(loadKeyRing(config));
  return {
    db: database.db,
    config,
    close: async () => {
      await database.close();
      await dropDb();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A test database with the application on it, its first accounts made as at a first start. */
export async function makeTestApp(overrides: Partial<Config> = {}, opts: { policy?: Partial<SecurityPolicy> } = {}): Promise<TestCtx> {
  const { db, config, close } = await makeTestDb(overrides);
  // The four first accounts (admin and the 三员) share ADMIN_PASSWORD here and need not change it; a second factor is
  // optional unless a test's policy says otherwise, so that tests of other things sign in with a password.
  await bootstrap(db, config, { password: ADMIN_PASSWORD, mustChange: false });
  await db.insert(securitySettings).values({ id: 1, policy: { ...DEFAULT_SECURITY_POLICY, totp: 'optional', ...opts.policy } });
  const app = await buildApp({ db, config, logger: false });
  await app.ready();
  return {
    app,
    db,
    config,
    close: async () => {
      await app.close();
      await close();
    },
  };
}

let seq = 0;
const next = () => ++seq;

export async function makeUnit(
  db: Db,
  opts: { parent?: { id: string; path: string; depth: number } | null; name?: string; type?: string } = {},
) {
  const id = crypto.randomUUID();
  const parent = opts.parent ?? null;
  const [row] = await db
    .insert(units)
    .values({
      id,
      parentId: parent?.id ?? null,
      name: opts.name ?? `测试单位${next()}`,
      type: opts.type ?? (parent ? 'directly_led' : 'department'),
      path: `${parent?.path ?? '/'}${id}/`,
      depth: parent ? parent.depth + 1 : 0,
    })
    .returning();
  return row;
}

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗';
export async function makePerson(db: Db, unit: { id: string }, opts: Partial<typeof persons.$inferInsert> = {}) {
  const n = next();
  // A phone is stored as the org module stores it: sealed, with its blind index.
  const phone = opts.phone !== undefined ? phoneColumns(opts.phone) : {};
  const [row] = await db
    .insert(persons)
    .values({ unitId: unit.id, name: `${SURNAMES[n % SURNAMES.length]}测${n}`, post: '干部', ...opts, ...phone })
    .returning();
  return row;
}

/** A person with an account holding one built-in role in `unit`. */
export async function makeUser(db: Db, unit: { id: string }, roleCode: string, opts: { username?: string } = {}) {
  const person = await makePerson(db, unit);
  const [role] = await db.select().from(roles).where(eq(roles.code, roleCode));
  if (!role) throw new Error(`no role ${roleCode}`);
  const username = opts.username ?? `u${next()}_${roleCode}`;
  const [user] = await db
    .insert(users)
    .values({ username, passwordHash: await testPasswordHash(), personId: person.id, unitId: unit.id })
    .returning();
  await db.insert(userRoles).values({ userId: user.id, roleId: role.id });
  return { person, user, username, password: TEST_PASSWORD };
}

export type Agent = {
  cookie: string;
  get: (url: string) => Promise<LightMyRequestResponse>;
  post: (url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  patch: (url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  put: (url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  delete: (url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  upload: (url: string, files: { field?: string; name: string; content: Buffer; type?: string }[], fields?: Record<string, string>) => Promise<LightMyRequestResponse>;
};

export async function login(app: App, username: string, password: string): Promise<Agent> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return agentWithCookie(app, cookie);
}

/**
 * The first login of an account an administrator opened or reset: the password it was given works once, to
 * choose a new one (here `${initial}+`), before anything else may be called.
 */
export async function loginFirstTime(app: App, username: string, initial: string): Promise<Agent & { password: string }> {
  const agent = await login(app, username, initial);
  const password = `${initial}+`;
  const res = await agent.post('/api/auth/password', { oldPassword: initial, newPassword: password });
  if (res.statusCode !== 200) throw new Error(`first password change of ${username} failed: ${res.statusCode} ${res.body}`);
  return { ...agent, password };
}

export function agentWithCookie(app: App, cookie: string): Agent {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE') => (url: string, body?: unknown) =>
    app.inject({ method, url, headers: { cookie }, ...(body === undefined ? {} : { payload: body as object }) });
  return {
    cookie,
    get: call('GET'),
    post: call('POST'),
    patch: call('PATCH'),
    put: call('PUT'),
    delete: call('DELETE'),
    upload: (url, files, fields = {}) => {
      const boundary = `----luoshi${Math.random().toString(16).slice(2)}`;
      const parts: Buffer[] = [];
      for (const [k, v] of Object.entries(fields)) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      }
      for (const f of files) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.name}"\r\n` +
              `Content-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
          ),
          f.content,
          Buffer.from('\r\n'),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      });
    },
  };
}

/** Creates a user with a built-in role in `unit` and signs them in. */
export async function loginAs(ctx: TestCtx, roleCode: string, unit: { id: string }) {
  const u = await makeUser(ctx.db, unit, roleCode);
  return { ...u, agent: await login(ctx.app, u.username, u.password) };
}

export const loginAdmin = (ctx: TestCtx) => login(ctx.app, 'admin', ADMIN_PASSWORD);

/** The accounts of the three separated admin duties, made at first start. */
export const DUTY_USERNAMES: Record<Duty, string> = { system: 'xitong', security: 'anquan', audit: 'shenji' };
export const loginDuty = (ctx: TestCtx, duty: Duty) => login(ctx.app, DUTY_USERNAMES[duty], ADMIN_PASSWORD);

/**
 * A small city: the city department with two county departments, each with a branch.
 * Scope tests use it to prove one county never reaches the other.
 */
export async function makeCity(db: Db) {
  const city = await makeUnit(db, { name: `市委宣传部${next()}`, type: 'department' });
  const countyA = await makeUnit(db, { parent: city, name: '甲县委宣传部', type: 'county_department' });
  const countyB = await makeUnit(db, { parent: city, name: '乙县委宣传部', type: 'county_department' });
  const branchA = await makeUnit(db, { parent: countyA, name: '甲县机关党支部', type: 'branch' });
  const branchB = await makeUnit(db, { parent: countyB, name: '乙县机关党支部', type: 'branch' });
  return { city, countyA, countyB, branchA, branchB };
}

/** The JSON body of a response that must have `status`, or an error that shows what came back instead. */
export async function ok<T = any>(res: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200): Promise<T> {
  const r = await res;
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
  return r.json() as T;
}
