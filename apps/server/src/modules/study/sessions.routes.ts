import {
  STUDY_SESSION_STATUSES, AttendanceQuery, AttendanceReport, CancelStudySessionBody, CoverageRule, CoverageWeekDetail, CoverageWeekList,
  CoverageWeekListQuery, CreateStudySessionBody, CreateStudySessionCommentBody, CreateStudySessionTypeBody,
  CreateStudySupervisionBody, FileRef, FileStudySessionBody, Id, IdParams, Ok, PutCoverageRulesBody, RecordStudySessionBody,
  StudySession, StudySessionComment, StudySessionList, StudySessionListQuery, StudySessionType, StudySupervision,
  StudySupervisionList, StudySupervisionListQuery, UpdateStudySessionBody, UpdateStudySessionTypeBody, WeekParams,
} from '@luoshi/contract';
import { z } from 'zod';
import { shanghaiDate } from '../../platform/calendar.ts';
import { AppError, conflict } from '../../platform/errors.ts';
import { excelDate, excelTime, exportFileName, sendListXlsx, sendRowsXlsx, XLSX_MIME, XLSX_RESPONSE, yesNo } from '../../platform/export.ts';
import { attachmentHeader, sendStoredFile, uploadOwnFile } from '../../platform/files.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { App, Deps } from '../../platform/types.ts';
import { checkWeek, confirmWeek, coverageRules, exportWeek, listWeeks, putCoverageRules, readWeek, runMissedChecks } from './coverage.ts';
import {
  createSessionType, createSupervision, deleteSupervision, ensureSessionTypes, listSessionTypes, listSupervisions,
  updateSessionType,
} from './sessions.dict.ts';
import {
  addComment, ATTENDANCE_COLUMNS, attendanceReport, attendanceSheetRows, cancelSession, createSession, fileSession, getVisibleSession, listComments, listSessions,
  presentComment, presentSession, recordSession, sessionFile, studyClock, updateSession,
} from './sessions.ts';

const tags = ['study'];
const multipart = ['multipart/form-data'];
const HOUR = 60 * 60 * 1000;

/** 学习活动、出勤、每周覆盖学与未学通报 */
export function registerSessionRoutes(app: App, { db, config }: Deps) {
  const today = () => shanghaiDate(studyClock.now());

  // The dictionary is there before the first request; the weekly check catches up at start and runs hourly.
  app.addHook('onReady', async () => {
    await ensureSessionTypes(db);
    await runMissedChecks(db, today()).catch((err) => app.log.error({ err }, 'weekly study coverage check failed'));
  });
  const timer = setInterval(() => {
    runMissedChecks(db, today()).catch((err) => app.log.error({ err }, 'weekly study coverage check failed'));
  }, HOUR);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));

  // 学习形式
  app.get(
    '/api/study/session-types',
    { schema: { tags, summary: '学习形式字典', response: { 200: z.array(StudySessionType) } } },
    async () => listSessionTypes(db),
  );
  app.post(
    '/api/study/session-types',
    { config: { permission: 'study:coverage:confirm' }, schema: { tags, summary: '新增学习形式', body: CreateStudySessionTypeBody, response: { 201: StudySessionType } } },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createSessionType(tx, actorOf(req), req.body))),
  );
  app.patch(
    '/api/study/session-types/:id',
    {
      config: { permission: 'study:coverage:confirm' },
      schema: { tags, summary: '修改学习形式（名称、排序、停用）', params: IdParams, body: UpdateStudySessionTypeBody, response: { 200: StudySessionType } },
    },
    async (req) => db.transaction((tx) => updateSessionType(tx, actorOf(req), req.params.id, req.body)),
  );

  // 包联
  app.get(
    '/api/study/supervisions',
    { config: { permission: 'study:session:read' }, schema: { tags, summary: '包联督导关系', querystring: StudySupervisionListQuery, response: { 200: StudySupervisionList } } },
    async (req) => listSupervisions(db, callerOf(req).scope, req.query),
  );
  app.post(
    '/api/study/supervisions',
    { config: { permission: 'study:coverage:confirm' }, schema: { tags, summary: '指定包联督导员', body: CreateStudySupervisionBody, response: { 201: StudySupervision } } },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createSupervision(tx, callerOf(req), actorOf(req), req.body))),
  );
  app.delete(
    '/api/study/supervisions/:id',
    { config: { permission: 'study:coverage:confirm' }, schema: { tags, summary: '解除包联关系', params: IdParams, response: { 200: Ok } } },
    async (req) => {
      await db.transaction((tx) => deleteSupervision(tx, callerOf(req).scope, actorOf(req), req.params.id));
      return { ok: true as const };
    },
  );

  // 学习活动
  app.post(
    '/api/study/uploads',
    { config: { permission: 'study:session:write' }, schema: { tags, summary: '上传学习材料或照片（字段 file），保存活动时引用', consumes: multipart, response: { 201: FileRef } } },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件');
      return reply.code(201).send(await uploadOwnFile(db, config.dataDir, callerOf(req), actorOf(req), await req.file()));
    },
  );
  app.get(
    '/api/study/sessions',
    { config: { permission: 'study:session:read' }, schema: { tags, summary: '学习活动列表', querystring: StudySessionListQuery, response: { 200: StudySessionList } } },
    async (req) => listSessions(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/sessions/export',
    {
      config: { permission: 'study:session:read' },
      schema: { tags, summary: '导出学习活动列表（XLSX，按当前筛选条件）', querystring: StudySessionListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('学习活动', today()),
        sheetName: '学习活动',
        columns: [
          { header: '学习主题', key: 'topic', width: 36 },
          { header: '学习形式', key: 'typeName', width: 14 },
          { header: '单位', key: 'unitName', width: 20 },
          { header: '学习小组', key: 'groupName', width: 16 },
          { header: '计划开始', key: 'plannedStart', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '计划结束', key: 'plannedEnd', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '地点', key: 'place', width: 16 },
          { header: '主讲人', key: 'presenter', width: 10 },
          { header: '状态', key: 'status', width: 8 },
          { header: '学前报备', key: 'preFiled', width: 8 },
          { header: '补报', key: 'late', width: 6 },
          { header: '实际开始', key: 'actualStart', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '时长(分钟)', key: 'durationMinutes', width: 10 },
          { header: '应到人数', key: 'expected', width: 8 },
          { header: '出勤率', key: 'attendanceRate', width: 8, numFmt: '0.0%' },
          { header: '取消原因', key: 'cancelReason', width: 20 },
        ],
        fetchPage: (page, pageSize) => listSessions(db, scope, { ...req.query, page, pageSize }),
        toRow: (x) => ({
          topic: x.topic,
          typeName: x.typeName,
          unitName: x.unitName,
          groupName: x.groupName ?? '',
          plannedStart: excelTime(x.plannedStart),
          plannedEnd: excelTime(x.plannedEnd),
          place: x.place ?? '',
          presenter: x.presenter ?? '',
          status: STUDY_SESSION_STATUSES[x.status],
          preFiled: yesNo(x.preFiled),
          late: yesNo(x.late),
          actualStart: excelTime(x.actualStart),
          durationMinutes: x.durationMinutes,
          expected: x.attendance.length,
          attendanceRate: x.attendanceRate,
          cancelReason: x.cancelReason ?? '',
        }),
        unitPath: { db, unitIdOf: (x) => x.unitId },
      });
    },
  );
  app.post(
    '/api/study/sessions',
    { config: { permission: 'study:session:write' }, schema: { tags, summary: '新建学习计划', body: CreateStudySessionBody, response: { 201: StudySession } } },
    async (req, reply) => {
      const row = await db.transaction((tx) => createSession(tx, callerOf(req), actorOf(req), req.body));
      return reply.code(201).send(await presentSession(db, row.id));
    },
  );
  app.get(
    '/api/study/sessions/:id',
    { config: { permission: 'study:session:read' }, schema: { tags, summary: '学习活动详情', params: IdParams, response: { 200: StudySession } } },
    async (req) => {
      await getVisibleSession(db, callerOf(req).scope, req.params.id);
      return presentSession(db, req.params.id);
    },
  );
  app.patch(
    '/api/study/sessions/:id',
    { config: { permission: 'study:session:write' }, schema: { tags, summary: '修改学习活动', params: IdParams, body: UpdateStudySessionBody, response: { 200: StudySession } } },
    async (req) => {
      await db.transaction((tx) => updateSession(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return presentSession(db, req.params.id);
    },
  );
  app.post(
    '/api/study/sessions/:id/file',
    {
      config: { permission: 'study:session:write' },
      schema: { tags, summary: '学前报备（开始后报备记为补报）', params: IdParams, body: FileStudySessionBody, response: { 200: StudySession } },
    },
    async (req) => {
      await db.transaction((tx) => fileSession(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return presentSession(db, req.params.id);
    },
  );
  app.post(
    '/api/study/sessions/:id/record',
    {
      config: { permission: 'study:session:write' },
      schema: { tags, summary: '登记开展情况：实际时间、考勤、小结、照片', params: IdParams, body: RecordStudySessionBody, response: { 200: StudySession } },
    },
    async (req) => {
      await db.transaction((tx) => recordSession(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return presentSession(db, req.params.id);
    },
  );
  app.post(
    '/api/study/sessions/:id/cancel',
    { config: { permission: 'study:session:write' }, schema: { tags, summary: '取消学习活动（须填写原因）', params: IdParams, body: CancelStudySessionBody, response: { 200: StudySession } } },
    async (req) => {
      await db.transaction((tx) => cancelSession(tx, callerOf(req), actorOf(req), req.params.id, req.body));
      return presentSession(db, req.params.id);
    },
  );
  app.get(
    '/api/study/sessions/:id/files/:fileId',
    { config: { permission: 'study:session:read' }, schema: { tags, summary: '下载学习材料或照片', params: z.object({ id: Id, fileId: Id }) } },
    async (req, reply) => sendStoredFile(reply, config.dataDir, await sessionFile(db, callerOf(req).scope, req.params.id, req.params.fileId)),
  );
  app.get(
    '/api/study/sessions/:id/comments',
    { config: { permission: 'study:session:read' }, schema: { tags, summary: '学习活动的点评', params: IdParams, response: { 200: z.array(StudySessionComment) } } },
    async (req) => listComments(db, callerOf(req).scope, req.params.id),
  );
  app.post(
    '/api/study/sessions/:id/comments',
    {
      config: { permission: 'study:session:comment' },
      schema: { tags, summary: '点评学习活动（包联督导员或上级单位）', params: IdParams, body: CreateStudySessionCommentBody, response: { 201: StudySessionComment } },
    },
    async (req, reply) => {
      const id = await db.transaction((tx) => addComment(tx, callerOf(req), actorOf(req), req.params.id, req.body.content));
      return reply.code(201).send(await presentComment(db, id));
    },
  );

  // 出勤率
  app.get(
    '/api/study/attendance',
    { config: { permission: 'study:stats:read' }, schema: { tags, summary: '单位及下级在一段时间内的出勤率（按人与按单位）', querystring: AttendanceQuery, response: { 200: AttendanceReport } } },
    async (req) => attendanceReport(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/attendance/export',
    {
      config: { permission: 'study:stats:read' },
      schema: { tags, summary: '导出出勤统计（XLSX，按当前单位和时段）', querystring: AttendanceQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const r = await attendanceReport(db, callerOf(req).scope, req.query);
      return sendRowsXlsx(reply, exportFileName(`${r.unitName}出勤统计（${r.from}至${r.to}）`, today()), '出勤统计', ATTENDANCE_COLUMNS, attendanceSheetRows(r));
    },
  );

  // 每周覆盖学规则与未学通报
  app.get(
    '/api/study/coverage-rules',
    { config: { permission: 'study:coverage:read' }, schema: { tags, summary: '每周覆盖学规则（按单位类型）', response: { 200: z.array(CoverageRule) } } },
    async () => coverageRules(db),
  );
  app.put(
    '/api/study/coverage-rules',
    { config: { permission: 'study:coverage:confirm' }, schema: { tags, summary: '设置每周覆盖学规则', body: PutCoverageRulesBody, response: { 200: z.array(CoverageRule) } } },
    async (req) => db.transaction((tx) => putCoverageRules(tx, actorOf(req), req.body.rules)),
  );
  app.get(
    '/api/study/coverage/weeks',
    { config: { permission: 'study:coverage:read' }, schema: { tags, summary: '已检查的周（本范围内未学与未报备的单位数）', querystring: CoverageWeekListQuery, response: { 200: CoverageWeekList } } },
    async (req) => listWeeks(db, callerOf(req).scope, req.query),
  );
  app.get(
    '/api/study/coverage/weeks/export',
    {
      config: { permission: 'study:coverage:read' },
      schema: { tags, summary: '导出已检查的周（XLSX）', querystring: CoverageWeekListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const { scope } = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('每周覆盖学检查', today()),
        sheetName: '每周检查',
        columns: [
          { header: '周次', key: 'week', width: 10 },
          { header: '开始日期', key: 'startDate', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '结束日期', key: 'endDate', width: 12, numFmt: 'yyyy-mm-dd' },
          { header: '无工作日免检', key: 'exempt', width: 12 },
          { header: '未学单位数', key: 'missedCount', width: 10 },
          { header: '未报备单位数', key: 'unfiledCount', width: 12 },
          { header: '检查时间', key: 'computedAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
          { header: '确认时间', key: 'confirmedAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
        ],
        fetchPage: (page, pageSize) => listWeeks(db, scope, { ...req.query, page, pageSize }),
        toRow: (w) => ({
          week: w.week,
          startDate: excelDate(w.startDate),
          endDate: excelDate(w.endDate),
          exempt: yesNo(w.exempt),
          missedCount: w.missedCount,
          unfiledCount: w.unfiledCount,
          computedAt: excelTime(w.computedAt),
          confirmedAt: excelTime(w.confirmedAt),
        }),
      });
    },
  );
  app.get(
    '/api/study/coverage/weeks/:week',
    { config: { permission: 'study:coverage:read' }, schema: { tags, summary: '一周的未学通报（本范围内的单位）', params: WeekParams, response: { 200: CoverageWeekDetail } } },
    async (req) => readWeek(db, callerOf(req).scope, req.params.week),
  );
  app.post(
    '/api/study/coverage/weeks/:week/check',
    { config: { permission: 'study:coverage:confirm' }, schema: { tags, summary: '重新检查一周（已确认的周不能重算）', params: WeekParams, response: { 200: CoverageWeekDetail } } },
    async (req) => {
      const { frozen } = await checkWeek(db, req.params.week, today(), actorOf(req));
      if (frozen) throw conflict('该周未学通报已确认，不能重新计算');
      return readWeek(db, callerOf(req).scope, req.params.week);
    },
  );
  app.post(
    '/api/study/coverage/weeks/:week/confirm',
    { config: { permission: 'study:coverage:confirm' }, schema: { tags, summary: '确认一周的未学通报（确认后冻结）', params: WeekParams, response: { 200: CoverageWeekDetail } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => confirmWeek(tx, caller.userId, actorOf(req), req.params.week));
      return readWeek(db, caller.scope, req.params.week);
    },
  );
  app.get(
    '/api/study/coverage/weeks/:week/export.xlsx',
    { config: { permission: 'study:coverage:read' }, schema: { tags, summary: '导出一周的未学通报（XLSX）', params: WeekParams } },
    async (req, reply) => {
      const buf = await exportWeek(db, callerOf(req).scope, req.params.week);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentHeader(`未学通报-${req.params.week}.xlsx`))
        .send(buf);
    },
  );
}
