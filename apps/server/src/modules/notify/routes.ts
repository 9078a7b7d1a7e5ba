import type { App, Deps, Module } from '../../platform/types.ts';

function registerNotifyRoutes(_app: App, _deps: Deps) {}

/** 通知与提醒: the notification centre, reminders, e-mail and robot channels, holiday adjustments. */
export const notifyModule: Module = {
  name: 'notify',
  register(app, deps) {
    registerNotifyRoutes(app, deps);
  },
};
