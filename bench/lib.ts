/** What every benchmark here shares: a fresh database with a query recorder, bulk inserts, timing. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Logger } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Db } from '../apps/server/src/db/client.ts';
import * as schema from '../apps/server/src/db/schema/index.ts';
import { eq } from 'drizzle-orm';
import { DEFAULT_SECURITY_POLICY } from '@luoshi/contract';
import type { Config } from '../apps/server/src/config.ts';
import { securitySettings, users } from '../apps/server/src/db/schema/index.ts';
import { DEMO_PASSWORD } from '../apps/server/src/demo/city.ts';
import { bootstrap } from '../apps/server/src/modules/auth/bootstrap.ts';
import { useKeyRing } from '../apps/server/src/platform/crypto.ts';
import { loadKeyRing } from '../apps/server/src/platform/keys.ts';

export const here = path.dirname(fileURLToPath(import.meta.url));
const migrationsFolder = path.join(here, '../apps/server/src/db/migrations');
const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
export const RUNS = env('BENCH_RUNS', 60);
export const WARMUP = 5;
export { env };

// ---------------------------------------------------------------- database with a query recorder

export type Captured = { query: string; params: unknown[] };
export const recorder = { on: false, queries: [] as Captured[] };
const logger: Logger = {
  logQuery(query, params) {
    if (recorder.on) recorder.queries.push({ query, params });
  },
};

export type BenchDb = {
  db: Db;
  kind: string;
  raw: (q: string, p: unknown[]) => Promise<unknown>;
  /** runs statements on one connection, so that they can share a transaction */
  onOne: <T>(fn: (q: (text: string, params: unknown[]) => Promise<unknown>) => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
};

/** True when the file is the script being run (`tsx points.ts`), not a module another benchmark imports from. */
export const isMain = (url: string) => !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(url);

/** `pool`: connections to the PostgreSQL server (BENCH_POOL, 10 by default); PGlite always has one. */
export async function openBenchDb(o: { pool?: number } = {}): Promise<BenchDb> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `luoshi_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: u.toString(), max: o.pool ?? env('BENCH_POOL', 10) });
    const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
    await migratePg(db as never, { migrationsFolder });
    return {
      db,
      kind: 'PostgreSQL',
      raw: (q, p) => pool.query(q, p as unknown[]),
      onOne: async (fn) => {
        const c = await pool.connect();
        try {
          return await fn((q, p) => c.query(q, p as unknown[]));
        } finally {
          c.release();
        }
      },
      close: async () => {
        await pool.end();
        // BENCH_KEEP_DB=1 leaves the database for EXPLAIN by hand (drop it afterwards)
        if (process.env.BENCH_KEEP_DB) return console.log(`数据库 ${name} 已保留`);
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const client = await PGlite.create({ extensions: { pg_trgm } });
  const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  const raw = (q: string, p: unknown[]) => client.query(q, p as unknown[]);
  return { db, kind: 'PGlite (in memory)', raw, onOne: (fn) => fn(raw), close: () => client.close() };
}

export async function insertChunks<T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

// ---------------------------------------------------------------- timing

export const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { runs: s.length, min: s[0], median: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1] };
};
export async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function timePair(a: () => Promise<unknown>, b: () => Promise<unknown>, runs = RUNS, warmup = WARMUP): Promise<[number[], number[]]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  return [ta, tb];
}

/** The SQL one request runs, recorded once and replayed without the HTTP stack, timed beside the request. */
export async function requestVersusSql(
  get: () => Promise<unknown>,
  raw: (q: string, p: unknown[]) => Promise<unknown>,
  runs = RUNS,
  warmup = WARMUP,
): Promise<{ http: ReturnType<typeof stats>; sql: ReturnType<typeof stats>; queries: Captured[] }> {
  recorder.queries = [];
  recorder.on = true;
  await get();
  recorder.on = false;
  const queries = recorder.queries;
  const [h, q] = await timePair(
    get,
    async () => {
      for (const x of queries) await raw(x.query, x.params);
    },
    runs,
    warmup,
  );
  return { http: stats(h), sql: stats(q), queries };
}

/** CJK characters take two columns in a terminal. */
export const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
export const pad = (s: string, n: number, left = false) => (left ? ' '.repeat(Math.max(0, n - width(s))) + s : s + ' '.repeat(Math.max(0, n - width(s))));
export const ms = (x: number) => x.toFixed(2).padStart(9);

/**
 * The first accounts of a benchmark database, all with the demo password and no change required, and a second
 * factor left optional, so the benchmark signs in with a password as the demo does. Returns admin's user id.
 */
export async function benchBootstrap(db: Db, config: Config): Promise<string> {
  useKeyRing(loadKeyRing(config));
  await bootstrap(db, config, { password: DEMO_PASSWORD, mustChange: false });
  await db.insert(securitySettings).values({ id: 1, policy: { ...DEFAULT_SECURITY_POLICY, totp: 'optional' } }).onConflictDoNothing();
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'admin'));
  return admin.id;
}
