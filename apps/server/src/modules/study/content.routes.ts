import type { App, Deps } from '../../platform/types.ts';

export function registerContentRoutes(_app: App, _deps: Deps) {}
