import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AttendanceReport, AttendanceStatus, StudySession, StudySessionStatus } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import {
  files, groups, persons, studyAttendance, studySessionComments, studySessionFiles, studySessions, studySessionTypes,
  studySupervisions, units, users,
} from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { XlsxColumn } from '../../platform/export.ts';
import { presentFile } from '../../platform/files.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';

/** "Now" for filing and for the supervisor assignments in force; tests replace it. */
export const studyClock = { now: (): Date => new Date() };

type SessionRow = typeof studySessions.$inferSelect;


/** A supervisor (包联) assignment of the caller to the unit in `col`, in force today. */
function supervises(scope: DataScope, col: SQL | typeof studySessions.unitId): SQL {
  if (!scope.personId) return sql`false`;
  const today = shanghaiDate(studyClock.now());
  return sql`exists (select 1 from ${studySupervisions} where ${studySupervisions.supervisorPersonId} = ${scope.personId}
    and ${studySupervisions.unitId} = ${col} and ${studySupervisions.fromDate} <= ${today}
    and (${studySupervisions.toDate} is null or ${studySupervisions.toDate} >= ${today}))`;
}

/**
 * Who sees a session: its unit is in the caller's scope, the caller is listed in its attendance (a staff member
 * finds the sessions they sat in), or the caller supervises its unit (包联).
 */
export function sessionVisible(scope: DataScope): SQL {
  return or(
    unitInScope(scope, studySessions.unitId),
    scope.personId
      ? sql`exists (select 1 from ${studyAttendance} where ${studyAttendance.sessionId} = ${studySessions.id} and ${studyAttendance.personId} = ${scope.personId})`
      : sql`false`,
    supervises(scope, studySessions.unitId),
  )!;
}

export async function getVisibleSession(db: DbLike, scope: DataScope, id: string): Promise<SessionRow> {
  const [row] = await db.select().from(studySessions).where(and(eq(studySessions.id, id), sessionVisible(scope)));
  if (!row) throw notFound('学习活动');
  return row;
}

/** A session the caller may change: its unit is in scope. One seen only as attendee or supervisor answers 403. */
async function getSessionForChange(tx: DbLike, scope: DataScope, id: string): Promise<SessionRow> {
  const [row] = await tx
    .select()
    .from(studySessions)
    .where(and(eq(studySessions.id, id), unitInScope(scope, studySessions.unitId)))
    .for('update');
  if (row) return row;
  await getVisibleSession(tx, scope, id);
  throw forbidden('只有本单位可以修改该学习活动');
}

const minutesBetween = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / 60_000);

/** (present + late) over everyone listed except those on leave; null when nobody is expected. */
export function attendanceRate(statuses: AttendanceStatus[]): number | null {
  const expected = statuses.filter((s) => s !== 'leave').length;
  if (!expected) return null;
  const came = statuses.filter((s) => s === 'present' || s === 'late').length;
  return Math.round((came / expected) * 10_000) / 10_000;
}

const ATTENDANCE_ORDER: Record<AttendanceStatus, number> = { present: 0, late: 1, leave: 2, absent: 3 };

export async function presentSessions(db: DbLike, rows: SessionRow[]): Promise<StudySession[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const groupIds = [...new Set(rows.map((r) => r.groupId).filter((g): g is string => !!g))];
  const [unitRows, groupRows, typeRows, fileRows, attendance] = await Promise.all([
    db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, [...new Set(rows.map((r) => r.unitId))])),
    groupIds.length ? db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, groupIds)) : [],
    db.select({ code: studySessionTypes.code, name: studySessionTypes.name }).from(studySessionTypes),
    db
      .select({ sessionId: studySessionFiles.sessionId, kind: studySessionFiles.kind, file: files })
      .from(studySessionFiles)
      .innerJoin(files, eq(files.id, studySessionFiles.fileId))
      .where(inArray(studySessionFiles.sessionId, ids))
      .orderBy(asc(files.createdAt), asc(files.id)),
    db
      .select({ sessionId: studyAttendance.sessionId, personId: studyAttendance.personId, status: studyAttendance.status, reason: studyAttendance.reason, name: persons.name })
      .from(studyAttendance)
      .innerJoin(persons, eq(persons.id, studyAttendance.personId))
      .where(inArray(studyAttendance.sessionId, ids))
      .orderBy(asc(persons.name), asc(persons.id)),
  ]);
  const unitName = new Map(unitRows.map((u) => [u.id, u.name]));
  const groupName = new Map(groupRows.map((g) => [g.id, g.name]));
  const typeName = new Map(typeRows.map((t) => [t.code, t.name]));
  return rows.map((r) => {
    const mine = fileRows.filter((f) => f.sessionId === r.id);
    const att = attendance
      .filter((a) => a.sessionId === r.id)
      .sort((a, b) => ATTENDANCE_ORDER[a.status as AttendanceStatus] - ATTENDANCE_ORDER[b.status as AttendanceStatus]);
    return {
      id: r.id,
      unitId: r.unitId,
      unitName: unitName.get(r.unitId) ?? '',
      groupId: r.groupId,
      groupName: r.groupId ? (groupName.get(r.groupId) ?? null) : null,
      typeCode: r.typeCode,
      typeName: typeName.get(r.typeCode) ?? r.typeCode,
      topic: r.topic,
      materials: mine.filter((f) => f.kind === 'material').map((f) => presentFile(f.file)),
      links: r.links,
      plannedStart: r.plannedStart.toISOString(),
      plannedEnd: r.plannedEnd.toISOString(),
      place: r.place,
      presenter: r.presenter,
      status: r.status as StudySessionStatus,
      filedAt: r.filedAt?.toISOString() ?? null,
      late: r.late,
      preFiled: !!r.filedAt && !r.late,
      actualStart: r.actualStart?.toISOString() ?? null,
      actualEnd: r.actualEnd?.toISOString() ?? null,
      durationMinutes: r.actualStart && r.actualEnd ? minutesBetween(r.actualStart, r.actualEnd) : null,
      summary: r.summary,
      photos: mine.filter((f) => f.kind === 'photo').map((f) => presentFile(f.file)),
      attendance: att.map((a) => ({ personId: a.personId, name: a.name, status: a.status as AttendanceStatus, reason: a.reason })),
      attendanceRate: r.status === 'held' ? attendanceRate(att.map((a) => a.status as AttendanceStatus)) : null,
      cancelReason: r.cancelReason,
      version: r.version,
      createdAt: r.createdAt.toISOString(),
    };
  });
}

export async function presentSession(db: DbLike, id: string): Promise<StudySession> {
  const rows = await db.select().from(studySessions).where(eq(studySessions.id, id));
  return (await presentSessions(db, rows))[0];
}

/** The Shanghai calendar day a session falls on: when it was held, or else when it is planned. */
const sessionDay = sql`((coalesce(${studySessions.actualStart}, ${studySessions.plannedStart}) at time zone 'Asia/Shanghai')::date)`;

export async function listSessions(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { unitId?: string; type?: string; status?: string; from?: string; to?: string; late?: boolean },
) {
  const where: SQL[] = [sessionVisible(scope)];
  if (q.unitId) where.push(eq(studySessions.unitId, q.unitId));
  if (q.type) where.push(eq(studySessions.typeCode, q.type));
  if (q.status) where.push(eq(studySessions.status, q.status));
  if (q.from) where.push(sql`${sessionDay} >= ${q.from}::date`);
  if (q.to) where.push(sql`${sessionDay} <= ${q.to}::date`);
  if (q.late !== undefined) where.push(eq(studySessions.late, q.late));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(studySessions)
      .where(cond)
      .orderBy(
        ...orderOf(q.sort, { plannedStart: studySessions.plannedStart, actualStart: studySessions.actualStart }, [
          desc(studySessions.plannedStart),
          asc(studySessions.id),
        ]),
      )
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(studySessions).where(cond),
  ]);
  return envelope(await presentSessions(db, rows), total, q);
}

async function unitForSession(db: DbLike, scope: DataScope, id: string) {
  const [u] = await db.select().from(units).where(eq(units.id, id));
  if (!u || !pathInScope(scope, u.path)) throw notFound('单位');
  if (u.disabled) throw badRequest(`单位「${u.name}」已停用`, [{ field: 'body.unitId', message: '单位已停用' }]);
  return u;
}

async function checkType(db: DbLike, code: string) {
  const [t] = await db.select().from(studySessionTypes).where(eq(studySessionTypes.code, code));
  if (!t || t.disabled) throw badRequest('学习形式不存在或已停用', [{ field: 'body.typeCode', message: '学习形式不存在或已停用' }]);
}

/** A study group (学习小组 / 理论学习中心组) of a unit in scope. */
async function studyGroup(db: DbLike, scope: DataScope, id: string) {
  const [g] = await db.select().from(groups).where(and(eq(groups.id, id), unitInScope(scope, groups.unitId)));
  if (!g) throw notFound('学习小组');
  if (g.type !== 'study') throw badRequest('只能选择学习小组', [{ field: 'body.groupId', message: '只能选择学习小组' }]);
  return g;
}

/**
 * Files for a session: uploaded by the caller and not attached elsewhere, or already attached to this session.
 * Anything else is 404, as if it did not exist.
 */
async function attachableFiles(tx: DbLike, caller: Caller, ids: string[], sessionId: string | null): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const rows = await tx
    .select({ id: files.id })
    .from(files)
    .where(
      and(
        inArray(files.id, unique),
        or(
          and(
            eq(files.createdBy, caller.userId),
            sql`not exists (select 1 from ${studySessionFiles} where ${studySessionFiles.fileId} = ${files.id})`,
          ),
          sessionId
            ? sql`exists (select 1 from ${studySessionFiles} where ${studySessionFiles.fileId} = ${files.id} and ${studySessionFiles.sessionId} = ${sessionId})`
            : sql`false`,
        ),
      ),
    );
  if (rows.length !== unique.length) throw notFound('附件');
  return unique;
}

async function replaceFiles(tx: DbLike, sessionId: string, kind: 'material' | 'photo', fileIds: string[]) {
  await tx.delete(studySessionFiles).where(and(eq(studySessionFiles.sessionId, sessionId), eq(studySessionFiles.kind, kind)));
  if (fileIds.length) await tx.insert(studySessionFiles).values(fileIds.map((fileId) => ({ sessionId, fileId, kind })));
}

type SessionInput = {
  groupId?: string | null;
  typeCode?: string;
  topic?: string;
  materialFileIds?: string[];
  links?: string[];
  plannedStart?: string;
  plannedEnd?: string;
  place?: string | null;
  presenter?: string | null;
};

export async function createSession(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: SessionInput & { unitId?: string; typeCode: string; topic: string; plannedStart: string; plannedEnd: string; materialFileIds: string[]; links: string[] },
): Promise<SessionRow> {
  const group = input.groupId ? await studyGroup(tx, caller.scope, input.groupId) : null;
  const unitId = input.unitId ?? group?.unitId ?? caller.unitId;
  if (!unitId) throw badRequest('请指定学习单位', [{ field: 'body.unitId', message: '请指定学习单位' }]);
  await unitForSession(tx, caller.scope, unitId);
  if (group && group.unitId !== unitId) {
    throw badRequest('学习小组不属于该单位', [{ field: 'body.groupId', message: '学习小组不属于该单位' }]);
  }
  await checkType(tx, input.typeCode);
  const fileIds = await attachableFiles(tx, caller, input.materialFileIds, null);
  const [row] = await tx
    .insert(studySessions)
    .values({
      unitId,
      groupId: group?.id ?? null,
      typeCode: input.typeCode,
      topic: input.topic,
      links: input.links,
      plannedStart: new Date(input.plannedStart),
      plannedEnd: new Date(input.plannedEnd),
      place: input.place ?? null,
      presenter: input.presenter ?? null,
      createdBy: caller.userId,
    })
    .returning();
  await replaceFiles(tx, row.id, 'material', fileIds);
  await audit(tx, actor, { entity: 'study_session', entityId: row.id, action: 'create', after: { ...row, materialFileIds: fileIds } });
  return row;
}

export async function updateSession(tx: DbLike, caller: Caller, actor: Actor, id: string, input: SessionInput & { version: number }) {
  const before = await getSessionForChange(tx, caller.scope, id);
  if (before.version !== input.version) throw conflict();
  if (before.status === 'cancelled') throw conflict('已取消的学习活动不能修改');
  const { version: _v, materialFileIds, plannedStart, plannedEnd, groupId, ...fields } = input;
  if (groupId) {
    const g = await studyGroup(tx, caller.scope, groupId);
    if (g.unitId !== before.unitId) throw badRequest('学习小组不属于该单位', [{ field: 'body.groupId', message: '学习小组不属于该单位' }]);
  }
  if (fields.typeCode && fields.typeCode !== before.typeCode) await checkType(tx, fields.typeCode);
  const start = plannedStart ? new Date(plannedStart) : before.plannedStart;
  const end = plannedEnd ? new Date(plannedEnd) : before.plannedEnd;
  if (start >= end) throw badRequest('结束时间应晚于开始时间', [{ field: 'body.plannedEnd', message: '结束时间应晚于开始时间' }]);
  const [after] = await tx
    .update(studySessions)
    .set({
      ...fields,
      ...(groupId !== undefined ? { groupId } : {}),
      plannedStart: start,
      plannedEnd: end,
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(studySessions.id, id))
    .returning();
  const changes: Record<string, unknown> = {};
  if (materialFileIds) {
    const ids = await attachableFiles(tx, caller, materialFileIds, id);
    await replaceFiles(tx, id, 'material', ids);
    changes.materialFileIds = ids;
  }
  await audit(tx, actor, { entity: 'study_session', entityId: id, action: 'update', before, after: { ...after, ...changes } });
  return after;
}

/** 学前报备: filed before the planned start is on time; after it, the filing is 补报 and the session counts as late. */
export async function fileSession(tx: DbLike, caller: Caller, actor: Actor, id: string, input: { version: number }) {
  const before = await getSessionForChange(tx, caller.scope, id);
  if (before.version !== input.version) throw conflict();
  if (before.status !== 'planned') throw conflict(`该学习活动${statusText(before.status)}，不能再报备`);
  const now = studyClock.now();
  const [after] = await tx
    .update(studySessions)
    .set({ status: 'filed', filedAt: now, late: now > before.plannedStart, version: before.version + 1, updatedAt: new Date() })
    .where(eq(studySessions.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_session', entityId: id, action: 'file', before, after });
  return after;
}

const statusText = (s: string) => ({ planned: '尚未报备', filed: '已报备', held: '已开展', cancelled: '已取消' })[s] ?? s;

/** Attendees must be people the caller can see, each listed once. */
async function checkAttendance(tx: DbLike, scope: DataScope, entries: { personId: string }[]) {
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (seen.has(e.personId)) throw badRequest('同一人员不能登记两次', [{ field: `body.attendance.${i}.personId`, message: '人员重复' }]);
    seen.add(e.personId);
  }
  if (!seen.size) return;
  const found = await tx
    .select({ id: persons.id })
    .from(persons)
    .where(and(inArray(persons.id, [...seen]), unitInScope(scope, persons.unitId)));
  if (found.length !== seen.size) throw notFound('参学人员');
}

/**
 * 已开展: records actual times, attendance, summary and photos. A session recorded without a filing counts as held
 * without pre-filing; a recorded session may be recorded again to correct it; a cancelled one cannot.
 */
export async function recordSession(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  input: {
    version: number;
    actualStart: string;
    actualEnd: string;
    attendance: { personId: string; status: AttendanceStatus; reason?: string | null }[];
    summary?: string | null;
    photoFileIds: string[];
  },
) {
  const before = await getSessionForChange(tx, caller.scope, id);
  if (before.version !== input.version) throw conflict();
  if (before.status === 'cancelled') throw conflict('已取消的学习活动不能登记开展情况');
  const start = new Date(input.actualStart);
  if (start > studyClock.now()) throw badRequest('学习尚未开始，不能登记开展情况', [{ field: 'body.actualStart', message: '开始时间不能晚于当前时间' }]);
  await checkAttendance(tx, caller.scope, input.attendance);
  const photoIds = await attachableFiles(tx, caller, input.photoFileIds, id);
  const [after] = await tx
    .update(studySessions)
    .set({
      status: 'held',
      actualStart: start,
      actualEnd: new Date(input.actualEnd),
      summary: input.summary ?? null,
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(studySessions.id, id))
    .returning();
  await tx.delete(studyAttendance).where(eq(studyAttendance.sessionId, id));
  if (input.attendance.length) {
    await tx.insert(studyAttendance).values(
      input.attendance.map((a) => ({ sessionId: id, personId: a.personId, status: a.status, reason: a.status === 'leave' || a.status === 'absent' ? (a.reason ?? null) : null })),
    );
  }
  await replaceFiles(tx, id, 'photo', photoIds);
  await audit(tx, actor, {
    entity: 'study_session',
    entityId: id,
    action: 'record',
    before,
    after: { ...after, attendance: input.attendance, photoFileIds: photoIds },
  });
  return after;
}

export async function cancelSession(tx: DbLike, caller: Caller, actor: Actor, id: string, input: { version: number; reason: string }) {
  const before = await getSessionForChange(tx, caller.scope, id);
  if (before.version !== input.version) throw conflict();
  if (before.status === 'held' || before.status === 'cancelled') throw conflict(`该学习活动${statusText(before.status)}，不能取消`);
  const [after] = await tx
    .update(studySessions)
    .set({ status: 'cancelled', cancelReason: input.reason, version: before.version + 1, updatedAt: new Date() })
    .where(eq(studySessions.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_session', entityId: id, action: 'cancel', before, after });
  return after;
}

// 学习材料与照片


/** A material or photo of a session the caller sees, or 404. */
export async function sessionFile(db: DbLike, scope: DataScope, sessionId: string, fileId: string) {
  await getVisibleSession(db, scope, sessionId);
  const [row] = await db
    .select({ file: files })
    .from(studySessionFiles)
    .innerJoin(files, eq(files.id, studySessionFiles.fileId))
    .where(and(eq(studySessionFiles.sessionId, sessionId), eq(studySessionFiles.fileId, fileId)));
  if (!row) throw notFound('文件');
  return row.file;
}

// 点评

const author = sql<string>`coalesce((select ${persons.name} from ${persons} where ${persons.id} = ${users.personId}), ${users.username})`;

export async function listComments(db: DbLike, scope: DataScope, sessionId: string) {
  await getVisibleSession(db, scope, sessionId);
  const rows = await db
    .select({ c: studySessionComments, author })
    .from(studySessionComments)
    .innerJoin(users, eq(users.id, studySessionComments.userId))
    .where(eq(studySessionComments.sessionId, sessionId))
    .orderBy(asc(studySessionComments.createdAt), asc(studySessionComments.id));
  return rows.map((r) => ({ id: r.c.id, sessionId: r.c.sessionId, author: r.author, content: r.c.content, createdAt: r.c.createdAt.toISOString() }));
}

/** 点评: by a supervisor of the session's unit or anyone whose units include it; an attendee only reads. */
export async function addComment(tx: DbLike, caller: Caller, actor: Actor, sessionId: string, content: string) {
  const [row] = await tx
    .select({ id: studySessions.id })
    .from(studySessions)
    .where(and(eq(studySessions.id, sessionId), or(unitInScope(caller.scope, studySessions.unitId), supervises(caller.scope, studySessions.unitId))));
  if (!row) {
    await getVisibleSession(tx, caller.scope, sessionId);
    throw forbidden('只有包联督导员或上级单位可以点评');
  }
  const [c] = await tx.insert(studySessionComments).values({ sessionId, userId: caller.userId, content }).returning();
  await audit(tx, actor, { entity: 'study_session_comment', entityId: c.id, action: 'create', after: c });
  return c.id;
}

export async function presentComment(db: DbLike, id: string) {
  const [r] = await db
    .select({ c: studySessionComments, author })
    .from(studySessionComments)
    .innerJoin(users, eq(users.id, studySessionComments.userId))
    .where(eq(studySessionComments.id, id));
  return { id: r.c.id, sessionId: r.c.sessionId, author: r.author, content: r.c.content, createdAt: r.c.createdAt.toISOString() };
}

// 出勤率

/**
 * Attendance of the held sessions of a unit and the units below it, held between `from` and `to` (Shanghai days):
 * per person and for the unit as a whole.
 */
export async function attendanceReport(db: DbLike, scope: DataScope, q: { unitId: string; from: string; to: string }): Promise<AttendanceReport> {
  const [u] = await db.select().from(units).where(eq(units.id, q.unitId));
  if (!u || !pathInScope(scope, u.path)) throw notFound('单位');
  const heldIn = and(
    eq(studySessions.status, 'held'),
    sql`${studySessions.unitId} in (select ${units.id} from ${units} where ${units.path} like ${`${u.path}%`})`,
    sql`(${studySessions.actualStart} at time zone 'Asia/Shanghai')::date between ${q.from}::date and ${q.to}::date`,
  );
  const [rows, [{ sessions }]] = await Promise.all([
    db
      .select({
        personId: persons.id,
        name: persons.name,
        unitName: units.name,
        present: sql<number>`count(*) filter (where ${studyAttendance.status} = 'present')::int`,
        late: sql<number>`count(*) filter (where ${studyAttendance.status} = 'late')::int`,
        leave: sql<number>`count(*) filter (where ${studyAttendance.status} = 'leave')::int`,
        absent: sql<number>`count(*) filter (where ${studyAttendance.status} = 'absent')::int`,
      })
      .from(studyAttendance)
      .innerJoin(studySessions, eq(studySessions.id, studyAttendance.sessionId))
      .innerJoin(persons, eq(persons.id, studyAttendance.personId))
      .innerJoin(units, eq(units.id, persons.unitId))
      .where(heldIn)
      .groupBy(persons.id, persons.name, units.name)
      .orderBy(asc(units.name), asc(persons.name), asc(persons.id)),
    db.select({ sessions: sql<number>`count(*)::int` }).from(studySessions).where(heldIn),
  ]);
  const rate = (came: number, expected: number) => (expected ? Math.round((came / expected) * 10_000) / 10_000 : null);
  let came = 0;
  let expected = 0;
  const out = rows.map((r) => {
    const e = r.present + r.late + r.absent;
    came += r.present + r.late;
    expected += e;
    return { ...r, rate: rate(r.present + r.late, e) };
  });
  return { unitId: u.id, unitName: u.name, from: q.from, to: q.to, sessions, rows: out, unitRate: rate(came, expected) };
}

/** 出勤统计 as a sheet: the people of the page, then a 合计 line with the unit's rate and the sessions counted. */
export const ATTENDANCE_COLUMNS: XlsxColumn[] = [
  { header: '姓名', key: 'name', width: 12 },
  { header: '单位', key: 'unitName', width: 24 },
  { header: '出席', key: 'present', width: 8 },
  { header: '迟到', key: 'late', width: 8 },
  { header: '请假', key: 'leave', width: 8 },
  { header: '缺席', key: 'absent', width: 8 },
  { header: '出勤率', key: 'rate', width: 10, numFmt: '0.0%' },
];

export function attendanceSheetRows(r: AttendanceReport): Record<string, unknown>[] {
  const sum = (k: 'present' | 'late' | 'leave' | 'absent') => r.rows.reduce((n, x) => n + x[k], 0);
  return [
    ...r.rows.map((x) => ({ name: x.name, unitName: x.unitName, present: x.present, late: x.late, leave: x.leave, absent: x.absent, rate: x.rate ?? '' })),
    { name: '合计', unitName: `已开展学习 ${r.sessions} 次`, present: sum('present'), late: sum('late'), leave: sum('leave'), absent: sum('absent'), rate: r.unitRate ?? '' },
  ];
}
