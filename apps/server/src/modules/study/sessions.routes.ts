import type { App, Deps } from '../../platform/types.ts';

export function registerSessionRoutes(_app: App, _deps: Deps) {}
