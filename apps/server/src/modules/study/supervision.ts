import { and, asc, desc, eq, inArray, isNull, lte, gte, or, sql, type SQL } from 'drizzle-orm';
import type { DbLike } from '../../db/client.ts';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { persons, studyAttendance, studySessionComments, studySessions, studySupervisions, units, users } from '../../db/schema/index.ts';
import { unitInScope, type DataScope } from '../../platform/scope.ts';

// 包联督导 as the points module reports it: who supervises which unit, and how often they sat in (列席) and
// commented (点评). Read here so that the study tables stay this module's own.

const ATTENDED = ['present', 'late'];

const overlaps = (from: string, to: string): SQL =>
  and(lte(studySupervisions.fromDate, to), or(isNull(studySupervisions.toDate), gte(studySupervisions.toDate, from)))!;

/** The Shanghai day a held session started on. */
const heldDay = sql`(${studySessions.actualStart} at time zone 'Asia/Shanghai')::date`;
const commentDay = sql`(${studySessionComments.createdAt} at time zone 'Asia/Shanghai')::date`;

/** One supervisor in force on `day` per unit (the earliest assigned), for pre-filling who holds a 约谈. */
export async function supervisorsOnDay(db: DbLike, unitIds: string[], day: string): Promise<Map<string, string>> {
  if (!unitIds.length) return new Map();
  const rows = await db
    .select({ unitId: studySupervisions.unitId, personId: studySupervisions.supervisorPersonId })
    .from(studySupervisions)
    .innerJoin(persons, eq(persons.id, studySupervisions.supervisorPersonId))
    .where(and(inArray(studySupervisions.unitId, unitIds), overlaps(day, day), eq(persons.disabled, false)))
    .orderBy(asc(studySupervisions.fromDate), asc(studySupervisions.createdAt));
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.unitId)) out.set(r.unitId, r.personId);
  return out;
}

export type SupervisedUnitRow = { unitId: string; unitName: string; fromDate: string; toDate: string | null };

/**
 * The units a person supervised at some time between `from` and `to`; `scope` narrows them to the units a reader
 * may see (null: the supervisor reading their own).
 */
export async function supervisedUnits(db: DbLike, personId: string, from: string, to: string, scope: DataScope | null): Promise<SupervisedUnitRow[]> {
  const rows = await db
    .select({ unitId: studySupervisions.unitId, unitName: units.name, fromDate: studySupervisions.fromDate, toDate: studySupervisions.toDate })
    .from(studySupervisions)
    .innerJoin(units, eq(units.id, studySupervisions.unitId))
    .where(and(eq(studySupervisions.supervisorPersonId, personId), overlaps(from, to), scope ? unitInScope(scope, studySupervisions.unitId) : undefined))
    .orderBy(asc(units.path), asc(studySupervisions.fromDate));
  // One row per unit: an assignment renewed within the range shows its first start and its last end.
  const byUnit = new Map<string, SupervisedUnitRow>();
  for (const r of rows) {
    const seen = byUnit.get(r.unitId);
    if (!seen) byUnit.set(r.unitId, { ...r });
    else seen.toDate = seen.toDate === null || r.toDate === null ? null : seen.toDate > r.toDate ? seen.toDate : r.toDate;
  }
  return [...byUnit.values()];
}

export type UnitActivity = { held: number; attended: number; comments: number };
export type SessionMark = { id: string; unitName: string; topic: string; typeCode: string; start: string; attended: boolean; commented: boolean };

const commentsBy = (personId: string) =>
  sql`${studySessionComments.userId} in (select ${users.id} from ${users} where ${users.personId} = ${personId})`;

/**
 * Per unit, between `from` and `to` (Shanghai days): sessions held, held sessions the person attended as present or
 * late (列席), and comments the person's account left on the unit's sessions (点评); with the `recent` latest held
 * sessions and whether the person attended or commented on each.
 */
export async function supervisionActivity(
  db: DbLike,
  personId: string,
  unitIds: string[],
  from: string,
  to: string,
  recent = 30,
): Promise<{ byUnit: Map<string, UnitActivity>; sessions: SessionMark[] }> {
  const byUnit = new Map<string, UnitActivity>(unitIds.map((id) => [id, { held: 0, attended: 0, comments: 0 }]));
  if (!unitIds.length) return { byUnit, sessions: [] };
  const held = and(inArray(studySessions.unitId, unitIds), eq(studySessions.status, 'held'), sql`${heldDay} between ${from} and ${to}`)!;
  const attendedSql = sql<boolean>`exists (select 1 from ${studyAttendance} where ${studyAttendance.sessionId} = ${studySessions.id}
    and ${studyAttendance.personId} = ${personId} and ${studyAttendance.status} in (${sql.join(ATTENDED.map((s) => sql`${s}`), sql`, `)}))`;
  const commentedSql = sql<boolean>`exists (select 1 from ${studySessionComments} where ${studySessionComments.sessionId} = ${studySessions.id} and ${commentsBy(personId)})`;
  const [counts, comments, latest] = await Promise.all([
    db
      .select({ unitId: studySessions.unitId, held: sql<number>`count(*)::int`, attended: sql<number>`(count(*) filter (where ${attendedSql}))::int` })
      .from(studySessions)
      .where(held)
      .groupBy(studySessions.unitId),
    db
      .select({ unitId: studySessions.unitId, n: sql<number>`count(*)::int` })
      .from(studySessionComments)
      .innerJoin(studySessions, eq(studySessions.id, studySessionComments.sessionId))
      .where(and(inArray(studySessions.unitId, unitIds), commentsBy(personId), sql`${commentDay} between ${from} and ${to}`))
      .groupBy(studySessions.unitId),
    recent === 0
      ? []
      : db
          .select({
            id: studySessions.id,
            unitName: units.name,
            topic: studySessions.topic,
            typeCode: studySessions.typeCode,
            start: studySessions.actualStart,
            attended: attendedSql,
            commented: commentedSql,
          })
          .from(studySessions)
          .innerJoin(units, eq(units.id, studySessions.unitId))
          .where(held)
          .orderBy(desc(studySessions.actualStart), asc(studySessions.id))
          .limit(recent),
  ]);
  for (const c of counts) Object.assign(byUnit.get(c.unitId)!, { held: c.held, attended: c.attended });
  for (const c of comments) byUnit.get(c.unitId)!.comments = c.n;
  return {
    byUnit,
    sessions: latest.map((s) => ({ ...s, start: (s.start ?? new Date(0)).toISOString(), attended: !!s.attended, commented: !!s.commented })),
  };
}

/**
 * Every person who supervised a unit in scope at some time between `from` and `to`, with their own unit, how many
 * such units, and their 列席 and 点评 on those units' sessions in the range: three grouped reads, not one per person.
 */
export async function supervisorTotals(db: DbLike, scope: DataScope, from: string, to: string) {
  const assigned = (person: SQL | AnyPgColumn, unit: SQL | AnyPgColumn) =>
    sql`exists (select 1 from ${studySupervisions} where ${studySupervisions.supervisorPersonId} = ${person} and ${studySupervisions.unitId} = ${unit}
      and ${overlaps(from, to)} and ${unitInScope(scope, studySupervisions.unitId)})`;
  const held = and(eq(studySessions.status, 'held'), sql`${heldDay} between ${from} and ${to}`)!;
  const [people, attended, comments] = await Promise.all([
    db
      .select({ personId: persons.id, name: persons.name, unitName: units.name, units: sql<number>`count(distinct ${studySupervisions.unitId})::int` })
      .from(studySupervisions)
      .innerJoin(persons, eq(persons.id, studySupervisions.supervisorPersonId))
      .innerJoin(units, eq(units.id, persons.unitId))
      .where(and(overlaps(from, to), unitInScope(scope, studySupervisions.unitId)))
      .groupBy(persons.id, persons.name, units.name)
      .orderBy(asc(persons.name), asc(persons.id)),
    db
      .select({ personId: studyAttendance.personId, n: sql<number>`count(*)::int` })
      .from(studyAttendance)
      .innerJoin(studySessions, eq(studySessions.id, studyAttendance.sessionId))
      .where(and(held, inArray(studyAttendance.status, ATTENDED), assigned(studyAttendance.personId, studySessions.unitId)))
      .groupBy(studyAttendance.personId),
    db
      .select({ personId: users.personId, n: sql<number>`count(*)::int` })
      .from(studySessionComments)
      .innerJoin(users, eq(users.id, studySessionComments.userId))
      .innerJoin(studySessions, eq(studySessions.id, studySessionComments.sessionId))
      .where(and(sql`${commentDay} between ${from} and ${to}`, assigned(users.personId, studySessions.unitId)))
      .groupBy(users.personId),
  ]);
  const attendedBy = new Map(attended.map((r) => [r.personId, r.n]));
  const commentsBy = new Map(comments.map((r) => [r.personId, r.n]));
  return people.map((p) => ({ ...p, attended: attendedBy.get(p.personId) ?? 0, comments: commentsBy.get(p.personId) ?? 0 }));
}
