import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import tar from 'tar-stream';
import { openDatabase, type Db } from '../db/client.ts';
import { files as filesTable } from '../db/schema/index.ts';
import { verifyAuditChain, type ChainVerdict } from '../platform/audit.ts';
import { keyRing, useKeyRing } from '../platform/crypto.ts';
import type { KeyRing, KeySettings } from '../platform/keys.ts';
import { auditKeyFingerprint, checkKeys, existingKeyRing, manifestSignatureValid, signManifest, type ManifestKeys } from './keys.ts';
import {
  BackupError,
  countRows,
  databaseSchema,
  dumpTable,
  insertRows,
  programSchema,
  readSequences,
  restoreSequences,
  setUserTriggers,
  tablesInLoadOrder,
  tablesNotKept,
  type SchemaVersion,
  type SequenceValue,
} from './snapshot.ts';

/**
 * One backup is one .tar.gz: `db/<table>.ndjson` for every table (one snapshot), `files/…` for every uploaded file
 * and `audit-archive/…` for the signed files of audit rows past their retention (their only copy),
 * then `manifest.json` — what each part holds and its SHA-256, the schema version, the sequences and the names of the
 * keys — and `manifest.sig`, its HMAC-SM3 under a key derived from the audit key. A restore reads the archive twice:
 * once to check every hash, the signature and the keys, writing nothing; then to load it.
 */

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
const FORMAT = 'luoshi-backup';

export type Part = { path: string; size: number; sha256: string };
export type TablePart = Part & { name: string; rows: number };

export type Manifest = {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  server: string;
  schema: SchemaVersion;
  keys: ManifestKeys;
  tables: TablePart[];
  /** tables whose rows a backup does not keep (sessions): restored empty */
  notKept: string[];
  sequences: SequenceValue[];
  files: Part[];
  warnings: string[];
};

export type BackupResult = { file: string; bytes: number; rows: number; tables: number; files: number; seconds: number; warnings: string[] };

/** A sealed value names its key: `sm4.<id>.…` (platform/crypto.ts). */
const SEALED = /"sm4\.([0-9a-f]{8})\./g;

const sha256 = () => createHash('sha256');

/**
 * The folders of LUOSHI_DATA that hold data outside the database, in both modes. The keys are not among them; nor
 * are the audit checkpoints, which stay where they were written (off-site) to hold the restored chain to account.
 */
export const DATA_FOLDERS = ['files', 'audit-archive'] as const;

let queue: Promise<unknown> = Promise.resolve();
/** One backup at a time per process: the daily job and a request through the socket do not dump side by side. */
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => {});
  return next;
}

/** Regular files under `root`, as paths relative to it with forward slashes, sorted. */
function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

function addEntry(pack: tar.Pack, name: string, mtime: Date, body: Buffer | { size: number; chunks: AsyncIterable<Buffer> }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (Buffer.isBuffer(body)) {
      pack.entry({ name, mtime, mode: 0o600, type: 'file' }, body, done);
      return;
    }
    const sink = pack.entry({ name, mtime, mode: 0o600, type: 'file', size: body.size }, done);
    (async () => {
      for await (const chunk of body.chunks) if (!sink.write(chunk)) await once(sink, 'drain');
      sink.end(() => {});
    })().catch((err: Error) => {
      sink.destroy(err);
      reject(err);
    });
  });
}

/**
 * Writes a backup of `db` and of `<dataDir>/files` to `file` (refusing to overwrite one). The rows come from one
 * REPEATABLE READ, READ ONLY transaction, so writes that go on meanwhile are either wholly in it or not at all; on
 * PGlite that transaction holds the one connection, and requests wait for the rows (not the files) to be read.
 * Uploaded files and audit archives are never changed once written, so they are read after it.
 */
export function writeBackup(db: Db, opts: { file: string; dataDir: string; keys?: KeyRing }): Promise<BackupResult> {
  return oneAtATime(async () => {
    const started = Date.now();
    const keys = opts.keys ?? keyRing();
    const out = path.resolve(opts.file);
    if (fs.existsSync(out)) throw new BackupError(`${out} 已存在：备份不覆盖已有的文件，请换一个文件名`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Beside the archive, so the finished file is renamed into place on the same disk: a failed backup leaves no
    // file that looks whole.
    const staging = fs.mkdtempSync(path.join(path.dirname(out), '.luoshi-backup-'));
    try {
      const createdAt = new Date();
      const snapshot = await db.transaction(
        async (tx) => {
          const tables = await tablesInLoadOrder(tx);
          const notKept = await tablesNotKept(tx, tables.map((t) => t.name));
          const sealedWith = new Set<string>();
          const parts: TablePart[] = [];
          for (const table of tables) {
            if (notKept.has(table.name)) continue;
            const partFile = path.join(staging, `${table.name}.ndjson`);
            const stream = fs.createWriteStream(partFile, { mode: 0o600 });
            const hash = sha256();
            let rows = 0;
            let size = 0;
            await dumpTable(tx, table, async (line) => {
              const buf = Buffer.from(`${line}\n`);
              hash.update(buf);
              size += buf.length;
              rows++;
              for (const m of line.matchAll(SEALED)) sealedWith.add(m[1]);
              if (!stream.write(buf)) await once(stream, 'drain');
            });
            await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
            parts.push({ name: table.name, path: `db/${table.name}.ndjson`, rows, size, sha256: hash.digest('hex') });
          }
          const server = ((await tx.execute(sql`select version() as server`)) as unknown as { rows: { server: string }[] }).rows[0].server;
          return {
            parts,
            notKept: [...notKept],
            sealedWith: [...sealedWith].sort(),
            schema: await databaseSchema(tx),
            sequences: await readSequences(tx),
            storageKeys: (await tx.select({ key: filesTable.storageKey }).from(filesTable)).map((r) => r.key),
            server,
          };
        },
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      );

      const onDisk = DATA_FOLDERS.flatMap((folder) => listFiles(path.join(opts.dataDir, folder)).map((rel) => `${folder}/${rel}`));
      const warnings: string[] = [];
      const present = new Set(onDisk);
      const lost = snapshot.storageKeys.filter((k) => !present.has(`files/${k.split(path.sep).join('/')}`));
      if (lost.length) {
        warnings.push(`数据库登记的 ${lost.length} 个上传文件不在 ${path.join(opts.dataDir, 'files')} 中（如 ${lost.slice(0, 3).join('、')}）：备份前它们已经丢失`);
      }

      const partial = path.join(staging, 'archive.tar.gz');
      const pack = tar.pack();
      const written = pipeline(pack, zlib.createGzip(), fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
      written.catch(() => {});
      const fileParts: Part[] = [];
      try {
        for (const p of snapshot.parts) {
          await addEntry(pack, p.path, createdAt, { size: p.size, chunks: fs.createReadStream(path.join(staging, `${p.name}.ndjson`)) });
        }
        for (const rel of onDisk) {
          const full = path.join(opts.dataDir, rel);
          // An upload still being written may grow: exactly the bytes seen now are taken.
          const size = fs.statSync(full).size;
          const hash = sha256();
          const chunks = async function* () {
            if (size === 0) return;
            for await (const chunk of fs.createReadStream(full, { start: 0, end: size - 1 }) as AsyncIterable<Buffer>) {
              hash.update(chunk);
              yield chunk;
            }
          };
          await addEntry(pack, rel, createdAt, { size, chunks: chunks() });
          fileParts.push({ path: rel, size, sha256: hash.digest('hex') });
        }
        const manifest: Manifest = {
          format: FORMAT,
          version: 1,
          createdAt: createdAt.toISOString(),
          server: snapshot.server,
          schema: snapshot.schema,
          keys: { audit: auditKeyFingerprint(keys.audit), data: keys.data.id, sealedWith: snapshot.sealedWith },
          tables: snapshot.parts,
          notKept: snapshot.notKept,
          sequences: snapshot.sequences,
          files: fileParts,
          warnings,
        };
        const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
        await addEntry(pack, MANIFEST, createdAt, manifestBytes);
        await addEntry(pack, SIGNATURE, createdAt, Buffer.from(`${signManifest(manifestBytes, keys.audit)}\n`));
        pack.finalize();
      } catch (err) {
        pack.destroy(err as Error);
        throw err;
      }
      await written;
      if (fs.existsSync(out)) throw new BackupError(`${out} 已存在：备份不覆盖已有的文件，请换一个文件名`);
      fs.renameSync(partial, out);
      return {
        file: out,
        bytes: fs.statSync(out).size,
        rows: snapshot.parts.reduce((n, p) => n + p.rows, 0),
        tables: snapshot.parts.length,
        files: fileParts.length,
        seconds: (Date.now() - started) / 1000,
        warnings,
      };
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  });
}

// ---- reading an archive ----

type Entry = { name: string; chunks: AsyncIterable<Buffer> };

/** The entries of an archive in order; each must be read to its end before the next. */
async function* entriesOf(file: string): AsyncGenerator<Entry> {
  if (!fs.existsSync(file)) throw new BackupError(`找不到备份文件 ${file}`);
  const source = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  const extract = tar.extract();
  const fail = (err: Error) => extract.destroy(new BackupError(`${file} 不是完整的备份压缩包（${err.message}）：备份已损坏或被截断。未写入任何数据。`));
  source.on('error', fail);
  gunzip.on('error', fail);
  source.pipe(gunzip).pipe(extract);
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type !== 'file') throw new BackupError(`备份中的 ${name} 不是普通文件：这不是落实写出的备份。未写入任何数据。`);
      yield { name, chunks: entry as unknown as AsyncIterable<Buffer> };
    }
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

/** Only names a backup writes: nothing can land outside the data folder. */
function safeName(name: string): boolean {
  if (name === MANIFEST || name === SIGNATURE) return true;
  if (/^db\/[a-z0-9_]+\.ndjson$/.test(name)) return true;
  const m = new RegExp(`^(?:${DATA_FOLDERS.join('|')})/(.+)$`).exec(name);
  return !!m && m[1].split('/').every((seg) => /^[A-Za-z0-9._-]+$/.test(seg) && seg !== '.' && seg !== '..');
}

const short = (h: string) => `${h.slice(0, 12)}…`;

/**
 * Reads the whole archive and checks it against the target's keys, writing nothing: the manifest is signed with the
 * audit key the target holds, every part has the SHA-256 the manifest gives, nothing is missing or added, and the
 * schema is the one this program builds. Returns the manifest.
 */
export async function verifyArchive(file: string, keys: KeyRing): Promise<Manifest> {
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifestBytes: Buffer | null = null;
  let signature = '';
  for await (const entry of entriesOf(file)) {
    if (!safeName(entry.name)) throw new BackupError(`备份中有不应出现的条目 ${entry.name}：这不是落实写出的备份，或已被改动。未写入任何数据。`);
    if (seen.has(entry.name)) throw new BackupError(`备份中的 ${entry.name} 出现了两次：备份已被改动。未写入任何数据。`);
    const hash = sha256();
    const kept: Buffer[] | null = entry.name === MANIFEST || entry.name === SIGNATURE ? [] : null;
    let size = 0;
    for await (const chunk of entry.chunks) {
      hash.update(chunk);
      size += chunk.length;
      if (kept) {
        if (size > 256 * 1024 * 1024) throw new BackupError(`备份中的 ${entry.name} 过大：备份已被改动。未写入任何数据。`);
        kept.push(chunk);
      }
    }
    seen.set(entry.name, { size, sha256: hash.digest('hex') });
    if (entry.name === MANIFEST) manifestBytes = Buffer.concat(kept!);
    if (entry.name === SIGNATURE) signature = Buffer.concat(kept!).toString('utf8');
  }
  if (!manifestBytes) throw new BackupError(`${file} 里没有 ${MANIFEST}：这不是落实写出的备份，或已被截断。未写入任何数据。`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  } catch {
    throw new BackupError(`备份清单 ${MANIFEST} 无法解析：备份已损坏。未写入任何数据。`);
  }
  if (manifest.format !== FORMAT || manifest.version !== 1) throw new BackupError(`${file} 不是本程序认识的落实备份（格式 ${manifest.format} ${manifest.version}）。未写入任何数据。`);
  checkKeys(manifest.keys, keys);
  if (!signature || !manifestSignatureValid(manifestBytes, signature, keys.audit)) {
    throw new BackupError(`备份清单的签名不符：备份在写出后被改动过（或清单被替换）。未写入任何数据。`);
  }
  const program = programSchema();
  if (manifest.schema.migrations !== program.migrations || manifest.schema.last !== program.last) {
    throw new BackupError(
      manifest.schema.migrations > program.migrations
        ? `此备份来自较新版本的落实（数据库结构 ${manifest.schema.last}），本程序只到 ${program.last}：请用写出备份的版本或更新的版本恢复。未写入任何数据。`
        : `此备份来自较早版本的落实（数据库结构 ${manifest.schema.last}），本程序为 ${program.last}：请先用写出备份的版本恢复，再启动新版本，启动时数据库会自动升级。未写入任何数据。`,
    );
  }
  const listed = [...manifest.tables, ...manifest.files];
  for (const part of listed) {
    const got = seen.get(part.path);
    if (!got) throw new BackupError(`备份中缺少清单列出的 ${part.path}：备份不完整。未写入任何数据。`);
    if (got.sha256 !== part.sha256 || got.size !== part.size) {
      throw new BackupError(`备份中 ${part.path} 的 SHA-256 与清单不符（清单 ${short(part.sha256)}，实际 ${short(got.sha256)}）：备份已损坏或被改动。未写入任何数据。`);
    }
  }
  const names = new Set([MANIFEST, SIGNATURE, ...listed.map((p) => p.path)]);
  const extra = [...seen.keys()].filter((n) => !names.has(n));
  if (extra.length) throw new BackupError(`备份中有清单没有列出的 ${extra.slice(0, 3).join('、')}：备份已被改动。未写入任何数据。`);
  return manifest;
}

// ---- restoring ----

export type RestoreTarget = {
  /** LUOSHI_DATA: the embedded database (without databaseUrl), the uploaded files and the keys */
  dataDir: string;
  databaseUrl?: string;
  keys: KeySettings;
  /** where the audit checkpoints are read when the restored chain is verified */
  checkpointDir?: string;
};

export type RestoreResult = {
  manifest: Manifest;
  rows: number;
  files: number;
  counts: Record<string, number>;
  audit: ChainVerdict;
  seconds: number;
};

const KEYS_DIR = 'keys';

/** The database name of a URL, without its password, for messages. */
const dbName = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
};

/** Refuses a target that holds anything: a restore never overwrites. Only the keys may be there already. */
async function checkTargetEmpty(target: RestoreTarget) {
  const dataDir = path.resolve(target.dataDir);
  const present = fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [];
  if (target.databaseUrl) {
    for (const folder of DATA_FOLDERS) {
      const dir = path.join(dataDir, folder);
      if (fs.existsSync(dir) && fs.readdirSync(dir).length) {
        throw new BackupError(`目标的目录 ${dir} 不是空的：恢复不覆盖已有的文件。请让 LUOSHI_DATA 指向新目录（可以只含 keys/），或先把它移走。未写入任何数据。`);
      }
    }
    const client = new pg.Client({ connectionString: target.databaseUrl });
    try {
      await client.connect();
    } catch (err) {
      throw new BackupError(`无法连接目标数据库 ${dbName(target.databaseUrl)}：${(err as Error).message}`);
    }
    try {
      const { rows } = await client.query<{ name: string }>(
        `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p', 'v', 'm', 'S') and n.nspname not in ('pg_catalog', 'information_schema')
           and n.nspname not like 'pg\\_%' order by 1`,
      );
      if (rows.length) {
        throw new BackupError(
          `目标数据库 ${dbName(target.databaseUrl)} 不是空库（已有 ${rows.length} 个表或序列，如 ${rows.slice(0, 3).map((r) => r.name).join('、')}）：` +
            `恢复只写入新建的空数据库，以免覆盖现有数据。请新建一个数据库（createdb），把 DATABASE_URL 指向它后再恢复。未写入任何数据。`,
        );
      }
    } finally {
      await client.end();
    }
    return;
  }
  const others = present.filter((n) => n !== KEYS_DIR);
  if (others.length) {
    throw new BackupError(
      `目标数据目录 ${dataDir} 不是空的（有 ${others.slice(0, 5).join('、')}）：恢复只写入空目录（可以只含 keys/），以免覆盖现有数据。` +
        `请让 LUOSHI_DATA 指向一个新目录，或先把这个目录移走。未写入任何数据。`,
    );
  }
}

/** Splits a part into its lines, across chunk boundaries and multi-byte characters. */
async function* linesOf(chunks: AsyncIterable<Buffer>, hash: ReturnType<typeof sha256>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    hash.update(chunk);
    rest += decoder.write(chunk);
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  rest += decoder.end();
  if (rest) yield rest;
}

const BATCH_ROWS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Fills an empty target from a backup: checks the archive and the keys first (nothing is written when either
 * fails), then migrates the new database, loads every table in one transaction with the tables' triggers off,
 * sets the sequences, compares each table's row count with the manifest, puts the files in place and verifies the
 * audit chain. A failure after the database was created leaves the data folder as it was.
 */
export async function restoreBackup(file: string, target: RestoreTarget): Promise<RestoreResult> {
  const started = Date.now();
  const archive = path.resolve(file);
  const dataDir = path.resolve(target.dataDir);
  if (!fs.existsSync(archive)) throw new BackupError(`找不到备份文件 ${archive}`);
  await checkTargetEmpty(target);
  const keys = existingKeyRing(target.keys);
  const manifest = await verifyArchive(archive, keys);

  const parts = new Map<string, Part>([...manifest.tables, ...manifest.files].map((p) => [p.path, p]));
  const tableOf = new Map(manifest.tables.map((t) => [t.path, t.name]));
  const incoming = path.join(dataDir, '.restoring');
  const createdBefore = new Set(fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []);
  fs.mkdirSync(dataDir, { recursive: true });
  let database: Awaited<ReturnType<typeof openDatabase>> | null = null;
  try {
    database = await openDatabase(target.databaseUrl ? { dataDir: null, databaseUrl: target.databaseUrl } : { dataDir });
    const { db } = database;
    await db.transaction(async (tx) => {
      const tables = await tablesInLoadOrder(tx);
      const byName = new Map(tables.map((t) => [t.name, t]));
      for (const t of manifest.tables) if (!byName.has(t.name)) throw new BackupError(`备份中的表 ${t.name} 在本程序的数据库结构中不存在`);
      await setUserTriggers(tx, tables, false);
      // Whatever the migrations themselves wrote gives way to the backup's rows.
      for (const t of [...tables].reverse()) await tx.execute(sql`delete from ${sql.identifier(t.name)}`);
      for await (const entry of entriesOf(archive)) {
        const part = parts.get(entry.name);
        const hash = sha256();
        const table = tableOf.get(entry.name);
        if (table) {
          const info = byName.get(table)!;
          let batch: string[] = [];
          let bytes = 0;
          for await (const line of linesOf(entry.chunks, hash)) {
            batch.push(line);
            bytes += line.length;
            if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
              await insertRows(tx, info, batch);
              batch = [];
              bytes = 0;
            }
          }
          await insertRows(tx, info, batch);
        } else if (part) {
          const dest = path.join(incoming, entry.name);
          fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
          const chunks = async function* () {
            for await (const chunk of entry.chunks) {
              hash.update(chunk);
              yield chunk;
            }
          };
          await pipeline(chunks(), fs.createWriteStream(dest, { flags: 'wx', mode: 0o600 }));
        } else {
          for await (const chunk of entry.chunks) hash.update(chunk);
          continue;
        }
        // The archive was checked a moment ago; it must not have changed since.
        if (hash.digest('hex') !== part!.sha256) throw new BackupError(`读取 ${entry.name} 时其 SHA-256 与清单不符：备份文件在恢复过程中被改动。`);
      }
      await restoreSequences(tx, manifest.sequences);
      for (const t of manifest.tables) {
        const n = await countRows(tx, t.name);
        if (n !== t.rows) throw new BackupError(`恢复后表 ${t.name} 有 ${n} 行，清单记载 ${t.rows} 行`);
      }
      await setUserTriggers(tx, tables, true);
    });
    for (const folder of DATA_FOLDERS) {
      const from = path.join(incoming, folder);
      const to = path.join(dataDir, folder);
      if (!fs.existsSync(from)) continue;
      if (fs.existsSync(to)) fs.rmdirSync(to);
      fs.renameSync(from, to);
    }
    fs.rmSync(incoming, { recursive: true, force: true });
    const counts: Record<string, number> = {};
    for (const t of manifest.tables) counts[t.name] = await countRows(db, t.name);
    // The chain is keyed: it is verified with the target's audit key, and the process's own ring is put back after.
    let before: KeyRing | null = null;
    try {
      before = keyRing();
    } catch {
      /* none loaded: the restore command */
    }
    useKeyRing(keys);
    let audit: ChainVerdict;
    try {
      audit = await verifyAuditChain(db, target.checkpointDir ?? '');
    } finally {
      if (before) useKeyRing(before);
    }
    return {
      manifest,
      rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
      files: manifest.files.length,
      counts,
      audit,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    fs.rmSync(incoming, { recursive: true, force: true });
    if (database) await database.close().catch(() => {});
    database = null;
    if (!target.databaseUrl) {
      // Only what this restore created goes: the folder held nothing but the keys before.
      for (const name of fs.readdirSync(dataDir)) if (!createdBefore.has(name)) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    }
    if (target.databaseUrl && !(err instanceof BackupError && /未写入任何数据/.test(err.message))) {
      throw new BackupError(`${(err as Error).message}\n恢复未完成：目标数据库已建了表结构，请删除并重新创建该数据库（dropdb / createdb）后再恢复。`);
    }
    throw err;
  } finally {
    if (database) await database.close();
  }
}
