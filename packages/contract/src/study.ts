import { z } from 'zod';
import { DateOnly, DateTimeInput, Id, listQuery, listResponse, QueryBool, Versioned } from './common.ts';

// 学习活动、考勤、每周覆盖学与未学通报

const FileRefShape = z.object({ id: z.string(), name: z.string(), size: z.number().int(), mime: z.string() });

/** 学习形式 (an editable dictionary). */
export const StudySessionType = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  sort: z.number().int(),
  disabled: z.boolean(),
  version: z.number().int(),
});
export type StudySessionType = z.infer<typeof StudySessionType>;
export const CreateStudySessionTypeBody = z.object({
  code: z.string().trim().regex(/^[a-z][a-z0-9_]{1,39}$/, '编码为 2–40 位小写字母、数字或下划线，以字母开头'),
  name: z.string().trim().min(1, '请输入名称').max(40),
  sort: z.number().int().min(0).max(9999).default(0),
});
export const UpdateStudySessionTypeBody = Versioned.extend({
  name: z.string().trim().min(1, '请输入名称').max(40).optional(),
  sort: z.number().int().min(0).max(9999).optional(),
  disabled: z.boolean().optional(),
});

/** 包联: a supervisor assigned to a unit. */
export const StudySupervision = z.object({
  id: z.string(),
  supervisorPersonId: z.string(),
  supervisorName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  fromDate: z.string(),
  toDate: z.string().nullable(),
});
export type StudySupervision = z.infer<typeof StudySupervision>;
export const CreateStudySupervisionBody = z
  .object({ supervisorPersonId: Id, unitId: Id, fromDate: DateOnly, toDate: DateOnly.nullable().optional() })
  .refine((b) => !b.toDate || b.fromDate <= b.toDate, { message: '结束日期不能早于开始日期', path: ['toDate'] });
export const StudySupervisionListQuery = listQuery(['fromDate'] as const, {
  unitId: Id.optional(),
  supervisorPersonId: Id.optional(),
});
export const StudySupervisionList = listResponse(StudySupervision);

export const STUDY_SESSION_STATUSES = { planned: '计划', filed: '已报备', held: '已开展', cancelled: '已取消' } as const;
export type StudySessionStatus = keyof typeof STUDY_SESSION_STATUSES;
export const StudySessionStatus = z.enum(['planned', 'filed', 'held', 'cancelled']);

export const ATTENDANCE_STATUSES = { present: '出席', late: '迟到', leave: '请假', absent: '缺席' } as const;
export type AttendanceStatus = keyof typeof ATTENDANCE_STATUSES;
export const AttendanceStatus = z.enum(['present', 'late', 'leave', 'absent']);

export const StudyAttendanceEntry = z.object({
  personId: z.string(),
  name: z.string(),
  status: AttendanceStatus,
  reason: z.string().nullable(),
});

export const StudySession = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  groupId: z.string().nullable(),
  groupName: z.string().nullable(),
  typeCode: z.string(),
  typeName: z.string(),
  topic: z.string(),
  materials: z.array(FileRefShape),
  links: z.array(z.string()),
  plannedStart: z.string(),
  plannedEnd: z.string(),
  place: z.string().nullable(),
  presenter: z.string().nullable(),
  status: StudySessionStatus,
  filedAt: z.string().nullable(),
  /** filed after its planned start: 补报 */
  late: z.boolean(),
  /** filed before it started (学前报备) */
  preFiled: z.boolean(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  summary: z.string().nullable(),
  photos: z.array(FileRefShape),
  attendance: z.array(StudyAttendanceEntry),
  /** (present + late) / (everyone listed − on leave), 0..1; null when nobody is expected */
  attendanceRate: z.number().nullable(),
  cancelReason: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
});
export type StudySession = z.infer<typeof StudySession>;

const Link = z.string().trim().url('链接格式不正确').max(500);
const SessionFields = {
  groupId: Id.nullable().optional(),
  typeCode: z.string().trim().min(1, '请选择学习形式').max(40),
  topic: z.string().trim().min(1, '请输入学习主题').max(300),
  materialFileIds: z.array(Id).max(20),
  links: z.array(Link).max(20),
  plannedStart: DateTimeInput('时间格式不正确'),
  plannedEnd: DateTimeInput('时间格式不正确'),
  place: z.string().trim().max(200).nullable().optional(),
  presenter: z.string().trim().max(100).nullable().optional(),
};
const endAfterStart = (b: { plannedStart?: string; plannedEnd?: string }) =>
  !b.plannedStart || !b.plannedEnd || new Date(b.plannedStart) < new Date(b.plannedEnd);
export const CreateStudySessionBody = z
  .object({
    unitId: Id.optional(),
    ...SessionFields,
    materialFileIds: SessionFields.materialFileIds.default([]),
    links: SessionFields.links.default([]),
  })
  .refine(endAfterStart, { message: '结束时间应晚于开始时间', path: ['plannedEnd'] });
export const UpdateStudySessionBody = Versioned.extend(z.object(SessionFields).partial().shape).refine(endAfterStart, {
  message: '结束时间应晚于开始时间',
  path: ['plannedEnd'],
});
export const FileStudySessionBody = Versioned;
export const RecordStudySessionBody = Versioned.extend({
  actualStart: DateTimeInput('时间格式不正确'),
  actualEnd: DateTimeInput('时间格式不正确'),
  attendance: z
    .array(
      z
        .object({ personId: Id, status: AttendanceStatus, reason: z.string().trim().max(200).nullable().optional() })
        .refine((a) => a.status !== 'leave' || !!a.reason, { message: '请假须填写事由', path: ['reason'] }),
    )
    .max(500),
  summary: z.string().trim().max(5000).nullable().optional(),
  photoFileIds: z.array(Id).max(20).default([]),
}).refine((b) => new Date(b.actualStart) < new Date(b.actualEnd), { message: '结束时间应晚于开始时间', path: ['actualEnd'] });
export const CancelStudySessionBody = Versioned.extend({
  reason: z.string().trim().min(1, '请填写取消原因').max(500),
});
export const StudySessionListQuery = listQuery(['plannedStart', 'actualStart'] as const, {
  unitId: Id.optional(),
  type: z.string().trim().max(40).optional(),
  status: StudySessionStatus.optional(),
  from: DateOnly.optional(),
  to: DateOnly.optional(),
  late: QueryBool.optional(),
});
export const StudySessionList = listResponse(StudySession);

/** 点评 */
export const StudySessionComment = z.object({
  id: z.string(),
  sessionId: z.string(),
  author: z.string(),
  content: z.string(),
  createdAt: z.string(),
});
export const CreateStudySessionCommentBody = z.object({ content: z.string().trim().min(1, '请输入点评内容').max(2000) });

/** 出勤统计 */
export const AttendanceQuery = z
  .object({ unitId: Id, from: DateOnly, to: DateOnly })
  .refine((q) => q.from <= q.to, { message: '结束日期不能早于开始日期', path: ['to'] });
export const AttendanceRow = z.object({
  personId: z.string(),
  name: z.string(),
  unitName: z.string(),
  present: z.number().int(),
  late: z.number().int(),
  leave: z.number().int(),
  absent: z.number().int(),
  rate: z.number().nullable(),
});
export const AttendanceReport = z.object({
  unitId: z.string(),
  unitName: z.string(),
  from: z.string(),
  to: z.string(),
  sessions: z.number().int(),
  rows: z.array(AttendanceRow),
  /** over every attendance entry of the period: (present + late) / (entries − on leave) */
  unitRate: z.number().nullable(),
});
export type AttendanceReport = z.infer<typeof AttendanceReport>;

/** 每周覆盖学规则 per unit type */
export const CoverageRule = z.object({
  unitType: z.string(),
  minMinutes: z.number().int(),
  enabled: z.boolean(),
});
export const PutCoverageRulesBody = z.object({
  rules: z
    .array(z.object({ unitType: z.string().trim().min(1).max(40), minMinutes: z.number().int().min(1).max(7 * 24 * 60), enabled: z.boolean() }))
    .min(1)
    .max(30),
});

export const WeekKey = z.string().regex(/^20\d{2}-W(0[1-9]|[1-4]\d|5[0-3])$/, '周次格式应为 YYYY-Www，如 2026-W12');
export const WeekParams = z.object({ week: WeekKey });
export const CoverageWeek = z.object({
  week: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  /** a week without a working day needs no study */
  exempt: z.boolean(),
  computedAt: z.string(),
  confirmedAt: z.string().nullable(),
  missedCount: z.number().int(),
  unfiledCount: z.number().int(),
});
export const CoverageWeekList = listResponse(CoverageWeek);
export const CoverageWeekListQuery = listQuery(['week'] as const, {});
export const CoverageRow = z.object({
  unitId: z.string(),
  unitName: z.string(),
  unitPath: z.string(),
  unitType: z.string(),
  minutes: z.number().int(),
  requiredMinutes: z.number().int(),
  missed: z.boolean(),
  unfiledSessions: z.number().int(),
  lateSessions: z.number().int(),
});
export const CoverageWeekDetail = CoverageWeek.extend({ rows: z.array(CoverageRow) });
export type CoverageWeekDetail = z.infer<typeof CoverageWeekDetail>;
