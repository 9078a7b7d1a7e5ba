import type { App, Deps } from '../../platform/types.ts';

/** 采用、批示、期刊、媒体报道、目标任务、统计. */
export function registerPublishRoutes(_app: App, _deps: Deps) {}
