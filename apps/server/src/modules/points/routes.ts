import type { Module } from '../../platform/types.ts';
import { registerCatalogueRoutes } from './catalogue.routes.ts';
import { registerWorkflowRoutes } from './workflow.routes.ts';

/** 考核积分: rule catalogue, ledger, periods, results and grades; claims, appeals, 约谈, 包联督导 and 我的积分. */
export const pointsModule: Module = {
  name: 'points',
  register(app, deps) {
    registerCatalogueRoutes(app, deps);
    registerWorkflowRoutes(app, deps);
  },
};
