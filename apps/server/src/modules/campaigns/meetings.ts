import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Meeting, ReportCycle } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { meetingAttendees, meetingDecisions, meetings, persons, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { groupBy, meetingVisible, unitForAssignment } from './access.ts';
import { getVisibleCampaign } from './campaigns.ts';
import { createTask, type TaskRow } from './tasks.ts';

type MeetingRow = typeof meetings.$inferSelect;

async function presentMeetings(db: DbLike, rows: { meeting: MeetingRow; unitName: string }[]): Promise<Meeting[]> {
  const ids = rows.map((r) => r.meeting.id);
  const [attendees, decisions] = ids.length
    ? await Promise.all([
        db
          .select({ meetingId: meetingAttendees.meetingId, id: persons.id, name: persons.name })
          .from(meetingAttendees)
          .innerJoin(persons, eq(persons.id, meetingAttendees.personId))
          .where(inArray(meetingAttendees.meetingId, ids))
          .orderBy(asc(persons.name)),
        db.select().from(meetingDecisions).where(inArray(meetingDecisions.meetingId, ids)).orderBy(asc(meetingDecisions.seq)),
      ])
    : [[], []];
  const attendeesBy = groupBy(attendees, (a) => a.meetingId);
  const decisionsBy = groupBy(decisions, (d) => d.meetingId);
  return rows.map(({ meeting: m, unitName }) => ({
    id: m.id,
    unitId: m.unitId,
    unitName,
    campaignId: m.campaignId,
    type: m.type as Meeting['type'],
    title: m.title,
    heldAt: m.heldAt.toISOString(),
    place: m.place,
    minutes: m.minutes,
    attendees: (attendeesBy.get(m.id) ?? []).map((a) => ({ id: a.id, name: a.name })),
    decisions: (decisionsBy.get(m.id) ?? []).map((d) => ({ id: d.id, seq: d.seq, content: d.content, taskId: d.taskId })),
    version: m.version,
  }));
}

function selectMeetings(db: DbLike) {
  return db.select({ meeting: meetings, unitName: units.name }).from(meetings).innerJoin(units, eq(units.id, meetings.unitId));
}

export async function presentMeeting(db: DbLike, id: string): Promise<Meeting> {
  return (await presentMeetings(db, await selectMeetings(db).where(eq(meetings.id, id))))[0];
}

export async function listMeetings(db: DbLike, scope: DataScope, q: ListParams & { campaignId?: string; type?: string }) {
  const where: SQL[] = [meetingVisible(scope)];
  if (q.campaignId) where.push(eq(meetings.campaignId, q.campaignId));
  if (q.type) where.push(eq(meetings.type, q.type));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectMeetings(db)
      .where(cond)
      .orderBy(...orderOf(q.sort, { heldAt: meetings.heldAt }, [desc(meetings.heldAt), asc(meetings.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(meetings).where(cond),
  ]);
  return envelope(await presentMeetings(db, rows), total, q);
}

export async function getVisibleMeeting(db: DbLike, scope: DataScope, id: string): Promise<MeetingRow> {
  const [row] = await db.select().from(meetings).where(and(eq(meetings.id, id), meetingVisible(scope)));
  if (!row) throw notFound('会议');
  return row;
}

/** A meeting the caller may change or act on: its unit is in scope. An attendee who only sees it gets 403. */
async function getMeetingForChange(db: DbLike, scope: DataScope, id: string): Promise<MeetingRow> {
  const [row] = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.id, id), unitInScope(scope, meetings.unitId)))
    .for('update');
  if (row) return row;
  await getVisibleMeeting(db, scope, id);
  throw forbidden('只有召开会议的单位可以修改该会议');
}

/** Attendees must be people the caller can see (in units of its scope). */
async function checkAttendees(db: DbLike, scope: DataScope, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const found = await db
    .select({ id: persons.id })
    .from(persons)
    .where(and(inArray(persons.id, unique), unitInScope(scope, persons.unitId)));
  if (found.length !== unique.length) {
    throw badRequest('参会人员不存在或无权访问', [{ field: 'body.attendeeIds', message: '参会人员不存在或无权访问' }]);
  }
  return unique;
}

type MeetingInput = {
  unitId?: string;
  campaignId?: string | null;
  type?: string;
  title?: string;
  heldAt?: string;
  place?: string | null;
  minutes?: string | null;
  attendeeIds?: string[];
  decisions?: string[];
};

export async function createMeeting(tx: DbLike, caller: Caller, actor: Actor, input: MeetingInput & { type: string; title: string; heldAt: string }) {
  const unitId = input.unitId ?? caller.unitId;
  if (!unitId) throw badRequest('请指定召开会议的单位', [{ field: 'body.unitId', message: '请指定召开会议的单位' }]);
  await unitForAssignment(tx, caller.scope, unitId, '单位');
  if (input.campaignId) await getVisibleCampaign(tx, caller.scope, input.campaignId);
  const attendeeIds = await checkAttendees(tx, caller.scope, input.attendeeIds ?? []);
  const [row] = await tx
    .insert(meetings)
    .values({
      unitId,
      campaignId: input.campaignId ?? null,
      type: input.type,
      title: input.title,
      heldAt: new Date(input.heldAt),
      place: input.place ?? null,
      minutes: input.minutes ?? null,
      createdBy: caller.userId,
    })
    .returning();
  if (attendeeIds.length) await tx.insert(meetingAttendees).values(attendeeIds.map((personId) => ({ meetingId: row.id, personId })));
  const decisions = input.decisions ?? [];
  if (decisions.length) {
    await tx.insert(meetingDecisions).values(decisions.map((content, i) => ({ meetingId: row.id, seq: i + 1, content })));
  }
  await audit(tx, actor, { entity: 'meeting', entityId: row.id, action: 'create', after: { ...row, attendeeIds, decisions } });
  return row;
}

/**
 * Edits a meeting. Given decisions replace the old ones, except that a decision already turned into a task
 * survives with its id and task link: it is matched by its text, and kept even when left out, because a
 * task points back at it.
 */
export async function updateMeeting(tx: DbLike, scope: DataScope, actor: Actor, id: string, input: MeetingInput & { version: number }) {
  const before = await getMeetingForChange(tx, scope, id);
  if (before.version !== input.version) throw conflict();
  const { version: _v, attendeeIds, decisions, unitId, heldAt, ...fields } = input;
  if (unitId && unitId !== before.unitId) await unitForAssignment(tx, scope, unitId, '单位');
  if (fields.campaignId) await getVisibleCampaign(tx, scope, fields.campaignId);
  const [after] = await tx
    .update(meetings)
    .set({
      ...fields,
      ...(unitId ? { unitId } : {}),
      ...(heldAt ? { heldAt: new Date(heldAt) } : {}),
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(meetings.id, id))
    .returning();
  const changes: Record<string, unknown> = {};
  if (attendeeIds) {
    const ids = await checkAttendees(tx, scope, attendeeIds);
    await tx.delete(meetingAttendees).where(eq(meetingAttendees.meetingId, id));
    if (ids.length) await tx.insert(meetingAttendees).values(ids.map((personId) => ({ meetingId: id, personId })));
    changes.attendeeIds = ids;
  }
  if (decisions) {
    const old = await tx.select().from(meetingDecisions).where(eq(meetingDecisions.meetingId, id));
    const linked = old.filter((d) => d.taskId);
    const kept = new Set<string>();
    let seq = 0;
    for (const content of decisions) {
      seq++;
      const match = linked.find((d) => d.content === content && !kept.has(d.id));
      if (match) {
        kept.add(match.id);
        await tx.update(meetingDecisions).set({ seq }).where(eq(meetingDecisions.id, match.id));
      } else {
        await tx.insert(meetingDecisions).values({ meetingId: id, seq, content });
      }
    }
    for (const d of linked.filter((x) => !kept.has(x.id))) {
      await tx.update(meetingDecisions).set({ seq: ++seq }).where(eq(meetingDecisions.id, d.id));
    }
    const dropped = old.filter((d) => !d.taskId).map((d) => d.id);
    if (dropped.length) await tx.delete(meetingDecisions).where(inArray(meetingDecisions.id, dropped));
    changes.decisions = decisions;
  }
  await audit(tx, actor, { entity: 'meeting', entityId: id, action: 'update', before, after: { ...after, ...changes } });
  return after;
}

/**
 * A meeting decision becomes a task in one click. The decision row is locked, so a second click (even a
 * simultaneous one) finds it linked and answers 409.
 */
export async function decisionToTask(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  meetingId: string,
  decisionId: string,
  input: { leadUnitId: string; deadline: string; campaignId?: string | null; responsiblePersonId?: string | null; reportCycle: ReportCycle },
  today: string,
): Promise<TaskRow> {
  const meeting = await getMeetingForChange(tx, caller.scope, meetingId);
  const [decision] = await tx
    .select()
    .from(meetingDecisions)
    .where(and(eq(meetingDecisions.id, decisionId), eq(meetingDecisions.meetingId, meetingId)))
    .for('update');
  if (!decision) throw notFound('会议决定');
  if (decision.taskId) throw conflict('该决定已转为任务');
  const campaignId = input.campaignId !== undefined ? input.campaignId : meeting.campaignId;
  const heldOn = shanghaiDate(meeting.heldAt);
  const startDate = today < input.deadline ? today : input.deadline;
  const task = await createTask(
    tx,
    caller,
    actor,
    {
      campaignId,
      year: Number((campaignId ? startDate : heldOn).slice(0, 4)),
      title: decision.content.slice(0, 300),
      description: `来源：${meeting.title}（${heldOn}）第 ${decision.seq} 项决定`,
      leadUnitId: input.leadUnitId,
      coUnitIds: [],
      responsiblePersonId: input.responsiblePersonId ?? null,
      startDate,
      deadline: input.deadline,
      reportCycle: input.reportCycle,
    },
    // A key-list task decided at a meeting is assigned by the unit that held the meeting.
    { keyListAssigner: meeting.unitId, sourceMeetingDecisionId: decision.id },
  );
  await tx.update(meetingDecisions).set({ taskId: task.id }).where(eq(meetingDecisions.id, decision.id));
  await audit(tx, actor, { entity: 'meeting_decision', entityId: decision.id, action: 'to_task', before: decision, after: { ...decision, taskId: task.id } });
  return task;
}

