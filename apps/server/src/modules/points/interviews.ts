import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { INTERVIEW_GRADES, type PointInterview } from '@luoshi/contract';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbLike } from '../../db/client.ts';
import { persons, pointInterviews, roles, units, userRoles, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { getPersonInScope } from '../org/persons.ts';
import { supervisorsOnDay } from '../study/supervision.ts';
import { fromCents, periodByKey } from './amounts.ts';

// 约谈: a unit graded 一般 or 差 in a closed period is interviewed, and the record closes it.

type InterviewRow = typeof pointInterviews.$inferSelect;

/** Who usually answers for a unit: its branch secretary, else its liaison (people holding an account with that role). */
async function unitHeads(tx: DbLike, unitIds: string[]): Promise<Map<string, string>> {
  if (!unitIds.length) return new Map();
  const rows = await tx
    .select({ unitId: persons.unitId, personId: persons.id, role: roles.code })
    .from(persons)
    .innerJoin(users, eq(users.personId, persons.id))
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(
      and(inArray(persons.unitId, unitIds), inArray(roles.code, ['branch_secretary', 'liaison']), eq(persons.disabled, false), eq(users.disabled, false)),
    )
    .orderBy(sql`case ${roles.code} when 'branch_secretary' then 0 else 1 end`, asc(persons.createdAt), asc(persons.id));
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.unitId)) out.set(r.unitId, r.personId);
  return out;
}

/**
 * Opens a pending 约谈 for every unit graded 一般 or 差 in a period being closed, with the unit's head as the
 * interviewee and its 包联 supervisor as the interviewer already filled in. A unit interviewed for this period
 * before (a period closed, reopened and closed again) keeps its one record. Returns how many were opened.
 */
export async function openInterviews(tx: DbLike, periodKey: string, rows: { unitId: string; grade: string; total: number }[]): Promise<number> {
  const due = rows.filter((r) => INTERVIEW_GRADES.includes(r.grade));
  if (!due.length) return 0;
  const unitIds = [...new Set(due.map((r) => r.unitId))];
  const [heads, supervisors] = await Promise.all([unitHeads(tx, unitIds), supervisorsOnDay(tx, unitIds, shanghaiDate())]);
  const opened = await tx
    .insert(pointInterviews)
    .values(
      due.map((r) => ({
        periodKey,
        unitId: r.unitId,
        grade: r.grade,
        total: r.total,
        intervieweePersonId: heads.get(r.unitId) ?? null,
        interviewerPersonId: supervisors.get(r.unitId) ?? null,
      })),
    )
    .onConflictDoNothing({ target: [pointInterviews.periodKey, pointInterviews.unitId] })
    .returning({ id: pointInterviews.id });
  return opened.length;
}

/** Interviews of the units in scope, and those where the caller is the interviewee or the interviewer. */
function interviewVisible(scope: DataScope): SQL {
  return sql`(${unitInScope(scope, pointInterviews.unitId)} or ${ownedBy(scope, pointInterviews.intervieweePersonId)} or ${ownedBy(scope, pointInterviews.interviewerPersonId)})`;
}

const personName = (col: AnyPgColumn) => sql<string | null>`(select ${persons.name} from ${persons} where ${persons.id} = ${col})`;

function selectInterviews(db: DbLike) {
  return db
    .select({
      i: pointInterviews,
      unitName: units.name,
      intervieweeName: personName(pointInterviews.intervieweePersonId),
      interviewerName: personName(pointInterviews.interviewerPersonId),
    })
    .from(pointInterviews)
    .innerJoin(units, eq(units.id, pointInterviews.unitId));
}
type Joined = Awaited<ReturnType<ReturnType<typeof selectInterviews>['where']>>[number];

function presentInterview({ i, unitName, intervieweeName, interviewerName }: Joined): PointInterview {
  return {
    id: i.id,
    periodKey: i.periodKey,
    periodLabel: periodByKey(i.periodKey).label,
    unitId: i.unitId,
    unitName,
    grade: i.grade,
    total: fromCents(i.total),
    status: i.status,
    intervieweePersonId: i.intervieweePersonId,
    intervieweeName,
    interviewerPersonId: i.interviewerPersonId,
    interviewerName,
    heldOn: i.heldOn,
    participants: i.participants,
    problems: i.problems,
    commitments: i.commitments,
    followUpDeadline: i.followUpDeadline,
    closedAt: i.closedAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
    version: i.version,
  };
}

export async function listInterviews(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { status?: 'pending' | 'closed'; periodKey?: string; unitId?: string },
) {
  const where: SQL[] = [interviewVisible(scope)];
  if (q.status) where.push(eq(pointInterviews.status, q.status));
  if (q.periodKey) where.push(eq(pointInterviews.periodKey, q.periodKey));
  if (q.unitId) where.push(eq(pointInterviews.unitId, q.unitId));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const pendingFirst = sql`case ${pointInterviews.status} when 'pending' then 0 else 1 end`;
  const [rows, [{ total }]] = await Promise.all([
    selectInterviews(db)
      .where(cond)
      .orderBy(
        ...orderOf(q.sort, { createdAt: pointInterviews.createdAt, periodKey: pointInterviews.periodKey }, [
          asc(pendingFirst),
          desc(pointInterviews.createdAt),
          asc(units.path),
          asc(pointInterviews.id),
        ]),
      )
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(pointInterviews).where(cond),
  ]);
  return envelope(rows.map(presentInterview), total, q);
}

async function getVisibleInterview(db: DbLike, scope: DataScope, id: string): Promise<InterviewRow> {
  const [row] = await db.select().from(pointInterviews).where(and(eq(pointInterviews.id, id), interviewVisible(scope)));
  if (!row) throw notFound('约谈记录');
  return row;
}

export async function presentInterviewById(db: DbLike, scope: DataScope, id: string): Promise<PointInterview> {
  await getVisibleInterview(db, scope, id);
  const [row] = await selectInterviews(db).where(eq(pointInterviews.id, id));
  return presentInterview(row);
}

export type CloseInterviewInput = {
  heldOn: string;
  intervieweePersonId: string;
  interviewerPersonId: string;
  participants: string;
  problems: string;
  commitments: string;
  followUpDeadline: string;
  version: number;
};

/** 约谈记录: who talked with whom, the problems named and the commitments made, with a deadline to follow up. */
export async function closeInterview(tx: DbLike, caller: Caller, actor: Actor, id: string, input: CloseInterviewInput): Promise<void> {
  const [before] = await tx
    .select()
    .from(pointInterviews)
    .where(and(eq(pointInterviews.id, id), unitInScope(caller.scope, pointInterviews.unitId)))
    .for('update');
  if (!before) throw notFound('约谈记录');
  if (before.version !== input.version) throw conflict();
  if (before.status === 'closed') throw conflict('该约谈已办结');
  const today = shanghaiDate();
  if (input.heldOn > today) throw badRequest('约谈日期不能晚于今天', [{ field: 'body.heldOn', message: '约谈日期不能晚于今天' }]);
  if (input.followUpDeadline < input.heldOn) {
    throw badRequest('整改期限不能早于约谈日期', [{ field: 'body.followUpDeadline', message: '整改期限不能早于约谈日期' }]);
  }
  // The interviewee answers for a unit the caller oversees; the interviewer may come from anywhere above it.
  await getPersonInScope(tx, caller.scope, input.intervieweePersonId);
  const [interviewer] = await tx.select({ id: persons.id }).from(persons).where(eq(persons.id, input.interviewerPersonId));
  if (!interviewer) throw notFound('约谈人');
  const [after] = await tx
    .update(pointInterviews)
    .set({
      status: 'closed',
      heldOn: input.heldOn,
      intervieweePersonId: input.intervieweePersonId,
      interviewerPersonId: input.interviewerPersonId,
      participants: input.participants,
      problems: input.problems,
      commitments: input.commitments,
      followUpDeadline: input.followUpDeadline,
      closedAt: new Date(),
      closedBy: caller.userId,
      version: before.version + 1,
    })
    .where(eq(pointInterviews.id, id))
    .returning();
  await audit(tx, actor, { entity: 'point_interview', entityId: id, action: 'close', before, after });
}
