import { eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbLike } from '../../db/client.ts';
import { persons, units } from '../../db/schema/index.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import type { Caller } from '../../platform/session.ts';

/**
 * A filter the caller chose (a unit and everything below it). It only narrows: every query also carries the
 * scope predicate decided from the session.
 */
export function unitAtOrBelow(col: AnyPgColumn, unitId: string): SQL {
  return sql`${col} in (select u.id from ${units} u where u.path like (select p.path from ${units} p where p.id = ${unitId}) || '%')`;
}

/** The caller's own person with its unit, for records a person writes about themselves. */
export async function callerPerson(db: DbLike, caller: Caller, what: string) {
  if (!caller.personId) throw badRequest(`当前账号未关联人员，不能${what}`);
  const [p] = await db
    .select({ id: persons.id, name: persons.name, unitId: persons.unitId, unitPath: units.path, disabled: persons.disabled })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(eq(persons.id, caller.personId));
  if (!p) throw notFound('人员');
  return p;
}

export const toIso = (d: Date | null) => d?.toISOString() ?? null;
