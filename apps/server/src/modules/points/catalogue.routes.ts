import {
  ClosePeriodBody, EVENT_KINDS, ClosePeriodResult, CreatePointRuleBody, GradeScheme, GradeSchemeList, IdParams, NewPointRuleVersionBody, PeerGroupList,
  PeerGroupQuery, PeriodKeyParams, PointEvent, PointEventList, PointEventListQuery, PointPeriod, PointPeriodList, PointPeriodListQuery,
  POINT_SUBJECTS, PointResultList, PointResultQuery, PointRule, PointRuleDetail, PointRuleList, PointRuleListQuery, PointSettings, ReopenPeriodBody,
  RuleImportQuery, RuleImportResult, SetPointRuleDisabledBody, SubjectTypeParams, SyncResult, UpdateGradeSchemeBody, UpdatePointSettingsBody,
} from '@luoshi/contract';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { units } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { excelDate, exportFileName, sendListXlsx, XLSX_RESPONSE, yesNo } from '../../platform/export.ts';
import { pathInScope } from '../../platform/scope.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { clock } from '../campaigns/dates.ts';
import { readUpload } from '../org/imports.ts';
import { sendXlsx, XLSX_MIME } from '../org/xlsx.ts';
import { getEvent, listEvents } from './events.ts';
import { syncPointEvents } from './ledger.ts';
import { closePeriod, getSettings, listGradeSchemes, listPeerGroups, listPeriods, listResults, putGradeScheme, putSettings, reopenPeriod } from './periods.ts';
import { createRule, importRules, listRules, presentRule, reviseRule, RULE_COLUMNS, ruleDetail, ruleExportRows, setRuleDisabled } from './rules.ts';

const tags = ['points'];
const xlsxResponse = { 200: z.any().describe(`XLSX 文件（${XLSX_MIME}）`) };
const EventIdParams = z.object({ id: z.coerce.number().int().min(1, '编号不正确') });
const RuleExportQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
const ResultExportQuery = PointResultQuery.omit({ page: true, pageSize: true });

/** 评分细则, 积分明细, 考核周期, 结果与排名, 等次设置. */
export function registerCatalogueRoutes(app: App, { db }: Deps) {
  // ---- 评分细则 ----
  app.get(
    '/api/points/rules',
    { config: { permission: 'points:rule:read' }, schema: { tags, summary: '考核评分细则（默认只列现行版本）', querystring: PointRuleListQuery, response: { 200: PointRuleList } } },
    async (req) => listRules(db, req.query, clock.today()),
  );
  app.post(
    '/api/points/rules',
    { config: { permission: 'points:rule:write' }, schema: { tags, summary: '新增评分细则', body: CreatePointRuleBody, response: { 201: PointRule } } },
    async (req, reply) => reply.code(201).send(presentRule(await createRule(db, actorOf(req), req.body))),
  );
  app.get(
    '/api/points/rules/export',
    { config: { permission: 'points:rule:read' }, schema: { tags, summary: '导出某年度评分细则（XLSX）', querystring: RuleExportQuery, response: xlsxResponse } },
    async (req, reply) => sendXlsx(reply, `${req.query.year}年度考核评分细则.xlsx`, '评分细则', RULE_COLUMNS, await ruleExportRows(db, req.query.year)),
  );
  app.post(
    '/api/points/rules/import',
    {
      config: { permission: 'points:rule:write' },
      schema: { tags, summary: '导入评分细则（dryRun=true 只预览；有错误的行时不写入）', consumes: ['multipart/form-data'], querystring: RuleImportQuery, response: { 200: RuleImportResult } },
    },
    async (req) => {
      if (!req.isMultipart()) throw badRequest('请以 multipart/form-data 上传 .xlsx 文件（字段名 file）');
      const content = await readUpload(await req.file());
      return importRules(db, actorOf(req), req.query.year, content, req.query.dryRun ?? false, clock.today());
    },
  );
  app.get(
    '/api/points/rules/:id',
    { config: { permission: 'points:rule:read' }, schema: { tags, summary: '评分细则及其各版本', params: IdParams, response: { 200: PointRuleDetail } } },
    async (req) => ruleDetail(db, req.params.id),
  );
  app.post(
    '/api/points/rules/:id/versions',
    {
      config: { permission: 'points:rule:write' },
      schema: { tags, summary: '修订评分细则：自生效日期起适用新版本，已记的积分不变', params: IdParams, body: NewPointRuleVersionBody, response: { 201: PointRule } },
    },
    async (req, reply) => reply.code(201).send(presentRule(await db.transaction((tx) => reviseRule(tx, actorOf(req), req.params.id, req.body)))),
  );
  app.patch(
    '/api/points/rules/:id',
    { config: { permission: 'points:rule:write' }, schema: { tags, summary: '停用或启用评分细则', params: IdParams, body: SetPointRuleDisabledBody, response: { 200: PointRule } } },
    async (req) => presentRule(await setRuleDisabled(db, actorOf(req), req.params.id, req.body.disabled, req.body.version)),
  );

  // ---- 积分明细 ----
  app.get(
    '/api/points/events',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '积分明细（本单位及下级；个人只看自己的）', querystring: PointEventListQuery, response: { 200: PointEventList } } },
    async (req) => listEvents(db, callerOf(req).scope, req.query, (await getSettings(db)).appealWindowDays),
  );
  app.get(
    '/api/points/events/export',
    {
      config: { permission: 'points:ledger:read' },
      schema: { tags, summary: '导出积分明细（XLSX，按当前筛选条件）', querystring: PointEventListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      const window = (await getSettings(db)).appealWindowDays;
      return sendListXlsx(reply, {
        fileName: exportFileName('积分明细', clock.today()),
        sheetName: '积分明细',
        columns: [
          { header: '编号', key: 'id', width: 8 },
          { header: '对象', key: 'subjectName', width: 16 },
          { header: '对象类型', key: 'subjectType', width: 8 },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '细则编号', key: 'ruleCode', width: 10 },
          { header: '类别', key: 'category', width: 12 },
          { header: '评分项目', key: 'item', width: 30 },
          { header: '数量', key: 'quantity', width: 8 },
          { header: '分值', key: 'points', width: 9, numFmt: '0.00' },
          { header: '发生日期', key: 'occurredOn', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '记入日期', key: 'bookedOn', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '方式', key: 'kind', width: 8 },
          { header: '来源', key: 'sourceLabel', width: 30 },
          { header: '更正', key: 'late', width: 6 },
          { header: '受上限削减', key: 'capped', width: 10 },
        ],
        fetchPage: (page, pageSize) => listEvents(db, scope, { ...req.query, page, pageSize }, window),
        toRow: (e) => ({
          id: e.id,
          subjectName: e.subjectName,
          subjectType: POINT_SUBJECTS[e.subjectType],
          unitName: e.unitName,
          ruleCode: e.ruleCode,
          category: e.category,
          item: e.item,
          quantity: Number(e.quantity),
          points: Number(e.points),
          occurredOn: excelDate(e.occurredOn),
          bookedOn: excelDate(e.bookedOn),
          kind: EVENT_KINDS[e.kind],
          sourceLabel: e.sourceLabel ?? '',
          late: yesNo(e.late),
          capped: yesNo(e.capped),
        }),
        unitPath: { db, unitIdOf: (e) => e.unitId },
      });
    },
  );
  app.get(
    '/api/points/events/:id',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '一条积分记录及其来源', params: EventIdParams, response: { 200: PointEvent } } },
    async (req) => getEvent(db, callerOf(req).scope, req.params.id, (await getSettings(db)).appealWindowDays),
  );
  app.post(
    '/api/points/sync',
    { config: { permission: 'points:period:manage' }, schema: { tags, summary: '立即按评分细则计入各模块产生的自动积分', response: { 200: SyncResult } } },
    async (req) => {
      const result = await syncPointEvents(db);
      await db.transaction((tx) => audit(tx, actorOf(req), { entity: 'point_sync', entityId: null, action: 'sync', after: result }));
      return result;
    },
  );

  // ---- 考核周期 ----
  app.get(
    '/api/points/periods',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '某年度的考核周期（月、季、半年、年）', querystring: PointPeriodListQuery, response: { 200: PointPeriodList } } },
    async (req) => listPeriods(db, req.query.year, req.query.kind),
  );
  app.post(
    '/api/points/periods/:key/close',
    {
      config: { permission: 'points:period:manage' },
      schema: { tags, summary: '关闭考核周期：冻结得分、名次和等次，一般、差等次的单位生成待约谈', params: PeriodKeyParams, body: ClosePeriodBody, response: { 200: ClosePeriodResult } },
    },
    async (req) => closePeriod(db, actorOf(req), req.params.key, req.body.version),
  );
  app.post(
    '/api/points/periods/:key/reopen',
    { config: { permission: 'points:period:manage' }, schema: { tags, summary: '重新开启考核周期（须写明理由）', params: PeriodKeyParams, body: ReopenPeriodBody, response: { 200: PointPeriod } } },
    async (req) => reopenPeriod(db, actorOf(req), req.params.key, req.body.version, req.body.reason),
  );

  // ---- 结果与排名 ----
  const unitPathOf = async (scope: ReturnType<typeof callerOf>['scope'], unitId?: string) => {
    if (!unitId) return null;
    const [u] = await db.select({ path: units.path }).from(units).where(eq(units.id, unitId));
    if (!u || (scope.kind !== 'self' && !pathInScope(scope, u.path) && !(scope.unitPath && scope.unitPath.startsWith(u.path)))) throw notFound('单位');
    return u.path;
  };
  app.get(
    '/api/points/results',
    {
      config: { permission: 'points:ledger:read' },
      schema: { tags, summary: '考核结果：得分、同类名次与等次（未关闭的周期实时计算）', querystring: PointResultQuery, response: { 200: PointResultList } },
    },
    async (req) => {
      const scope = callerOf(req).scope;
      const r = await listResults(db, scope, { ...req.query, unitPath: await unitPathOf(scope, req.query.unitId) });
      return { ...r, page: req.query.page, pageSize: req.query.pageSize };
    },
  );
  app.get(
    '/api/points/results/export',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '导出考核结果（XLSX）', querystring: ResultExportQuery, response: xlsxResponse } },
    async (req, reply) => {
      const scope = callerOf(req).scope;
      const r = await listResults(db, scope, { ...req.query, page: 1, pageSize: 1, unitPath: await unitPathOf(scope, req.query.unitId) }, true);
      const what = POINT_SUBJECTS[req.query.subjectType];
      return sendXlsx(
        reply,
        `${r.period.label}${what}考核结果.xlsx`,
        '考核结果',
        [
          { header: '同类名次', key: 'rank', width: 10 },
          { header: '同类数', key: 'peerSize', width: 8 },
          { header: '同类分组', key: 'peerName', width: 28 },
          { header: what, key: 'subjectName', width: 24 },
          { header: '所在单位', key: 'unitName', width: 24 },
          { header: '得分', key: 'total', width: 10 },
          { header: '积分条数', key: 'events', width: 10 },
          { header: '等次', key: 'grade', width: 8 },
          { header: '状态', key: 'state', width: 10 },
        ],
        r.data.map((d) => ({ ...d, total: Number(d.total), state: r.frozen ? '已关闭' : '实时' })),
      );
    },
  );
  app.get(
    '/api/points/peer-groups',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '同类比较分组', querystring: PeerGroupQuery, response: { 200: PeerGroupList } } },
    async (req) => listPeerGroups(db, callerOf(req).scope, req.query.periodKey, req.query.subjectType),
  );

  // ---- 等次与申诉设置 ----
  app.get(
    '/api/points/grade-schemes',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '等次评定办法（分数线或比例）', response: { 200: GradeSchemeList } } },
    async () => listGradeSchemes(db),
  );
  app.put(
    '/api/points/grade-schemes/:subjectType',
    { config: { permission: 'points:period:manage' }, schema: { tags, summary: '设置等次评定办法', params: SubjectTypeParams, body: UpdateGradeSchemeBody, response: { 200: GradeScheme } } },
    async (req) => putGradeScheme(db, actorOf(req), req.params.subjectType, req.body),
  );
  app.get(
    '/api/points/settings',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '考核设置（申诉期限）', response: { 200: PointSettings } } },
    async () => getSettings(db),
  );
  app.put(
    '/api/points/settings',
    { config: { permission: 'points:period:manage' }, schema: { tags, summary: '修改考核设置', body: UpdatePointSettingsBody, response: { 200: PointSettings } } },
    async (req) => putSettings(db, actorOf(req), req.body),
  );
}
