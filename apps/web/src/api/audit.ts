import type { z } from 'zod';
import type { AuditFacets as AuditFacetsS, AuditResult, AuditRow as AuditRowS, AuditVerify as AuditVerifyS } from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import { api } from './client';

export type AuditRow = z.infer<typeof AuditRowS>;
export type AuditFacets = z.infer<typeof AuditFacetsS>;
export type AuditVerify = z.infer<typeof AuditVerifyS>;

/** The filters of the audit page, as the list and the export take them. */
export type AuditFilters = {
  username?: string;
  from?: string;
  to?: string;
  action?: string;
  module?: string;
  entity?: string;
  entityId?: string;
  result?: AuditResult;
  sort?: 'at' | '-at';
};

export const auditUrls = {
  logs: '/api/audit/logs',
  log: (id: number) => `/api/audit/logs/${id}`,
  export: '/api/audit/logs/export',
  facets: '/api/audit/facets',
  verify: '/api/audit/verify',
};

export const auditKeys = {
  all: ['audit'] as const,
  logs: ['audit', 'logs'] as const,
  log: (id: number) => ['audit', 'log', id] as const,
  facets: ['audit', 'facets'] as const,
};

export const auditApi = {
  log: (id: number) => api.get<AuditRow>(auditUrls.log(id)),
  facets: () => api.get<AuditFacets>(auditUrls.facets),
  verify: () => api.get<AuditVerify>(auditUrls.verify),
};

export function useAuditFacets() {
  return useQuery({ queryKey: auditKeys.facets, queryFn: auditApi.facets, staleTime: 60_000 });
}

export function useAuditRow(id: number | null) {
  return useQuery({ queryKey: auditKeys.log(id ?? 0), queryFn: () => auditApi.log(id!), enabled: id !== null });
}
