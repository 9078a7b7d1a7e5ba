import type { z } from 'zod';
import type {
  CleanTextResult as CleanTextResultS,
  DupCheckResult as DupCheckResultS,
  InfoAdoption as InfoAdoptionS,
  InfoDiff as InfoDiffS,
  InfoDupMatch as InfoDupMatchS,
  InfoInstruction as InfoInstructionS,
  InfoIssue as InfoIssueS,
  InfoIssueList as InfoIssueListS,
  InfoItem as InfoItemS,
  InfoItemSummary as InfoItemSummaryS,
  InfoMediaReport as InfoMediaReportS,
  InfoPublication as InfoPublicationS,
  InfoSettings as InfoSettingsS,
  InfoStats as InfoStatsS,
  InfoStatsRow as InfoStatsRowS,
  InfoTarget as InfoTargetS,
  InfoVersion as InfoVersionS,
} from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { FileRef } from './types';

export type InfoItemSummary = z.infer<typeof InfoItemSummaryS>;
export type InfoItem = z.infer<typeof InfoItemS>;
export type InfoDupMatch = z.infer<typeof InfoDupMatchS>;
export type DupCheckResult = z.infer<typeof DupCheckResultS>;
export type CleanTextResult = z.infer<typeof CleanTextResultS>;
export type InfoVersion = z.infer<typeof InfoVersionS>;
export type InfoDiff = z.infer<typeof InfoDiffS>;
export type InfoAdoption = z.infer<typeof InfoAdoptionS>;
export type InfoInstruction = z.infer<typeof InfoInstructionS>;
export type InfoPublication = z.infer<typeof InfoPublicationS>;
export type InfoIssue = z.infer<typeof InfoIssueS>;
export type InfoIssueSummary = z.infer<typeof InfoIssueListS>['data'][number];
export type InfoMediaReport = z.infer<typeof InfoMediaReportS>;
export type InfoTarget = z.infer<typeof InfoTargetS>;
export type InfoStats = z.infer<typeof InfoStatsS>;
export type InfoStatsRow = z.infer<typeof InfoStatsRowS>;
export type InfoSettings = z.infer<typeof InfoSettingsS>;

/** Every information endpoint the web app calls, in one place. */
export const infoUrls = {
  items: '/api/info/items',
  item: (id: string) => `/api/info/items/${id}`,
  submit: (id: string) => `/api/info/items/${id}/submit`,
  review: (id: string) => `/api/info/items/${id}/review`,
  versions: (id: string) => `/api/info/items/${id}/versions`,
  diff: (id: string) => `/api/info/items/${id}/diff`,
  adoptions: (id: string) => `/api/info/items/${id}/adoptions`,
  instructions: (id: string) => `/api/info/items/${id}/instructions`,
  clean: '/api/info/clean',
  cleanFile: '/api/info/clean/file',
  dupCheck: '/api/info/dup-check',
  files: '/api/info/files',
  file: (id: string) => `/api/info/files/${id}`,
  settings: '/api/info/settings',
  reviewers: '/api/info/reviewers',
  publications: '/api/info/publications',
  publication: (id: string) => `/api/info/publications/${id}`,
  issues: '/api/info/issues',
  issue: (id: string) => `/api/info/issues/${id}`,
  issueIssue: (id: string) => `/api/info/issues/${id}/issue`,
  issueDocx: (id: string) => `/api/info/issues/${id}/docx`,
  issuePdf: (id: string) => `/api/info/issues/${id}/pdf`,
  media: '/api/info/media',
  mediaOne: (id: string) => `/api/info/media/${id}`,
  targets: '/api/info/targets',
  target: (id: string) => `/api/info/targets/${id}`,
  targetsExport: '/api/info/targets/export',
  stats: '/api/info/stats',
  statsExport: '/api/info/stats/export',
};

export const infoKeys = {
  all: ['info'] as const,
  items: ['info', 'items'] as const,
  item: (id: string) => ['info', 'item', id] as const,
  versions: (id: string) => ['info', 'versions', id] as const,
  settings: ['info', 'settings'] as const,
  publications: ['info', 'publications'] as const,
  issues: ['info', 'issues'] as const,
  media: ['info', 'media'] as const,
  targets: ['info', 'targets'] as const,
  stats: ['info', 'stats'] as const,
  todo: ['info', 'todo'] as const,
};

export const uploadInfoFile = (file: File) => api.upload<FileRef>(infoUrls.files, file);

export function useInfoSettings() {
  return useQuery({ queryKey: infoKeys.settings, queryFn: () => api.get<InfoSettings>(infoUrls.settings), staleTime: 60_000 });
}

export function usePublications() {
  return useQuery({ queryKey: infoKeys.publications, queryFn: () => api.get<{ data: InfoPublication[] }>(infoUrls.publications), staleTime: 60_000 });
}

/** 待我审核: how many items wait on the caller's step, from the list envelope's total. */
export function useTodoCount(enabled: boolean) {
  return useQuery({
    queryKey: infoKeys.todo,
    queryFn: async () => (await api.list<unknown>(infoUrls.items, { todo: true, pageSize: 1 })).total,
    enabled,
    staleTime: 30_000,
    retry: false,
  });
}

/** Status tag colours. */
export const INFO_STATUS_COLORS: Record<InfoItemSummary['status'], string> = {
  draft: 'default',
  reviewing: 'processing',
  returned: 'warning',
  approved: 'success',
  rejected: 'error',
};

/** Adoption level colours, county to centre. */
export const LEVEL_COLORS: Record<string, string> = { 县级: 'cyan', 市级: 'blue', 省级: 'purple', 中央: 'red' };

/** Text of the editor's HTML, paragraph by paragraph, for 查重 before the server has a copy. */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const blocks = Array.from(doc.body.querySelectorAll('p,h1,h2,h3,h4,li'));
  if (!blocks.length) return doc.body.textContent ?? '';
  return blocks.map((b) => b.textContent ?? '').join('\n');
}

/** Cleaned text as editor paragraphs: every line a paragraph, escaped. */
export function textToHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => `<p>${esc(l)}</p>`)
    .join('');
}
