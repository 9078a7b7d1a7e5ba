import { z } from 'zod';
import { FileRef } from './campaigns.ts';
import { DateOnly, Id, listQuery, listResponse, QueryBool } from './common.ts';

// 信息报送与三审三校.

export const DEFAULT_INFO_CATEGORIES = ['动态信息', '经验做法', '问题建议', '舆论引导'] as const;
/** the category valued most: its share is reported per unit */
export const PROBLEM_CATEGORY = '问题建议';

export const ADOPTION_LEVELS = ['县级', '市级', '省级', '中央'] as const;
export const AdoptionLevel = z.enum(ADOPTION_LEVELS, { message: '级别应为 县级、市级、省级 或 中央' });
export type AdoptionLevel = z.infer<typeof AdoptionLevel>;

export const INFO_STATUSES = {
  draft: '草稿',
  reviewing: '审核中',
  returned: '退回修改',
  approved: '已审定',
  rejected: '未通过',
} as const;
export const InfoStatus = z.enum(['draft', 'reviewing', 'returned', 'approved', 'rejected']);
export type InfoStatus = z.infer<typeof InfoStatus>;

export const INFO_ACTIONS = {
  submit: '报送',
  resubmit: '修改后重新报送',
  edit: '修改',
  pass: '通过，转下一环节',
  return: '退回修改',
  approve: '审定通过',
  reject: '不予采用',
  adopt: '采用',
  instruct: '领导批示',
} as const;

const Text = (label: string, max: number) => z.string().trim().min(1, `请填写${label}`).max(max, `${label}不超过 ${max} 字`);
const OptionalText = (label: string, max: number) =>
  z.string().trim().max(max, `${label}不超过 ${max} 字`).optional().nullable().transform((v) => (v ? v : null));
const Link = z.string().trim().regex(/^https?:\/\/\S+$/i, '链接应以 http:// 或 https:// 开头').max(1000);

export const InfoAuthorInput = z.object({
  personId: Id.optional().nullable(),
  name: z.string().trim().min(1, '请填写作者姓名').max(40),
});
export const InfoAuthor = z.object({ personId: z.string().nullable(), name: z.string() });

// ---- 报送 ----

export const SaveInfoItemBody = z.object({
  unitId: Id.optional(),
  title: Text('标题', 120),
  /** rich text: paragraphs, emphasis, lists, images from /api/info/files/:id; anything else is removed */
  bodyHtml: z.string().max(400_000, '正文过长'),
  category: Text('类别', 20),
  campaignId: Id.optional().nullable(),
  taskId: Id.optional().nullable(),
  authors: z.array(InfoAuthorInput).max(20, '作者最多 20 人').default([]),
  contact: OptionalText('联系方式', 100),
  /** true: submit now (drafts are saved without) */
  submit: z.boolean().default(false),
  /** a double click sends the same key twice: one item */
  idempotencyKey: z.string().trim().min(8).max(100).optional(),
});
export type SaveInfoItemBody = z.input<typeof SaveInfoItemBody>;

export const UpdateInfoItemBody = SaveInfoItemBody.omit({ unitId: true, idempotencyKey: true }).extend({
  version: z.number().int().min(1),
  /** a word about the change, kept with the version */
  note: OptionalText('修改说明', 200),
});

export const InfoDupMatch = z.object({
  id: z.string(),
  title: z.string(),
  unitName: z.string(),
  submittedOn: z.string().nullable(),
  /** 0..100 */
  similarity: z.number(),
  visible: z.boolean(),
});

export const InfoStep = z.object({
  name: z.string(),
  deadlineDays: z.number().int(),
  reviewers: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const InfoItemSummary = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  unitPath: z.string(),
  status: InfoStatus,
  /** the step that holds it now (审核中) or returned it (退回修改) */
  stepName: z.string().nullable(),
  stepDeadline: z.string().nullable(),
  overdue: z.boolean(),
  /** who holds it now: the step's reviewers, or the author when it is a draft or returned */
  holder: z.string().nullable(),
  authors: z.array(InfoAuthor),
  submittedOn: z.string().nullable(),
  dupTop: z.number(),
  adoptions: z.array(z.object({ level: z.string(), outlet: z.string() })),
  instructed: z.number().int(),
  wordCount: z.number().int(),
  updatedAt: z.string(),
});
export type InfoItemSummary = z.infer<typeof InfoItemSummary>;

export const InfoAction = z.object({
  id: z.string(),
  action: z.string(),
  stepName: z.string().nullable(),
  comment: z.string().nullable(),
  versionSeq: z.number().int().nullable(),
  actorName: z.string().nullable(),
  at: z.string(),
});

export const InfoAdoption = z.object({
  id: z.string(),
  kind: z.enum(['issue', 'outlet']),
  issueId: z.string().nullable(),
  issueLabel: z.string().nullable(),
  outlet: z.string(),
  level: z.string(),
  adoptedOn: z.string(),
  links: z.array(z.string()),
  files: z.array(FileRef),
  editorNote: z.string().nullable(),
  note: z.string().nullable(),
});
export type InfoAdoption = z.infer<typeof InfoAdoption>;

export const InfoInstruction = z.object({
  id: z.string(),
  leader: z.string(),
  level: z.string(),
  content: z.string(),
  instructedOn: z.string(),
  files: z.array(FileRef),
});

export const InfoItem = InfoItemSummary.extend({
  bodyHtml: z.string(),
  bodyText: z.string(),
  campaignId: z.string().nullable(),
  campaignName: z.string().nullable(),
  taskId: z.string().nullable(),
  taskTitle: z.string().nullable(),
  contact: z.string().nullable(),
  steps: z.array(InfoStep),
  currentStep: z.number().int().nullable(),
  dupMatches: z.array(InfoDupMatch),
  latestVersion: z.number().int(),
  actions: z.array(InfoAction),
  adoptionList: z.array(InfoAdoption),
  instructions: z.array(InfoInstruction),
  /** what the caller may do now */
  can: z.object({
    edit: z.boolean(),
    submit: z.boolean(),
    review: z.boolean(),
    approve: z.boolean(),
    adopt: z.boolean(),
    delete: z.boolean(),
  }),
  version: z.number().int(),
});
export type InfoItem = z.infer<typeof InfoItem>;

export const InfoItemListQuery = listQuery(['submittedOn', 'updatedAt', 'title', 'dupTop'], {
  q: z.string().trim().max(100).optional(),
  status: InfoStatus.optional(),
  category: z.string().trim().max(20).optional(),
  unitId: Id.optional(),
  /** only items whose current step is routed to the caller (待我审核) */
  todo: QueryBool.optional(),
  /** only items the caller wrote or submitted */
  mine: QueryBool.optional(),
  from: DateOnly.optional(),
  to: DateOnly.optional(),
  adopted: QueryBool.optional(),
});
export const InfoItemList = listResponse(InfoItemSummary);

export const InfoVersion = z.object({
  seq: z.number().int(),
  title: z.string(),
  bodyText: z.string(),
  bodyHtml: z.string(),
  stage: z.string(),
  note: z.string().nullable(),
  authorName: z.string().nullable(),
  createdAt: z.string(),
});
export const InfoVersionList = z.object({ data: z.array(InfoVersion) });

export const DiffPart = z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() });
/** without from/to: the first version against the latest */
export const InfoDiffQuery = z.object({ from: z.coerce.number().int().min(1).optional(), to: z.coerce.number().int().min(1).optional() });
export const InfoDiff = z.object({
  from: z.number().int(),
  to: z.number().int(),
  title: z.array(DiffPart),
  body: z.array(DiffPart),
  inserted: z.number().int(),
  deleted: z.number().int(),
});

// ---- 三审三校 ----

export const ReviewInfoBody = z.object({
  /** pass 通过（最后一环为审定）, return 退回作者, reject 不予采用（仅最后一环） */
  action: z.enum(['pass', 'return', 'reject'], { message: '请选择通过、退回或不予采用' }),
  comment: OptionalText('意见', 500),
  version: z.number().int().min(1),
});

// ---- 查重 and cleaning ----

export const CleanTextBody = z.object({
  text: z.string().max(400_000, '文本过长'),
  format: z.enum(['text', 'html']).default('text'),
});
export const CleanChange = z.object({ kind: z.string(), label: z.string(), count: z.number().int(), samples: z.array(z.string()) });
export const CleanWarning = z.object({ kind: z.string(), paragraph: z.number().int(), excerpt: z.string(), message: z.string() });
export const CleanTextResult = z.object({
  original: z.string(),
  text: z.string(),
  changes: z.array(CleanChange),
  warnings: z.array(CleanWarning),
});
export type CleanTextResult = z.infer<typeof CleanTextResult>;

export const DupCheckBody = z.object({
  title: z.string().max(200).default(''),
  text: z.string().max(400_000, '文本过长'),
  /** the item being edited, left out of its own matches */
  excludeId: Id.optional(),
});
export const DupCheckResult = z.object({ matches: z.array(InfoDupMatch), threshold: z.number() });

// ---- 采用、批示 ----

export const AdoptInfoBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('issue'),
    /** an issue being compiled; or omit it and give publicationId to open the next number */
    issueId: Id.optional(),
    publicationId: Id.optional(),
    editorNote: OptionalText('编者按', 1000),
    adoptedOn: DateOnly.optional(),
  }),
  z.object({
    kind: z.literal('outlet'),
    outlet: Text('采用单位或媒体', 100),
    level: AdoptionLevel,
    adoptedOn: DateOnly,
    links: z.array(Link).max(10).default([]),
    fileIds: z.array(Id).max(10).default([]),
    note: OptionalText('备注', 500),
  }),
]);
export type AdoptInfoBody = z.input<typeof AdoptInfoBody>;

export const InstructInfoBody = z.object({
  leader: Text('批示领导', 60),
  level: AdoptionLevel,
  content: Text('批示内容', 2000),
  instructedOn: DateOnly,
  fileIds: z.array(Id).max(10).default([]),
});

// ---- 期刊 ----

export const InfoPublication = z.object({
  id: z.string(),
  name: z.string(),
  level: z.string(),
  issuer: z.string(),
  colophon: z.array(z.object({ label: z.string(), text: z.string() })),
  disabled: z.boolean(),
  /** the number a new issue opened this year takes (issues of other units count too, though not everyone sees them) */
  nextNumber: z.number().int(),
  version: z.number().int(),
});
export const InfoPublicationList = z.object({ data: z.array(InfoPublication) });
const ColophonLine = z.object({ label: z.string().trim().min(1).max(4), text: z.string().trim().max(300) });
export const SaveInfoPublicationBody = z.object({
  name: Text('期刊名称', 30),
  level: AdoptionLevel,
  issuer: Text('编印单位', 60),
  colophon: z.array(ColophonLine).max(6).default([]),
  disabled: z.boolean().default(false),
  version: z.number().int().min(1).optional(),
});

export const InfoIssueItem = z.object({
  adoptionId: z.string(),
  itemId: z.string(),
  position: z.number().int(),
  title: z.string(),
  unitName: z.string(),
  authors: z.array(z.string()),
  editorNote: z.string().nullable(),
  wordCount: z.number().int(),
  /** the reader may open the item itself (an issued issue shows its items to its whole audience) */
  readable: z.boolean(),
});
export const InfoIssue = z.object({
  id: z.string(),
  publicationId: z.string(),
  publicationName: z.string(),
  year: z.number().int(),
  number: z.number().int(),
  totalNumber: z.number().int(),
  label: z.string(),
  issueDate: z.string(),
  editorNote: z.string().nullable(),
  colophon: z.array(z.object({ label: z.string(), text: z.string() })),
  status: z.enum(['compiling', 'issued']),
  itemCount: z.number().int(),
  items: z.array(InfoIssueItem),
  version: z.number().int(),
});
export type InfoIssue = z.infer<typeof InfoIssue>;
export const InfoIssueListQuery = listQuery(['number', 'issueDate'], {
  publicationId: Id.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});
export const InfoIssueList = listResponse(InfoIssue.omit({ items: true }));
export const CreateInfoIssueBody = z.object({
  publicationId: Id,
  issueDate: DateOnly.optional(),
  editorNote: OptionalText('编者按', 1000),
});
export const UpdateInfoIssueBody = z.object({
  issueDate: DateOnly,
  editorNote: OptionalText('编者按', 1000),
  colophon: z.array(ColophonLine).max(6),
  /** the adoptions in their new order, with their notes */
  items: z.array(z.object({ adoptionId: Id, editorNote: OptionalText('按语', 1000) })).max(100),
  version: z.number().int().min(1),
});

// ---- 媒体报道与目标 ----

export const InfoMediaReport = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  reporterId: z.string().nullable(),
  reporterName: z.string().nullable(),
  outlet: z.string(),
  level: z.string(),
  title: z.string(),
  link: z.string().nullable(),
  publishedOn: z.string(),
  version: z.number().int(),
});
export const SaveInfoMediaReportBody = z.object({
  unitId: Id.optional(),
  reporterId: Id.optional().nullable(),
  reporterName: OptionalText('记者', 40),
  outlet: Text('媒体', 60),
  level: AdoptionLevel,
  title: Text('标题', 200),
  link: Link.optional().nullable(),
  publishedOn: DateOnly,
  idempotencyKey: z.string().trim().min(8).max(100).optional(),
  version: z.number().int().min(1).optional(),
});
export const InfoMediaReportListQuery = listQuery(['publishedOn', 'title'], {
  q: z.string().trim().max(100).optional(),
  unitId: Id.optional(),
  reporterId: Id.optional(),
  level: AdoptionLevel.optional(),
  from: DateOnly.optional(),
  to: DateOnly.optional(),
});
export const InfoMediaReportList = listResponse(InfoMediaReport);

export const InfoMeasure = z.enum(['submitted', 'adopted', 'media']);
export const INFO_MEASURES = { submitted: '信息报送', adopted: '信息采用', media: '媒体报道' } as const;
export const InfoTarget = z.object({
  id: z.string(),
  year: z.number().int(),
  month: z.number().int().nullable(),
  subjectType: z.enum(['unit', 'person']),
  subjectId: z.string(),
  subjectName: z.string(),
  unitName: z.string(),
  measure: InfoMeasure,
  target: z.number().int(),
  actual: z.number().int(),
  /** actual / target, percent, rounded down */
  progress: z.number().int(),
  version: z.number().int(),
});
export const InfoTargetListQuery = listQuery(['progress', 'subjectName'], {
  year: z.coerce.number().int().min(2000).max(2100),
  month: z.coerce.number().int().min(1).max(12).optional(),
  subjectType: z.enum(['unit', 'person']).optional(),
  measure: InfoMeasure.optional(),
  unitId: Id.optional(),
});
export const InfoTargetList = listResponse(InfoTarget);
export const SaveInfoTargetBody = z.object({
  year: z.number().int().min(2000).max(2100),
  month: z.number().int().min(1).max(12).nullable().default(null),
  subjectType: z.enum(['unit', 'person']),
  subjectId: Id,
  measure: InfoMeasure,
  target: z.number().int().min(0, '目标不能为负').max(100000),
});

// ---- 统计与排名 ----

export const InfoStatsQuery = z.object({
  /** month M2026-03, quarter Q2026-1, half H2026-1, year Y2026 */
  period: z.string().regex(/^(M20\d{2}-(0[1-9]|1[0-2])|Q20\d{2}-[1-4]|H20\d{2}-[12]|Y20\d{2})$/, '统计周期格式不正确'),
  by: z.enum(['unit', 'author']).default('unit'),
  unitId: Id.optional(),
});
export const InfoStatsRow = z.object({
  rank: z.number().int(),
  subjectId: z.string(),
  name: z.string(),
  unitName: z.string(),
  unitPath: z.string(),
  submitted: z.number().int(),
  problems: z.number().int(),
  /** share of 问题建议 among submitted, percent */
  problemShare: z.number(),
  adopted: z.number().int(),
  adoptedByLevel: z.object({ 县级: z.number().int(), 市级: z.number().int(), 省级: z.number().int(), 中央: z.number().int() }),
  instructed: z.number().int(),
  media: z.number().int(),
  /** points from the ledger for adoptions and instructions in the period */
  score: z.string(),
});
export const InfoStats = z.object({
  period: z.string(),
  from: z.string(),
  to: z.string(),
  by: z.enum(['unit', 'author']),
  rows: z.array(InfoStatsRow),
  totals: InfoStatsRow.omit({ rank: true, subjectId: true, name: true, unitName: true, unitPath: true }),
});
export type InfoStats = z.infer<typeof InfoStats>;

// ---- 设置 ----

export const InfoStepInput = z.object({
  name: Text('环节名称', 10),
  deadlineDays: z.number().int().min(1, '办理时限至少 1 个工作日').max(30),
  reviewerIds: z.array(Id).max(20).default([]),
});
export const InfoSettings = z.object({
  categories: z.array(z.string()),
  steps: z.array(InfoStep.extend({ reviewerIds: z.array(z.string()) })),
  dupWindowDays: z.number().int(),
  dupThreshold: z.number().int(),
  version: z.number().int(),
});
export type InfoSettings = z.infer<typeof InfoSettings>;
export const SaveInfoSettingsBody = z.object({
  categories: z.array(Text('类别', 20)).min(1, '至少保留一个类别').max(20),
  steps: z.array(InfoStepInput).min(1, '至少一个审核环节').max(6, '审核环节最多 6 个'),
  dupWindowDays: z.number().int().min(7).max(3650),
  dupThreshold: z.number().int().min(20).max(95),
  version: z.number().int().min(1),
});

export const InfoFileRef = FileRef;

// ---- 采用、期刊、媒体报道与目标: requests of their routes ----

export const UpdateInfoPublicationBody = SaveInfoPublicationBody.extend({ version: z.number().int().min(1) });
/** 印发 an issue as last seen */
export const IssueInfoIssueBody = z.object({ version: z.number().int().min(1) });
/** the version the caller saw, for deletes (optional: without it the delete is not checked) */
export const DeleteVersionQuery = z.object({ version: z.coerce.number().int().min(1).optional() });
export const InfoTargetExportQuery = InfoTargetListQuery.omit({ page: true, pageSize: true, sort: true });
