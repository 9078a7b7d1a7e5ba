import { DashboardOverview, DashboardQuery, PersonDashboard, PersonDashboardQuery } from '@luoshi/contract';
import { callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { dashboardOverview, personDashboard } from './dashboards.ts';

const tags = ['reports'];

/** 统计看板: one per level, every number drilling down to the records behind it. */
export function registerDashboardRoutes(app: App, { db }: Deps) {
  app.get(
    '/api/dashboards/overview',
    {
      config: { permission: 'reports:dashboard:read' },
      schema: { tags, summary: '统计看板（单位及下一级，按周期、专项行动）', querystring: DashboardQuery, response: { 200: DashboardOverview } },
    },
    async (req) => dashboardOverview(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/dashboards/person',
    {
      config: { permission: 'reports:dashboard:read' },
      schema: { tags, summary: '个人统计看板', querystring: PersonDashboardQuery, response: { 200: PersonDashboard } },
    },
    async (req) => personDashboard(db, callerOf(req).scope, req.query),
  );
}
