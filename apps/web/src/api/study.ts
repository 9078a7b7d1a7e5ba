import type { z } from 'zod';
import type {
  AttendanceStatus,
  CoverageRow as CoverageRowS,
  CoverageWeek as CoverageWeekS,
  CoverageWeekDetail as CoverageWeekDetailS,
  DesignatedReader as DesignatedReaderS,
  HalfYearReport as HalfYearReportS,
  RankingRow as RankingRowS,
  ReadingLog as ReadingLogS,
  ReadingProgress as ReadingProgressS,
  Reflection as ReflectionS,
  ScoreImport as ScoreImportS,
  ScoreImportResult as ScoreImportResultS,
  ScoreImportSummary as ScoreImportSummaryS,
  ScoreMapping,
  StudySession as StudySessionS,
  StudySessionComment as StudySessionCommentS,
  StudySessionType as StudySessionTypeS,
} from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import i18n from '../i18n';
import { api, ApiError } from './client';
import type { FileRef } from './types';

export type StudySession = z.infer<typeof StudySessionS>;
export type StudySessionType = z.infer<typeof StudySessionTypeS>;
export type StudySessionComment = z.infer<typeof StudySessionCommentS>;
export type CoverageWeek = z.infer<typeof CoverageWeekS>;
export type CoverageWeekDetail = z.infer<typeof CoverageWeekDetailS>;
export type CoverageRow = z.infer<typeof CoverageRowS>;
export type Reflection = z.infer<typeof ReflectionS>;
export type DesignatedReader = z.infer<typeof DesignatedReaderS>;
export type ReadingLog = z.infer<typeof ReadingLogS>;
export type ReadingProgress = z.infer<typeof ReadingProgressS>;
export type ScoreImport = z.infer<typeof ScoreImportS>;
export type ScoreImportSummary = z.infer<typeof ScoreImportSummaryS>;
export type ScoreImportResult = z.infer<typeof ScoreImportResultS>;
export type RankingRow = z.infer<typeof RankingRowS>;
export type HalfYearReport = z.infer<typeof HalfYearReportS>;
export type { AttendanceStatus, ScoreMapping };

/** Every study endpoint the web app calls, in one place. */
export const studyUrls = {
  types: '/api/study/session-types',
  sessions: '/api/study/sessions',
  session: (id: string) => `/api/study/sessions/${id}`,
  uploads: '/api/study/uploads',
  coverageWeeks: '/api/study/coverage/weeks',
  coverageWeek: (week: string) => `/api/study/coverage/weeks/${week}`,
  reflections: '/api/study/reflections',
  reflection: (id: string) => `/api/study/reflections/${id}`,
  wall: '/api/study/wall',
  readers: '/api/study/readers',
  readingLogs: '/api/study/reading-logs',
  readingProgress: '/api/study/reading/progress',
  scoreImports: '/api/study/scores/imports',
  scoreImport: (id: string) => `/api/study/scores/imports/${id}`,
  ranking: '/api/study/scores/ranking',
  halfYear: '/api/study/scores/half-year',
};

export const studyKeys = {
  all: ['study'] as const,
  sessions: ['study', 'sessions'] as const,
  coverage: ['study', 'coverage'] as const,
  reflections: ['study', 'reflections'] as const,
  reading: ['study', 'reading'] as const,
  scores: ['study', 'scores'] as const,
};

/** 学习形式: the editable dictionary of session types. */
export function useSessionTypes() {
  return useQuery({
    queryKey: ['study', 'types'],
    queryFn: () => api.get<StudySessionType[] | { data: StudySessionType[] }>(studyUrls.types),
    select: (r) => (Array.isArray(r) ? r : r.data),
    staleTime: 5 * 60_000,
  });
}

export const uploadStudyFile = (file: File) => api.upload<FileRef>(studyUrls.uploads, file);

/** 字数, counted the Chinese way: each Chinese character 1, each run of Latin letters or digits 1; spaces and punctuation 0. */
export function countWords(text: string): number {
  const han = text.match(/[\p{Script=Han}]/gu)?.length ?? 0;
  const runs = text.match(/[A-Za-z0-9]+/g)?.length ?? 0;
  return han + runs;
}

/** ISO week key (YYYY-Www) of a date, weeks Monday to Sunday. */
export function isoWeekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((t.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export const ATTENDANCE_COLORS: Record<AttendanceStatus, string> = { present: 'green', late: 'gold', leave: 'blue', absent: 'red' };

/** PUT for the one study endpoint that replaces a whole set (the coverage rules); errors arrive as the client's ApiError. */
export async function putJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'PUT', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: unknown } };
  if (!res.ok) {
    const details = Array.isArray(data.error?.details) ? (data.error.details as { field: string; message: string }[]) : [];
    throw new ApiError(res.status, data.error?.code ?? `HTTP_${res.status}`, data.error?.message || i18n.t('errors.http', { status: res.status }), details.map((d) => ({ field: String(d.field).replace(/^body\./, ''), message: d.message })));
  }
  return data as T;
}
