import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { DbLike } from '../db/client.ts';

/**
 * The database as rows: every table of the application read in one snapshot (to_jsonb, one JSON object a line)
 * and written back with jsonb_populate_recordset, so each value goes through its type's own text form and comes
 * back as the same value. It works alike on PGlite and on a PostgreSQL server and needs no pg_dump of a matching
 * version; the schema itself is never copied, the migrations build it on the target.
 */

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

export type TableInfo = { name: string; columns: string[]; key: string[] };

/**
 * Rows that are not kept: sessions. A restored session that was ended after the backup (a logout, the security
 * admin ending it) would be alive again; after a restore everyone signs in anew. Tables that hang off an excluded
 * table by a foreign key are left out with it.
 */
const NOT_KEPT = new Set(['sessions']);

export class BackupError extends Error {}

/** The application's tables, each after the tables it references, so rows load without breaking a foreign key. */
export async function tablesInLoadOrder(db: DbLike): Promise<TableInfo[]> {
  const tables = rowsOf<{ name: string }>(
    await db.execute(sql`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`),
  ).map((t) => t.name);
  const columns = rowsOf<{ table: string; column: string }>(
    await db.execute(sql`
      select c.relname as table, a.attname as column
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by c.relname, a.attnum`),
  );
  const keys = rowsOf<{ table: string; column: string }>(
    await db.execute(sql`
      select c.relname as table, a.attname as column
      from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
      where n.nspname = 'public' and i.indisprimary
      order by c.relname, array_position(i.indkey::int2[], a.attnum)`),
  );
  const edges = await foreignKeyEdges(db);
  const order: string[] = [];
  const left = new Set(tables);
  while (left.size) {
    const ready = [...left].filter((t) => !edges.some((e) => e.child === t && left.has(e.parent)));
    if (!ready.length) throw new BackupError(`数据表之间的外键成环（${[...left].join('、')}），无法确定恢复顺序`);
    for (const t of ready) {
      left.delete(t);
      order.push(t);
    }
  }
  return order.map((name) => ({
    name,
    columns: columns.filter((c) => c.table === name).map((c) => c.column),
    key: keys.filter((k) => k.table === name).map((k) => k.column),
  }));
}

/** Which table references which (a table referring to itself left out): the order rows are loaded in follows it. */
async function foreignKeyEdges(db: DbLike) {
  return rowsOf<{ child: string; parent: string }>(
    await db.execute(sql`
      select ch.relname as child, pa.relname as parent
      from pg_constraint k join pg_class ch on ch.oid = k.conrelid join pg_class pa on pa.oid = k.confrelid
      join pg_namespace n on n.oid = ch.relnamespace
      where k.contype = 'f' and n.nspname = 'public' and ch.relname <> pa.relname`),
  );
}

/** The tables whose rows a backup leaves out: the sessions, and whatever references them. */
export async function tablesNotKept(db: DbLike, tables: string[]): Promise<Set<string>> {
  const edges = await foreignKeyEdges(db);
  const out = new Set([...NOT_KEPT].filter((t) => tables.includes(t)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of edges) {
      if (out.has(e.parent) && !out.has(e.child)) {
        out.add(e.child);
        grew = true;
      }
    }
  }
  return out;
}

export type SequenceValue = { name: string; value: string | null };

/** Sequences are not transactional: read in the snapshot they may be ahead of its rows, which only leaves a gap. */
export async function readSequences(db: DbLike): Promise<SequenceValue[]> {
  return rowsOf<{ name: string; value: string | null }>(
    await db.execute(sql`select sequencename as name, last_value::text as value from pg_sequences where schemaname = 'public' order by sequencename`),
  );
}

export async function restoreSequences(db: DbLike, values: SequenceValue[]) {
  const known = new Set((await readSequences(db)).map((s) => s.name));
  for (const s of values) {
    if (!known.has(s.name)) throw new BackupError(`备份中的序列 ${s.name} 在本程序的数据库结构中不存在`);
    if (s.value === null) continue;
    await db.execute(sql`select setval(to_regclass(quote_ident(${s.name})), ${s.value}::bigint, true)`);
  }
}

const FETCH = 1000;

/** Streams every row of one table, in primary-key order, as the text of its jsonb. Call it inside the snapshot. */
export async function dumpTable(tx: DbLike, table: TableInfo, write: (line: string) => Promise<void>) {
  const order = table.key.length ? sql`order by ${sql.join(table.key.map((k) => sql.identifier(k)), sql`, `)}` : sql``;
  await tx.execute(sql`declare luoshi_backup no scroll cursor for select to_jsonb(t)::text as r from ${sql.identifier(table.name)} t ${order}`);
  for (;;) {
    const batch = rowsOf<{ r: string }>(await tx.execute(sql.raw(`fetch ${FETCH} from luoshi_backup`)));
    for (const { r } of batch) await write(r);
    if (batch.length < FETCH) break;
  }
  await tx.execute(sql`close luoshi_backup`);
}

/** Inserts rows (jsonb texts of the table's row type) in one statement. */
export async function insertRows(tx: DbLike, table: TableInfo, lines: string[]) {
  if (!lines.length) return;
  const cols = sql.join(table.columns.map((c) => sql.identifier(c)), sql`, `);
  const ident = sql.identifier(table.name);
  await tx.execute(sql`insert into ${ident} (${cols}) select ${cols} from jsonb_populate_recordset(null::${ident}, ${`[${lines.join(',')}]`}::jsonb)`);
}

/**
 * Loading turns off the tables' own triggers (tallies kept by triggers would count every row twice; the audit log
 * refuses what is not an insert) and leaves the foreign keys on: they are checked row by row as usual.
 */
export async function setUserTriggers(tx: DbLike, tables: TableInfo[], on: boolean) {
  for (const t of tables) {
    await tx.execute(sql`alter table ${sql.identifier(t.name)} ${on ? sql`enable` : sql`disable`} trigger user`);
  }
}

export async function countRows(db: DbLike, table: string): Promise<number> {
  const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`));
  return Number(n);
}

export type SchemaVersion = { migrations: number; last: string };

const journalFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'db', 'migrations', 'meta', '_journal.json');

const journal = () => (JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string; when: number }[] }).entries;

/** The migrations this program brings: the version of the schema it builds. */
export function programSchema(): SchemaVersion {
  const entries = journal();
  return { migrations: entries.length, last: entries.at(-1)?.tag ?? '' };
}

/** The migrations applied to a database, the last one named by its tag in this program's journal. */
export async function databaseSchema(db: DbLike): Promise<SchemaVersion> {
  const [applied] = rowsOf<{ n: number; last: string | null }>(
    await db.execute(sql`select count(*)::int as n, max(created_at)::text as last from drizzle.__drizzle_migrations`),
  );
  const tag = journal().find((e) => String(e.when) === applied.last)?.tag ?? `未知（${applied.last}）`;
  return { migrations: Number(applied.n), last: tag };
}
