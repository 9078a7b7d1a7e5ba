import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { asc, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { auditLog, files, studySessions, studyUnitWeeks, units, users } from '../db/schema/index.ts';
import { audit, SYSTEM_ACTOR, verifyAuditChain } from '../platform/audit.ts';
import { agentWithCookie, login, loginAs, makeCity, makeTestApp, makeUnit, ok, TEST_AUDIT_KEY, TEST_DATA_KEY, type TestCtx } from '../test/harness.ts';
import { restoreBackup, verifyArchive, writeBackup, type Manifest, type RestoreTarget } from './archive.ts';
import { existingKeyRing } from './keys.ts';
import { countRows } from './snapshot.ts';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('落实备份测试'.repeat(2000)), Buffer.from('\n%%EOF\n')]);
const ARCHIVED = 'audit-0000000001-0000000001.ndjson.gz';
const OTHER_KEY = Buffer.alloc(32, 3).toString('base64');

let ctx: TestCtx;
let work: string;
let archive: string;
let manifest: Manifest;
let staff: { username: string; password: string };
let uploaded: { id: string; storageKey: string };
let added = 0;
const dropLater: (() => Promise<void>)[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An empty restore target: a data folder that does not exist yet and, on PostgreSQL, a new empty database. */
async function makeTarget(keys: Partial<RestoreTarget['keys']> = {}) {
  const dataDir = path.join(work, `target-${Math.random().toString(36).slice(2, 8)}`);
  let databaseUrl: string | undefined;
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `luoshi_r_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(server);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropLater.push(async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    });
  }
  const target: RestoreTarget = {
    dataDir,
    databaseUrl,
    keys: { keysDir: path.join(dataDir, 'keys'), auditKey: TEST_AUDIT_KEY, dataKey: TEST_DATA_KEY, ...keys },
  };
  const open = () => openDatabase(databaseUrl ? { dataDir: null, databaseUrl } : { dataDir });
  /** What a refused restore must leave: no folder contents but the keys, and no table in the database. */
  const untouched = async () => {
    const left = fs.existsSync(dataDir) ? fs.readdirSync(dataDir).filter((n) => n !== 'keys') : [];
    let tables = 0;
    if (databaseUrl) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      tables = (await c.query(`select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`)).rows[0].n;
      await c.end();
    }
    return { left, tables };
  };
  return { target, open, untouched };
}

/** The archive with its entries changed as `change` says. */
async function rewrite(from: string, to: string, change: (name: string, body: Buffer) => Buffer) {
  const entries: { name: string; body: Buffer }[] = [];
  const extract = tar.extract();
  fs.createReadStream(from).pipe(zlib.createGunzip()).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry as unknown as AsyncIterable<Buffer>) chunks.push(c);
    entries.push({ name: entry.header.name, body: change(entry.header.name, Buffer.concat(chunks)) });
  }
  const pack = tar.pack();
  const done = pipeline(pack, zlib.createGzip(), fs.createWriteStream(to));
  for (const e of entries) await new Promise<void>((res, rej) => pack.entry({ name: e.name }, e.body, (err) => (err ? rej(err) : res())));
  pack.finalize();
  await done;
}

beforeAll(async () => {
  ctx = await makeTestApp();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-backup-'));
  archive = path.join(work, 'luoshi.tar.gz');
  const city = await makeCity(ctx.db);
  const s = await loginAs(ctx, 'staff', city.branchA);
  staff = { username: s.username, password: s.password };
  const ref = await ok(s.agent.upload('/api/campaigns/uploads', [{ name: '佐证材料.pdf', content: PDF, type: 'application/pdf' }]), 201);
  const [row] = await ctx.db.select().from(files).where(eq(files.id, ref.id));
  uploaded = { id: row.id, storageKey: row.storageKey };
  // Audit rows past their retention live only in their signed archive files, beside the database.
  fs.mkdirSync(path.join(ctx.config.dataDir, 'audit-archive'), { recursive: true });
  fs.writeFileSync(path.join(ctx.config.dataDir, 'audit-archive', ARCHIVED), zlib.gzipSync('{"id":1}\n'));
  // A held study session: its unit's weekly tally is kept by a trigger, which must not count it twice on restore.
  await ctx.db.insert(studySessions).values({
    unitId: city.branchA.id,
    typeCode: 'theory',
    topic: '学习贯彻全会精神',
    plannedStart: new Date('2026-03-10T01:00:00Z'),
    plannedEnd: new Date('2026-03-10T03:00:00Z'),
    status: 'held',
    actualStart: new Date('2026-03-10T01:00:00Z'),
    actualEnd: new Date('2026-03-10T02:30:00Z'),
  });

  // Units are added, each with its audit row in the same transaction, before, during and after the backup.
  let writing = true;
  const writer = (async () => {
    while (writing) {
      await ctx.db.transaction(async (tx) => {
        const u = await makeUnit(tx as unknown as Db, { parent: city.countyB, name: `备份期间新增单位${added}` });
        await audit(tx, SYSTEM_ACTOR, { entity: 'unit', entityId: u.id, action: 'create', after: { name: u.name } });
      });
      added++;
      // PGlite answers without leaving the microtask queue: let the backup and the timers have their turn.
      await sleep(1);
    }
  })();
  while (added < 5) await sleep(5);
  await writeBackup(ctx.db, { file: archive, dataDir: ctx.config.dataDir });
  const after = added;
  while (added < after + 5) await sleep(5);
  writing = false;
  await writer;
  manifest = await verifyArchive(archive, existingKeyRing(ctx.config));
});

afterAll(async () => {
  await ctx?.close();
  for (const drop of dropLater) await drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('npm run backup / npm run restore', () => {
  it('restores a backup taken while writes went on: every table as the manifest counts it, one consistent snapshot, the files, and an intact audit chain', async () => {
    const { target, open } = await makeTarget();
    const result = await restoreBackup(archive, target);
    expect(result.audit.intact).toBe(true);
    expect(result.files).toBe(2);

    const restored = await open();
    try {
      const db = restored.db;
      for (const t of manifest.tables) expect(await countRows(db, t.name), t.name).toBe(t.rows);

      // Each unit came with its audit row in one transaction: the snapshot holds both or neither.
      const unitIds = (await db.select({ id: units.id }).from(units).where(sql`${units.name} like '备份期间新增单位%'`)).map((u) => u.id).sort();
      const audited = (await db.select({ id: auditLog.entityId }).from(auditLog).where(sql`${auditLog.entity} = 'unit' and ${auditLog.action} = 'create'`))
        .map((a) => a.id)
        .sort();
      expect(unitIds.length).toBeGreaterThanOrEqual(5);
      expect(unitIds.length).toBeLessThan(added);
      expect(audited).toEqual(unitIds);

      // Rows that did not change meanwhile come back as they were, value for value.
      const people = (d: Db) => d.select().from(users).orderBy(asc(users.id));
      expect(await people(db)).toEqual(await people(ctx.db));
      const weeks = (d: Db) => d.select().from(studyUnitWeeks).orderBy(asc(studyUnitWeeks.unitId), asc(studyUnitWeeks.weekStart));
      const tally = await weeks(db);
      expect(tally).toEqual(await weeks(ctx.db));
      expect(tally.map((w) => w.sessions)).toEqual([1]);

      // The uploaded file, byte for byte.
      expect(fs.readFileSync(path.join(target.dataDir, 'files', uploaded.storageKey)).equals(PDF)).toBe(true);
      const archived = path.join('audit-archive', ARCHIVED);
      expect(fs.readFileSync(path.join(target.dataDir, archived)).equals(fs.readFileSync(path.join(ctx.config.dataDir, archived)))).toBe(true);

      // Sessions are not carried over; the sequence of the audit log goes on after the restored rows.
      expect(manifest.notKept).toContain('sessions');
      expect(await countRows(db, 'sessions')).toBe(0);
      expect((await verifyAuditChain(db)).intact).toBe(true);
      await audit(db, SYSTEM_ACTOR, { entity: 'backup', entityId: null, action: 'restored' });
      expect((await verifyAuditChain(db)).intact).toBe(true);

      // The server starts on the restored data and its people sign in.
      const app = await buildApp({ db, config: { ...ctx.config, dataDir: target.dataDir, databaseUrl: target.databaseUrl }, logger: false });
      try {
        const agent = await login(app, staff.username, staff.password);
        const me = await ok(agentWithCookie(app, agent.cookie).get('/api/auth/me'));
        expect(me.username ?? me.user?.username).toBe(staff.username);
      } finally {
        await app.close();
      }
    } finally {
      await restored.close();
    }
  });

  it('names the keys without holding them, and restores into a folder that holds only the copied keys folder, rotated since', async () => {
    const unpacked = zlib.gunzipSync(fs.readFileSync(archive)).toString('latin1');
    expect(unpacked).not.toContain(TEST_DATA_KEY);
    expect(unpacked).not.toContain(TEST_AUDIT_KEY);
    expect(manifest.keys.data).toBe(existingKeyRing(ctx.config).data.id);
    expect(manifest.keys.audit).toMatch(/^[0-9a-f]{8}$/);

    // The operator copied the keys folder kept apart; the data key was rotated after the backup, the old one retired.
    const { target } = await makeTarget({ auditKey: undefined, dataKey: undefined });
    const keysDir = target.keys.keysDir;
    fs.mkdirSync(path.join(keysDir, 'retired'), { recursive: true });
    fs.writeFileSync(path.join(keysDir, 'audit.key'), `${TEST_AUDIT_KEY}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(keysDir, 'data.key'), `${OTHER_KEY}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(keysDir, 'retired', '20260101.key'), `${TEST_DATA_KEY}\n`, { mode: 0o600 });
    const result = await restoreBackup(archive, target);
    expect(result.audit.intact).toBe(true);
    expect(result.counts.users).toBe(manifest.tables.find((t) => t.name === 'users')!.rows);
    expect(fs.readdirSync(target.dataDir).sort()).toEqual(target.databaseUrl ? ['audit-archive', 'files', 'keys'] : ['audit-archive', 'files', 'keys', 'pg']);
  });

  it('refuses a target that is not empty, and writes nothing', async () => {
    const folder = await makeTarget();
    fs.mkdirSync(folder.target.dataDir, { recursive: true });
    if (folder.target.databaseUrl) fs.mkdirSync(path.join(folder.target.dataDir, 'files', '2026'), { recursive: true });
    const stray = folder.target.databaseUrl ? path.join(folder.target.dataDir, 'files', '2026', 'old.pdf') : path.join(folder.target.dataDir, 'notes.txt');
    fs.writeFileSync(stray, 'kept');
    await expect(restoreBackup(archive, folder.target)).rejects.toThrow(/不是空的.*未写入任何数据/);
    expect(fs.readFileSync(stray, 'utf8')).toBe('kept');

    if (process.env.DATABASE_URL) {
      const { target } = await makeTarget();
      const c = new pg.Client({ connectionString: target.databaseUrl });
      await c.connect();
      await c.query('create table kept (id int)');
      await c.end();
      await expect(restoreBackup(archive, target)).rejects.toThrow(/不是空库.*未写入任何数据/);
    } else {
      // The source itself, while it is in use.
      await expect(restoreBackup(archive, { ...folder.target, dataDir: ctx.config.dataDir })).rejects.toThrow(/不是空的/);
    }
  });

  it("refuses keys that are not the backup's, before writing anything", async () => {
    const wrongAudit = await makeTarget({ auditKey: OTHER_KEY });
    await expect(restoreBackup(archive, wrongAudit.target)).rejects.toThrow(/审计密钥.*不是写出此备份时的审计密钥/);
    expect(await wrongAudit.untouched()).toEqual({ left: [], tables: 0 });

    const wrongData = await makeTarget({ dataKey: OTHER_KEY });
    await expect(restoreBackup(archive, wrongData.target)).rejects.toThrow(new RegExp(`缺少此备份所需的数据密钥 ${manifest.keys.data}`));
    expect(await wrongData.untouched()).toEqual({ left: [], tables: 0 });

    const none = await makeTarget({ auditKey: undefined, dataKey: undefined });
    await expect(restoreBackup(archive, none.target)).rejects.toThrow(/找不到审计密钥/);
    expect(fs.existsSync(none.target.keys.keysDir)).toBe(false);
    expect(await none.untouched()).toEqual({ left: [], tables: 0 });
  });

  it('refuses a tampered archive by its SHA-256 or its signature, and writes nothing', async () => {
    const usersPart = manifest.tables.find((t) => t.name === 'users')!.path;
    const filePart = `files/${uploaded.storageKey}`;

    const row = path.join(work, 'row.tar.gz');
    await rewrite(archive, row, (name, body) => (name === usersPart ? Buffer.from(body.toString('utf8').replace(staff.username, 'intruder')) : body));
    const rowTarget = await makeTarget();
    await expect(restoreBackup(row, rowTarget.target)).rejects.toThrow(new RegExp(`${usersPart} 的 SHA-256 与清单不符`));
    expect(await rowTarget.untouched()).toEqual({ left: [], tables: 0 });

    const byte = path.join(work, 'byte.tar.gz');
    await rewrite(archive, byte, (name, body) => {
      if (name !== filePart) return body;
      const copy = Buffer.from(body);
      copy[100] ^= 1;
      return copy;
    });
    const byteTarget = await makeTarget();
    await expect(restoreBackup(byte, byteTarget.target)).rejects.toThrow(new RegExp(`${filePart} 的 SHA-256 与清单不符`));
    expect(await byteTarget.untouched()).toEqual({ left: [], tables: 0 });

    // Changing the row and putting its new hash into the manifest breaks the manifest's signature instead.
    const forged = path.join(work, 'forged.tar.gz');
    let newHash = '';
    let newSize = 0;
    await rewrite(archive, forged, (name, body) => {
      if (name === usersPart) {
        const changed = Buffer.from(body.toString('utf8').replace(staff.username, 'intruder'));
        newHash = createHash('sha256').update(changed).digest('hex');
        newSize = changed.length;
        return changed;
      }
      if (name === 'manifest.json') {
        const m = JSON.parse(body.toString('utf8')) as Manifest;
        const part = m.tables.find((t) => t.path === usersPart)!;
        part.sha256 = newHash;
        part.size = newSize;
        return Buffer.from(`${JSON.stringify(m, null, 1)}\n`);
      }
      return body;
    });
    const forgedTarget = await makeTarget();
    await expect(restoreBackup(forged, forgedTarget.target)).rejects.toThrow(/清单的签名不符/);
    expect(await forgedTarget.untouched()).toEqual({ left: [], tables: 0 });

    // A cut-off archive.
    const cut = path.join(work, 'cut.tar.gz');
    fs.writeFileSync(cut, fs.readFileSync(archive).subarray(0, Math.floor(fs.statSync(archive).size / 2)));
    const cutTarget = await makeTarget();
    await expect(restoreBackup(cut, cutTarget.target)).rejects.toThrow(/不是完整的备份压缩包|缺少/);
    expect(await cutTarget.untouched()).toEqual({ left: [], tables: 0 });
  });

  it('refuses to overwrite an existing file', async () => {
    await expect(writeBackup(ctx.db, { file: archive, dataDir: ctx.config.dataDir })).rejects.toThrow(/已存在/);
    expect(fs.readdirSync(work).filter((n) => n.startsWith('.luoshi-backup-'))).toEqual([]);
  });
});
