import { eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DataScopeKind } from '@luoshi/contract';
import { units } from '../db/schema/index.ts';

/**
 * What the caller may see, decided on the server from the session, never from the request.
 * all: everything; subtree: the anchor unit and every unit below; unit: the anchor unit; self: own records.
 */
export type DataScope = {
  kind: DataScopeKind;
  unitId: string | null;
  unitPath: string | null;
  personId: string | null;
  userId: string;
};

const WIDTH: Record<DataScopeKind, number> = { self: 0, unit: 1, subtree: 2, all: 3 };
export function widestScope(kinds: DataScopeKind[]): DataScopeKind | null {
  return kinds.reduce<DataScopeKind | null>((w, k) => (w === null || WIDTH[k] > WIDTH[w] ? k : w), null);
}

const PATH_RE = /^(\/[0-9a-f-]{36})+\/$/;

/** `col` (a unit id) lies within the caller's units. For a self scope this is false: combine with `ownedBy`. */
export function unitInScope(scope: DataScope, col: AnyPgColumn | SQL): SQL {
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'subtree':
      if (!scope.unitPath || !PATH_RE.test(scope.unitPath)) return sql`false`;
      return sql`${col} in (select ${units.id} from ${units} where ${units.path} like ${`${scope.unitPath}%`})`;
    case 'unit':
      return scope.unitId ? sql`${col} = ${scope.unitId}` : sql`false`;
    case 'self':
      return sql`false`;
  }
}

/** `col` (a person id) is the caller. */
export function ownedBy(scope: DataScope, col: AnyPgColumn): SQL {
  return scope.personId ? eq(col, scope.personId) : sql`false`;
}

/** A unit path lies within the caller's units (for checks on a unit row already loaded). */
export function pathInScope(scope: DataScope, path: string): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'subtree':
      return !!scope.unitPath && path.startsWith(scope.unitPath);
    case 'unit':
      return !!scope.unitId && path.endsWith(`/${scope.unitId}/`);
    case 'self':
      return false;
  }
}

/** Whether the caller can reach units of its own (not only its own records). */
export function hasUnitReach(scope: DataScope): boolean {
  return scope.kind !== 'self';
}
