import {
  APPEAL_STATUSES, CLAIM_STATUSES, POINT_SUBJECTS, ClosePointInterviewBody, CreatePointAppealBody, CreatePointClaimBody, DecidePointAppealBody, DecidePointClaimBody, FileRef, Id,
  IdParams, MyPoints, MyPointsQuery, PointAppeal, PointAppealList, PointAppealListQuery, PointClaim, PointClaimList,
  PointClaimListQuery, PointInterview, PointInterviewList, PointInterviewListQuery, SupervisionQuery, SupervisionReport,
  SupervisorSummaryList, SupervisorsQuery,
} from '@luoshi/contract';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { excelDate, excelTime, exportFileName, sendListXlsx, sendRowsXlsx, unitNamePaths, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { clock } from '../campaigns/dates.ts';
import { sendStoredFile, uploadOwnFile } from '../../platform/files.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { createAppeal, decideAppeal, listAppeals, presentAppealById } from './appeals.ts';
import { claimFile, createClaim, decideClaim, getVisibleClaim, listClaims, presentClaim } from './claims.ts';
import { closeInterview, listInterviews, presentInterviewById } from './interviews.ts';
import { myPoints } from './me.ts';
import { SUPERVISION_COLUMNS, SUPERVISOR_COLUMNS, supervisionReport, supervisionSheetRows, supervisorSummaries } from './supervision.ts';

const tags = ['points'];
const multipart = ['multipart/form-data'];

/** 加减分申请, 申诉, 约谈, 包联督导, 我的积分. */
export function registerWorkflowRoutes(app: App, { db, config }: Deps) {
  // ---- 加减分申请 ----
  app.get(
    '/api/points/claims',
    {
      config: { permission: 'points:ledger:read' },
      schema: { tags, summary: '加减分申请列表（mine=true 为我提交的）', querystring: PointClaimListQuery, response: { 200: PointClaimList } },
    },
    async (req) => listClaims(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/points/claims/export',
    {
      config: { permission: 'points:ledger:read' },
      schema: { tags, summary: '导出加减分申请（XLSX，按当前筛选条件）', querystring: PointClaimListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('加减分申请', clock.today()),
        sheetName: '加减分申请',
        columns: [
          { header: '对象', key: 'subjectName', width: 16 },
          { header: '对象类型', key: 'subjectType', width: 8 },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '细则编号', key: 'ruleCode', width: 10 },
          { header: '评分项目', key: 'item', width: 30 },
          { header: '数量', key: 'quantity', width: 8 },
          { header: '申请分值', key: 'points', width: 9, numFmt: '0.00' },
          { header: '计入分值', key: 'eventPoints', width: 9, numFmt: '0.00' },
          { header: '发生日期', key: 'occurredOn', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '理由', key: 'reason', width: 40 },
          { header: '状态', key: 'status', width: 8 },
          { header: '申请人', key: 'createdByName', width: 10 },
          { header: '申请时间', key: 'createdAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '审核人', key: 'decidedByName', width: 10 },
          { header: '审核意见', key: 'decisionNote', width: 30 },
        ],
        fetchPage: (page, pageSize) => listClaims(db, scope, { ...req.query, page, pageSize }),
        toRow: (c) => ({
          subjectName: c.subjectName,
          subjectType: POINT_SUBJECTS[c.subjectType],
          unitName: c.unitName,
          ruleCode: c.ruleCode,
          item: c.item,
          quantity: Number(c.quantity),
          points: Number(c.points),
          eventPoints: c.eventPoints == null ? null : Number(c.eventPoints),
          occurredOn: excelDate(c.occurredOn),
          reason: c.reason,
          status: CLAIM_STATUSES[c.status],
          createdByName: c.createdByName ?? '',
          createdAt: excelTime(c.createdAt),
          decidedByName: c.decidedByName ?? '',
          decisionNote: c.decisionNote ?? '',
        }),
        unitPath: { db, unitIdOf: (c) => c.unitId },
      });
    },
  );
  app.post(
    '/api/points/claims',
    {
      config: { permission: 'points:claim:submit' },
      schema: { tags, summary: '申请加减分（同一提交标识只生成一条申请）', body: CreatePointClaimBody, response: { 200: PointClaim, 201: PointClaim } },
    },
    async (req, reply) => {
      const { id, created } = await db.transaction((tx) => createClaim(tx, callerOf(req), actorOf(req), req.body));
      return reply.code(created ? 201 : 200).send(await presentClaim(db, id));
    },
  );
  app.post(
    '/api/points/claims/files',
    { config: { permission: 'points:claim:submit' }, schema: { tags, summary: '上传加减分佐证材料（字段 file），申请时引用', consumes: multipart, response: { 201: FileRef } } },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件');
      return reply.code(201).send(await uploadOwnFile(db, config.dataDir, callerOf(req), actorOf(req), await req.file()));
    },
  );
  app.get(
    '/api/points/claims/:id',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '加减分申请详情', params: IdParams, response: { 200: PointClaim } } },
    async (req) => {
      await getVisibleClaim(db, callerOf(req).scope, req.params.id);
      return presentClaim(db, req.params.id);
    },
  );
  app.post(
    '/api/points/claims/:id/decide',
    {
      config: { permission: 'points:claim:approve' },
      schema: { tags, summary: '审核加减分申请（通过即记入积分，受上限约束；驳回须写明理由）', params: IdParams, body: DecidePointClaimBody, response: { 200: PointClaim } },
    },
    async (req) => {
      await db.transaction((tx) => decideClaim(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return presentClaim(db, req.params.id);
    },
  );
  app.get(
    '/api/points/claims/:id/files/:fileId',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '下载加减分申请的佐证材料', params: z.object({ id: Id, fileId: Id }) } },
    async (req, reply) => sendStoredFile(reply, config.dataDir, await claimFile(db, callerOf(req).scope, req.params.id, req.params.fileId)),
  );

  // ---- 申诉 ----
  app.get(
    '/api/points/appeals',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '积分申诉列表（待裁定在前）', querystring: PointAppealListQuery, response: { 200: PointAppealList } } },
    async (req) => listAppeals(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/points/appeals/export',
    {
      config: { permission: 'points:ledger:read' },
      schema: { tags, summary: '导出积分申诉（XLSX，按当前筛选条件）', querystring: PointAppealListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('积分申诉', clock.today()),
        sheetName: '积分申诉',
        columns: [
          { header: '积分编号', key: 'eventId', width: 8 },
          { header: '对象', key: 'subjectName', width: 16 },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '评分项目', key: 'item', width: 30 },
          { header: '分值', key: 'points', width: 9, numFmt: '0.00' },
          { header: '发生日期', key: 'occurredOn', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '申诉理由', key: 'reason', width: 40 },
          { header: '状态', key: 'status', width: 8 },
          { header: '申诉人', key: 'createdByName', width: 10 },
          { header: '申诉时间', key: 'createdAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '裁定人', key: 'decidedByName', width: 10 },
          { header: '裁定意见', key: 'decision', width: 30 },
        ],
        fetchPage: (page, pageSize) => listAppeals(db, scope, { ...req.query, page, pageSize }),
        toRow: (a) => ({
          eventId: a.eventId,
          subjectName: a.subjectName,
          unitName: a.unitName,
          item: a.item,
          points: Number(a.points),
          occurredOn: excelDate(a.occurredOn),
          reason: a.reason,
          status: APPEAL_STATUSES[a.status],
          createdByName: a.createdByName ?? '',
          createdAt: excelTime(a.createdAt),
          decidedByName: a.decidedByName ?? '',
          decision: a.decision ?? '',
        }),
        unitPath: { db, unitIdOf: (a) => a.unitId },
      });
    },
  );
  app.post(
    '/api/points/appeals',
    { config: { permission: 'points:appeal:submit' }, schema: { tags, summary: '对一条积分提出申诉（须在申诉期内）', body: CreatePointAppealBody, response: { 201: PointAppeal } } },
    async (req, reply) => {
      const id = await db.transaction((tx) => createAppeal(tx, callerOf(req), actorOf(req), req.body));
      return reply.code(201).send(await presentAppealById(db, id));
    },
  );
  app.post(
    '/api/points/appeals/:id/decide',
    {
      config: { permission: 'points:appeal:decide' },
      schema: { tags, summary: '裁定申诉（支持即冲正该条积分）', params: IdParams, body: DecidePointAppealBody, response: { 200: PointAppeal } },
    },
    async (req) => {
      await db.transaction((tx) => decideAppeal(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return presentAppealById(db, req.params.id);
    },
  );

  // ---- 约谈 ----
  app.get(
    '/api/points/interviews',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '约谈列表（待约谈在前）', querystring: PointInterviewListQuery, response: { 200: PointInterviewList } } },
    async (req) => listInterviews(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/points/interviews/export',
    {
      config: { permission: 'points:ledger:read' },
      schema: { tags, summary: '导出约谈列表（XLSX，按当前筛选条件）', querystring: PointInterviewListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('约谈记录', clock.today()),
        sheetName: '约谈',
        columns: [
          { header: '考核周期', key: 'periodLabel', width: 14 },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '等次', key: 'grade', width: 8 },
          { header: '总分', key: 'total', width: 9, numFmt: '0.00' },
          { header: '状态', key: 'status', width: 8 },
          { header: '约谈对象', key: 'intervieweeName', width: 10 },
          { header: '约谈人', key: 'interviewerName', width: 10 },
          { header: '约谈日期', key: 'heldOn', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '参加人员', key: 'participants', width: 20 },
          { header: '存在问题', key: 'problems', width: 40 },
          { header: '整改承诺', key: 'commitments', width: 40 },
          { header: '整改期限', key: 'followUpDeadline', width: 12, numFmt: 'yyyy-mm-dd' },
        ],
        fetchPage: (page, pageSize) => listInterviews(db, scope, { ...req.query, page, pageSize }),
        toRow: (i) => ({
          periodLabel: i.periodLabel,
          unitName: i.unitName,
          grade: i.grade,
          total: Number(i.total),
          status: i.status === 'pending' ? '待约谈' : '已办结',
          intervieweeName: i.intervieweeName ?? '',
          interviewerName: i.interviewerName ?? '',
          heldOn: excelDate(i.heldOn),
          participants: i.participants ?? '',
          problems: i.problems ?? '',
          commitments: i.commitments ?? '',
          followUpDeadline: excelDate(i.followUpDeadline),
        }),
        unitPath: { db, unitIdOf: (i) => i.unitId },
      });
    },
  );
  app.get(
    '/api/points/interviews/:id',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '约谈详情', params: IdParams, response: { 200: PointInterview } } },
    async (req) => presentInterviewById(db, callerOf(req).scope, req.params.id),
  );
  app.post(
    '/api/points/interviews/:id/close',
    {
      config: { permission: 'points:interview:write' },
      schema: { tags, summary: '登记约谈记录并办结', params: IdParams, body: ClosePointInterviewBody, response: { 200: PointInterview } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => closeInterview(tx, caller, actorOf(req), req.params.id, req.body));
      return presentInterviewById(db, caller.scope, req.params.id);
    },
  );

  // ---- 包联督导 ----
  app.get(
    '/api/points/supervision',
    {
      config: { permission: 'points:supervision:view' },
      schema: { tags, summary: '包联督导情况：包联单位、列席与点评、任务与积分（督导员看本人）', querystring: SupervisionQuery, response: { 200: SupervisionReport } },
    },
    async (req) => supervisionReport(db, callerOf(req), req.query),
  );
  app.get(
    '/api/points/supervision/export',
    {
      config: { permission: 'points:supervision:view' },
      schema: { tags, summary: '导出包联督导情况（XLSX，包联单位一览）', querystring: SupervisionQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const r = await supervisionReport(db, callerOf(req), req.query);
      const paths = await unitNamePaths(db, r.units.map((u) => u.unitId));
      return sendRowsXlsx(reply, exportFileName(`${r.supervisorName}${r.year}年包联督导情况`, clock.today()), '包联单位', SUPERVISION_COLUMNS, supervisionSheetRows(r, paths));
    },
  );
  app.get(
    '/api/points/supervisors',
    {
      config: { permission: 'points:supervision:view' },
      schema: { tags, summary: '督导员一览：包联单位数、列席与点评次数', querystring: SupervisorsQuery, response: { 200: SupervisorSummaryList } },
    },
    async (req) => supervisorSummaries(db, callerOf(req), req.query.year),
  );
  app.get(
    '/api/points/supervisors/export',
    {
      config: { permission: 'points:supervision:view' },
      schema: { tags, summary: '导出督导员一览（XLSX）', querystring: SupervisorsQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) =>
      sendRowsXlsx(reply, exportFileName(`${req.query.year}年督导员一览`, clock.today()), '督导员', SUPERVISOR_COLUMNS, await supervisorSummaries(db, callerOf(req), req.query.year)),
  );

  // ---- 我的积分 ----
  app.get(
    '/api/points/me',
    { config: { permission: 'points:ledger:read' }, schema: { tags, summary: '我的积分：本期得分、在本单位的排名、分类与各月', querystring: MyPointsQuery, response: { 200: MyPoints } } },
    async (req) => myPoints(db, callerOf(req), req.query.periodKey),
  );
}
