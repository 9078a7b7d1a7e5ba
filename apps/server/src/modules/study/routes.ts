import type { Module } from '../../platform/types.ts';
import { registerSessionRoutes } from './sessions.routes.ts';
import { registerContentRoutes } from './content.routes.ts';
import { registerStatsRoutes } from './stats.routes.ts';

/** 学习: sessions, attendance and the weekly coverage rule; reflections, reading and learning-platform scores; statistics and 我的学习. */
export const studyModule: Module = {
  name: 'study',
  register(app, deps) {
    registerSessionRoutes(app, deps);
    registerContentRoutes(app, deps);
    registerStatsRoutes(app, deps);
  },
};
