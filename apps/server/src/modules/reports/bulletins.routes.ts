import {
  Bulletin, BulletinList, BulletinVersionQuery, BulletinListQuery, BulletinTemplateList, CreateBulletinBody, IdParams, IssueBulletinBody, Ok, SaveSummaryBody,
  SummaryDraft, SummaryDraftQuery, UpdateBulletinBody, VersionBody, WorkSummary,
} from '@luoshi/contract';
import { shanghaiDate } from '../../platform/calendar.ts';
import { docxToPdf } from '../../platform/docx.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { excelDate, excelTime, exportFileName, sendListXlsx, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { attachmentHeader } from '../../platform/files.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import {
  bulletinDocx, createBulletin, deleteBulletin, getBulletin, issueBulletin, listBulletins, markRead, refreshBulletin, updateBulletin,
} from './bulletins.ts';
import { getSummary, saveSummary, summaryDocx, summaryDraft } from './summaries.ts';
import { TEMPLATES } from './templates.ts';

const tags = ['reports'];
const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const READ = 'reports:bulletin:read' as const;
const WRITE = 'reports:bulletin:write' as const;

/** 通报 (drafted from live data, issued with a 发文字号) and 工作总结. */
export function registerBulletinRoutes(app: App, { db }: Deps) {
  app.get(
    '/api/bulletins/templates',
    { config: { permission: READ }, schema: { tags, summary: '通报模板', response: { 200: BulletinTemplateList } } },
    async () => ({ data: TEMPLATES }),
  );
  app.get(
    '/api/bulletins',
    { config: { permission: READ }, schema: { tags, summary: '通报列表（草稿仅起草者范围内可见）', querystring: BulletinListQuery, response: { 200: BulletinList } } },
    async (req) => listBulletins(db, callerOf(req), req.query),
  );
  app.get(
    '/api/bulletins/export',
    {
      config: { permission: READ },
      schema: { tags, summary: '导出通报列表（XLSX，按当前筛选条件）', querystring: BulletinListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('通报'),
        sheetName: '通报',
        columns: [
          { header: '发文字号', key: 'docNumber', width: 18 },
          { header: '标题', key: 'title', width: 48 },
          { header: '通报类型', key: 'templateName', width: 16 },
          { header: '期间', key: 'periodLabel', width: 22 },
          { header: '通报范围', key: 'scopeUnitName', width: 22 },
          { header: '状态', key: 'status', width: 8 },
          { header: '成文日期', key: 'signatureDate', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '印发时间', key: 'issuedAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '本单位阅知', key: 'readAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
        ],
        fetchPage: (page, pageSize) => listBulletins(db, caller, { ...req.query, page, pageSize }),
        toRow: (b) => ({
          docNumber: b.docNumber ?? '',
          title: b.title,
          templateName: b.templateName,
          periodLabel: b.periodLabel,
          scopeUnitName: b.scopeUnitName,
          status: b.status === 'issued' ? '已印发' : '草稿',
          signatureDate: b.status === 'issued' ? excelDate(b.signatureDate) : null,
          issuedAt: excelTime(b.issuedAt),
          readAt: excelTime(b.readAt),
        }),
        unitPath: { db, unitIdOf: (b) => b.scopeUnitId },
      });
    },
  );
  app.post(
    '/api/bulletins',
    { config: { permission: WRITE }, schema: { tags, summary: '按模板从实时数据起草通报', body: CreateBulletinBody, response: { 201: Bulletin } } },
    async (req, reply) => {
      const caller = callerOf(req);
      const id = await db.transaction((tx) => createBulletin(tx, caller, actorOf(req), req.body, shanghaiDate()));
      return reply.code(201).send(await getBulletin(db, caller, id));
    },
  );
  app.get(
    '/api/bulletins/:id',
    { config: { permission: READ }, schema: { tags, summary: '通报详情', params: IdParams, response: { 200: Bulletin } } },
    async (req) => getBulletin(db, callerOf(req), req.params.id),
  );
  app.put(
    '/api/bulletins/:id',
    { config: { permission: WRITE }, schema: { tags, summary: '修改通报草稿（标题、主送、正文、落款、版记）', params: IdParams, body: UpdateBulletinBody, response: { 200: Bulletin } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => updateBulletin(tx, caller, actorOf(req), req.params.id, req.body));
      return getBulletin(db, caller, req.params.id);
    },
  );
  app.post(
    '/api/bulletins/:id/refresh',
    { config: { permission: WRITE }, schema: { tags, summary: '用最新数据重新生成草稿', params: IdParams, body: VersionBody, response: { 200: Bulletin } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => refreshBulletin(tx, caller, actorOf(req), req.params.id, req.body.version, shanghaiDate()));
      return getBulletin(db, caller, req.params.id);
    },
  );
  app.post(
    '/api/bulletins/:id/issue',
    { config: { permission: WRITE }, schema: { tags, summary: '印发：编发文字号，固定数据和正文，发送至范围内及点名单位', params: IdParams, body: IssueBulletinBody, response: { 200: Bulletin } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => issueBulletin(tx, caller, actorOf(req), req.params.id, req.body, shanghaiDate()));
      return getBulletin(db, caller, req.params.id);
    },
  );
  app.delete(
    '/api/bulletins/:id',
    { config: { permission: WRITE }, schema: { tags, summary: '删除草稿（已印发的不能删除）', params: IdParams, querystring: BulletinVersionQuery, response: { 200: Ok } } },
    async (req) => {
      await db.transaction((tx) => deleteBulletin(tx, callerOf(req), actorOf(req), req.params.id, req.query.version));
      return { ok: true as const };
    },
  );
  app.post(
    '/api/bulletins/:id/read',
    { config: { permission: READ }, schema: { tags, summary: '本单位标记已阅', params: IdParams, response: { 200: Ok } } },
    async (req) => {
      await db.transaction((tx) => markRead(tx, callerOf(req), actorOf(req), req.params.id));
      return { ok: true as const };
    },
  );
  app.get(
    '/api/bulletins/:id/docx',
    { config: { permission: READ }, schema: { tags, summary: '下载 Word（GB/T 9704 版式）', params: IdParams } },
    async (req, reply) => {
      const { buffer, fileName } = await bulletinDocx(db, callerOf(req), req.params.id);
      return reply.header('content-type', DOCX_MIME).header('content-disposition', attachmentHeader(fileName)).send(buffer);
    },
  );
  app.get(
    '/api/bulletins/:id/pdf',
    { config: { permission: READ }, schema: { tags, summary: '下载 PDF（需本机安装 LibreOffice）', params: IdParams } },
    async (req, reply) => {
      const { buffer, fileName } = await bulletinDocx(db, callerOf(req), req.params.id);
      const pdf = await docxToPdf(buffer);
      if (!pdf) throw new AppError(503, 'PDF_UNAVAILABLE', '本机未安装 LibreOffice，暂不能生成 PDF，请下载 Word 版');
      return reply.header('content-type', 'application/pdf').header('content-disposition', attachmentHeader(fileName.replace(/\.docx$/, '.pdf'))).send(pdf);
    },
  );

  // ---- 工作总结 ----
  const summaryRead = (req: Parameters<typeof callerOf>[0]) => {
    const caller = callerOf(req);
    if (!caller.permissions.has('reports:summary:write') && !caller.permissions.has('reports:dashboard:read')) throw forbidden();
    return caller;
  };
  app.get(
    '/api/summaries/draft',
    { schema: { tags, summary: '工作总结：按单位和期间从数据生成数字段落（每个数字附记录链接）', querystring: SummaryDraftQuery, response: { 200: SummaryDraft } } },
    async (req) => summaryDraft(db, summaryRead(req), req.query.unitId, req.query.period, shanghaiDate()),
  );
  app.put(
    '/api/summaries',
    { config: { permission: 'reports:summary:write' }, schema: { tags, summary: '保存工作总结（单位+期间，version 0 为新建）', body: SaveSummaryBody, response: { 200: WorkSummary } } },
    async (req) => db.transaction((tx) => saveSummary(tx, callerOf(req), actorOf(req), req.body, shanghaiDate())),
  );
  app.get(
    '/api/summaries/:id',
    { schema: { tags, summary: '工作总结详情', params: IdParams, response: { 200: WorkSummary } } },
    async (req) => getSummary(db, summaryRead(req), req.params.id),
  );
  app.get(
    '/api/summaries/:id/docx',
    { schema: { tags, summary: '下载工作总结 Word', params: IdParams } },
    async (req, reply) => {
      const { buffer, fileName } = await summaryDocx(db, summaryRead(req), req.params.id, shanghaiDate());
      return reply.header('content-type', DOCX_MIME).header('content-disposition', attachmentHeader(fileName)).send(buffer);
    },
  );
}
