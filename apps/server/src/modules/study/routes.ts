import type { Module } from '../../platform/types.ts';
import { registerSessionRoutes } from './sessions.routes.ts';
import { registerContentRoutes } from './content.routes.ts';

/** 学习: sessions, attendance and the weekly coverage rule; reflections, reading and learning-platform scores. */
export const studyModule: Module = {
  name: 'study',
  register(app, deps) {
    registerSessionRoutes(app, deps);
    registerContentRoutes(app, deps);
  },
};
