// 统计看板: per-level dashboards with drill-down to the records behind each number.
import { z } from 'zod';
import { DateOnly, Id } from './common.ts';
import { PeriodKey } from './points.ts';

/** A period key (M2026-03, Q2026-1, H2026-1, Y2026) or a date range; without either, the current year. */
const PeriodFilter = {
  period: PeriodKey.optional(),
  from: DateOnly.optional(),
  to: DateOnly.optional(),
};
const fromBeforeTo = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const bothOrNeither = (q: { from?: string; to?: string }) => !!q.from === !!q.to;

export const DashboardQuery = z
  .object({ unitId: Id.optional(), campaignId: Id.optional(), ...PeriodFilter })
  .refine(bothOrNeither, { message: '起止日期须同时填写', path: ['to'] })
  .refine(fromBeforeTo, { message: '结束日期不能早于开始日期', path: ['to'] });
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const PersonDashboardQuery = z
  .object({ personId: Id.optional(), ...PeriodFilter })
  .refine(bothOrNeither, { message: '起止日期须同时填写', path: ['to'] })
  .refine(fromBeforeTo, { message: '结束日期不能早于开始日期', path: ['to'] });
export type PersonDashboardQuery = z.infer<typeof PersonDashboardQuery>;

export const DashboardLevel = z.enum(['city', 'county', 'unit', 'branch', 'person']);
export type DashboardLevel = z.infer<typeof DashboardLevel>;

export const AdoptionByLevel = z.object({ 县级: z.number().int(), 市级: z.number().int(), 省级: z.number().int(), 中央: z.number().int() });

export const DashboardFigures = z.object({
  tasks: z.object({
    total: z.number().int(),
    done: z.number().int(),
    overdue: z.number().int(),
    /** done / total, percent with one decimal; null without tasks */
    completion: z.number().nullable(),
  }),
  study: z.object({
    sessions: z.number().int(),
    minutes: z.number().int(),
    hours: z.number(),
    /** unit weeks that met the weekly rule (每周半天覆盖学) / unit weeks under the rule; null for a person */
    weeksCovered: z.number().int().nullable(),
    weeks: z.number().int().nullable(),
    coverage: z.number().nullable(),
  }),
  points: z.object({
    /** exact decimal text */
    total: z.string(),
    /** rank among the rows of the table (1, 1, 3) */
    rank: z.number().int().nullable(),
    /** the grade of a closed period's frozen results */
    grade: z.string().nullable(),
  }),
  info: z.object({
    submitted: z.number().int(),
    adopted: z.number().int(),
    byLevel: AdoptionByLevel,
  }),
});
export type DashboardFigures = z.infer<typeof DashboardFigures>;

/** Web routes (with their filters) of the records behind the numbers. */
export const DashboardLinks = z.object({
  drill: z.string().nullable(),
  tasks: z.string().nullable(),
  tasksOverdue: z.string().nullable(),
  tasksDone: z.string().nullable(),
  sessions: z.string().nullable(),
  coverage: z.string().nullable(),
  points: z.string().nullable(),
  infoSubmitted: z.string().nullable(),
  infoAdopted: z.string().nullable(),
});
export type DashboardLinks = z.infer<typeof DashboardLinks>;

export const DashboardRow = z.object({
  kind: z.enum(['unit', 'person']),
  id: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  /** a unit with units or people below it: clicking it opens its own dashboard */
  hasChildren: z.boolean(),
  figures: DashboardFigures,
  links: DashboardLinks,
});
export type DashboardRow = z.infer<typeof DashboardRow>;

export const DashboardPeriod = z.object({ key: z.string().nullable(), label: z.string(), from: DateOnly, to: DateOnly });

export const DashboardTrends = z.object({
  months: z.array(z.string()),
  tasksDone: z.array(z.number().int()),
  studyHours: z.array(z.number()),
  infoAdopted: z.array(z.number().int()),
  points: z.array(z.string()),
});
export type DashboardTrends = z.infer<typeof DashboardTrends>;

export const DashboardOverview = z.object({
  level: DashboardLevel,
  unit: z.object({ id: z.string(), name: z.string(), type: z.string() }),
  /** from the highest unit the caller may see down to this one */
  breadcrumbs: z.array(z.object({ id: z.string(), name: z.string() })),
  period: DashboardPeriod,
  campaignId: z.string().nullable(),
  /** the unit and everything below it */
  total: DashboardFigures,
  totalLinks: DashboardLinks,
  childKind: z.enum(['unit', 'person']),
  children: z.array(DashboardRow),
  trends: DashboardTrends,
});
export type DashboardOverview = z.infer<typeof DashboardOverview>;

export const PersonDashboard = z.object({
  level: z.literal('person'),
  person: z.object({ id: z.string(), name: z.string(), unitId: z.string(), unitName: z.string() }),
  breadcrumbs: z.array(z.object({ id: z.string(), name: z.string() })),
  period: DashboardPeriod,
  figures: DashboardFigures,
  reflections: z.object({ submitted: z.number().int(), excellent: z.number().int() }),
  links: DashboardLinks,
  trends: DashboardTrends,
});
export type PersonDashboard = z.infer<typeof PersonDashboard>;
