import { DashboardOverview, DashboardQuery, PersonDashboard, PersonDashboardQuery, type DashboardFigures } from '@luoshi/contract';
import { exportFileName, sendRowsXlsx, unitNamePaths, XLSX_MIME, XLSX_RESPONSE, type XlsxColumn } from '../../platform/export.ts';
import { callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { dashboardOverview, personDashboard } from './dashboards.ts';

const tags = ['reports'];

const COLUMNS: XlsxColumn[] = [
  { header: '单位/人员', key: 'name', width: 28 },
  { header: '任务数', key: 'tasks', width: 8 },
  { header: '已完成', key: 'done', width: 8 },
  { header: '逾期', key: 'overdue', width: 8 },
  { header: '完成率(%)', key: 'completion', width: 10 },
  { header: '学习次数', key: 'sessions', width: 9 },
  { header: '学习时长(小时)', key: 'hours', width: 13 },
  { header: '达标周数', key: 'weeksCovered', width: 9 },
  { header: '应学周数', key: 'weeks', width: 9 },
  { header: '覆盖率(%)', key: 'coverage', width: 10 },
  { header: '积分', key: 'points', width: 10, numFmt: '0.00' },
  { header: '排名', key: 'rank', width: 7 },
  { header: '等次', key: 'grade', width: 7 },
  { header: '报送信息', key: 'submitted', width: 9 },
  { header: '采用', key: 'adopted', width: 7 },
  { header: '县级', key: 'l1', width: 7 },
  { header: '市级', key: 'l2', width: 7 },
  { header: '省级', key: 'l3', width: 7 },
  { header: '中央', key: 'l4', width: 7 },
  { header: '单位路径', key: 'path', width: 48 },
];

function figureCells(f: DashboardFigures) {
  return {
    tasks: f.tasks.total,
    done: f.tasks.done,
    overdue: f.tasks.overdue,
    completion: f.tasks.completion,
    sessions: f.study.sessions,
    hours: f.study.hours,
    weeksCovered: f.study.weeksCovered,
    weeks: f.study.weeks,
    coverage: f.study.coverage,
    points: Number(f.points.total),
    rank: f.points.rank,
    grade: f.points.grade ?? '',
    submitted: f.info.submitted,
    adopted: f.info.adopted,
    l1: f.info.byLevel['县级'],
    l2: f.info.byLevel['市级'],
    l3: f.info.byLevel['省级'],
    l4: f.info.byLevel['中央'],
  };
}

/** 统计看板: one per level, every number drilling down to the records behind it. */
export function registerDashboardRoutes(app: App, { db }: Deps) {
  app.get(
    '/api/dashboards/overview',
    {
      config: { permission: 'reports:dashboard:read' },
      schema: { tags, summary: '统计看板（单位及下一级，按周期、专项行动）', querystring: DashboardQuery, response: { 200: DashboardOverview } },
    },
    async (req) => dashboardOverview(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/dashboards/overview/export',
    {
      config: { permission: 'reports:dashboard:read' },
      schema: { tags, summary: '导出统计看板的下一级明细与合计（XLSX，按当前单位、周期、专项行动）', querystring: DashboardQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const d = await dashboardOverview(db, callerOf(req).scope, req.query);
      const paths = await unitNamePaths(db, [d.unit.id, ...d.children.filter((r) => r.kind === 'unit').map((r) => r.id)]);
      const rows = [
        ...d.children.map((r) => ({ name: r.name, ...figureCells(r.figures), path: paths.get(r.kind === 'unit' ? r.id : d.unit.id) ?? '' })),
        { name: `${d.unit.name}（合计）`, ...figureCells(d.total), rank: null, path: paths.get(d.unit.id) ?? '' },
      ];
      return sendRowsXlsx(reply, exportFileName(`统计看板-${d.unit.name}-${d.period.label}`), '统计看板', COLUMNS, rows);
    },
  );
  app.get(
    '/api/dashboards/person',
    {
      config: { permission: 'reports:dashboard:read' },
      schema: { tags, summary: '个人统计看板', querystring: PersonDashboardQuery, response: { 200: PersonDashboard } },
    },
    async (req) => personDashboard(db, callerOf(req).scope, req.query),
  );
}
