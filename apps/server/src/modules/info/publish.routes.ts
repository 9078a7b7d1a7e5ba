import fs from 'node:fs';
import {
  AdoptInfoBody, CreateInfoIssueBody, DeleteVersionQuery, FileRef, IdParams, InfoAdoption, InfoInstruction, InfoIssue, InfoIssueList,
  InfoIssueListQuery, InfoMediaReport, InfoMediaReportList, InfoMediaReportListQuery, InfoPublication, InfoPublicationList, InfoStats,
  InfoStatsQuery, InfoTarget, InfoTargetExportQuery, InfoTargetList, InfoTargetListQuery, InstructInfoBody, IssueInfoIssueBody, Ok,
  SaveInfoMediaReportBody, SaveInfoPublicationBody, SaveInfoTargetBody, UpdateInfoIssueBody, UpdateInfoPublicationBody,
} from '@luoshi/contract';
import { docxToPdf } from '../../platform/docx.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { excelDate, exportFileName, sendListXlsx, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { attachmentHeader, filePath, sendStoredFile, uploadOwnFile } from '../../platform/files.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { sendXlsx } from '../org/xlsx.ts';
import { adoptItem, instructItem, presentAdoptions, presentInstructions, removeAdoption, visibleInfoFile } from './adoption.ts';
import { createIssue, getIssue, issueDocx, issueIssue, listIssues, listPublications, savePublication, updateIssue } from './issues.ts';
import {
  createMedia, deleteMedia, deleteTarget, getMedia, getTarget, listMedia, listTargets, saveTarget, TARGET_COLUMNS, targetExportRows, updateMedia,
} from './media.ts';
import { infoStats, statsColumns, statsExportRows } from './stats.ts';

const tags = ['info'];
const multipart = ['multipart/form-data'];
const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** 采用、批示、期刊、媒体报道、目标任务、统计. */
export function registerPublishRoutes(app: App, { db, config }: Deps) {
  // ---- 采用、批示 ----
  app.post(
    '/api/info/items/:id/adoptions',
    {
      config: { permission: 'info:item:adopt' },
      schema: {
        tags,
        summary: '采用信息：编入期刊（正在编辑的一期，或新开下一期），或登记外部媒体/机关采用（须附链接或扫描件）',
        params: IdParams,
        body: AdoptInfoBody,
        response: { 201: InfoAdoption },
      },
    },
    async (req, reply) => {
      const id = await db.transaction((tx) => adoptItem(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return reply.code(201).send((await presentAdoptions(db, { ids: [id] }))[0]);
    },
  );
  app.delete(
    '/api/info/adoptions/:id',
    {
      config: { permission: 'info:item:adopt' },
      schema: { tags, summary: '从编辑中的一期撤出信息（印发后或外部采用不能撤出）', params: IdParams, response: { 200: Ok } },
    },
    async (req) => {
      await db.transaction((tx) => removeAdoption(tx, callerOf(req), actorOf(req), req.params.id));
      return { ok: true as const };
    },
  );
  app.post(
    '/api/info/items/:id/instructions',
    {
      config: { permission: 'info:item:adopt' },
      schema: { tags, summary: '登记领导批示（已审定或已采用的信息）', params: IdParams, body: InstructInfoBody, response: { 201: InfoInstruction } },
    },
    async (req, reply) => {
      const id = await db.transaction((tx) => instructItem(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return reply.code(201).send((await presentInstructions(db, { ids: [id] }))[0]);
    },
  );

  // ---- 文件：正文图片、采用证明、批示扫描件 ----
  app.post(
    '/api/info/files',
    {
      config: { permission: 'info:item:read' },
      schema: { tags, summary: '上传信息正文图片或采用证明、批示扫描件（字段 file；图片或 PDF）', consumes: multipart, response: { 201: FileRef } },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      if (!caller.permissions.has('info:item:submit') && !caller.permissions.has('info:item:adopt')) throw forbidden();
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件');
      return reply.code(201).send(await uploadOwnFile(db, config.dataDir, caller, actorOf(req), await req.file()));
    },
  );
  app.get(
    '/api/info/files/:id',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '下载或显示信息模块的文件（本人上传的，或可见信息中的图片、证明）', params: IdParams } },
    async (req, reply) => {
      const file = await visibleInfoFile(db, callerOf(req), req.params.id);
      if (!file.mime.startsWith('image/')) return sendStoredFile(reply, config.dataDir, file);
      // images of a body are shown in the page, not downloaded
      return reply
        .header('content-type', file.mime)
        .header('content-length', file.size)
        .header('content-disposition', attachmentHeader(file.originalName).replace(/^attachment/, 'inline'))
        .send(fs.createReadStream(filePath(config.dataDir, file)));
    },
  );

  // ---- 期刊 ----
  app.get(
    '/api/info/publications',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '期刊列表（信息专报、工作简报…）', response: { 200: InfoPublicationList } } },
    async () => listPublications(db),
  );
  app.post(
    '/api/info/publications',
    { config: { permission: 'info:settings:write' }, schema: { tags, summary: '新增期刊', body: SaveInfoPublicationBody, response: { 201: InfoPublication } } },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => savePublication(tx, actorOf(req), null, req.body))),
  );
  app.put(
    '/api/info/publications/:id',
    { config: { permission: 'info:settings:write' }, schema: { tags, summary: '修改期刊', params: IdParams, body: UpdateInfoPublicationBody, response: { 200: InfoPublication } } },
    async (req) => db.transaction((tx) => savePublication(tx, actorOf(req), req.params.id, req.body)),
  );
  app.get(
    '/api/info/issues',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '期刊期次列表', querystring: InfoIssueListQuery, response: { 200: InfoIssueList } } },
    async (req) => listIssues(db, callerOf(req), req.query),
  );
  app.get(
    '/api/info/issues/export',
    {
      config: { permission: 'info:item:read' },
      schema: { tags, summary: '导出期刊期次列表（XLSX，按当前筛选条件）', querystring: InfoIssueListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('信息期刊'),
        sheetName: '期刊期次',
        columns: [
          { header: '期刊', key: 'publicationName', width: 16 },
          { header: '年度', key: 'year', width: 8 },
          { header: '期次', key: 'label', width: 30 },
          { header: '出刊日期', key: 'issueDate', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '条数', key: 'itemCount', width: 8 },
          { header: '状态', key: 'status', width: 8 },
          { header: '编者按', key: 'editorNote', width: 40 },
        ],
        fetchPage: (page, pageSize) => listIssues(db, caller, { ...req.query, page, pageSize }),
        toRow: (i) => ({
          publicationName: i.publicationName,
          year: i.year,
          label: i.label,
          issueDate: excelDate(i.issueDate),
          itemCount: i.itemCount,
          status: i.status === 'issued' ? '已印发' : '编辑中',
          editorNote: i.editorNote ?? '',
        }),
      });
    },
  );
  app.post(
    '/api/info/issues',
    { config: { permission: 'info:item:adopt' }, schema: { tags, summary: '新开一期（按期刊和年度连续编号）', body: CreateInfoIssueBody, response: { 201: InfoIssue } } },
    async (req, reply) => {
      const caller = callerOf(req);
      const row = await db.transaction((tx) => createIssue(tx, actorOf(req), caller.userId, req.body));
      return reply.code(201).send(await getIssue(db, caller, row.id));
    },
  );
  app.get(
    '/api/info/issues/:id',
    {
      config: { permission: 'info:item:read' },
      schema: { tags, summary: '一期的内容与编排（编辑中的仅编辑人员可见，已印发的发送范围内可见）', params: IdParams, response: { 200: InfoIssue } },
    },
    async (req) => getIssue(db, callerOf(req), req.params.id),
  );
  app.put(
    '/api/info/issues/:id',
    {
      config: { permission: 'info:item:adopt' },
      schema: { tags, summary: '编排一期：信息顺序、按语、印发日期、编者按、版记（印发后不能修改）', params: IdParams, body: UpdateInfoIssueBody, response: { 200: InfoIssue } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => updateIssue(tx, caller, actorOf(req), req.params.id, req.body));
      return getIssue(db, caller, req.params.id);
    },
  );
  app.post(
    '/api/info/issues/:id/issue',
    {
      config: { permission: 'info:item:adopt' },
      schema: { tags, summary: '印发：定稿，本期所采用的信息计入积分', params: IdParams, body: IssueInfoIssueBody, response: { 200: InfoIssue } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => issueIssue(tx, caller, actorOf(req), req.params.id, req.body.version));
      return getIssue(db, caller, req.params.id);
    },
  );
  app.get(
    '/api/info/issues/:id/docx',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '下载一期的 Word 文档（GB/T 9704 版式）', params: IdParams } },
    async (req, reply) => {
      const { buffer, fileName } = await issueDocx(db, callerOf(req), req.params.id);
      return reply.header('content-type', DOCX_MIME).header('content-disposition', attachmentHeader(fileName)).send(buffer);
    },
  );
  app.get(
    '/api/info/issues/:id/pdf',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '下载一期的 PDF（需本机安装 LibreOffice）', params: IdParams } },
    async (req, reply) => {
      const { buffer, fileName } = await issueDocx(db, callerOf(req), req.params.id);
      const pdf = await docxToPdf(buffer);
      if (!pdf) throw new AppError(503, 'PDF_UNAVAILABLE', '本机未安装 LibreOffice，暂不能生成 PDF');
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', attachmentHeader(fileName.replace(/\.docx$/, '.pdf')))
        .send(pdf);
    },
  );

  // ---- 媒体报道 ----
  app.get(
    '/api/info/media',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '媒体报道列表', querystring: InfoMediaReportListQuery, response: { 200: InfoMediaReportList } } },
    async (req) => listMedia(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/info/media/export',
    {
      config: { permission: 'info:item:read' },
      schema: { tags, summary: '导出媒体报道列表（XLSX，按当前筛选条件）', querystring: InfoMediaReportListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('媒体报道'),
        sheetName: '媒体报道',
        columns: [
          { header: '标题', key: 'title', width: 40 },
          { header: '媒体', key: 'outlet', width: 20 },
          { header: '级别', key: 'level', width: 10 },
          { header: '刊发日期', key: 'publishedOn', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '记者', key: 'reporterName', width: 12 },
          { header: '链接', key: 'link', width: 40 },
        ],
        fetchPage: (page, pageSize) => listMedia(db, scope, { ...req.query, page, pageSize }),
        toRow: (m) => ({ title: m.title, outlet: m.outlet, level: m.level, publishedOn: excelDate(m.publishedOn), unitName: m.unitName, reporterName: m.reporterName ?? '', link: m.link ?? '' }),
        unitPath: { db, unitIdOf: (m) => m.unitId },
      });
    },
  );
  app.post(
    '/api/info/media',
    {
      config: { permission: 'info:media:write' },
      schema: { tags, summary: '登记媒体报道（同一提交标识只登记一条）', body: SaveInfoMediaReportBody, response: { 200: InfoMediaReport, 201: InfoMediaReport } },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const { id, created } = await db.transaction((tx) => createMedia(tx, caller, actorOf(req), req.body));
      return reply.code(created ? 201 : 200).send(await getMedia(db, caller.scope, id));
    },
  );
  app.get(
    '/api/info/media/:id',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '媒体报道详情', params: IdParams, response: { 200: InfoMediaReport } } },
    async (req) => getMedia(db, callerOf(req).scope, req.params.id),
  );
  app.put(
    '/api/info/media/:id',
    { config: { permission: 'info:media:write' }, schema: { tags, summary: '修改媒体报道', params: IdParams, body: SaveInfoMediaReportBody, response: { 200: InfoMediaReport } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => updateMedia(tx, caller, actorOf(req), req.params.id, req.body));
      return getMedia(db, caller.scope, req.params.id);
    },
  );
  app.delete(
    '/api/info/media/:id',
    { config: { permission: 'info:media:write' }, schema: { tags, summary: '删除媒体报道', params: IdParams, querystring: DeleteVersionQuery, response: { 200: Ok } } },
    async (req) => {
      await db.transaction((tx) => deleteMedia(tx, callerOf(req), actorOf(req), req.params.id, req.query.version));
      return { ok: true as const };
    },
  );

  // ---- 目标任务 ----
  app.get(
    '/api/info/targets',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '宣传目标任务及完成情况', querystring: InfoTargetListQuery, response: { 200: InfoTargetList } } },
    async (req) => listTargets(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/info/targets/export',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '导出宣传目标任务完成情况（XLSX）', querystring: InfoTargetExportQuery } },
    async (req, reply) => {
      const q = req.query;
      const rows = await targetExportRows(db, callerOf(req).scope, q);
      return sendXlsx(reply, `${q.year}年${q.month ? `${q.month}月` : ''}宣传目标任务完成情况.xlsx`, '目标任务', TARGET_COLUMNS, rows);
    },
  );
  app.put(
    '/api/info/targets',
    { config: { permission: 'info:settings:write' }, schema: { tags, summary: '设定一项目标任务（已有则修改）', body: SaveInfoTargetBody, response: { 200: InfoTarget } } },
    async (req) => getTarget(db, await db.transaction((tx) => saveTarget(tx, callerOf(req), actorOf(req), req.body))),
  );
  app.delete(
    '/api/info/targets/:id',
    { config: { permission: 'info:settings:write' }, schema: { tags, summary: '删除目标任务', params: IdParams, response: { 200: Ok } } },
    async (req) => {
      await db.transaction((tx) => deleteTarget(tx, callerOf(req), actorOf(req), req.params.id));
      return { ok: true as const };
    },
  );

  // ---- 统计与排名 ----
  app.get(
    '/api/info/stats',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '信息工作统计与排名（按单位或作者）', querystring: InfoStatsQuery, response: { 200: InfoStats } } },
    async (req) => infoStats(db, callerOf(req), req.query),
  );
  app.get(
    '/api/info/stats/export',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '导出信息工作统计与排名（XLSX）', querystring: InfoStatsQuery } },
    async (req, reply) => {
      const stats = await infoStats(db, callerOf(req), req.query);
      const name = `信息工作统计（${stats.by === 'unit' ? '按单位' : '按作者'}）${stats.period}.xlsx`;
      return sendXlsx(reply, name, '统计与排名', statsColumns(stats.by), statsExportRows(stats));
    },
  );
}
