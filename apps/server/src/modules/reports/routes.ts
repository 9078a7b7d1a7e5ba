import type { Module } from '../../platform/types.ts';
import { registerBulletinRoutes } from './bulletins.routes.ts';
import { registerDashboardRoutes } from './dashboards.routes.ts';

/** 统计与通报: dashboards with drill-down, bulletins, period summaries. */
export const reportsModule: Module = {
  name: 'reports',
  register(app, deps) {
    registerDashboardRoutes(app, deps);
    registerBulletinRoutes(app, deps);
  },
};
