import type { App, Deps } from '../../platform/types.ts';

/** 评分细则, 积分明细, 考核周期, 结果与排名, 等次设置. */
export function registerCatalogueRoutes(_app: App, _deps: Deps) {}
