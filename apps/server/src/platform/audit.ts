import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { and, asc, desc, gt, lte, sql } from 'drizzle-orm';
import type { Db, DbLike } from '../db/client.ts';
import { auditArchives, auditLog } from '../db/schema/index.ts';
import { isSealed, keyRing, maskEmail, maskPhone, maskUrl } from './crypto.ts';

/** Who is acting, and from where: every audit row names them. */
export type Actor = { userId: string | null; username: string | null; ip: string | null; route: string | null };
export const SYSTEM_ACTOR: Actor = { userId: null, username: 'system', ip: null, route: null };

export type AuditEntry = {
  entity: string;
  entityId: string | null;
  action: string;
  before?: unknown;
  after?: unknown;
  /** success (the default), failure (a refused login, a wrong code) or denied (no permission, another scope's record) */
  result?: 'success' | 'failure' | 'denied';
  /** the module the row belongs to; taken from the route when not given */
  module?: string;
};

const GENESIS = '0'.repeat(64);
/** One chain for the whole log: writers take this lock for the rest of their transaction. */
const CHAIN_LOCK = 7_245_001;
const HIDDEN = '[已隐藏]';

/** Keys whose values never enter the log, and keys whose values enter it masked. */
const SECRET_KEYS = /^(password|passwordHash|newPassword|oldPassword|secret|totpSecret|totpPendingSecret|token|code|codes|recoveryCodes|cookie|authorization)$/i;
const PHONE_KEYS = /phone/i;
const EMAIL_KEYS = /e-?mail/i;
const URL_KEYS = /^(url|webhook|webhookUrl)$/i;

/** Personal data and secrets as the log may hold them: masked, or hidden. Ciphertext is never copied either. */
export function maskPersonal(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return JSON.parse(
    JSON.stringify(value, (k, v) => {
      if (typeof v === 'string' && isSealed(v)) return HIDDEN;
      if (k && SECRET_KEYS.test(k)) return v == null ? v : HIDDEN;
      if (typeof v !== 'string') return v;
      if (PHONE_KEYS.test(k)) return maskPhone(v);
      if (EMAIL_KEYS.test(k)) return maskEmail(v);
      if (URL_KEYS.test(k)) return maskUrl(v);
      return v;
    }),
  );
}

/** JSON with sorted keys: jsonb does not keep key order, and the hash must survive the round trip. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

type ChainRow = Record<string, unknown>;

/** The unkeyed hash of rows written before the chain was keyed: kept to verify them, never written again. */
function legacyHash(prevHash: string, row: ChainRow): string {
  return createHash('sha256').update(prevHash).update(canonical(row)).digest('hex');
}

/** HMAC-SM3 under the audit key: without the key no one re-computes the chain after editing a row. */
export function chainHash(prevHash: string, row: ChainRow, key: Buffer = keyRing().audit): string {
  return createHmac('sm3', key).update(prevHash).update(canonical(row)).digest('hex');
}

/** A signature over a record kept outside the chain (checkpoints, archives). */
export function signRecord(record: Record<string, unknown>, key: Buffer = keyRing().audit): string {
  return createHmac('sm3', key).update(canonical(record)).digest('hex');
}

function signatureValid(record: Record<string, unknown>, sig: unknown): boolean {
  if (typeof sig !== 'string') return false;
  const expected = Buffer.from(signRecord(record), 'hex');
  const given = Buffer.from(sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The module of an /api route: /api/org/… → org; the 专项行动 routes live under several roots. */
const MODULE_OF_ROOT: Record<string, string> = {
  tasks: 'campaigns', reports: 'campaigns', meetings: 'campaigns', 'key-tasks': 'campaigns',
  dashboards: 'reports', bulletins: 'reports', summaries: 'reports', notifications: 'notify', calendar: 'notify',
};
export function moduleOfRoute(route: string | null): string | null {
  const root = route?.match(/ \/api\/([^/?]+)/)?.[1];
  return root ? (MODULE_OF_ROOT[root] ?? root) : null;
}

/** The fields of a row that the chain covers, in the shape they are read back from the database. */
function chainFields(r: {
  at: Date; userId: string | null; username: string | null; ip: string | null; route: string | null; entity: string; entityId: string | null;
  action: string; before: unknown; after: unknown; module: string | null; result: string; alg: string;
}): ChainRow {
  const base: ChainRow = {
    at: r.at.toISOString(), userId: r.userId, username: r.username, ip: r.ip, route: r.route,
    entity: r.entity, entityId: r.entityId, action: r.action, before: r.before, after: r.after,
  };
  return r.alg === 'sha256' ? base : { ...base, module: r.module, result: r.result };
}

/**
 * Serialises the writers of the audit chain and of the event log until the transaction ends, so that
 * their ids are handed out in commit order (a reader at id N never later finds a smaller id committed).
 */
export async function lockWriteOrder(tx: DbLike): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
}

/**
 * Writes an audit row. Call it inside the transaction that makes the change, so both land or neither.
 * Each row's hash is the HMAC of the previous hash and the row; personal data is masked before it is written.
 */
export async function audit(tx: DbLike, actor: Actor, entry: AuditEntry, at = new Date()): Promise<void> {
  await lockWriteOrder(tx);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? (await archivedHead(tx)) ?? GENESIS;
  const row = {
    at,
    userId: actor.userId,
    username: actor.username,
    ip: actor.ip,
    route: actor.route,
    entity: entry.entity,
    entityId: entry.entityId,
    action: entry.action,
    before: maskPersonal(entry.before),
    after: maskPersonal(entry.after),
    module: entry.module ?? moduleOfRoute(actor.route) ?? entry.entity.split('.')[0],
    result: entry.result ?? 'success',
    alg: 'hmac-sm3',
  };
  await tx.insert(auditLog).values({ ...row, prevHash, hash: chainHash(prevHash, chainFields(row)) });
}

/** An audit row on its own (a read, a refused login): its own short transaction, for the chain lock. */
export async function auditNow(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.transaction((tx) => audit(tx, actor, entry));
}

/** The head the remaining rows chain from once older rows were archived: the newest archive's. */
async function archivedHead(db: DbLike): Promise<string | null> {
  const [a] = await db.select({ head: auditArchives.head }).from(auditArchives).orderBy(desc(auditArchives.toId)).limit(1);
  return a?.head ?? null;
}

// ---- checkpoints: count and head, signed, written outside the database ----

export type Checkpoint = { at: string; count: number; lastId: number; head: string };

/** The chain's state now: rows ever written (archived ones included), the newest id and its hash. */
async function chainState(db: DbLike): Promise<Omit<Checkpoint, 'at'>> {
  const [last] = await db.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
  const [{ archived }] = await db.select({ archived: sql<number>`coalesce(sum(${auditArchives.rows}), 0)::int` }).from(auditArchives);
  return { count: n + archived, lastId: last?.id ?? 0, head: last?.hash ?? (await archivedHead(db)) ?? GENESIS };
}

/**
 * Writes today's checkpoint file (one per day, replaced during the day) into `dir`. Someone who deletes the newest
 * rows, or rebuilds the table, cannot make the database agree with a checkpoint they cannot sign.
 */
export async function writeCheckpoint(db: DbLike, dir: string, now = new Date()): Promise<Checkpoint & { file: string }> {
  const state = await chainState(db);
  const cp: Checkpoint = { at: now.toISOString(), ...state };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(now);
  const file = path.join(dir, `audit-${day}.json`);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ ...cp, sig: signRecord(cp) }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return { ...cp, file };
}

function readCheckpoints(dir: string): { cp: Checkpoint; valid: boolean; file: string }[] {
  if (!dir || !fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^audit-\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      try {
        const { sig, ...cp } = JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint & { sig: string };
        return { cp, valid: signatureValid(cp, sig), file };
      } catch {
        return { cp: { at: '', count: -1, lastId: -1, head: '' }, valid: false, file };
      }
    });
}

export type ChainVerdict = {
  intact: boolean;
  firstBrokenId: number | null;
  problem: string | null;
  rows: number;
  checkpoint: { at: string; count: number; lastId: number } | null;
  archives: number;
};

/**
 * Re-computes the chain from the newest archive's head (or the start), then holds the result against every
 * archive record's signature and every checkpoint: an edited row, a chain re-computed without the key, deleted
 * rows (the newest ones included, up to the last checkpoint) and a forged archive record are each told apart.
 */
export async function verifyAuditChain(db: DbLike, checkpointDir = ''): Promise<ChainVerdict> {
  const archives = await db.select().from(auditArchives).orderBy(asc(auditArchives.toId));
  const verdict = (firstBrokenId: number | null, problem: string | null, rows: number, checkpoint: ChainVerdict['checkpoint'] = null): ChainVerdict => ({
    intact: problem === null,
    firstBrokenId,
    problem,
    rows,
    checkpoint,
    archives: archives.length,
  });
  let prev = GENESIS;
  let archivedRows = 0;
  for (const a of archives) {
    const { id: _id, sig, archivedAt: _at, ...record } = a;
    if (!signatureValid(record, sig)) return verdict(a.fromId, `归档记录（第 ${a.fromId}–${a.toId} 条）的签名不符：归档记录被伪造或篡改`, 0);
    prev = a.head;
    archivedRows += a.rows;
  }
  // Checkpoints are read first, so the walk keeps only the rows they name (a year of rows is not held in memory).
  const checkpoints = readCheckpoints(checkpointDir);
  const named = new Set(checkpoints.map((c) => c.cp.lastId));
  const seen = new Map<number, { hash: string; position: number }>();
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await db.select().from(auditLog).where(gt(auditLog.id, after)).orderBy(asc(auditLog.id)).limit(5000);
    if (!page.length) break;
    for (const r of page) {
      if (r.prevHash !== prev) return verdict(r.id, `第 ${r.id} 条记录与前一条记录链接不上：其前的记录被删除或修改`, count);
      const fields = chainFields(r);
      const expected = r.alg === 'sha256' ? legacyHash(prev, fields) : chainHash(prev, fields);
      if (expected !== r.hash) {
        return verdict(r.id, `第 ${r.id} 条记录的内容与其哈希不符：记录被修改，或哈希链被不持有审计密钥者重新计算`, count);
      }
      prev = r.hash;
      count++;
      if (named.has(r.id)) seen.set(r.id, { hash: r.hash, position: count + archivedRows });
    }
    after = page[page.length - 1].id;
  }
  const archivedUpTo = archives.length ? archives[archives.length - 1].toId : 0;
  let newest: ChainVerdict['checkpoint'] = null;
  for (const { cp, valid, file } of checkpoints) {
    if (!valid) return verdict(null, `检查点 ${path.basename(file)} 的签名不符：检查点被伪造或篡改`, count);
    newest = { at: cp.at, count: cp.count, lastId: cp.lastId };
    if (cp.lastId === 0 || cp.lastId <= archivedUpTo) continue;
    const row = seen.get(cp.lastId);
    if (!row) return verdict(cp.lastId, `检查点（${cp.at}）记录的第 ${cp.lastId} 条审计记录已不存在：最新的记录被删除`, count, newest);
    if (row.hash !== cp.head) return verdict(cp.lastId, `第 ${cp.lastId} 条记录与检查点（${cp.at}）不符：记录被修改或整条链被重建`, count, newest);
    if (row.position !== cp.count) return verdict(null, `检查点（${cp.at}）时共有 ${cp.count} 条记录，现只剩 ${row.position} 条：有记录被删除`, count, newest);
  }
  return verdict(null, null, count, newest);
}

// ---- retention: archive to a signed file, then purge ----

/**
 * Moves rows older than `retentionDays` into a gzip NDJSON file in `dir` and purges them, in one transaction that
 * holds the chain lock: the file and its SHA-256 are written first, the archive record (signed) names the head the
 * remaining rows chain from, and only then does the database let the old rows go (see migration 0013).
 */
export async function archiveExpiredAudit(db: Db, dir: string, retentionDays: number, now = new Date()) {
  const cutoff = new Date(now.getTime() - Math.max(180, retentionDays) * 86_400_000);
  return db.transaction(async (tx) => {
    await lockWriteOrder(tx);
    // The leading run of rows past the cutoff: a row is never archived while an older-numbered one stays behind.
    const [edge] = await tx
      .select({ id: auditLog.id, hash: auditLog.hash })
      .from(auditLog)
      .where(and(lte(auditLog.at, cutoff), sql`${auditLog.id} < coalesce((select min(${auditLog.id}) from ${auditLog} where ${auditLog.at} > ${cutoff}), 9223372036854775807)`))
      .orderBy(desc(auditLog.id))
      .limit(1);
    if (!edge) return null;
    const rows = await tx.select().from(auditLog).where(lte(auditLog.id, edge.id)).orderBy(asc(auditLog.id));
    const fromId = rows[0].id;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `audit-${String(fromId).padStart(10, '0')}-${String(edge.id).padStart(10, '0')}.ndjson.gz`);
    await pipeline(Readable.from(rows.map((r) => `${JSON.stringify({ ...r, at: r.at.toISOString() })}\n`)), createGzip(), fs.createWriteStream(file, { mode: 0o600 }));
    const fileSha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const record = { fromId, toId: edge.id, rows: rows.length, head: edge.hash, file: path.basename(file), fileSha256 };
    await tx.insert(auditArchives).values({ ...record, sig: signRecord(record) });
    await tx.execute(sql`select set_config('luoshi.audit_purge', 'on', true)`);
    await tx.delete(auditLog).where(lte(auditLog.id, edge.id));
    await tx.execute(sql`select set_config('luoshi.audit_purge', 'off', true)`);
    await audit(tx, SYSTEM_ACTOR, { entity: 'audit_log', entityId: null, action: 'archive', module: 'audit', after: record });
    return record;
  });
}
