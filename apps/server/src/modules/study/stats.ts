import { and, desc, eq, gte, inArray, isNotNull, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { MyStudy, StudyStats } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import {
  studyAttendance, studyReadingLogs, studyReflections, studyScores, studySessions, studySessionTypes, studyWeekChecks, units,
} from '../../db/schema/index.ts';
import { addDays, periodOf } from '../../platform/calendar.ts';
import { badRequest } from '../../platform/errors.ts';
import type { XlsxColumn } from '../../platform/export.ts';
import { pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import { getUnitInScope } from '../org/units.ts';

/** Calendar days in Asia/Shanghai as the timestamptz range [from 00:00, to+1 00:00). */
const dayStart = (d: string) => new Date(`${d}T00:00:00+08:00`);
const minutesOf = sql<number>`coalesce(sum(extract(epoch from (${studySessions.actualEnd} - ${studySessions.actualStart})) / 60), 0)::int`;
const pct = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 1000) / 10 : null);
/** Hours with one decimal, as the page and the sentence show them (the dashboards show them the same way). */
export const hoursOf = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/**
 * 学习统计: sessions by type, hours, attendance, weekly coverage, reflections and books of a unit and the units
 * below it (or of everything the caller sees), written also as the sentence a department's report quotes.
 */
export async function studyStats(db: DbLike, scope: DataScope, q: { unitId?: string; from: string; to: string }): Promise<StudyStats> {
  const unit = q.unitId ? await getUnitInScope(db, scope, q.unitId) : null;
  const inUnits = (col: Parameters<typeof unitInScope>[1]): SQL =>
    unit
      ? and(unitInScope(scope, col), sql`${col} in (select ${units.id} from ${units} where ${units.path} like ${`${unit.path}%`})`)!
      : unitInScope(scope, col);
  const from = dayStart(q.from);
  const to = dayStart(addDays(q.to, 1));
  const held = and(eq(studySessions.status, 'held'), inUnits(studySessions.unitId), gte(studySessions.actualStart, from), sql`${studySessions.actualStart} < ${to}`)!;

  const byType = await db
    .select({ typeCode: studySessions.typeCode, typeName: studySessionTypes.name, sort: studySessionTypes.sort, sessions: sql<number>`count(*)::int`, minutes: minutesOf })
    .from(studySessions)
    .leftJoin(studySessionTypes, eq(studySessionTypes.code, studySessions.typeCode))
    .where(held)
    .groupBy(studySessions.typeCode, studySessionTypes.name, studySessionTypes.sort)
    .orderBy(studySessionTypes.sort);
  const [{ late }] = await db
    .select({ late: sql<number>`count(*) filter (where ${studySessions.late} or ${studySessions.filedAt} is null)::int` })
    .from(studySessions)
    .where(held);
  const [att] = await db
    .select({
      attended: sql<number>`count(*) filter (where ${studyAttendance.status} in ('present', 'late'))::int`,
      expected: sql<number>`count(*) filter (where ${studyAttendance.status} <> 'leave')::int`,
    })
    .from(studyAttendance)
    .innerJoin(studySessions, eq(studySessions.id, studyAttendance.sessionId))
    .where(held);

  const weeks = await db
    .select({ rows: studyWeekChecks.rows })
    .from(studyWeekChecks)
    .where(and(eq(studyWeekChecks.exempt, false), gte(studyWeekChecks.startDate, q.from), lte(studyWeekChecks.endDate, q.to)));
  const unitWeeks = weeks
    .flatMap((w) => w.rows)
    .filter((r) => pathInScope(scope, r.unitPath) && (!unit || r.unitPath.startsWith(unit.path)));
  const missedWeeks = unitWeeks.filter((r) => r.missed).length;

  const [refl] = await db
    .select({
      written: sql<number>`count(*)::int`,
      excellent: sql<number>`count(*) filter (where ${studyReflections.status} = 'excellent')::int`,
    })
    .from(studyReflections)
    .where(and(inUnits(studyReflections.unitId), ne(studyReflections.status, 'draft'), gte(studyReflections.submittedAt, from), sql`${studyReflections.submittedAt} < ${to}`));
  const [{ books }] = await db
    .select({ books: sql<number>`count(*)::int` })
    .from(studyReadingLogs)
    .where(and(inUnits(studyReadingLogs.unitId), isNotNull(studyReadingLogs.finishDate), gte(studyReadingLogs.finishDate, q.from), lte(studyReadingLogs.finishDate, q.to)));

  const sessionsByType = byType.map((t) => ({ typeCode: t.typeCode, typeName: t.typeName ?? t.typeCode, sessions: t.sessions, minutes: t.minutes }));
  const sessions = sessionsByType.reduce((n, t) => n + t.sessions, 0);
  const minutes = sessionsByType.reduce((n, t) => n + t.minutes, 0);
  const attendanceRate = pct(att.attended, att.expected);
  const coverageRate = pct(unitWeeks.length - missedWeeks, unitWeeks.length);
  return {
    unitId: unit?.id ?? null,
    unitName: unit?.name ?? null,
    from: q.from,
    to: q.to,
    sessionsByType,
    sessions,
    minutes,
    lateOrUnfiled: late,
    attendanceRate,
    coverageRate,
    missedWeeks,
    reflections: refl.written,
    reflectionsExcellent: refl.excellent,
    booksRead: books,
    summary: summarySentence({ sessionsByType, minutes, attendanceRate, coverageRate, reflections: refl.written, excellent: refl.excellent, books }),
  };
}

/** "开展集中学习 6 次、晨读+分享 8 次，累计学习 36 小时，出勤率 96.5%；…" — every figure from the data. */
export function summarySentence(s: {
  sessionsByType: { typeName: string; sessions: number }[];
  minutes: number;
  attendanceRate: number | null;
  coverageRate: number | null;
  reflections: number;
  excellent: number;
  books: number;
}): string {
  const parts: string[] = [];
  if (s.sessionsByType.length) {
    let head = `开展${s.sessionsByType.map((t) => `${t.typeName} ${t.sessions} 次`).join('、')}，累计学习 ${hoursOf(s.minutes)} 小时`;
    if (s.attendanceRate !== null) head += `，出勤率 ${s.attendanceRate}%`;
    parts.push(head);
  } else parts.push('未开展集体学习');
  if (s.coverageRate !== null) parts.push(`每周半天学习覆盖率 ${s.coverageRate}%`);
  parts.push(`撰写心得体会 ${s.reflections} 篇${s.excellent ? `（其中优秀 ${s.excellent} 篇）` : ''}`);
  parts.push(`读书 ${s.books} 本`);
  return `${parts.join('；')}。`;
}

/** 学习统计 as a sheet: one figure a line, as the page shows them, so a report can copy a number from it. */
export const STATS_COLUMNS: XlsxColumn[] = [
  { header: '项目', key: 'item', width: 24 },
  { header: '数值', key: 'value', width: 80 },
];

/** The lines of the sheet; a rate without records stays blank, as the page shows a dash. */
export function statsSheetRows(s: StudyStats, unitPath?: string): Record<string, unknown>[] {
  const line = (item: string, value: string | number | null) => ({ item, value: value ?? '' });
  return [
    line('统计单位', s.unitName ?? '全部可见单位'),
    ...(unitPath ? [line('单位路径', unitPath)] : []),
    line('统计时段', `${s.from} 至 ${s.to}`),
    line('学习次数', s.sessions),
    line('学习时长（小时）', hoursOf(s.minutes)),
    line('出勤率（%）', s.attendanceRate),
    line('每周覆盖率（%）', s.coverageRate),
    line('未学周次', s.missedWeeks),
    line('补报或未报备（次）', s.lateOrUnfiled),
    line('心得体会（篇）', s.reflections),
    line('优秀心得（篇）', s.reflectionsExcellent),
    line('读书（本）', s.booksRead),
    ...s.sessionsByType.flatMap((t) => [line(`${t.typeName}（次）`, t.sessions), line(`${t.typeName}时长（小时）`, hoursOf(t.minutes))]),
    line('小结', s.summary),
  ];
}

/** 我的学习: the caller's own sessions, hours, reflections, reading and platform scores. */
export async function myStudy(db: DbLike, scope: DataScope, today: string): Promise<MyStudy> {
  const personId = scope.personId;
  if (!personId) throw badRequest('当前账号未关联人员，没有个人学习记录');
  const attended = and(
    eq(studyAttendance.personId, personId),
    inArray(studyAttendance.status, ['present', 'late']),
    eq(studySessions.status, 'held'),
  )!;
  const hoursSince = async (since: string) => {
    const [{ m }] = await db
      .select({ m: minutesOf.mapWith(Number).as('m') })
      .from(studyAttendance)
      .innerJoin(studySessions, eq(studySessions.id, studyAttendance.sessionId))
      .where(and(attended, gte(studySessions.actualStart, dayStart(since)), sql`${studySessions.actualStart} < ${dayStart(addDays(today, 1))}`));
    return hoursOf(m);
  };
  const year = today.slice(0, 4);
  const [week, month, yearHours] = await Promise.all([
    hoursSince(periodOf('weekly', today).start),
    hoursSince(`${today.slice(0, 7)}-01`),
    hoursSince(`${year}-01-01`),
  ]);
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(studyAttendance)
    .innerJoin(studySessions, eq(studySessions.id, studyAttendance.sessionId))
    .where(attended);
  const recent = await db
    .select({
      id: studySessions.id,
      topic: studySessions.topic,
      typeName: sql<string>`coalesce(${studySessionTypes.name}, ${studySessions.typeCode})`,
      unitName: units.name,
      actualStart: studySessions.actualStart,
      actualEnd: studySessions.actualEnd,
      attendance: studyAttendance.status,
    })
    .from(studyAttendance)
    .innerJoin(studySessions, eq(studySessions.id, studyAttendance.sessionId))
    .innerJoin(units, eq(units.id, studySessions.unitId))
    .leftJoin(studySessionTypes, eq(studySessionTypes.code, studySessions.typeCode))
    .where(and(eq(studyAttendance.personId, personId), eq(studySessions.status, 'held')))
    .orderBy(desc(studySessions.actualStart))
    .limit(20);
  const refl = await db
    .select({ status: studyReflections.status, n: sql<number>`count(*)::int` })
    .from(studyReflections)
    .where(eq(studyReflections.personId, personId))
    .groupBy(studyReflections.status);
  const count = (s: string) => refl.find((r) => r.status === s)?.n ?? 0;
  const finished = await db
    .select({ finishDate: studyReadingLogs.finishDate })
    .from(studyReadingLogs)
    .where(and(eq(studyReadingLogs.personId, personId), gte(studyReadingLogs.finishDate, `${year}-01-01`), lte(studyReadingLogs.finishDate, `${year}-12-31`)));
  const scores = await db
    .select({ month: studyScores.month, platform: studyScores.platform, hundredths: studyScores.hundredths })
    .from(studyScores)
    .where(eq(studyScores.personId, personId))
    .orderBy(desc(studyScores.month), studyScores.platform)
    .limit(24);
  return {
    personId,
    hours: { week, month, year: yearHours },
    sessionsAttended: n,
    recentSessions: recent.map((r) => ({
      id: r.id,
      topic: r.topic,
      typeName: r.typeName,
      unitName: r.unitName,
      actualStart: r.actualStart?.toISOString() ?? null,
      minutes: r.actualStart && r.actualEnd ? Math.round((r.actualEnd.getTime() - r.actualStart.getTime()) / 60_000) : 0,
      attendance: r.attendance,
    })),
    reflections: { draft: count('draft'), submitted: count('submitted'), passed: count('passed'), excellent: count('excellent'), returned: count('returned') },
    reading: {
      booksThisYear: finished.length,
      monthsWithBook: [...new Set(finished.map((f) => f.finishDate!.slice(0, 7)))].sort(),
    },
    scores: scores.map((s) => ({ month: s.month, platform: s.platform, score: (s.hundredths / 100).toFixed(2) })),
  };
}
