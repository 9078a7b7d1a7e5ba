import { z } from 'zod';
import { FileRef } from './campaigns.ts';
import { DateOnly, Id, listQuery, listResponse, QueryBool } from './common.ts';

// 考核积分: points travel as decimal strings with at most two places ("2", "-0.5", "12.25"), never floats.

export const POINT_SUBJECTS = { unit: '单位', person: '个人' } as const;
export const PointSubject = z.enum(['unit', 'person']);
export type PointSubject = z.infer<typeof PointSubject>;

export const PERIOD_KINDS = { month: '月度', quarter: '季度', half: '半年', year: '年度' } as const;
export const PeriodKind = z.enum(['month', 'quarter', 'half', 'year']);
export type PeriodKind = z.infer<typeof PeriodKind>;

/** 等次 from best to worst. 一般 and 差 open a 约谈. */
export const GRADES = ['好', '较好', '一般', '差'] as const;
export const Grade = z.enum(GRADES);
export const INTERVIEW_GRADES: readonly string[] = ['一般', '差'];

/** The domain events a rule can listen to, with the words a user sees. */
export const POINT_SOURCES = {
  'task.overdue': '任务逾期未完成',
  'task.report_missing': '进展缺报',
  'study.week_missed': '未完成每周半天覆盖学',
  'study.reflection_excellent': '心得体会评为优秀',
  'info.adopted': '信息被采用',
  'info.instructed': '信息获领导批示',
  'contest.ranked': '比赛获奖',
  'volunteer.hours': '志愿服务时长',
} as const;
export type PointSource = keyof typeof POINT_SOURCES;
export const PointSource = z.enum(Object.keys(POINT_SOURCES) as [PointSource, ...PointSource[]]);

export const EVENT_KINDS = { auto: '自动', manual: '人工', reversal: '冲正' } as const;
export const EventKind = z.enum(['auto', 'manual', 'reversal']);

/** A decimal number of points with at most two places. */
export const PointsText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^[+-]?\d{1,6}(\.\d{1,2})?$/, '分值应为数字，最多两位小数'));
export const PositivePointsText = PointsText.refine((v) => !v.startsWith('-') && Number(v) > 0, '上限应为正数');

/** month M2026-03, quarter Q2026-1, half year H2026-1, year Y2026 */
export const PeriodKey = z.string().regex(/^(M20\d{2}-(0[1-9]|1[0-2])|Q20\d{2}-[1-4]|H20\d{2}-[12]|Y20\d{2})$/, '考核周期格式不正确');
export const PeriodKeyParams = z.object({ key: PeriodKey });

const Year = z.coerce.number().int().min(2000, '年度不正确').max(2100, '年度不正确');

// ---- 考核评分细则 ----

export const PointRule = z.object({
  id: z.string(),
  year: z.number().int(),
  code: z.string(),
  ruleVersion: z.number().int(),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
  category: z.string(),
  item: z.string(),
  subjectType: PointSubject,
  points: z.string(),
  countingUnit: z.string(),
  capPoints: z.string().nullable(),
  capPeriod: PeriodKind.nullable(),
  evidenceRequired: z.boolean(),
  source: PointSource.nullable(),
  sourceMatch: z.record(z.string(), z.string()).nullable(),
  note: z.string().nullable(),
  disabled: z.boolean(),
  /** this version is the one in force today (or the latest of its year) */
  current: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
});
export type PointRule = z.infer<typeof PointRule>;
export const PointRuleList = listResponse(PointRule);
export const PointRuleDetail = PointRule.extend({ versions: z.array(PointRule) });

export const PointRuleListQuery = listQuery(['code', 'category', 'points'] as const, {
  year: Year.optional(),
  subjectType: PointSubject.optional(),
  category: z.string().max(50).optional(),
  source: z.enum(['auto', 'manual']).optional(),
  q: z.string().max(50).optional(),
  /** false: every version; default only the versions in force */
  currentOnly: QueryBool.optional(),
});

const RuleFields = {
  category: z.string().trim().min(1, '请填写类别').max(50),
  item: z.string().trim().min(1, '请填写评分项目').max(300),
  subjectType: PointSubject,
  points: PointsText.refine((v) => Number(v) !== 0, '分值不能为 0'),
  countingUnit: z.string().trim().min(1).max(10).default('次'),
  capPoints: PositivePointsText.nullable().optional(),
  capPeriod: PeriodKind.nullable().optional(),
  evidenceRequired: z.boolean().default(false),
  source: PointSource.nullable().optional(),
  sourceMatch: z.record(z.string(), z.string()).nullable().optional(),
  note: z.string().max(500).nullable().optional(),
};
const capNeedsPeriod = (v: { capPoints?: string | null; capPeriod?: string | null }) => !v.capPoints || !!v.capPeriod;
const CAP_MSG = { message: '设置了上限，请选择上限周期', path: ['capPeriod'] };

export const CreatePointRuleBody = z
  .object({
    year: Year,
    code: z.string().trim().min(1, '请填写编码').max(20).regex(/^[A-Za-z0-9.\-_]+$/, '编码只能包含字母、数字、点和连字符'),
    effectiveFrom: DateOnly.optional(),
    ...RuleFields,
  })
  .refine(capNeedsPeriod, CAP_MSG);
export type CreatePointRuleBody = z.infer<typeof CreatePointRuleBody>;

/** A change of a rule: a new version in force from `effectiveFrom`. */
export const NewPointRuleVersionBody = z
  .object({ effectiveFrom: DateOnly, version: z.number().int().min(1), ...RuleFields })
  .refine(capNeedsPeriod, CAP_MSG);
export type NewPointRuleVersionBody = z.infer<typeof NewPointRuleVersionBody>;

export const SetPointRuleDisabledBody = z.object({ disabled: z.boolean(), version: z.number().int().min(1) });

export const RuleImportQuery = z.object({ dryRun: QueryBool.optional(), year: Year });
export const RuleImportRow = z.object({
  line: z.number().int(),
  code: z.string(),
  item: z.string(),
  action: z.enum(['create', 'version', 'unchanged', 'error']),
  errors: z.array(z.string()),
});
export const RuleImportResult = z.object({
  applied: z.boolean(),
  rows: z.array(RuleImportRow),
  created: z.number().int(),
  versioned: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
});
export type RuleImportResult = z.infer<typeof RuleImportResult>;

// ---- 积分明细 (the ledger) ----

export const PointEvent = z.object({
  id: z.number().int(),
  subjectType: PointSubject,
  subjectId: z.string(),
  subjectName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  personId: z.string().nullable(),
  ruleId: z.string(),
  ruleCode: z.string(),
  ruleVersion: z.number().int(),
  category: z.string(),
  item: z.string(),
  points: z.string(),
  quantity: z.string(),
  occurredOn: z.string(),
  bookedOn: z.string(),
  /** booked in a later period because the fact's period was already closed (更正, shown as such) */
  late: z.boolean(),
  kind: EventKind,
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  sourceLabel: z.string().nullable(),
  /** where in the web app the cause can be opened, when it has a page */
  sourceLink: z.string().nullable(),
  claimId: z.string().nullable(),
  reversesEventId: z.number().int().nullable(),
  reversedByEventId: z.number().int().nullable(),
  capped: z.boolean(),
  note: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  /** last day an appeal is accepted */
  appealUntil: z.string().nullable(),
  appealStatus: z.enum(['pending', 'upheld', 'dismissed']).nullable(),
});
export type PointEvent = z.infer<typeof PointEvent>;
export const PointEventList = listResponse(PointEvent).extend({ sum: z.string() });

export const PointEventListQuery = listQuery(['bookedOn', 'occurredOn', 'points', 'id'] as const, {
  periodKey: PeriodKey.optional(),
  subjectType: PointSubject.optional(),
  subjectId: Id.optional(),
  /** events of this unit and the units below it (unit subjects and their people) */
  unitId: Id.optional(),
  ruleCode: z.string().max(20).optional(),
  kind: EventKind.optional(),
  from: DateOnly.optional(),
  to: DateOnly.optional(),
});

// ---- 加减分申请 ----

export const CLAIM_STATUSES = { pending: '待审核', approved: '已生效', rejected: '已驳回' } as const;
export const ClaimStatus = z.enum(['pending', 'approved', 'rejected']);

export const PointClaim = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleCode: z.string(),
  item: z.string(),
  category: z.string(),
  subjectType: PointSubject,
  subjectId: z.string(),
  subjectName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  quantity: z.string(),
  points: z.string(),
  occurredOn: z.string(),
  reason: z.string(),
  links: z.array(z.string()),
  files: z.array(FileRef),
  status: ClaimStatus,
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  /** the ledger row it became; its points may be lower than asked when the cap cut them */
  eventId: z.number().int().nullable(),
  eventPoints: z.string().nullable(),
  version: z.number().int(),
});
export type PointClaim = z.infer<typeof PointClaim>;
export const PointClaimList = listResponse(PointClaim);
export const PointClaimListQuery = listQuery(['createdAt', 'occurredOn', 'points'] as const, {
  status: ClaimStatus.optional(),
  unitId: Id.optional(),
  mine: QueryBool.optional(),
});

export const CreatePointClaimBody = z.object({
  ruleId: Id,
  /** for a unit rule: the unit; for a person rule: the person */
  subjectId: Id,
  quantity: PointsText.refine((v) => Number(v) > 0, '数量应大于 0').default('1'),
  occurredOn: DateOnly,
  reason: z.string().trim().min(2, '请写明加减分事由').max(2000),
  links: z.array(z.url({ message: '链接格式不正确' })).max(10).default([]),
  fileIds: z.array(Id).max(20).default([]),
  idempotencyKey: z.string().min(8).max(100),
});
export type CreatePointClaimBody = z.infer<typeof CreatePointClaimBody>;

export const DecidePointClaimBody = z
  .object({ approve: z.boolean(), note: z.string().trim().max(1000).optional(), version: z.number().int().min(1) })
  .refine((v) => v.approve || (v.note && v.note.length >= 2), { message: '驳回时请写明理由', path: ['note'] });

// ---- 考核周期 ----

export const PERIOD_STATUSES = { open: '进行中', closed: '已关闭' } as const;
export const PointPeriod = z.object({
  key: z.string(),
  label: z.string(),
  kind: PeriodKind,
  year: z.number().int(),
  seq: z.number().int(),
  startDate: z.string(),
  endDate: z.string(),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  closedByName: z.string().nullable(),
  reopenCount: z.number().int(),
  reopenReason: z.string().nullable(),
  version: z.number().int(),
});
export type PointPeriod = z.infer<typeof PointPeriod>;
export const PointPeriodListQuery = z.object({ year: Year, kind: PeriodKind.optional() });
export const PointPeriodList = z.array(PointPeriod);
export const ClosePeriodBody = z.object({ version: z.number().int().min(1) });
export const ReopenPeriodBody = z.object({
  version: z.number().int().min(1),
  reason: z.string().trim().min(4, '请写明重新开启的理由（至少 4 个字）').max(500),
});
export const ClosePeriodResult = z.object({
  period: PointPeriod,
  units: z.number().int(),
  persons: z.number().int(),
  interviewsOpened: z.number().int(),
});

// ---- 考核结果与排名 ----

export const PointResult = z.object({
  subjectType: PointSubject,
  subjectId: z.string(),
  subjectName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  peerKey: z.string(),
  peerName: z.string(),
  total: z.string(),
  events: z.number().int(),
  rank: z.number().int(),
  peerSize: z.number().int(),
  grade: z.string().nullable(),
});
export type PointResult = z.infer<typeof PointResult>;
export const PointResultList = listResponse(PointResult).extend({
  period: PointPeriod,
  /** true: read from the frozen results of a closed period; false: computed now */
  frozen: z.boolean(),
});
export const PointResultQuery = listQuery(['rank', 'total'] as const, {
  periodKey: PeriodKey,
  subjectType: PointSubject.default('unit'),
  peerKey: z.string().max(80).optional(),
  /** results of this unit and below (for persons: the people of that unit and below) */
  unitId: Id.optional(),
  grade: Grade.optional(),
  q: z.string().max(50).optional(),
});
export const PeerGroupQuery = z.object({ periodKey: PeriodKey, subjectType: PointSubject.default('unit') });
export const PeerGroup = z.object({ key: z.string(), name: z.string(), size: z.number().int() });
export const PeerGroupList = z.array(PeerGroup);

export const GradeBand = z.object({
  grade: Grade,
  /** threshold mode: totals at or above this many points */
  min: z.string().nullable().optional(),
  /** share mode: this percentage of the peer ranking, taken from the top */
  share: z.number().int().nullable().optional(),
});
export const GradeScheme = z.object({
  subjectType: PointSubject,
  mode: z.enum(['threshold', 'share']),
  bands: z.array(GradeBand),
  version: z.number().int(),
});
export type GradeScheme = z.infer<typeof GradeScheme>;
export const GradeSchemeList = z.array(GradeScheme);
export const SubjectTypeParams = z.object({ subjectType: PointSubject });
export const UpdateGradeSchemeBody = z.object({
  mode: z.enum(['threshold', 'share']),
  bands: z
    .array(
      z.object({
        grade: Grade,
        min: PointsText.nullable().optional(),
        share: z.number().int().min(0, '比例应在 0–100 之间').max(100, '比例应在 0–100 之间').nullable().optional(),
      }),
    )
    .length(4, '应设置 好、较好、一般、差 四个等次'),
  version: z.number().int().min(0),
});

export const PointSettings = z.object({ appealWindowDays: z.number().int().min(1).max(90), version: z.number().int() });
export const UpdatePointSettingsBody = PointSettings;

// ---- 约谈 ----

export const PointInterview = z.object({
  id: z.string(),
  periodKey: z.string(),
  periodLabel: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  grade: z.string(),
  total: z.string(),
  status: z.enum(['pending', 'closed']),
  intervieweePersonId: z.string().nullable(),
  intervieweeName: z.string().nullable(),
  interviewerPersonId: z.string().nullable(),
  interviewerName: z.string().nullable(),
  heldOn: z.string().nullable(),
  participants: z.string().nullable(),
  problems: z.string().nullable(),
  commitments: z.string().nullable(),
  followUpDeadline: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
});
export type PointInterview = z.infer<typeof PointInterview>;
export const PointInterviewList = listResponse(PointInterview);
export const PointInterviewListQuery = listQuery(['createdAt', 'periodKey'] as const, {
  status: z.enum(['pending', 'closed']).optional(),
  periodKey: PeriodKey.optional(),
  unitId: Id.optional(),
});
export const ClosePointInterviewBody = z.object({
  heldOn: DateOnly,
  intervieweePersonId: Id,
  interviewerPersonId: Id,
  participants: z.string().trim().min(2, '请填写参加人员').max(500),
  problems: z.string().trim().min(2, '请填写指出的问题').max(5000),
  commitments: z.string().trim().min(2, '请填写整改承诺').max(5000),
  followUpDeadline: DateOnly,
  version: z.number().int().min(1),
});

// ---- 申诉 ----

export const APPEAL_STATUSES = { pending: '待裁定', upheld: '已支持', dismissed: '已驳回' } as const;
export const PointAppeal = z.object({
  id: z.string(),
  eventId: z.number().int(),
  item: z.string(),
  points: z.string(),
  occurredOn: z.string(),
  subjectName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'upheld', 'dismissed']),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decision: z.string().nullable(),
  reversalEventId: z.number().int().nullable(),
  version: z.number().int(),
});
export type PointAppeal = z.infer<typeof PointAppeal>;
export const PointAppealList = listResponse(PointAppeal);
export const PointAppealListQuery = listQuery(['createdAt'] as const, {
  status: z.enum(['pending', 'upheld', 'dismissed']).optional(),
  unitId: Id.optional(),
});
export const CreatePointAppealBody = z.object({
  eventId: z.number().int().min(1),
  reason: z.string().trim().min(4, '请写明申诉理由（至少 4 个字）').max(2000),
});
export const DecidePointAppealBody = z.object({
  uphold: z.boolean(),
  decision: z.string().trim().min(2, '请写明裁定意见').max(2000),
  version: z.number().int().min(1),
});

// ---- 包联督导 ----

export const SupervisionQuery = z.object({ year: Year, supervisorPersonId: Id.optional() });
export const SupervisedUnit = z.object({
  unitId: z.string(),
  unitName: z.string(),
  fromDate: z.string(),
  toDate: z.string().nullable(),
  sessionsHeld: z.number().int(),
  /** sessions of this unit the supervisor attended (列席) */
  attended: z.number().int(),
  /** comments the supervisor left on this unit's sessions (点评) */
  comments: z.number().int(),
  tasksOpen: z.number().int(),
  tasksOverdue: z.number().int(),
  points: z.string(),
  grade: z.string().nullable(),
});
export const SupervisionSession = z.object({
  id: z.string(),
  unitName: z.string(),
  topic: z.string(),
  typeCode: z.string(),
  start: z.string(),
  attended: z.boolean(),
  commented: z.boolean(),
});
export const SupervisionReport = z.object({
  supervisorPersonId: z.string(),
  supervisorName: z.string(),
  year: z.number().int(),
  attended: z.number().int(),
  comments: z.number().int(),
  units: z.array(SupervisedUnit),
  sessions: z.array(SupervisionSession),
});
export type SupervisionReport = z.infer<typeof SupervisionReport>;
export const SupervisorSummary = z.object({
  personId: z.string(),
  name: z.string(),
  unitName: z.string(),
  units: z.number().int(),
  attended: z.number().int(),
  comments: z.number().int(),
});
export const SupervisorSummaryList = z.array(SupervisorSummary);
export const SupervisorsQuery = z.object({ year: Year });

// ---- 我的积分 ----

export const MyPointsQuery = z.object({ periodKey: PeriodKey.optional() });
export const MyPoints = z.object({
  personId: z.string(),
  name: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  period: PointPeriod,
  total: z.string(),
  rank: z.number().int().nullable(),
  peerSize: z.number().int(),
  grade: z.string().nullable(),
  byCategory: z.array(z.object({ category: z.string(), total: z.string(), events: z.number().int() })),
  /** the totals of the months of the year so far */
  months: z.array(z.object({ periodKey: z.string(), total: z.string() })),
});
export type MyPoints = z.infer<typeof MyPoints>;

export const SyncResult = z.object({ events: z.number().int(), points: z.number().int() });
