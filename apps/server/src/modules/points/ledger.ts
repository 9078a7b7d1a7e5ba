import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbLike } from '../../db/client.ts';
import { domainEvents, persons, pointEvents, pointPeriods, pointRules, pointTotals } from '../../db/schema/index.ts';
import { addDays, shanghaiDate } from '../../platform/calendar.ts';
import { consumeEvents, type DomainEvent, type DomainEventType } from '../../platform/events.ts';
import { badRequest } from '../../platform/errors.ts';
import { weekRange } from '../study/coverage.ts';
import { taskTitles } from '../campaigns/events.ts';
import { periodFor, periodsOfDate, periodsOfYear, timesQuantity } from './amounts.ts';

export type RuleRow = typeof pointRules.$inferSelect;
export type EventRow = typeof pointEvents.$inferSelect;

/** Creates the month, quarter, half-year and year periods of a year the first time they are needed. */
export async function ensurePeriods(tx: DbLike, year: number) {
  // Every write and read of a period passes here: a key lookup, and the year's rows only when it is missing.
  const [known] = await tx.select({ key: pointPeriods.key }).from(pointPeriods).where(eq(pointPeriods.key, `Y${year}`));
  if (known) return;
  await tx
    .insert(pointPeriods)
    .values(periodsOfYear(year).map((p) => ({ key: p.key, kind: p.kind, year: p.year, seq: p.seq, startDate: p.start, endDate: p.end })))
    .onConflictDoNothing();
}

/**
 * The day whose periods count a fact of `occurredOn`: the same day, unless a closed period holds it, in
 * which case the first day after that period (and after any closed period holding that day in turn).
 * Reads the closed periods with a share lock, so a period being closed waits for this write or is seen closed.
 */
export async function bookingDay(tx: DbLike, occurredOn: string): Promise<string> {
  await ensurePeriods(tx, Number(occurredOn.slice(0, 4)));
  const closed = await tx
    .select({ start: pointPeriods.startDate, end: pointPeriods.endDate })
    .from(pointPeriods)
    .where(and(eq(pointPeriods.status, 'closed'), gte(pointPeriods.endDate, occurredOn)))
    .orderBy(asc(pointPeriods.startDate))
    .for('share');
  let day = occurredOn;
  for (let moved = true; moved; ) {
    moved = false;
    for (const p of closed) {
      if (p.start <= day && day <= p.end) {
        day = addDays(p.end, 1);
        moved = true;
      }
    }
  }
  if (day.slice(0, 4) !== occurredOn.slice(0, 4)) await ensurePeriods(tx, Number(day.slice(0, 4)));
  return day;
}

export type NewPointEvent = {
  rule: RuleRow;
  subjectId: string;
  unitId: string;
  personId: string | null;
  quantity?: string;
  /** defaults to the rule's points × quantity */
  points?: number;
  occurredOn: string;
  kind: 'auto' | 'manual' | 'reversal';
  sourceType?: string | null;
  sourceId?: string | null;
  sourceLabel?: string | null;
  domainEventId?: number | null;
  claimId?: string | null;
  reversesEventId?: number | null;
  dedupeKey?: string | null;
  note?: string | null;
  createdBy?: string | null;
};

/**
 * Writes one ledger row and its running totals in the caller's transaction. Caps are applied here, under a
 * lock per subject and rule code, so two approvals at once cannot both pass the cap. Returns null when the
 * fact (its dedupe key) is already in the ledger.
 */
export async function recordPointEvent(tx: DbLike, e: NewPointEvent): Promise<EventRow | null> {
  const bookedOn = await bookingDay(tx, e.occurredOn);
  const quantity = e.quantity ?? '1';
  let points = e.points ?? timesQuantity(e.rule.points, quantity);
  let capped = false;
  if (e.rule.capPoints != null && e.rule.capPeriod && e.kind !== 'reversal') {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`points-cap:${e.subjectId}:${e.rule.code}`}))`);
    const p = periodFor(e.rule.capPeriod, bookedOn);
    const [{ used }] = await tx
      .select({ used: sql<string>`coalesce(sum(${pointEvents.points}), 0)` })
      .from(pointEvents)
      .where(and(eq(pointEvents.subjectId, e.subjectId), eq(pointEvents.ruleCode, e.rule.code), gte(pointEvents.bookedOn, p.start), lte(pointEvents.bookedOn, p.end)));
    const sign = points < 0 ? -1 : 1;
    const room = Math.max(0, e.rule.capPoints - Math.max(0, sign * Number(used)));
    if (Math.abs(points) > room) {
      points = sign * room;
      capped = true;
    }
  }
  const late = bookedOn !== e.occurredOn;
  const [row] = await tx
    .insert(pointEvents)
    .values({
      subjectType: e.rule.subjectType,
      subjectId: e.subjectId,
      unitId: e.unitId,
      personId: e.personId,
      ruleId: e.rule.id,
      ruleCode: e.rule.code,
      points,
      quantity,
      occurredOn: e.occurredOn,
      bookedOn,
      late,
      kind: e.kind,
      sourceType: e.sourceType ?? null,
      sourceId: e.sourceId ?? null,
      sourceLabel: e.sourceLabel ?? null,
      domainEventId: e.domainEventId ?? null,
      claimId: e.claimId ?? null,
      reversesEventId: e.reversesEventId ?? null,
      dedupeKey: e.dedupeKey ?? null,
      capped,
      note: e.note ?? null,
      createdBy: e.createdBy ?? null,
    })
    .onConflictDoNothing({ target: pointEvents.dedupeKey })
    .returning();
  if (!row) return null;
  await addToTotals(tx, row);
  return row;
}

async function addToTotals(tx: DbLike, row: EventRow) {
  await tx
    .insert(pointTotals)
    .values(periodsOfDate(row.bookedOn).map((p) => ({ periodKey: p.key, subjectType: row.subjectType, subjectId: row.subjectId, unitId: row.unitId, total: row.points, events: 1 })))
    .onConflictDoUpdate({
      target: [pointTotals.periodKey, pointTotals.subjectType, pointTotals.subjectId],
      set: { total: sql`${pointTotals.total} + excluded.total`, events: sql`${pointTotals.events} + 1`, unitId: sql`excluded.unit_id` },
    });
}

/**
 * 冲正: a linked event of the opposite points, booked today's way (in the next open period when the original's
 * period is closed). Refused when the event was already reversed.
 */
export async function reversePointEvent(
  tx: DbLike,
  original: EventRow,
  input: { occurredOn: string; sourceType: string; sourceId: string; sourceLabel: string; note: string; createdBy: string | null },
): Promise<EventRow> {
  const [rule] = await tx.select().from(pointRules).where(eq(pointRules.id, original.ruleId));
  const row = await recordPointEvent(tx, {
    rule,
    subjectId: original.subjectId,
    unitId: original.unitId,
    personId: original.personId,
    quantity: original.quantity,
    points: -original.points,
    occurredOn: input.occurredOn,
    kind: 'reversal',
    sourceType: input.sourceType,
    sourceId: input.sourceId,
    sourceLabel: input.sourceLabel,
    reversesEventId: original.id,
    dedupeKey: `reverse:${original.id}`,
    note: input.note,
    createdBy: input.createdBy,
  });
  if (!row) throw badRequest('这条积分已经冲正过');
  return row;
}

// ---- automatic points from the other modules' domain events ----

export const POINT_EVENT_TYPES: DomainEventType[] = [
  'task.overdue',
  'task.report_missing',
  'study.week_missed',
  'study.week_missed_withdrawn',
  'study.reflection_excellent',
  'info.adopted',
  'info.instructed',
  'contest.ranked',
  'volunteer.hours',
];

type Payload = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** The day a domain event's fact happened, in Asia/Shanghai. */
export function occurredOnOf(e: Pick<DomainEvent, 'type' | 'payload' | 'occurredAt'>): string {
  const p = e.payload as Payload;
  const explicit = str(p.date) ?? str(p.occurredOn);
  if (explicit && /^\d{4}-\d{2}-\d{2}$/.test(explicit)) return explicit;
  switch (e.type) {
    case 'task.overdue':
      if (str(p.effectiveDeadline)) return addDays(str(p.effectiveDeadline)!, 1);
      break;
    case 'task.report_missing':
      if (str(p.dueDate)) return addDays(str(p.dueDate)!, 1);
      break;
    case 'study.week_missed':
      if (str(p.week)) return weekRange(str(p.week)!).end;
      break;
    case 'study.reflection_excellent':
      if (str(p.reviewedAt)) return shanghaiDate(new Date(str(p.reviewedAt)!));
      break;
  }
  return shanghaiDate(e.occurredAt);
}

/** What caused an automatic event, for the ledger's source column. */
async function sourceOf(tx: DbLike, e: DomainEvent): Promise<{ sourceType: string | null; sourceId: string | null; sourceLabel: string }> {
  const p = e.payload as Payload;
  switch (e.type) {
    case 'task.overdue':
    case 'task.report_missing': {
      const taskId = str(p.taskId);
      const title = taskId ? (await taskTitles(tx, [taskId])).get(taskId) : undefined;
      const what = e.type === 'task.overdue' ? `逾期未完成（截止 ${str(p.deadline) ?? ''}）` : `${str(p.label) ?? ''}进展缺报`;
      return { sourceType: 'task', sourceId: taskId, sourceLabel: `任务《${title ?? '已删除的任务'}》${what}` };
    }
    case 'study.week_missed':
      return {
        sourceType: 'study_week',
        sourceId: str(p.week),
        sourceLabel: `${str(p.week)} 未完成每周半天覆盖学（${Number(p.minutes ?? 0)} / ${Number(p.requiredMinutes ?? 0)} 分钟）`,
      };
    case 'study.reflection_excellent':
      return { sourceType: 'reflection', sourceId: str(p.reflectionId), sourceLabel: `心得体会《${str(p.title) ?? ''}》评为优秀` };
    default:
      return { sourceType: str(p.sourceType) ?? e.type.split('.')[0], sourceId: str(p.sourceId), sourceLabel: str(p.label) ?? e.type };
  }
}

/** The rule versions in force on a day that listen to an event type. */
export async function rulesInForce(tx: DbLike, source: string, day: string): Promise<RuleRow[]> {
  return tx
    .select()
    .from(pointRules)
    .where(
      and(
        eq(pointRules.source, source),
        eq(pointRules.year, Number(day.slice(0, 4))),
        eq(pointRules.disabled, false),
        lte(pointRules.effectiveFrom, day),
        or(isNull(pointRules.effectiveTo), gte(pointRules.effectiveTo, day)),
      ),
    );
}

const matches = (rule: RuleRow, payload: Payload) =>
  !rule.sourceMatch || Object.entries(rule.sourceMatch).every(([k, v]) => String(payload[k] ?? '') === v);

/**
 * Turns one domain event into ledger rows: one per rule in force that listens to it and whose subject the
 * event names. The dedupe key is the event and the rule code, so an event delivered twice counts once.
 */
export async function applyDomainEvent(tx: DbLike, e: DomainEvent): Promise<number> {
  const payload = e.payload as Payload;
  if (e.type === 'study.week_missed_withdrawn') return withdrawWeekMiss(tx, e);
  const day = occurredOnOf(e);
  const rules = (await rulesInForce(tx, e.type, day)).filter((r) => matches(r, payload));
  if (!rules.length) return 0;
  const source = await sourceOf(tx, e);
  let personUnit: string | null = null;
  if (e.personId && rules.some((r) => r.subjectType === 'person')) {
    const [p] = await tx.select({ unitId: persons.unitId }).from(persons).where(eq(persons.id, e.personId));
    personUnit = p?.unitId ?? null;
  }
  const quantity = str(payload.quantity) ?? (typeof payload.quantity === 'number' ? String(payload.quantity) : null) ?? (typeof payload.hours === 'number' ? String(payload.hours) : '1');
  let written = 0;
  for (const rule of rules) {
    const subject =
      rule.subjectType === 'unit'
        ? e.unitId && { subjectId: e.unitId, unitId: e.unitId, personId: null }
        : e.personId && personUnit && { subjectId: e.personId, unitId: personUnit, personId: e.personId };
    if (!subject) continue;
    const row = await recordPointEvent(tx, {
      rule,
      ...subject,
      quantity,
      occurredOn: day,
      kind: 'auto',
      ...source,
      domainEventId: e.id,
      dedupeKey: `evt:${e.id}:${rule.code}:${rule.subjectType}`,
    });
    if (row) written++;
  }
  return written;
}

/** A week miss withdrawn by a re-check: every deduction it caused is reversed, linked to it. */
async function withdrawWeekMiss(tx: DbLike, e: DomainEvent): Promise<number> {
  const key = str((e.payload as Payload).missedKey);
  if (!key) return 0;
  const [miss] = await tx
    .select({ id: domainEvents.id })
    .from(domainEvents)
    .where(and(eq(domainEvents.type, 'study.week_missed'), eq(domainEvents.key, key)));
  if (!miss) return 0;
  const originals = await tx.select().from(pointEvents).where(eq(pointEvents.domainEventId, miss.id));
  let written = 0;
  for (const o of originals) {
    const [done] = await tx.select({ id: pointEvents.id }).from(pointEvents).where(eq(pointEvents.reversesEventId, o.id));
    if (done) continue;
    await reversePointEvent(tx, o, {
      occurredOn: o.occurredOn,
      sourceType: 'study_week',
      sourceId: str((e.payload as Payload).week) ?? o.sourceId ?? '',
      sourceLabel: `${str((e.payload as Payload).week) ?? ''} 复核后已达到每周覆盖学要求，撤销扣分`,
      note: '未学通报确认前复核撤销',
      createdBy: null,
    });
    written++;
  }
  return written;
}

/** Applies every domain event not yet applied; safe to run from several processes at once. */
export async function syncPointEvents(db: DbLike): Promise<{ events: number; points: number }> {
  let events = 0;
  let points = 0;
  for (;;) {
    const n = await consumeEvents(db, 'points', POINT_EVENT_TYPES, async (tx, e) => {
      points += await applyDomainEvent(tx, e);
    });
    events += n;
    if (n === 0) return { events, points };
  }
}

export const eventsOfClaims = (tx: DbLike, ids: number[]) =>
  ids.length ? tx.select().from(pointEvents).where(inArray(pointEvents.id, ids)) : Promise.resolve([] as EventRow[]);
