import type { z } from 'zod';
import type {
  DashboardFigures as DashboardFiguresS,
  DashboardLinks as DashboardLinksS,
  DashboardOverview as DashboardOverviewS,
  DashboardRow as DashboardRowS,
  PersonDashboard as PersonDashboardS,
} from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import { api } from './client';

export type DashboardOverview = z.infer<typeof DashboardOverviewS>;
export type DashboardRow = z.infer<typeof DashboardRowS>;
export type DashboardFigures = z.infer<typeof DashboardFiguresS>;
export type DashboardLinks = z.infer<typeof DashboardLinksS>;
export type PersonDashboard = z.infer<typeof PersonDashboardS>;

export type DashboardParams = { unitId?: string; period?: string; from?: string; to?: string; campaignId?: string };

export const dashboardKeys = {
  overview: (p: DashboardParams) => ['dashboards', 'overview', p] as const,
  person: (p: { personId?: string; period?: string; from?: string; to?: string }) => ['dashboards', 'person', p] as const,
};

export function useDashboard(p: DashboardParams, enabled = true) {
  return useQuery({ queryKey: dashboardKeys.overview(p), queryFn: () => api.get<DashboardOverview>('/api/dashboards/overview', p), enabled });
}

export function usePersonDashboard(p: { personId?: string; period?: string; from?: string; to?: string }, enabled = true) {
  return useQuery({ queryKey: dashboardKeys.person(p), queryFn: () => api.get<PersonDashboard>('/api/dashboards/person', p), enabled });
}
