import {
  BreakdownBody, Campaign, CAMPAIGN_STATUSES, MEETING_TYPES, REPORT_STATUSES, CampaignDocument, CampaignList, CampaignListQuery, CreateCampaignBody, CreateTaskBody,
  DecisionToTaskBody, FileRef, Id, IdParams, Meeting, MeetingBody, MeetingList, MeetingListQuery, ReportList,
  ReportListQuery, ReviewReportBody, SubmitReportBody, Task, TaskList, TaskListQuery, TaskReport, TaskTreeQuery,
  UpdateCampaignBody, UpdateMeetingBody, UpdateTaskBody,
} from '@luoshi/contract';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { excelDate, excelTime, exportFileName, sendListXlsx, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { sendStoredFile, uploadOwnFile } from '../../platform/files.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { App, Module } from '../../platform/types.ts';
import {
  createCampaign, documentFile, listCampaigns, listDocuments, readCampaign, updateCampaign, uploadDocument,
} from './campaigns.ts';
import { clock } from './dates.ts';
import { createMeeting, decisionToTask, getVisibleMeeting, listMeetings, presentMeeting, updateMeeting } from './meetings.ts';
import {
  getVisibleReport, listReports, presentReport, reportFile, reviewReport, submitReport,
} from './reports.ts';
import {
  breakdownTask, createTask, getVisibleTask, listTasks, presentTask, TASK_EXPORT_COLUMNS, taskExportPage, taskExportRow, taskTree, updateTask,
} from './tasks.ts';

const tags = ['campaigns'];
const multipart = ['multipart/form-data'];
const notMultipart = () => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件');

export const campaignsModule: Module = {
  name: 'campaigns',
  register(app: App, { db, config }) {
    // 专项行动
    app.get(
      '/api/campaigns',
      { config: { permission: 'campaigns:campaign:read' }, schema: { tags, summary: '专项行动列表', querystring: CampaignListQuery, response: { 200: CampaignList } } },
      async (req) => listCampaigns(db, callerOf(req).scope, req.query, clock.today()),
    );
    app.get(
      '/api/campaigns/export',
      {
        config: { permission: 'campaigns:campaign:read' },
        schema: { tags, summary: '导出专项行动列表（XLSX，按当前筛选条件）', querystring: CampaignListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const { scope } = callerOf(req);
        const today = clock.today();
        return sendListXlsx(reply, {
          fileName: exportFileName('专项行动', today),
          sheetName: '专项行动',
          columns: [
            { header: '专项行动名称', key: 'name', width: 36 },
            { header: '牵头单位', key: 'unitName', width: 20 },
            { header: '维度', key: 'dimensions', width: 16 },
            { header: '开始日期', key: 'startDate', width: 12, numFmt: 'yyyy-mm-dd' },
            { header: '结束日期', key: 'endDate', width: 12, numFmt: 'yyyy-mm-dd' },
            { header: '领导小组', key: 'group', width: 20 },
            { header: '状态', key: 'status', width: 8 },
            { header: '任务数', key: 'taskCount', width: 8 },
            { header: '逾期任务数', key: 'overdueCount', width: 10 },
            { header: '进度(%)', key: 'progress', width: 8 },
          ],
          fetchPage: (page, pageSize) => listCampaigns(db, scope, { ...req.query, page, pageSize }, today),
          toRow: (c) => ({
            name: c.name,
            unitName: c.unitName,
            dimensions: c.dimensions.join('、'),
            startDate: excelDate(c.startDate),
            endDate: excelDate(c.endDate),
            group: c.leadingGroupName ?? '',
            status: CAMPAIGN_STATUSES[c.status],
            taskCount: c.taskCount,
            overdueCount: c.overdueCount,
            progress: c.progress,
          }),
          unitPath: { db, unitIdOf: (c) => c.unitId },
        });
      },
    );
    app.post(
      '/api/campaigns',
      { config: { permission: 'campaigns:campaign:write' }, schema: { tags, summary: '新建专项行动', body: CreateCampaignBody, response: { 201: Campaign } } },
      async (req, reply) => {
        const caller = callerOf(req);
        const row = await db.transaction((tx) => createCampaign(tx, caller, actorOf(req), req.body));
        return reply.code(201).send(await readCampaign(db, caller.scope, row.id, clock.today()));
      },
    );
    app.get(
      '/api/campaigns/:id',
      { config: { permission: 'campaigns:campaign:read' }, schema: { tags, summary: '专项行动详情', params: IdParams, response: { 200: Campaign } } },
      async (req) => readCampaign(db, callerOf(req).scope, req.params.id, clock.today()),
    );
    app.patch(
      '/api/campaigns/:id',
      {
        config: { permission: 'campaigns:campaign:write' },
        schema: { tags, summary: '修改专项行动', params: IdParams, body: UpdateCampaignBody, response: { 200: Campaign } },
      },
      async (req) => {
        const scope = callerOf(req).scope;
        await db.transaction((tx) => updateCampaign(tx, scope, actorOf(req), req.params.id, req.body));
        return readCampaign(db, scope, req.params.id, clock.today());
      },
    );

    // 实施方案等文件
    app.get(
      '/api/campaigns/:id/documents',
      {
        config: { permission: 'campaigns:campaign:read' },
        schema: { tags, summary: '专项行动的文件（实施方案、通知等）', params: IdParams, response: { 200: z.array(CampaignDocument) } },
      },
      async (req) => listDocuments(db, callerOf(req).scope, req.params.id),
    );
    app.post(
      '/api/campaigns/:id/documents',
      {
        config: { permission: 'campaigns:campaign:write' },
        schema: {
          tags,
          summary: '上传专项行动文件（字段 file；字段 kind：plan 实施方案 / notice 通知 / other 其他）',
          consumes: multipart,
          params: IdParams,
          response: { 201: CampaignDocument },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw notMultipart();
        const doc = await uploadDocument(db, config.dataDir, callerOf(req), actorOf(req), req.params.id, req.parts());
        return reply.code(201).send(doc);
      },
    );
    app.get(
      '/api/campaigns/:id/documents/:docId/download',
      {
        config: { permission: 'campaigns:campaign:read' },
        schema: { tags, summary: '下载专项行动文件', params: z.object({ id: Id, docId: Id }) },
      },
      async (req, reply) => sendStoredFile(reply, config.dataDir, await documentFile(db, callerOf(req).scope, req.params.id, req.params.docId)),
    );
    app.post(
      '/api/campaigns/uploads',
      {
        config: { permission: 'campaigns:report:submit' },
        schema: { tags, summary: '上传佐证材料（字段 file），报送时引用', consumes: multipart, response: { 201: FileRef } },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw notMultipart();
        const ref = await uploadOwnFile(db, config.dataDir, callerOf(req), actorOf(req), await req.file());
        return reply.code(201).send(ref);
      },
    );

    // 任务与重点任务清单
    app.get(
      '/api/tasks',
      { config: { permission: 'campaigns:task:read' }, schema: { tags, summary: '任务列表（mine=true 为我的任务）', querystring: TaskListQuery, response: { 200: TaskList } } },
      async (req) => listTasks(db, callerOf(req).scope, req.query, clock.today()),
    );
    app.get(
      '/api/tasks/tree',
      {
        config: { permission: 'campaigns:task:read' },
        schema: { tags, summary: '专项行动或年度重点任务清单的全部可见任务（平铺，含 parentId）', querystring: TaskTreeQuery, response: { 200: z.array(Task) } },
      },
      async (req) => taskTree(db, callerOf(req).scope, req.query, clock.today()),
    );
    app.get(
      '/api/tasks/export.xlsx',
      {
        config: { permission: 'campaigns:task:read' },
        schema: { tags, summary: '导出任务清单（XLSX，按当前筛选条件，含重点任务清单）', querystring: TaskListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const { scope } = callerOf(req);
        const today = clock.today();
        return sendListXlsx(reply, {
          fileName: `任务清单-${today}.xlsx`,
          sheetName: '任务清单',
          columns: TASK_EXPORT_COLUMNS,
          fetchPage: (page, pageSize) => taskExportPage(db, scope, { ...req.query, page, pageSize }, today),
          toRow: taskExportRow,
        });
      },
    );
    app.post(
      '/api/tasks',
      {
        config: { permission: 'campaigns:task:write' },
        schema: { tags, summary: '下达任务（campaignId 为空且指定年度时为重点任务清单任务）', body: CreateTaskBody, response: { 201: Task } },
      },
      async (req, reply) => {
        const row = await db.transaction((tx) => createTask(tx, callerOf(req), actorOf(req), req.body));
        return reply.code(201).send(await presentTask(db, row.id, clock.today()));
      },
    );
    app.get(
      '/api/tasks/:id',
      { config: { permission: 'campaigns:task:read' }, schema: { tags, summary: '任务详情', params: IdParams, response: { 200: Task } } },
      async (req) => {
        await getVisibleTask(db, callerOf(req).scope, req.params.id);
        return presentTask(db, req.params.id, clock.today());
      },
    );
    app.patch(
      '/api/tasks/:id',
      { config: { permission: 'campaigns:task:write' }, schema: { tags, summary: '修改任务', params: IdParams, body: UpdateTaskBody, response: { 200: Task } } },
      async (req) => {
        await db.transaction((tx) => updateTask(tx, callerOf(req).scope, actorOf(req), req.params.id, req.body));
        return presentTask(db, req.params.id, clock.today());
      },
    );
    app.post(
      '/api/tasks/:id/breakdown',
      {
        config: { permission: 'campaigns:task:breakdown' },
        schema: { tags, summary: '分解任务到下级单位或个人（全部成功或全部不写）', params: IdParams, body: BreakdownBody, response: { 201: z.array(Task) } },
      },
      async (req, reply) => {
        const today = clock.today();
        const rows = await db.transaction((tx) => breakdownTask(tx, callerOf(req), actorOf(req), req.params.id, req.body.items, today));
        return reply.code(201).send(await Promise.all(rows.map((r) => presentTask(db, r.id, today))));
      },
    );

    // 进展报送与审核
    app.post(
      '/api/tasks/:id/reports',
      {
        config: { permission: 'campaigns:report:submit' },
        schema: {
          tags,
          summary: '报送进展（同一 idempotencyKey 重复提交返回同一条报送）',
          params: IdParams,
          body: SubmitReportBody,
          response: { 200: TaskReport, 201: TaskReport },
        },
      },
      async (req, reply) => {
        const today = clock.today();
        const { id, created } = await db.transaction((tx) => submitReport(tx, callerOf(req), actorOf(req), req.params.id, req.body, today));
        return reply.code(created ? 201 : 200).send(await presentReport(db, id));
      },
    );
    app.get(
      '/api/reports',
      {
        config: { permission: 'campaigns:task:read' },
        schema: { tags, summary: '进展报送列表（toReview=true 为待本单位审核）', querystring: ReportListQuery, response: { 200: ReportList } },
      },
      async (req) => listReports(db, callerOf(req).scope, req.query),
    );
    app.get(
      '/api/reports/export',
      {
        config: { permission: 'campaigns:task:read' },
        schema: { tags, summary: '导出进展报送列表（XLSX，按当前筛选条件）', querystring: ReportListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const { scope } = callerOf(req);
        return sendListXlsx(reply, {
          fileName: exportFileName('进展报送', clock.today()),
          sheetName: '进展报送',
          columns: [
            { header: '任务名称', key: 'taskTitle', width: 36 },
            { header: '报送期次', key: 'periodLabel', width: 14 },
            { header: '进展情况', key: 'content', width: 60 },
            { header: '完成比例(%)', key: 'percent', width: 10 },
            { header: '状态', key: 'status', width: 8 },
            { header: '报送人', key: 'submittedByName', width: 10 },
            { header: '报送时间', key: 'submittedAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
            { header: '审核人', key: 'reviewedByName', width: 10 },
            { header: '审核时间', key: 'reviewedAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
            { header: '审核意见', key: 'reviewComment', width: 30 },
            { header: '佐证材料数', key: 'files', width: 10 },
          ],
          fetchPage: (page, pageSize) => listReports(db, scope, { ...req.query, page, pageSize }),
          toRow: (r) => ({
            taskTitle: r.taskTitle,
            periodLabel: r.periodLabel,
            content: r.content,
            percent: r.percent,
            status: REPORT_STATUSES[r.status],
            submittedByName: r.submittedByName,
            submittedAt: excelTime(r.submittedAt),
            reviewedByName: r.reviewedByName ?? '',
            reviewedAt: excelTime(r.reviewedAt),
            reviewComment: r.reviewComment ?? '',
            files: r.files.length,
          }),
        });
      },
    );
    app.get(
      '/api/reports/:id',
      { config: { permission: 'campaigns:task:read' }, schema: { tags, summary: '进展报送详情', params: IdParams, response: { 200: TaskReport } } },
      async (req) => {
        await getVisibleReport(db, callerOf(req).scope, req.params.id);
        return presentReport(db, req.params.id);
      },
    );
    app.post(
      '/api/reports/:id/review',
      {
        config: { permission: 'campaigns:report:review' },
        schema: { tags, summary: '审核进展报送（通过或退回）', params: IdParams, body: ReviewReportBody, response: { 200: TaskReport } },
      },
      async (req) => {
        await db.transaction((tx) => reviewReport(tx, callerOf(req), actorOf(req), req.params.id, req.body));
        return presentReport(db, req.params.id);
      },
    );
    app.get(
      '/api/reports/:id/files/:fileId',
      {
        config: { permission: 'campaigns:task:read' },
        schema: { tags, summary: '下载报送的佐证材料', params: z.object({ id: Id, fileId: Id }) },
      },
      async (req, reply) => sendStoredFile(reply, config.dataDir, await reportFile(db, callerOf(req).scope, req.params.id, req.params.fileId)),
    );

    // 会议：周例会、月调度会、部署会、总结会
    app.get(
      '/api/meetings',
      { config: { permission: 'campaigns:meeting:read' }, schema: { tags, summary: '会议列表', querystring: MeetingListQuery, response: { 200: MeetingList } } },
      async (req) => listMeetings(db, callerOf(req).scope, req.query),
    );
    app.get(
      '/api/meetings/export',
      {
        config: { permission: 'campaigns:meeting:read' },
        schema: { tags, summary: '导出会议列表（XLSX，按当前筛选条件）', querystring: MeetingListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const { scope } = callerOf(req);
        return sendListXlsx(reply, {
          fileName: exportFileName('会议列表', clock.today()),
          sheetName: '会议',
          columns: [
            { header: '会议名称', key: 'title', width: 36 },
            { header: '会议类型', key: 'type', width: 10 },
            { header: '召开时间', key: 'heldAt', width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
            { header: '地点', key: 'place', width: 16 },
            { header: '召开单位', key: 'unitName', width: 20 },
            { header: '参会人员', key: 'attendees', width: 30 },
            { header: '议定事项', key: 'decisions', width: 50 },
            { header: '已转任务数', key: 'toTasks', width: 10 },
          ],
          fetchPage: (page, pageSize) => listMeetings(db, scope, { ...req.query, page, pageSize }),
          toRow: (m) => ({
            title: m.title,
            type: MEETING_TYPES[m.type],
            heldAt: excelTime(m.heldAt),
            place: m.place ?? '',
            unitName: m.unitName,
            attendees: m.attendees.map((a) => a.name).join('、'),
            decisions: m.decisions.map((d) => `${d.seq}. ${d.content}`).join('\n'),
            toTasks: m.decisions.filter((d) => d.taskId).length,
          }),
          unitPath: { db, unitIdOf: (m) => m.unitId },
        });
      },
    );
    app.post(
      '/api/meetings',
      { config: { permission: 'campaigns:meeting:write' }, schema: { tags, summary: '新建会议记录', body: MeetingBody, response: { 201: Meeting } } },
      async (req, reply) => {
        const row = await db.transaction((tx) => createMeeting(tx, callerOf(req), actorOf(req), req.body));
        return reply.code(201).send(await presentMeeting(db, row.id));
      },
    );
    app.get(
      '/api/meetings/:id',
      { config: { permission: 'campaigns:meeting:read' }, schema: { tags, summary: '会议详情', params: IdParams, response: { 200: Meeting } } },
      async (req) => {
        await getVisibleMeeting(db, callerOf(req).scope, req.params.id);
        return presentMeeting(db, req.params.id);
      },
    );
    app.patch(
      '/api/meetings/:id',
      {
        config: { permission: 'campaigns:meeting:write' },
        schema: { tags, summary: '修改会议记录（给出 decisions 时整体替换，已转任务的决定保留）', params: IdParams, body: UpdateMeetingBody, response: { 200: Meeting } },
      },
      async (req) => {
        await db.transaction((tx) => updateMeeting(tx, callerOf(req).scope, actorOf(req), req.params.id, req.body));
        return presentMeeting(db, req.params.id);
      },
    );
    app.post(
      '/api/meetings/:id/decisions/:decisionId/task',
      {
        config: { permission: 'campaigns:task:write' },
        schema: {
          tags,
          summary: '会议决定一键转为任务',
          params: z.object({ id: Id, decisionId: Id }),
          body: DecisionToTaskBody,
          response: { 201: Task },
        },
      },
      async (req, reply) => {
        const today = clock.today();
        const task = await db.transaction((tx) =>
          decisionToTask(tx, callerOf(req), actorOf(req), req.params.id, req.params.decisionId, req.body, today),
        );
        return reply.code(201).send(await presentTask(db, task.id, today));
      },
    );
  },
};
