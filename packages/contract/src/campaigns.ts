import { z } from 'zod';
import { DateOnly, DateTimeInput, Id, listQuery, listResponse, QueryBool } from './common.ts';

export const REPORT_CYCLES = {
  none: '不定期',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  half_yearly: '每半年',
  yearly: '每年',
} as const;
export type ReportCycle = keyof typeof REPORT_CYCLES;
export const ReportCycle = z.enum(Object.keys(REPORT_CYCLES) as [ReportCycle, ...ReportCycle[]]);

export const CAMPAIGN_STATUSES = { active: '进行中', closed: '已结束' } as const;
export const CampaignStatus = z.enum(['active', 'closed']);

export const Campaign = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  dimensions: z.array(z.string()),
  startDate: z.string(),
  endDate: z.string(),
  leadingGroupId: z.string().nullable(),
  leadingGroupName: z.string().nullable(),
  status: CampaignStatus,
  taskCount: z.number().int(),
  overdueCount: z.number().int(),
  progress: z.number().int(),
  version: z.number().int(),
});
export type Campaign = z.infer<typeof Campaign>;

const CampaignFields = {
  name: z.string().trim().min(1, '请输入专项行动名称').max(200),
  description: z.string().trim().max(5000).nullable().optional(),
  dimensions: z.array(z.string().trim().min(1).max(20)).max(12),
  startDate: DateOnly,
  endDate: DateOnly,
  leadingGroupId: Id.nullable().optional(),
};
// Defaults live only on the create bodies: a partial update must not reset what it does not mention.
export const CreateCampaignBody = z
  .object({ unitId: Id.optional(), ...CampaignFields, dimensions: CampaignFields.dimensions.default([]) })
  .refine((b) => b.startDate <= b.endDate, { message: '结束日期不能早于开始日期', path: ['endDate'] });
export const UpdateCampaignBody = z
  .object({ version: z.number().int().min(1), status: CampaignStatus.optional() })
  .extend(z.object(CampaignFields).partial().shape);
export const CampaignListQuery = listQuery(['name', 'startDate', 'endDate'] as const, {
  q: z.string().trim().max(50).optional(),
  status: CampaignStatus.optional(),
});
export const CampaignList = listResponse(Campaign);

export const DOCUMENT_KINDS = { plan: '实施方案', notice: '通知', other: '其他' } as const;
export const DocumentKind = z.enum(['plan', 'notice', 'other']);
export const CampaignDocument = z.object({
  id: z.string(),
  campaignId: z.string(),
  kind: DocumentKind,
  fileId: z.string(),
  fileName: z.string(),
  size: z.number().int(),
  mime: z.string(),
  uploadedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type CampaignDocument = z.infer<typeof CampaignDocument>;

/** What a person can see of a stored file. */
export const FileRef = z.object({ id: z.string(), name: z.string(), size: z.number().int(), mime: z.string() });
export type FileRef = z.infer<typeof FileRef>;

export const TASK_STATUSES = { in_progress: '推进中', done: '已完成' } as const;
export const TaskStatus = z.enum(['in_progress', 'done']);

export const Task = z.object({
  id: z.string(),
  campaignId: z.string().nullable(),
  campaignName: z.string().nullable(),
  year: z.number().int(),
  parentId: z.string().nullable(),
  depth: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  dimension: z.string().nullable(),
  leadUnitId: z.string(),
  leadUnitName: z.string(),
  coUnits: z.array(z.object({ id: z.string(), name: z.string() })),
  assignedByUnitId: z.string().nullable(),
  responsiblePersonId: z.string().nullable(),
  responsiblePersonName: z.string().nullable(),
  startDate: z.string(),
  deadline: z.string(),
  /** the deadline moved to the next working day when it falls on a weekend or holiday */
  effectiveDeadline: z.string(),
  evidenceRequired: z.string().nullable(),
  reportCycle: ReportCycle,
  status: TaskStatus,
  progress: z.number().int(),
  overdue: z.boolean(),
  /** cycle reports whose due day has passed without a report */
  missingReports: z.array(z.object({ periodKey: z.string(), label: z.string(), dueDate: z.string() })),
  childCount: z.number().int(),
  version: z.number().int(),
});
export type Task = z.infer<typeof Task>;

const TaskFields = {
  title: z.string().trim().min(1, '请输入任务名称').max(300),
  description: z.string().trim().max(5000).nullable().optional(),
  dimension: z.string().trim().max(20).nullable().optional(),
  leadUnitId: Id,
  coUnitIds: z.array(Id).max(50),
  responsiblePersonId: Id.nullable().optional(),
  startDate: DateOnly,
  deadline: DateOnly,
  evidenceRequired: z.string().trim().max(1000).nullable().optional(),
  reportCycle: ReportCycle,
};
export const CreateTaskBody = z
  .object({
    /** null with a year: a task of that year's key-task list (重点任务清单) */
    campaignId: Id.nullable(),
    year: z.number().int().min(2000).max(2100).optional(),
    ...TaskFields,
    coUnitIds: TaskFields.coUnitIds.default([]),
    reportCycle: TaskFields.reportCycle.default('none'),
  })
  .refine((b) => b.startDate <= b.deadline, { message: '截止日期不能早于开始日期', path: ['deadline'] })
  .refine((b) => b.campaignId !== null || b.year !== undefined, { message: '重点任务需指定年度', path: ['year'] });
export const UpdateTaskBody = z
  .object({ version: z.number().int().min(1), status: TaskStatus.optional() })
  .extend(z.object(TaskFields).partial().shape);
/** 分解: sub-tasks for the lead unit's own lower units or people, all written or none. */
export const BreakdownBody = z.object({
  items: z
    .array(
      z.object({
        title: z.string().trim().min(1, '请输入子任务名称').max(300),
        leadUnitId: Id,
        responsiblePersonId: Id.nullable().optional(),
        deadline: DateOnly,
        reportCycle: ReportCycle.optional(),
      }),
    )
    .min(1, '至少分解一项')
    .max(200),
});
export const TaskListQuery = listQuery(['deadline', 'title', 'progress', 'startDate'] as const, {
  q: z.string().trim().max(50).optional(),
  campaignId: Id.optional(),
  year: z.coerce.number().int().optional(),
  keyList: QueryBool.optional(),
  leadUnitId: Id.optional(),
  status: TaskStatus.optional(),
  overdue: QueryBool.optional(),
  /** only the caller's own tasks (responsible person) — 我的任务 */
  mine: QueryBool.optional(),
  /** only top-level tasks of a campaign */
  rootOnly: QueryBool.optional(),
});
export const TaskList = listResponse(Task);

export const REPORT_STATUSES = { submitted: '待审核', accepted: '已通过', returned: '已退回' } as const;
export const ReportStatus = z.enum(['submitted', 'accepted', 'returned']);
export const TaskReport = z.object({
  id: z.string(),
  taskId: z.string(),
  taskTitle: z.string(),
  periodKey: z.string(),
  periodLabel: z.string(),
  content: z.string(),
  percent: z.number().int(),
  status: ReportStatus,
  reviewComment: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  submittedByName: z.string(),
  submittedAt: z.string(),
  files: z.array(FileRef),
  version: z.number().int(),
});
export type TaskReport = z.infer<typeof TaskReport>;
export const SubmitReportBody = z.object({
  /** the cycle period the report covers; omitted for tasks without a cycle */
  periodKey: z.string().max(20).optional(),
  content: z.string().trim().min(1, '请填写进展情况').max(10000),
  percent: z.number().int().min(0, '完成比例在 0–100 之间').max(100, '完成比例在 0–100 之间'),
  fileIds: z.array(Id).max(20).default([]),
  /** the same key twice makes one report: a double click is harmless */
  idempotencyKey: z.string().min(8).max(100),
});
export const ReviewReportBody = z
  .object({
    version: z.number().int().min(1),
    decision: z.enum(['accept', 'return']),
    comment: z.string().trim().max(2000).nullable().optional(),
  })
  .refine((b) => b.decision === 'accept' || (b.comment && b.comment.length > 0), {
    message: '退回时请填写意见',
    path: ['comment'],
  });
export const ReportListQuery = listQuery(['submittedAt'] as const, {
  taskId: Id.optional(),
  status: ReportStatus.optional(),
  /** reports waiting for the caller's unit to review */
  toReview: QueryBool.optional(),
});
export const ReportList = listResponse(TaskReport);

export const MEETING_TYPES = { weekly: '周例会', monthly: '月调度会', deploy: '部署会', summary: '总结会' } as const;
export type MeetingType = keyof typeof MEETING_TYPES;
export const MeetingType = z.enum(['weekly', 'monthly', 'deploy', 'summary']);
export const MeetingDecision = z.object({
  id: z.string(),
  seq: z.number().int(),
  content: z.string(),
  taskId: z.string().nullable(),
});
export const Meeting = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  campaignId: z.string().nullable(),
  type: MeetingType,
  title: z.string(),
  heldAt: z.string(),
  place: z.string().nullable(),
  minutes: z.string().nullable(),
  attendees: z.array(z.object({ id: z.string(), name: z.string() })),
  decisions: z.array(MeetingDecision),
  version: z.number().int(),
});
export type Meeting = z.infer<typeof Meeting>;
const MeetingFields = {
  unitId: Id.optional(),
  campaignId: Id.nullable().optional(),
  type: MeetingType,
  title: z.string().trim().min(1, '请输入会议名称').max(200),
  heldAt: DateTimeInput('会议时间格式不正确'),
  place: z.string().trim().max(200).nullable().optional(),
  minutes: z.string().trim().max(20000).nullable().optional(),
  attendeeIds: z.array(Id).max(500),
  /** the decisions in order; on update they replace the old ones, except those already turned into tasks */
  decisions: z.array(z.string().trim().min(1).max(1000)).max(100),
};
export const MeetingBody = z.object({
  ...MeetingFields,
  attendeeIds: MeetingFields.attendeeIds.default([]),
  decisions: MeetingFields.decisions.default([]),
});
export const UpdateMeetingBody = z.object(MeetingFields).partial().extend({ version: z.number().int().min(1) });
export const MeetingListQuery = listQuery(['heldAt'] as const, {
  campaignId: Id.optional(),
  type: MeetingType.optional(),
});
export const MeetingList = listResponse(Meeting);
/** a decision becomes a task in one click */
export const DecisionToTaskBody = z.object({
  leadUnitId: Id,
  deadline: DateOnly,
  campaignId: Id.nullable().optional(),
  responsiblePersonId: Id.nullable().optional(),
  reportCycle: ReportCycle.default('none'),
});

/** All visible tasks of a campaign, or of a year's key-task list, flat with parentId/depth: the web builds the tree. */
export const TaskTreeQuery = z
  .object({ campaignId: Id.optional(), year: z.coerce.number().int().min(2000).max(2100).optional() })
  .refine((q) => q.campaignId || q.year, { message: '请指定专项行动或年度', path: ['campaignId'] });
