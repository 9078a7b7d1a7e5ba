import type { App, Deps } from '../../platform/types.ts';

/** 加减分申请, 申诉, 约谈, 包联督导, 我的积分. */
export function registerWorkflowRoutes(_app: App, _deps: Deps) {}
