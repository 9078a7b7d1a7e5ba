import { createHash } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import type { DbLike } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';

/** Who is acting, and from where: every audit row names them. */
export type Actor = { userId: string | null; username: string | null; ip: string | null; route: string | null };
export const SYSTEM_ACTOR: Actor = { userId: null, username: 'system', ip: null, route: null };

export type AuditEntry = {
  entity: string;
  entityId: string | null;
  action: string;
  before?: unknown;
  after?: unknown;
};

const GENESIS = '0'.repeat(64);
/** One chain for the whole log: writers take this lock for the rest of their transaction. */
const CHAIN_LOCK = 7_245_001;

/** Strips what must never be copied into the log. */
function clean(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return JSON.parse(
    JSON.stringify(value, (k, v) => (k === 'passwordHash' || k === 'password' ? '[已隐藏]' : v)),
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

export function chainHash(prevHash: string, row: Record<string, unknown>): string {
  return createHash('sha256').update(prevHash).update(canonical(row)).digest('hex');
}

/**
 * Writes an audit row. Call it inside the transaction that makes the change, so both land or neither.
 * Rows are hash-chained: each hash covers the previous hash and the row.
 */
/**
 * Serialises the writers of the audit chain and of the event log until the transaction ends, so that
 * their ids are handed out in commit order (a reader at id N never later finds a smaller id committed).
 */
export async function lockWriteOrder(tx: DbLike): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
}

export async function audit(tx: DbLike, actor: Actor, entry: AuditEntry): Promise<void> {
  await lockWriteOrder(tx);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS;
  const at = new Date();
  const row = {
    at: at.toISOString(),
    userId: actor.userId,
    username: actor.username,
    ip: actor.ip,
    route: actor.route,
    entity: entry.entity,
    entityId: entry.entityId,
    action: entry.action,
    before: clean(entry.before),
    after: clean(entry.after),
  };
  await tx.insert(auditLog).values({ ...row, at, prevHash, hash: chainHash(prevHash, row) });
}

/** Re-computes the chain; returns the id of the first row that does not match, or null when intact. */
export async function verifyAuditChain(db: DbLike): Promise<number | null> {
  const rows = await db.select().from(auditLog).orderBy(auditLog.id);
  let prev = GENESIS;
  for (const r of rows) {
    const row = {
      at: r.at.toISOString(),
      userId: r.userId,
      username: r.username,
      ip: r.ip,
      route: r.route,
      entity: r.entity,
      entityId: r.entityId,
      action: r.action,
      before: r.before,
      after: r.after,
    };
    if (r.prevHash !== prev || chainHash(prev, row) !== r.hash) return r.id;
    prev = r.hash;
  }
  return null;
}
