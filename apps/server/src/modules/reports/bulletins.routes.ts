import type { App, Deps } from '../../platform/types.ts';

/** 通报 (drafted from live data, issued with a 发文字号) and 工作总结. */
export function registerBulletinRoutes(_app: App, _deps: Deps) {}
