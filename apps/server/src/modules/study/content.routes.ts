import {
  REFLECTION_STATUSES, CreateReaderBody, CreateReadingLogBody, CreateReflectionBody, DesignatedReader, HalfYearQuery, HalfYearReport, IdParams,
  PublishReflectionBody, RankingList, RankingQuery, ReaderList, ReaderListQuery, ReadingLog, ReadingLogList, ReadingLogListQuery,
  ReadingProgressList, ReadingProgressQuery, Reflection, ReflectionList, ReflectionListQuery, ReviewReflectionBody, ScoreImport,
  ScoreImportList, ScoreImportListQuery, ScoreImportResult, ScoreMapping, SubmitReflectionBody, UpdateReaderBody,
  UpdateReadingLogBody, UpdateReflectionBody, WallQuery,
} from '@luoshi/contract';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { excelDate, excelTime, exportFileName, sendListXlsx, XLSX_RESPONSE } from '../../platform/export.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { sendXlsx, XLSX_MIME } from '../org/xlsx.ts';
import {
  createLog, createReader, getVisibleLog, getVisibleReader, listLogs, listReaders, presentLogById, presentReaderById,
  readingProgress, updateLog, updateReader,
} from './reading.ts';
import {
  createReflection, getVisibleReflection, listReflections, listWall, presentReflection, publishReflection, reviewReflection,
  submitReflection, updateReflection,
} from './reflections.ts';
import {
  confirmScoreImport, createScoreImport, halfYearExport, halfYearReport, listRanking, listScoreImports, mapScoreImport,
  presentScoreImport, rankingExport, readScoreUpload, scoreRanking,
} from './scores.ts';

const tags = ['study'];
const xlsxResponse = { 200: z.any().describe(`XLSX 文件（${XLSX_MIME}）`) };
const RankingExportQuery = RankingQuery.omit({ page: true, pageSize: true, sort: true });

/** 心得体会, 指定读本与读书记录, 学习平台积分. */
export function registerContentRoutes(app: App, { db }: Deps) {
  // ---- 心得体会 ----
  app.get(
    '/api/study/reflections',
    {
      config: { permission: 'study:reflection:write' },
      schema: { tags, summary: '心得体会列表（mine=true 为我的；审阅人看到本单位已提交的）', querystring: ReflectionListQuery, response: { 200: ReflectionList } },
    },
    async (req) => listReflections(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/reflections/export',
    {
      config: { permission: 'study:reflection:write' },
      schema: { tags, summary: '导出心得体会列表（XLSX，按当前筛选条件）', querystring: ReflectionListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('心得体会'),
        sheetName: '心得体会',
        columns: [
          { header: '标题', key: 'title', width: 36 },
          { header: '作者', key: 'authorName', width: 10 },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '读本', key: 'bookTitle', width: 20 },
          { header: '字数', key: 'wordCount', width: 8 },
          { header: '状态', key: 'status', width: 8 },
          { header: '提交时间', key: 'submittedAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '审阅人', key: 'reviewedByName', width: 10 },
          { header: '审阅意见', key: 'reviewComment', width: 30 },
          { header: '最高相似度', key: 'similarity', width: 10, numFmt: '0%' },
        ],
        fetchPage: (page, pageSize) => listReflections(db, scope, { ...req.query, page, pageSize }),
        toRow: (r) => ({
          title: r.title,
          authorName: r.authorName,
          unitName: r.unitName,
          bookTitle: r.bookTitle ?? '',
          wordCount: r.wordCount,
          status: REFLECTION_STATUSES[r.status],
          submittedAt: excelTime(r.submittedAt),
          reviewedByName: r.reviewedByName ?? '',
          reviewComment: r.reviewComment ?? '',
          similarity: r.similarity,
        }),
        unitPath: { db, unitIdOf: (r) => r.unitId },
      });
    },
  );
  app.post(
    '/api/study/reflections',
    { config: { permission: 'study:reflection:write' }, schema: { tags, summary: '撰写心得体会（保存为草稿）', body: CreateReflectionBody, response: { 201: Reflection } } },
    async (req, reply) => {
      const caller = callerOf(req);
      const row = await db.transaction((tx) => createReflection(tx, caller, actorOf(req), req.body));
      return reply.code(201).send(await presentReflection(db, caller.scope, row.id));
    },
  );
  app.get(
    '/api/study/reflections/:id',
    { config: { permission: 'study:reflection:write' }, schema: { tags, summary: '心得体会详情（含查重结果）', params: IdParams, response: { 200: Reflection } } },
    async (req) => {
      const scope = callerOf(req).scope;
      await getVisibleReflection(db, scope, req.params.id);
      return presentReflection(db, scope, req.params.id);
    },
  );
  app.patch(
    '/api/study/reflections/:id',
    {
      config: { permission: 'study:reflection:write' },
      schema: { tags, summary: '修改心得体会（草稿或退回修改时，作者本人）', params: IdParams, body: UpdateReflectionBody, response: { 200: Reflection } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => updateReflection(tx, caller, actorOf(req), req.params.id, req.body));
      return presentReflection(db, caller.scope, req.params.id);
    },
  );
  app.post(
    '/api/study/reflections/:id/submit',
    {
      config: { permission: 'study:reflection:write' },
      schema: { tags, summary: '提交心得体会审阅（同时与此前的心得体会查重）', params: IdParams, body: SubmitReflectionBody, response: { 200: Reflection } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => submitReflection(tx, caller, actorOf(req), req.params.id, req.body.version));
      return presentReflection(db, caller.scope, req.params.id);
    },
  );
  app.post(
    '/api/study/reflections/:id/review',
    {
      config: { permission: 'study:reflection:review' },
      schema: { tags, summary: '审阅心得体会：合格、优秀或退回修改（退回须填写意见）', params: IdParams, body: ReviewReflectionBody, response: { 200: Reflection } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => reviewReflection(tx, caller, actorOf(req), req.params.id, req.body));
      return presentReflection(db, caller.scope, req.params.id);
    },
  );
  app.post(
    '/api/study/reflections/:id/publish',
    {
      config: { permission: 'study:reflection:review' },
      schema: { tags, summary: '将优秀心得体会发布到学习园地（published=false 撤下）', params: IdParams, body: PublishReflectionBody, response: { 200: Reflection } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => publishReflection(tx, caller, actorOf(req), req.params.id, req.body));
      return presentReflection(db, caller.scope, req.params.id);
    },
  );
  app.get(
    '/api/study/wall',
    {
      config: { permission: 'study:reflection:write' },
      schema: { tags, summary: '学习园地：已发布的优秀心得体会', querystring: WallQuery, response: { 200: ReflectionList } },
    },
    async (req) => listWall(db, callerOf(req).scope, req.query),
  );

  // ---- 指定读本 ----
  app.get(
    '/api/study/readers',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '指定读本列表', querystring: ReaderListQuery, response: { 200: ReaderList } } },
    async (req) => listReaders(db, callerOf(req).scope, req.query),
  );
  app.post(
    '/api/study/readers',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '设定专项行动的指定读本', body: CreateReaderBody, response: { 201: DesignatedReader } } },
    async (req, reply) => {
      const row = await db.transaction((tx) => createReader(tx, callerOf(req), actorOf(req), req.body));
      return reply.code(201).send(await presentReaderById(db, row.id));
    },
  );
  app.get(
    '/api/study/readers/:id',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '指定读本详情', params: IdParams, response: { 200: DesignatedReader } } },
    async (req) => {
      await getVisibleReader(db, callerOf(req).scope, req.params.id);
      return presentReaderById(db, req.params.id);
    },
  );
  app.patch(
    '/api/study/readers/:id',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '修改指定读本', params: IdParams, body: UpdateReaderBody, response: { 200: DesignatedReader } } },
    async (req) => {
      await db.transaction((tx) => updateReader(tx, callerOf(req).scope, actorOf(req), req.params.id, req.body));
      return presentReaderById(db, req.params.id);
    },
  );

  // ---- 读书记录 ----
  app.get(
    '/api/study/reading-logs',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '读书记录列表（mine=true 为我的）', querystring: ReadingLogListQuery, response: { 200: ReadingLogList } } },
    async (req) => listLogs(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/reading-logs/export',
    {
      config: { permission: 'study:reading:write' },
      schema: { tags, summary: '导出读书记录列表（XLSX，按当前筛选条件）', querystring: ReadingLogListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('读书记录'),
        sheetName: '读书记录',
        columns: [
          { header: '姓名', key: 'personName', width: 10 },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '书名', key: 'bookTitle', width: 30 },
          { header: '作者', key: 'author', width: 14 },
          { header: '指定读本', key: 'designated', width: 8 },
          { header: '开始日期', key: 'startDate', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '读完日期', key: 'finishDate', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '备注', key: 'notes', width: 30 },
        ],
        fetchPage: (page, pageSize) => listLogs(db, scope, { ...req.query, page, pageSize }),
        toRow: (l) => ({
          personName: l.personName,
          unitName: l.unitName,
          bookTitle: l.bookTitle,
          author: l.author ?? '',
          designated: l.designatedReaderId ? '是' : '否',
          startDate: excelDate(l.startDate),
          finishDate: excelDate(l.finishDate),
          notes: l.notes ?? '',
        }),
        unitPath: { db, unitIdOf: (l) => l.unitId },
      });
    },
  );
  app.post(
    '/api/study/reading-logs',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '登记读书记录（默认本人）', body: CreateReadingLogBody, response: { 201: ReadingLog } } },
    async (req, reply) => {
      const row = await db.transaction((tx) => createLog(tx, callerOf(req), actorOf(req), req.body));
      return reply.code(201).send(await presentLogById(db, row.id));
    },
  );
  app.get(
    '/api/study/reading-logs/:id',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '读书记录详情', params: IdParams, response: { 200: ReadingLog } } },
    async (req) => {
      await getVisibleLog(db, callerOf(req).scope, req.params.id);
      return presentLogById(db, req.params.id);
    },
  );
  app.patch(
    '/api/study/reading-logs/:id',
    { config: { permission: 'study:reading:write' }, schema: { tags, summary: '修改读书记录', params: IdParams, body: UpdateReadingLogBody, response: { 200: ReadingLog } } },
    async (req) => {
      await db.transaction((tx) => updateLog(tx, callerOf(req).scope, actorOf(req), req.params.id, req.body));
      return presentLogById(db, req.params.id);
    },
  );
  app.get(
    '/api/study/reading/progress',
    {
      config: { permission: 'study:reading:write' },
      schema: { tags, summary: '每月读一本好书进度：每人本年读完的书、有读书的月份、指定读本完成情况', querystring: ReadingProgressQuery, response: { 200: ReadingProgressList } },
    },
    async (req) => readingProgress(db, callerOf(req).scope, req.query),
  );

  // ---- 学习平台积分 ----
  app.post(
    '/api/study/scores/imports',
    {
      config: { permission: 'study:score:import' },
      schema: {
        tags,
        summary: '导入学习平台积分：上传 .xlsx 或 .csv（字段 file、platform、month、ruleVersion），返回表头供选择列',
        consumes: ['multipart/form-data'],
        response: { 201: ScoreImport },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件');
      const caller = callerOf(req);
      const { file, fields } = await readScoreUpload(req.parts());
      const id = await createScoreImport(db, caller, fields, file);
      return reply.code(201).send(await presentScoreImport(db, caller, id));
    },
  );
  app.get(
    '/api/study/scores/imports',
    { config: { permission: 'study:score:import' }, schema: { tags, summary: '积分导入记录（含积分规则版本）', querystring: ScoreImportListQuery, response: { 200: ScoreImportList } } },
    async (req) => listScoreImports(db, callerOf(req), req.query),
  );
  app.get(
    '/api/study/scores/imports/:id',
    { config: { permission: 'study:score:import' }, schema: { tags, summary: '积分导入批次（本人上传的）', params: IdParams, response: { 200: ScoreImport } } },
    async (req) => presentScoreImport(db, callerOf(req), req.params.id),
  );
  app.post(
    '/api/study/scores/imports/:id/mapping',
    {
      config: { permission: 'study:score:import' },
      schema: { tags, summary: '选择姓名、单位或手机号、积分所在列：预览匹配到的人员和每一条未匹配的行', params: IdParams, body: ScoreMapping, response: { 200: ScoreImport } },
    },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => mapScoreImport(tx, caller, req.params.id, req.body));
      return presentScoreImport(db, caller, req.params.id);
    },
  );
  app.post(
    '/api/study/scores/imports/:id/confirm',
    {
      config: { permission: 'study:score:import' },
      schema: { tags, summary: '确认导入：在一个事务中写入全部匹配的行（同平台同月同人替换原积分）', params: IdParams, response: { 200: ScoreImportResult } },
    },
    async (req) => db.transaction((tx) => confirmScoreImport(tx, callerOf(req), actorOf(req), req.params.id)),
  );
  app.get(
    '/api/study/scores/ranking',
    {
      config: { permission: 'study:score:read' },
      schema: { tags, summary: '一月一汇总：个人按积分排名，或单位按人均积分排名', querystring: RankingQuery, response: { 200: RankingList } },
    },
    async (req) => listRanking(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/scores/ranking/export.xlsx',
    { config: { permission: 'study:score:read' }, schema: { tags, summary: '导出月度积分排名（XLSX）', querystring: RankingExportQuery, response: xlsxResponse, produces: [XLSX_MIME] } },
    async (req, reply) => {
      const { rows } = await scoreRanking(db, callerOf(req).scope, req.query, null);
      const what = req.query.by === 'person' ? '个人' : '单位';
      return sendXlsx(reply, `${req.query.platform}${req.query.month}${what}积分排名.xlsx`, `${what}排名`, rankingExport(req.query.by), rows);
    },
  );
  app.get(
    '/api/study/scores/half-year',
    { config: { permission: 'study:score:read' }, schema: { tags, summary: '半年一通报：各单位逐月人均积分与半年人均，排名', querystring: HalfYearQuery, response: { 200: HalfYearReport } } },
    async (req) => halfYearReport(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/scores/half-year/export.xlsx',
    { config: { permission: 'study:score:read' }, schema: { tags, summary: '导出半年积分通报表（XLSX）', querystring: HalfYearQuery, response: xlsxResponse, produces: [XLSX_MIME] } },
    async (req, reply) => {
      const report = await halfYearReport(db, callerOf(req).scope, req.query);
      const { columns, rows } = halfYearExport(report);
      const half = report.half === 1 ? '上半年' : '下半年';
      return sendXlsx(reply, `${report.platform}${report.year}年${half}积分通报.xlsx`, '半年通报', columns, rows);
    },
  );
}
