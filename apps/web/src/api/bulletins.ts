import type { z } from 'zod';
import type {
  Bulletin as BulletinS,
  BulletinBlock as BulletinBlockS,
  BulletinHead as BulletinHeadS,
  BulletinTemplate as BulletinTemplateS,
  SummaryDraft as SummaryDraftS,
  SummaryFigure as SummaryFigureS,
  WorkSummary as WorkSummaryS,
} from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import { api } from './client';

export type Bulletin = z.infer<typeof BulletinS>;
export type BulletinHead = z.infer<typeof BulletinHeadS>;
export type BulletinBlock = z.infer<typeof BulletinBlockS>;
export type BulletinTemplate = z.infer<typeof BulletinTemplateS>;
export type SummaryDraft = z.infer<typeof SummaryDraftS>;
export type SummaryFigure = z.infer<typeof SummaryFigureS>;
export type WorkSummary = z.infer<typeof WorkSummaryS>;

/** Every 通报 and 工作总结 endpoint the web app calls. */
export const bulletinUrls = {
  templates: '/api/bulletins/templates',
  list: '/api/bulletins',
  one: (id: string) => `/api/bulletins/${id}`,
  refresh: (id: string) => `/api/bulletins/${id}/refresh`,
  issue: (id: string) => `/api/bulletins/${id}/issue`,
  read: (id: string) => `/api/bulletins/${id}/read`,
  docx: (id: string) => `/api/bulletins/${id}/docx`,
  pdf: (id: string) => `/api/bulletins/${id}/pdf`,
  summaryDraft: '/api/summaries/draft',
  summaries: '/api/summaries',
  summaryDocx: (id: string) => `/api/summaries/${id}/docx`,
};

export const bulletinKeys = {
  all: ['bulletins'] as const,
  list: ['bulletins', 'list'] as const,
  one: (id: string) => ['bulletins', 'one', id] as const,
  summary: (unitId: string, period: string) => ['summaries', unitId, period] as const,
};

export function useBulletinTemplates() {
  return useQuery({ queryKey: ['bulletins', 'templates'], queryFn: () => api.get<{ data: BulletinTemplate[] }>(bulletinUrls.templates), staleTime: 600_000 });
}
