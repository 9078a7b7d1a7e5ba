import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { DbLike } from '../../db/client.ts';
import { infoActions, infoAuthors, infoItems } from '../../db/schema/index.ts';
import { notFound } from '../../platform/errors.ts';
import { unitInScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';

// Who sees an item: its unit and the units above it (by scope), the people who wrote or submitted it,
// and the reviewers the chain routes it to (named on one of its steps, or who acted on it).

export type InfoItemRow = typeof infoItems.$inferSelect;

/** Items written or submitted by the caller. */
export function ownItem(caller: Pick<Caller, 'userId' | 'personId'>): SQL {
  const byAuthor = caller.personId
    ? sql`exists (select 1 from ${infoAuthors} a where a.item_id = ${infoItems.id} and a.person_id = ${caller.personId})`
    : sql`false`;
  return or(eq(infoItems.createdBy, caller.userId), byAuthor)!;
}

/** Items routed to the caller: named on a step, or acted on by them. */
export function routedTo(caller: Pick<Caller, 'userId'>): SQL {
  return or(
    sql`${infoItems.steps} @> ${JSON.stringify([{ reviewerIds: [caller.userId] }])}::jsonb`,
    sql`exists (select 1 from ${infoActions} ac where ac.item_id = ${infoItems.id} and ac.actor_id = ${caller.userId})`,
  )!;
}

export function itemVisible(caller: Caller): SQL {
  return or(unitInScope(caller.scope, infoItems.unitId), ownItem(caller), routedTo(caller))!;
}

export async function getVisibleItem(db: DbLike, caller: Caller, id: string, lock = false): Promise<InfoItemRow> {
  const q = db.select().from(infoItems).where(and(eq(infoItems.id, id), itemVisible(caller)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('信息');
  return row;
}

/** The caller may act on the step that holds the item now. */
export function holdsStep(caller: Caller, item: Pick<InfoItemRow, 'status' | 'steps' | 'currentStep' | 'unitId'>, unitCovered: boolean): boolean {
  if (item.status !== 'reviewing' || item.currentStep == null) return false;
  if (!caller.permissions.has('info:item:review')) return false;
  const step = item.steps[item.currentStep];
  if (!step) return false;
  // a named reviewer holds it; a step with no names is held by every reviewer whose units cover the item
  return step.reviewerIds.length ? step.reviewerIds.includes(caller.userId) : unitCovered;
}

/** Only the people of the submitting side edit a draft or a returned item. */
export function authorSide(caller: Caller, item: Pick<InfoItemRow, 'createdBy'>, isAuthor: boolean, unitCovered: boolean): boolean {
  if (!caller.permissions.has('info:item:submit')) return false;
  return item.createdBy === caller.userId || isAuthor || (unitCovered && caller.scope.kind !== 'self');
}
