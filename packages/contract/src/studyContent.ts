import { z } from 'zod';
import { DateOnly, Id, listQuery, listResponse, QueryBool } from './common.ts';

// ---- 心得体会 reflections ----

export const REFLECTION_STATUSES = {
  draft: '草稿',
  submitted: '待审阅',
  returned: '退回修改',
  passed: '合格',
  excellent: '优秀',
} as const;
export type ReflectionStatus = keyof typeof REFLECTION_STATUSES;
export const ReflectionStatus = z.enum(['draft', 'submitted', 'returned', 'passed', 'excellent']);

/**
 * An earlier reflection the text resembles. Outside the caller's scope only the similarity, the date and
 * the unit's name are shown: never the text, the title or the author.
 */
export const ReflectionMatch = z.object({
  similarity: z.number(),
  submittedAt: z.string().nullable(),
  unitName: z.string(),
  reflectionId: z.string().nullable(),
  title: z.string().nullable(),
  authorName: z.string().nullable(),
});
export type ReflectionMatch = z.infer<typeof ReflectionMatch>;

export const Reflection = z.object({
  id: z.string(),
  personId: z.string(),
  authorName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  title: z.string(),
  /** sanitised rich text: only plain formatting tags, no attributes */
  bodyHtml: z.string(),
  bodyText: z.string(),
  /** 字数, counted the Chinese way: each Chinese character 1, each run of Latin letters or digits 1 */
  wordCount: z.number().int(),
  sessionId: z.string().nullable(),
  readingLogId: z.string().nullable(),
  bookTitle: z.string().nullable(),
  status: ReflectionStatus,
  reviewComment: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  /** highest similarity to an earlier reflection (0–1), when it reached the flag threshold */
  similarity: z.number().nullable(),
  similarMatches: z.array(ReflectionMatch),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Reflection = z.infer<typeof Reflection>;

const ReflectionFields = {
  title: z.string().trim().min(1, '请输入标题').max(200),
  bodyHtml: z.string().max(200_000, '正文过长'),
  sessionId: Id.nullable().optional(),
  readingLogId: Id.nullable().optional(),
};
export const CreateReflectionBody = z.object({
  ...ReflectionFields,
  /** one key per form opening: the same key twice makes one reflection */
  idempotencyKey: z.string().min(8).max(100).optional(),
});
export const UpdateReflectionBody = z.object({ version: z.number().int().min(1) }).extend(z.object(ReflectionFields).partial().shape);
export const SubmitReflectionBody = z.object({ version: z.number().int().min(1) });
export const REFLECTION_DECISIONS = { pass: '合格', excellent: '优秀', return: '退回修改' } as const;
export const ReviewReflectionBody = z
  .object({
    version: z.number().int().min(1),
    decision: z.enum(['pass', 'excellent', 'return']),
    comment: z.string().trim().max(2000).nullable().optional(),
  })
  .refine((b) => b.decision !== 'return' || (b.comment && b.comment.length > 0), {
    message: '退回修改时请填写意见',
    path: ['comment'],
  });
export const PublishReflectionBody = z.object({
  version: z.number().int().min(1),
  /** false takes it off the wall again */
  published: z.boolean().default(true),
});
export const ReflectionListQuery = listQuery(['createdAt', 'submittedAt', 'wordCount', 'title'] as const, {
  mine: QueryBool.optional(),
  unitId: Id.optional(),
  status: ReflectionStatus.optional(),
  /** only those flagged as similar to an earlier reflection */
  flagged: QueryBool.optional(),
  /** submitted ones of the caller's units waiting for the caller to review (never the caller's own) */
  toReview: QueryBool.optional(),
  q: z.string().trim().max(50).optional(),
});
export const ReflectionList = listResponse(Reflection);
export const WallQuery = listQuery(['publishedAt'] as const, { unitId: Id.optional() });

// ---- 指定读本 designated readers and 读书记录 reading logs ----

export const DesignatedReader = z.object({
  id: z.string(),
  campaignId: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  /** how many designated books each person is to finish in the campaign (学习 5 本指定读本) */
  targetBooks: z.number().int(),
  version: z.number().int(),
});
export type DesignatedReader = z.infer<typeof DesignatedReader>;
const ReaderFields = {
  campaignId: Id,
  unitId: Id.optional(),
  title: z.string().trim().min(1, '请输入书名').max(200),
  author: z.string().trim().max(100).nullable().optional(),
  targetBooks: z.number().int().min(1, '目标至少 1 本').max(100),
};
export const CreateReaderBody = z.object(ReaderFields);
export const UpdateReaderBody = z
  .object({ version: z.number().int().min(1) })
  .extend(z.object({ title: ReaderFields.title, author: ReaderFields.author, targetBooks: ReaderFields.targetBooks }).partial().shape);
export const ReaderListQuery = listQuery(['title'] as const, { campaignId: Id.optional() });
export const ReaderList = listResponse(DesignatedReader);

export const ReadingLog = z.object({
  id: z.string(),
  personId: z.string(),
  personName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  bookTitle: z.string(),
  author: z.string().nullable(),
  designatedReaderId: z.string().nullable(),
  startDate: z.string().nullable(),
  finishDate: z.string().nullable(),
  notes: z.string().nullable(),
  version: z.number().int(),
});
export type ReadingLog = z.infer<typeof ReadingLog>;
const LogFields = {
  bookTitle: z.string().trim().min(1, '请输入书名').max(200),
  author: z.string().trim().max(100).nullable().optional(),
  designatedReaderId: Id.nullable().optional(),
  startDate: DateOnly.nullable().optional(),
  finishDate: DateOnly.nullable().optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
};
const datesInOrder = (b: { startDate?: string | null; finishDate?: string | null }) =>
  !b.startDate || !b.finishDate || b.startDate <= b.finishDate;
export const CreateReadingLogBody = z
  .object({ personId: Id.optional(), ...LogFields })
  .refine(datesInOrder, { message: '读完日期不能早于开始日期', path: ['finishDate'] });
export const UpdateReadingLogBody = z
  .object({ version: z.number().int().min(1) })
  .extend(z.object(LogFields).partial().shape)
  .refine(datesInOrder, { message: '读完日期不能早于开始日期', path: ['finishDate'] });
export const ReadingLogListQuery = listQuery(['finishDate', 'startDate', 'bookTitle'] as const, {
  mine: QueryBool.optional(),
  unitId: Id.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});
export const ReadingLogList = listResponse(ReadingLog);

export const ReadingProgressQuery = listQuery(['name', 'booksFinished', 'monthsWithBook'] as const, {
  unitId: Id.optional(),
  year: z.coerce.number().int().min(2000).max(2100),
  campaignId: Id.optional(),
});
export const ReadingProgress = z.object({
  personId: z.string(),
  personName: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  /** books finished in the year */
  booksFinished: z.number().int(),
  /** 每月读一本好书: the months (1–12) in which at least one book was finished */
  months: z.array(z.number().int()),
  monthsWithBook: z.number().int(),
  /** designated books finished against the target of the campaigns that apply to the person's unit */
  designatedTarget: z.number().int(),
  designatedFinished: z.number().int(),
});
export type ReadingProgress = z.infer<typeof ReadingProgress>;
export const ReadingProgressList = listResponse(ReadingProgress);

// ---- 学习平台积分 learning-platform scores ----

export const SCORE_PLATFORMS = ['学习强国', '干部网络学院'] as const;
export const Month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');

export const ScoreImportStatus = z.enum(['uploaded', 'mapped', 'confirmed']);
export const ScoreMapping = z.object({
  nameColumn: z.string().trim().min(1, '请选择姓名所在列'),
  unitColumn: z.string().trim().min(1).nullable().optional(),
  phoneColumn: z.string().trim().min(1).nullable().optional(),
  scoreColumn: z.string().trim().min(1, '请选择积分所在列'),
});
export type ScoreMapping = z.infer<typeof ScoreMapping>;
export const ScoreMatchedRow = z.object({
  line: z.number().int(),
  personId: z.string(),
  personName: z.string(),
  unitName: z.string(),
  score: z.number(),
  /** the score this replaces: the same platform, month and person imported before */
  replaces: z.number().nullable(),
});
export const ScoreImport = z.object({
  id: z.string(),
  platform: z.string(),
  month: z.string(),
  ruleVersion: z.string(),
  fileName: z.string(),
  status: ScoreImportStatus,
  /** the sheet's header row, for the mapping wizard */
  headers: z.array(z.string()),
  /** a mapping guessed from the header names, for the wizard to start from */
  suggested: ScoreMapping.partial(),
  mapping: ScoreMapping.nullable(),
  total: z.number().int(),
  matched: z.array(ScoreMatchedRow),
  /** every row that will not be written, with its line in the sheet and why */
  unmatched: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  importedByName: z.string(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
});
export type ScoreImport = z.infer<typeof ScoreImport>;
export const ScoreImportFields = z.object({
  platform: z.string().trim().min(1, '请填写学习平台').max(50),
  month: Month,
  ruleVersion: z.string().trim().min(1, '请填写积分规则版本').max(100),
});
export const ScoreImportResult = z.object({ id: z.string(), written: z.number().int(), replaced: z.number().int() });
export const ScoreImportListQuery = listQuery(['createdAt', 'month'] as const, {
  platform: z.string().trim().max(50).optional(),
  month: Month.optional(),
});
export const ScoreImportSummary = z.object({
  id: z.string(),
  platform: z.string(),
  month: z.string(),
  ruleVersion: z.string(),
  fileName: z.string(),
  status: ScoreImportStatus,
  total: z.number().int(),
  matchedCount: z.number().int(),
  unmatchedCount: z.number().int(),
  importedByName: z.string(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
});
export const ScoreImportList = listResponse(ScoreImportSummary);

export const RankingQuery = listQuery(['rank'] as const, {
  month: Month,
  platform: z.string().trim().min(1, '请选择学习平台').max(50),
  by: z.enum(['person', 'unit']).default('person'),
  unitId: Id.optional(),
});
export const RankingRow = z.object({
  rank: z.number().int(),
  unitId: z.string(),
  unitName: z.string(),
  /** by=person */
  personId: z.string().nullable(),
  personName: z.string().nullable(),
  /** by=person: the person's score; by=unit: the average of the unit's people, to 2 decimals */
  score: z.number(),
  /** by=unit: how many people the average covers */
  people: z.number().int(),
  ruleVersion: z.string().nullable(),
});
export type RankingRow = z.infer<typeof RankingRow>;
export const RankingList = listResponse(RankingRow);

export const HalfYearQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  half: z.coerce.number().int().min(1).max(2),
  platform: z.string().trim().min(1, '请选择学习平台').max(50),
  unitId: Id.optional(),
});
export const HalfYearReport = z.object({
  year: z.number().int(),
  half: z.number().int(),
  platform: z.string(),
  months: z.array(z.string()),
  rows: z.array(
    z.object({
      rank: z.number().int(),
      unitId: z.string(),
      unitName: z.string(),
      /** average of the unit's people in each month; null when no scores were imported for it */
      monthly: z.array(z.number().nullable()),
      /** average of every person-month score of the half year */
      average: z.number(),
      people: z.number().int(),
    }),
  ),
});
export type HalfYearReport = z.infer<typeof HalfYearReport>;
