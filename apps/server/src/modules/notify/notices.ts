import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbLike } from '../../db/client.ts';
import { notifications, notificationSettings, outbox, roles, userRoles, users } from '../../db/schema/index.ts';

// Telling people: an in-app notice, once per fact (user + dedupe key), and an e-mail through the outbox for those
// who asked for one. Other modules call `notifyUsers` inside the transaction that decides the fact.

type Notice = typeof notifications.$inferInsert;

export async function notifyUsers(db: DbLike, notices: Notice[]): Promise<{ created: number; queued: number }> {
  let created: { id: number; userId: string; title: string; body: string | null; dedupeKey: string | null }[] = [];
  for (let i = 0; i < notices.length; i += 500) {
    created = created.concat(
      await db
        .insert(notifications)
        .values(notices.slice(i, i + 500))
        .onConflictDoNothing()
        .returning({ id: notifications.id, userId: notifications.userId, title: notifications.title, body: notifications.body, dedupeKey: notifications.dedupeKey }),
    );
  }
  const ids = [...new Set(created.map((n) => n.userId))];
  const settings = ids.length ? await db.select().from(notificationSettings).where(inArray(notificationSettings.userId, ids)) : [];
  const byUser = new Map(settings.map((s) => [s.userId, s]));
  const mails: (typeof outbox.$inferInsert)[] = [];
  for (const n of created) {
    const s = byUser.get(n.userId);
    if (!s?.emailEnabled || !s.email) continue;
    mails.push({ channel: 'email', target: s.email, subject: `【落实】${n.title}`, body: n.body ?? n.title, notificationId: n.id, dedupeKey: n.dedupeKey });
  }
  return { created: created.length, queued: await queueMessages(db, mails) };
}

/** Puts e-mails and robot messages into the outbox, each once per dedupe key; answers how many were new. */
export async function queueMessages(db: DbLike, messages: (typeof outbox.$inferInsert)[]): Promise<number> {
  let queued = 0;
  for (let i = 0; i < messages.length; i += 500) {
    queued += (await db.insert(outbox).values(messages.slice(i, i + 500)).onConflictDoNothing().returning({ id: outbox.id })).length;
  }
  return queued;
}

/** The user has dealt with the fact elsewhere (opened the record it points to): its notice no longer counts as unread. */
export async function markNoticeRead(db: DbLike, userId: string, dedupeKey: string): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), eq(notifications.dedupeKey, dedupeKey), isNull(notifications.readAt)));
}

/** The active users who belong to one of the units and hold the permission through one of their roles. */
export async function usersOfUnits(db: DbLike, unitIds: string[], permission: string): Promise<string[]> {
  if (!unitIds.length) return [];
  const rows = await db
    .selectDistinct({ id: users.id })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(inArray(users.unitId, unitIds), eq(users.disabled, false), sql`${roles.permissions} @> ${JSON.stringify([permission])}::jsonb`));
  return rows.map((r) => r.id);
}
