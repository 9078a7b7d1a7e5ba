import type { App, Deps } from '../../platform/types.ts';

/** 统计看板: one per level, every number drilling down to the records behind it. */
export function registerDashboardRoutes(_app: App, _deps: Deps) {}
