import { MyStudy, StudyStats, StudyStatsQuery } from '@luoshi/contract';
import { shanghaiDate } from '../../platform/calendar.ts';
import { exportFileName, sendRowsXlsx, unitNamePaths, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { myStudy, STATS_COLUMNS, statsSheetRows, studyStats } from './stats.ts';

const tags = ['study'];

export function registerStatsRoutes(app: App, { db }: Deps) {
  app.get(
    '/api/study/stats',
    { config: { permission: 'study:stats:read' }, schema: { tags, summary: '学习统计（单位及下级、时段）', querystring: StudyStatsQuery, response: { 200: StudyStats } } },
    async (req) => studyStats(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/stats/export',
    {
      config: { permission: 'study:stats:read' },
      schema: { tags, summary: '导出学习统计（XLSX，按当前单位和时段）', querystring: StudyStatsQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const s = await studyStats(db, callerOf(req).scope, req.query);
      const path = s.unitId ? (await unitNamePaths(db, [s.unitId])).get(s.unitId) : undefined;
      return sendRowsXlsx(reply, exportFileName(`${s.unitName ?? ''}学习统计（${s.from}至${s.to}）`), '学习统计', STATS_COLUMNS, statsSheetRows(s, path));
    },
  );
  app.get(
    '/api/study/me',
    { config: { permission: 'study:session:read' }, schema: { tags, summary: '我的学习', response: { 200: MyStudy } } },
    async (req) => myStudy(db, callerOf(req).scope, shanghaiDate()),
  );
}
