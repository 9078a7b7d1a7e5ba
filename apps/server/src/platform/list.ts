import { asc, desc, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ListResponse } from '@luoshi/contract';

export type ListParams = { page: number; pageSize: number; sort?: string };

export function pageOf(q: ListParams) {
  return { limit: q.pageSize, offset: (q.page - 1) * q.pageSize };
}

/** Maps the allow-listed `sort` ("field" / "-field") onto columns; unknown fields never reach SQL. */
export function orderOf(
  sort: string | undefined,
  columns: Record<string, AnyPgColumn | SQL>,
  fallback: SQL[],
): SQL[] {
  if (!sort) return fallback;
  const descending = sort.startsWith('-');
  const col = columns[descending ? sort.slice(1) : sort];
  if (!col) return fallback;
  return [descending ? desc(col) : asc(col), ...fallback];
}

export function envelope<T>(data: T[], total: number, q: ListParams): ListResponse<T> {
  return { data, total, page: q.page, pageSize: q.pageSize };
}

/** Escapes LIKE wildcards in user text. */
export function likeText(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
