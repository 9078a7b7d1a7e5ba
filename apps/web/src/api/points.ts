import type { z } from 'zod';
import type {
  ClosePeriodResult as ClosePeriodResultS,
  GradeScheme as GradeSchemeS,
  MyPoints as MyPointsS,
  PeerGroup as PeerGroupS,
  PeriodKind,
  PointAppeal as PointAppealS,
  PointClaim as PointClaimS,
  PointEvent as PointEventS,
  PointEventList as PointEventListS,
  PointInterview as PointInterviewS,
  PointPeriod as PointPeriodS,
  PointResult as PointResultS,
  PointResultList as PointResultListS,
  PointRule as PointRuleS,
  PointRuleDetail as PointRuleDetailS,
  PointSettings as PointSettingsS,
  RuleImportResult as RuleImportResultS,
  SupervisionReport as SupervisionReportS,
  SupervisorSummary as SupervisorSummaryS,
  SyncResult as SyncResultS,
} from '@luoshi/contract';
import dayjs from 'dayjs';
import i18n from '../i18n';

export type PointRule = z.infer<typeof PointRuleS>;
export type PointRuleDetail = z.infer<typeof PointRuleDetailS>;
export type PointEvent = z.infer<typeof PointEventS>;
export type PointEventList = z.infer<typeof PointEventListS>;
export type PointClaim = z.infer<typeof PointClaimS>;
export type PointPeriod = z.infer<typeof PointPeriodS>;
export type ClosePeriodResult = z.infer<typeof ClosePeriodResultS>;
export type PointResult = z.infer<typeof PointResultS>;
export type PointResultList = z.infer<typeof PointResultListS>;
export type PeerGroup = z.infer<typeof PeerGroupS>;
export type GradeScheme = z.infer<typeof GradeSchemeS>;
export type PointSettings = z.infer<typeof PointSettingsS>;
export type PointInterview = z.infer<typeof PointInterviewS>;
export type PointAppeal = z.infer<typeof PointAppealS>;
export type SupervisionReport = z.infer<typeof SupervisionReportS>;
export type SupervisorSummary = z.infer<typeof SupervisorSummaryS>;
export type MyPoints = z.infer<typeof MyPointsS>;
export type RuleImportResult = z.infer<typeof RuleImportResultS>;
export type SyncResult = z.infer<typeof SyncResultS>;
export type { PeriodKind };

/** Every points endpoint the web app calls, in one place. */
export const pointsUrls = {
  rules: '/api/points/rules',
  rule: (id: string) => `/api/points/rules/${id}`,
  rulesExport: '/api/points/rules/export',
  rulesImport: '/api/points/rules/import',
  events: '/api/points/events',
  event: (id: number | string) => `/api/points/events/${id}`,
  sync: '/api/points/sync',
  periods: '/api/points/periods',
  period: (key: string) => `/api/points/periods/${key}`,
  results: '/api/points/results',
  resultsExport: '/api/points/results/export',
  peerGroups: '/api/points/peer-groups',
  gradeSchemes: '/api/points/grade-schemes',
  gradeScheme: (subjectType: string) => `/api/points/grade-schemes/${subjectType}`,
  settings: '/api/points/settings',
  claims: '/api/points/claims',
  claimFiles: '/api/points/claims/files',
  claim: (id: string) => `/api/points/claims/${id}`,
  claimFile: (id: string, fileId: string) => `/api/points/claims/${id}/files/${fileId}`,
  appeals: '/api/points/appeals',
  appeal: (id: string) => `/api/points/appeals/${id}`,
  interviews: '/api/points/interviews',
  interview: (id: string) => `/api/points/interviews/${id}`,
  supervision: '/api/points/supervision',
  supervisors: '/api/points/supervisors',
  me: '/api/points/me',
};

export const pointsKeys = {
  all: ['points'] as const,
  rules: ['points', 'rules'] as const,
  events: ['points', 'events'] as const,
  periods: ['points', 'periods'] as const,
  results: ['points', 'results'] as const,
  claims: ['points', 'claims'] as const,
  appeals: ['points', 'appeals'] as const,
  interviews: ['points', 'interviews'] as const,
  settings: ['points', 'settings'] as const,
  supervision: ['points', 'supervision'] as const,
};

/** 等次 colours: 好 green, 较好 blue, 一般 orange, 差 red. */
export const GRADE_COLORS: Record<string, string> = { 好: 'green', 较好: 'blue', 一般: 'orange', 差: 'red' };

/** A signed amount as a ledger line shows it: "+2", "-0.5". */
export function signed(points: string): string {
  const n = Number(points);
  return n > 0 && !points.startsWith('+') ? `+${points}` : points;
}

/** Adds decimal point strings exactly, in hundredths, so a check of a sum never meets a float. */
export function hundredths(points: string): number {
  const m = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/.exec(points.trim());
  if (!m) return NaN;
  const v = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -v : v;
}

const PERIOD_COUNT: Record<PeriodKind, number> = { month: 12, quarter: 4, half: 2, year: 1 };

/** The key of the period of a kind that holds a date: M2026-03, Q2026-1, H2026-1, Y2026. */
export function periodKeyOf(kind: PeriodKind, d = dayjs()): string {
  const y = d.year();
  const m = d.month() + 1;
  if (kind === 'month') return `M${y}-${String(m).padStart(2, '0')}`;
  if (kind === 'quarter') return `Q${y}-${Math.ceil(m / 3)}`;
  if (kind === 'half') return `H${y}-${m <= 6 ? 1 : 2}`;
  return `Y${y}`;
}

export function periodKeys(kind: PeriodKind, year: number): string[] {
  return Array.from({ length: PERIOD_COUNT[kind] }, (_, i) => {
    const n = i + 1;
    if (kind === 'month') return `M${year}-${String(n).padStart(2, '0')}`;
    if (kind === 'quarter') return `Q${year}-${n}`;
    if (kind === 'half') return `H${year}-${n}`;
    return `Y${year}`;
  });
}

export function parsePeriodKey(key: string): { kind: PeriodKind; year: number; seq: number } | null {
  const m = /^([MQHY])(\d{4})(?:-(\d{1,2}))?$/.exec(key);
  if (!m) return null;
  const kind = ({ M: 'month', Q: 'quarter', H: 'half', Y: 'year' } as const)[m[1] as 'M' | 'Q' | 'H' | 'Y'];
  return { kind, year: Number(m[2]), seq: m[3] ? Number(m[3]) : 1 };
}

/** A period's name in the chosen language, worked out from its key so a picker needs no request. */
export function periodLabel(key: string): string {
  const p = parsePeriodKey(key);
  if (!p) return key;
  // Quarters are written 第一季度…第四季度 in Chinese, as the server's own labels are.
  const cn = ['一', '二', '三', '四'][p.seq - 1];
  return i18n.t(p.kind === 'half' ? `points.periodLabel.half${p.seq}` : `points.periodLabel.${p.kind}`, { year: p.year, n: p.seq, cn });
}
