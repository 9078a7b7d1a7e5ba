import { MyStudy, StudyStats, StudyStatsQuery } from '@luoshi/contract';
import { shanghaiDate } from '../../platform/calendar.ts';
import { callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { myStudy, studyStats } from './stats.ts';

const tags = ['study'];

export function registerStatsRoutes(app: App, { db }: Deps) {
  app.get(
    '/api/study/stats',
    { config: { permission: 'study:stats:read' }, schema: { tags, summary: '学习统计（单位及下级、时段）', querystring: StudyStatsQuery, response: { 200: StudyStats } } },
    async (req) => studyStats(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/me',
    { config: { permission: 'study:session:read' }, schema: { tags, summary: '我的学习', response: { 200: MyStudy } } },
    async (req) => myStudy(db, callerOf(req).scope, shanghaiDate()),
  );
}
