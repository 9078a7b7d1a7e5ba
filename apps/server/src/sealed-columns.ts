import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbLike } from './db/client.ts';
import { blindIndex, isSealed, normalPhone, open, seal, sealedWith } from './platform/crypto.ts';
import type { DataKey, KeyRing } from './platform/keys.ts';

/**
 * Every column that holds a sealed value (platform/crypto.ts), in one place: the sealing at start and the key
 * rotation walk this list, so a column missing here would keep plain values after an upgrade and become unreadable
 * once the key that sealed it is dropped. The module that owns the table seals and opens the values; this list
 * only names them.
 */
export type SealedColumn = {
  table: string;
  /** the primary key, to write a value back to its row */
  key: string;
  column: string;
  /** the blind-index column for exact search, and how a value is normalised before it is indexed */
  index?: { column: string; normalise: (plain: string) => string };
  /** when only some rows of the table hold a sealed value in this column */
  rows?: SQL;
};

export const SEALED_COLUMNS: SealedColumn[] = [
  // org: 人员的手机号, found by the exact number through the index
  { table: 'persons', key: 'id', column: 'phone', index: { column: 'phone_index', normalise: normalPhone } },
  // notify: each user's e-mail address, and the copy an e-mail in the outbox is sent to
  { table: 'notification_settings', key: 'user_id', column: 'email' },
  { table: 'outbox', key: 'id', column: 'target', rows: sql`channel = 'email'` },
  // notify: a robot's URL carries its access key; DingTalk's signing secret
  { table: 'unit_webhooks', key: 'id', column: 'url' },
  { table: 'unit_webhooks', key: 'id', column: 'secret' },
  // auth: second-factor secrets, enrolled and being enrolled
  { table: 'users', key: 'id', column: 'totp_secret' },
  { table: 'users', key: 'id', column: 'totp_pending_secret' },
];

type Found = { k: string; v: string };
const BATCH = 1000;

function selectValues(db: DbLike, c: SealedColumn, onlyUnfinished: boolean) {
  const where = [sql`${sql.identifier(c.column)} is not null`];
  if (c.rows) where.push(c.rows);
  if (onlyUnfinished) {
    // plain values, and sealed ones whose index is missing (a row inserted by a loader that left it out)
    where.push(
      c.index
        ? sql`(${sql.identifier(c.column)} not like 'sm4.%' or ${sql.identifier(c.index.column)} is null)`
        : sql`${sql.identifier(c.column)} not like 'sm4.%'`,
    );
  }
  return db
    .execute(sql`select ${sql.identifier(c.key)}::text as k, ${sql.identifier(c.column)} as v from ${sql.identifier(c.table)} where ${sql.join(where, sql` and `)}`)
    .then((r) => (r as unknown as { rows: Found[] }).rows);
}

/** The type of a table's key as the catalogue names it (uuid, bigint), so each row is found through its index. */
async function keyType(db: DbLike, c: SealedColumn): Promise<string> {
  const r = await db.execute(
    sql`select format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = ${c.table}::regclass and attname = ${c.key}`,
  );
  const type = (r as unknown as { rows: { t: string }[] }).rows[0]?.t ?? '';
  if (!/^[a-z ]+$/.test(type)) throw new Error(`${c.table}.${c.key} 的类型无法识别`);
  return type;
}

/** Writes values (and indexes) back by key, a thousand rows a statement. */
async function writeBack(db: DbLike, c: SealedColumn, rows: { k: string; v: string | null; i: string | null }[]) {
  if (!rows.length) return;
  const type = sql.raw(await keyType(db, c));
  for (let at = 0; at < rows.length; at += BATCH) {
    const chunk = JSON.stringify(rows.slice(at, at + BATCH));
    const setIndex = c.index ? sql`, ${sql.identifier(c.index.column)} = x.i` : sql``;
    await db.execute(sql`
      update ${sql.identifier(c.table)} as t set ${sql.identifier(c.column)} = x.v${setIndex}
      from jsonb_to_recordset(${chunk}::jsonb) as x(k text, v text, i text)
      where t.${sql.identifier(c.key)} = x.k::${type}`);
  }
}

/** A stored value as plain text: opened when sealed, as it is when written before sealing existed. */
const plainOf = (v: string, keys?: KeyRing) => (isSealed(v) ? open(v, keys) : v);

/**
 * Seals the values written before encryption existed (an upgraded database) and fills missing blind indexes.
 * Values already sealed are left alone, so it runs at every start and does nothing once done. When it sealed
 * anything, the tables it changed are rewritten and the write-ahead log moved past, so the old plain rows do not
 * linger in the database files (剩余信息保护).
 */
export type SealReport = { table: string; column: string; sealed: number; indexed: number; unreadable: number };

export async function sealPlainValues(db: Db): Promise<SealReport[]> {
  const done: SealReport[] = [];
  await db.transaction(async (tx) => {
    for (const c of SEALED_COLUMNS) {
      const found = await selectValues(tx, c, true);
      if (!found.length) continue;
      const report = { table: c.table, column: c.column, sealed: 0, indexed: 0, unreadable: 0 };
      const rows: { k: string; v: string | null; i: string | null }[] = [];
      for (const { k, v } of found) {
        if (v === '') {
          rows.push({ k, v: null, i: null });
          continue;
        }
        let plain: string;
        try {
          plain = plainOf(v);
        } catch {
          // Sealed with a key this server lacks: left as it is for the operator (keys:rotate status names the key).
          report.unreadable++;
          continue;
        }
        if (isSealed(v)) report.indexed++;
        else report.sealed++;
        rows.push({ k, v: isSealed(v) ? v : seal(plain), i: c.index ? blindIndex(c.index.normalise(plain)) : null });
      }
      await writeBack(tx, c, rows);
      done.push(report);
    }
  });
  const rewritten = [...new Set(done.filter((d) => d.sealed > 0).map((d) => d.table))];
  for (const table of rewritten) await db.execute(sql`vacuum full ${sql.identifier(table)}`);
  if (rewritten.length) await leaveOldWal(db);
  return done;
}

/**
 * Ends the log segment that still holds the plain rows and checkpoints, with recycling off so the segment is deleted
 * rather than kept for reuse. Embedded PGlite does this itself; a PostgreSQL server allows it only to a superuser and
 * archives its log as its administrator decides, so there it is attempted and otherwise left to them.
 */
async function leaveOldWal(db: Db) {
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local wal_recycle = off`);
      await tx.execute(sql`checkpoint`);
      await tx.execute(sql`select pg_switch_wal()`);
      await tx.execute(sql`checkpoint`);
    });
  } catch {
    /* not allowed to this role: the server's administrator keeps its log */
  }
}

/**
 * Re-encrypts every sealed column under `to` and recomputes every blind index with it, in the caller's
 * transaction. `from` opens what is there now (the current key and every retired one). Writers are held off
 * until the transaction ends, so no value is sealed with the old key in between.
 */
export async function resealAll(tx: DbLike, from: KeyRing, to: DataKey): Promise<{ values: number; byKey: Record<string, number> }> {
  const tables = [...new Set(SEALED_COLUMNS.map((c) => c.table))];
  await tx.execute(sql`lock table ${sql.join(tables.map((t) => sql.identifier(t)), sql`, `)} in exclusive mode`);
  let values = 0;
  const byKey: Record<string, number> = {};
  for (const c of SEALED_COLUMNS) {
    const found = await selectValues(tx, c, false);
    const rows = found.map(({ k, v }) => {
      const was = isSealed(v) ? sealedWith(v) : 'plain';
      byKey[was] = (byKey[was] ?? 0) + 1;
      if (v === '') return { k, v: null, i: null };
      const plain = plainOf(v, from);
      return { k, v: seal(plain, to), i: c.index ? blindIndex(c.index.normalise(plain), to) : null };
    });
    await writeBack(tx, c, rows);
    values += rows.length;
  }
  return { values, byKey };
}

/** How many values each key has sealed (and how many are still plain): what an operator checks before dropping a key. */
export async function sealedCounts(db: DbLike): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of SEALED_COLUMNS) {
    const col = sql.identifier(c.column);
    const result = await db.execute(sql`
      select case when ${col} like 'sm4.%' then split_part(${col}, '.', 2) else 'plain' end as id, count(*)::int as n
      from ${sql.identifier(c.table)} where ${col} is not null and ${col} <> ''${c.rows ? sql` and ${c.rows}` : sql``} group by 1`);
    for (const { id, n } of (result as unknown as { rows: { id: string; n: number }[] }).rows) out[id] = (out[id] ?? 0) + n;
  }
  return out;
}
