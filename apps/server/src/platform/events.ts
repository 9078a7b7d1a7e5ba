import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbLike } from '../db/client.ts';
import { domainEvents, eventCursors } from '../db/schema/index.ts';
import { lockWriteOrder } from './audit.ts';

/** The domain events modules emit, by name (see PRODUCT.md: points listen to them). */
export type DomainEventType =
  | 'task.overdue'
  | 'task.report_missing'
  | 'study.week_missed'
  | 'study.week_missed_withdrawn'
  | 'study.reflection_excellent'
  | 'info.adopted'
  | 'info.instructed'
  | 'contest.ranked'
  | 'volunteer.hours';

export type DomainEvent = typeof domainEvents.$inferSelect;

/**
 * Records an event inside the caller's transaction. `key` names the fact (e.g. "<branchId>:2026-W12"),
 * so emitting the same fact again stores nothing; returns whether it was new.
 */
export async function emitEvent(
  tx: DbLike,
  e: { type: DomainEventType; key: string; unitId?: string | null; personId?: string | null; payload: Record<string, unknown> },
): Promise<boolean> {
  await lockWriteOrder(tx);
  const rows = await tx
    .insert(domainEvents)
    .values({ type: e.type, key: e.key, unitId: e.unitId ?? null, personId: e.personId ?? null, payload: e.payload })
    .onConflictDoNothing({ target: [domainEvents.type, domainEvents.key] })
    .returning({ id: domainEvents.id });
  return rows.length > 0;
}

/**
 * Hands the events after the consumer's cursor to `handle`, in order, and moves the cursor in the same
 * transaction, so each event is handled once even with several processes (the cursor row is locked).
 */
export async function consumeEvents(
  db: DbLike,
  consumer: string,
  types: DomainEventType[],
  handle: (tx: DbLike, event: DomainEvent) => Promise<void>,
  batch = 500,
): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.insert(eventCursors).values({ consumer, lastId: 0 }).onConflictDoNothing();
    const [cursor] = await tx.select().from(eventCursors).where(eq(eventCursors.consumer, consumer)).for('update');
    const events = await tx
      .select()
      .from(domainEvents)
      .where(and(gt(domainEvents.id, cursor.lastId), sql`${domainEvents.type} in ${types}`))
      .orderBy(asc(domainEvents.id))
      .limit(batch);
    for (const e of events) await handle(tx, e);
    if (events.length) {
      await tx
        .update(eventCursors)
        .set({ lastId: events[events.length - 1].id, updatedAt: new Date() })
        .where(eq(eventCursors.consumer, consumer));
    }
    return events.length;
  });
}
