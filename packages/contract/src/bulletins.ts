// 通报 and 工作总结: bulletins drafted from live data and issued in GB/T 9704 layout; period summaries written from the numbers.
import { z } from 'zod';

export const BULLETIN_TEMPLATES = ['monthly_tasks', 'weekly_study', 'half_year_platform', 'points_ranking', 'commendation', 'criticism'] as const;
export const BulletinTemplateCode = z.enum(BULLETIN_TEMPLATES);
export type BulletinTemplateCode = z.infer<typeof BulletinTemplateCode>;

/** The measures a 表扬/批评 can be prefilled from (top units for 表扬, bottom units for 批评). */
export const BULLETIN_MEASURES = ['tasks', 'points', 'platform'] as const;
export const BulletinMeasure = z.enum(BULLETIN_MEASURES);

export const BulletinTemplate = z.object({
  code: BulletinTemplateCode,
  name: z.string(),
  /** week 2026-W12 / month M2026-03 / quarter Q2026-1 / half H2026-1 / any of them */
  periodKind: z.enum(['week', 'month', 'quarter', 'half', 'any']),
  description: z.string(),
  picksUnits: z.boolean(),
});
export type BulletinTemplate = z.infer<typeof BulletinTemplate>;
export const BulletinTemplateList = z.object({ data: z.array(BulletinTemplate) });

export const BulletinBlock = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heading'), text: z.string().max(200), level: z.union([z.literal(1), z.literal(2)]) }),
  z.object({ kind: z.literal('paragraph'), text: z.string().max(20000) }),
  z.object({
    kind: z.literal('table'),
    headers: z.array(z.string().max(100)).max(20),
    rows: z.array(z.array(z.string().max(500)).max(20)).max(2000),
    widths: z.array(z.number()).max(20).optional(),
  }),
]);
export type BulletinBlock = z.infer<typeof BulletinBlock>;

export const ColophonLine = z.object({ label: z.string().max(10), text: z.string().max(500) });

export const BulletinHead = z.object({
  id: z.string(),
  template: BulletinTemplateCode,
  templateName: z.string(),
  title: z.string(),
  year: z.number(),
  periodKey: z.string(),
  periodLabel: z.string(),
  scopeUnitId: z.string(),
  scopeUnitName: z.string(),
  status: z.enum(['draft', 'issued']),
  number: z.number().nullable(),
  docNumber: z.string().nullable(),
  issuedAt: z.string().nullable(),
  /** 成文日期 */
  signatureDate: z.string().nullable(),
  updatedAt: z.string(),
  /** for a recipient unit of the caller: when it was opened */
  readAt: z.string().nullable(),
  version: z.number(),
});
export type BulletinHead = z.infer<typeof BulletinHead>;

export const Bulletin = BulletinHead.extend({
  addressee: z.string().nullable(),
  blocks: z.array(BulletinBlock),
  data: z.record(z.string(), z.unknown()),
  signatureIssuer: z.string().nullable(),
  colophon: z.array(ColophonLine),
  namedUnits: z.array(z.object({ id: z.string(), name: z.string() })),
  recipients: z.array(z.object({ unitId: z.string(), unitName: z.string(), named: z.boolean(), readAt: z.string().nullable() })),
});
export type Bulletin = z.infer<typeof Bulletin>;

export const BulletinList = z.object({ data: z.array(BulletinHead), total: z.number(), page: z.number(), pageSize: z.number() });
export type BulletinList = z.infer<typeof BulletinList>;

export const BulletinListQuery = z.object({
  template: BulletinTemplateCode.optional(),
  status: z.enum(['draft', 'issued']).optional(),
  year: z.coerce.number().int().optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

const PERIOD_RE = /^(20\d{2}-W(0[1-9]|[1-4]\d|5[0-3])|M20\d{2}-(0[1-9]|1[0-2])|Q20\d{2}-[1-4]|H20\d{2}-[12]|Y20\d{2})$/;
export const BulletinPeriodKey = z.string().regex(PERIOD_RE, '期间格式不正确（如 2026-W12、M2026-03、Q2026-1、H2026-1、Y2026）');

export const CreateBulletinBody = z.object({
  template: BulletinTemplateCode,
  periodKey: BulletinPeriodKey,
  scopeUnitId: z.uuid(),
  /** 表扬/批评: the units named; empty → prefilled from `measure` */
  unitIds: z.array(z.uuid()).max(200).optional(),
  measure: BulletinMeasure.optional(),
  /** 表扬/批评: the reason written into the text */
  reason: z.string().trim().max(2000).optional(),
});
export type CreateBulletinBody = z.infer<typeof CreateBulletinBody>;

export const UpdateBulletinBody = z.object({
  title: z.string().trim().min(1, '请填写标题').max(200),
  addressee: z.string().trim().max(500).nullable(),
  blocks: z.array(BulletinBlock).max(500),
  signatureIssuer: z.string().trim().max(100).nullable(),
  signatureDate: z.iso.date().nullable(),
  colophon: z.array(ColophonLine).max(10),
  version: z.number().int(),
});
export type UpdateBulletinBody = z.infer<typeof UpdateBulletinBody>;

export const IssueBulletinBody = z.object({ version: z.number().int(), signatureDate: z.iso.date().optional() });
export const VersionBody = z.object({ version: z.number().int() });

// ---- 工作总结 ----

export const SummaryFigure = z.object({ key: z.string(), label: z.string(), value: z.number(), link: z.string() });
export type SummaryFigure = z.infer<typeof SummaryFigure>;

export const SummaryDraftQuery = z.object({ unitId: z.uuid(), period: BulletinPeriodKey });
export const SummaryDraft = z.object({
  unitId: z.string(),
  unitName: z.string(),
  periodKey: z.string(),
  periodLabel: z.string(),
  from: z.string(),
  to: z.string(),
  text: z.string(),
  figures: z.array(SummaryFigure),
  /** the saved summary of this unit and period, if any */
  saved: z.object({ id: z.string(), text: z.string(), version: z.number(), updatedAt: z.string() }).nullable(),
});
export type SummaryDraft = z.infer<typeof SummaryDraft>;

export const SaveSummaryBody = z.object({
  unitId: z.uuid(),
  periodKey: BulletinPeriodKey,
  text: z.string().trim().min(1, '请填写总结内容').max(50000),
  /** 0 for a new summary */
  version: z.number().int().min(0),
});
export const WorkSummary = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  periodKey: z.string(),
  periodLabel: z.string(),
  text: z.string(),
  figures: z.array(SummaryFigure),
  updatedAt: z.string(),
  version: z.number(),
});
export type WorkSummary = z.infer<typeof WorkSummary>;
export const BulletinVersionQuery = z.object({ version: z.coerce.number().int() });
