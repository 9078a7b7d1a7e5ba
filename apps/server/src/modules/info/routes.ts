import { and, eq, sql } from 'drizzle-orm';
import {
  CleanTextBody, CleanTextResult, DupCheckBody, DupCheckResult, IdParams, InfoDiff, InfoDiffQuery, InfoItem, InfoItemList,
  InfoItemListQuery, InfoSettings, InfoVersionList, Ok, ReviewInfoBody, SaveInfoItemBody, SaveInfoSettingsBody, UpdateInfoItemBody,
} from '@luoshi/contract';
import { z } from 'zod';
import { persons, roles, userRoles, users } from '../../db/schema/index.ts';
import { AppError, badRequest } from '../../platform/errors.ts';
import { excelDate, exportFileName, sendListXlsx, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import { cleanPastedText, docxToText, wordDiff, type CleanResult } from '../../platform/text.ts';
import type { App, Deps, Module } from '../../platform/types.ts';
import { checkText, dupText, presentMatches } from './dup.ts';
import { createItem, deleteDraft, listItems, listVersions, presentItem, reviewItem, submitItem, updateItem, versionPair } from './items.ts';
import { registerPublishRoutes } from './publish.routes.ts';
import { presentSettings, saveSettings } from './settings.ts';

const tags = ['info'];
const multipart = ['multipart/form-data'];

const CHANGE_LABELS: Record<string, string> = {
  html: '网页格式转为文本',
  chrome: '删除网页栏目、导航和页脚',
  hidden_marker: '删除“此处隐藏…”提示',
  pinyin: '删除字后的拼音注音',
  traditional: '繁体字转为简体字',
  punctuation: '中文中的半角标点改为全角',
  blank_lines: '合并多余空行',
};

function presentClean(original: string, r: CleanResult) {
  return {
    original,
    text: r.text,
    changes: r.changes.filter((c) => c.count > 0).map((c) => ({ kind: c.kind, label: CHANGE_LABELS[c.kind] ?? c.kind, count: c.count, samples: c.samples })),
    warnings: r.warnings.map((w) => ({ kind: w.kind, paragraph: w.paragraph, excerpt: w.excerpt, message: w.message })),
  };
}

const MAX_IMPORT = 10 * 1024 * 1024;

const INFO_STATUS_LABELS: Record<string, string> = { draft: '草稿', reviewing: '审核中', returned: '退回修改', approved: '审核通过', rejected: '不予采用' };
const ITEM_EXPORT_COLUMNS = [
  { header: '标题', key: 'title', width: 40 },
  { header: '类别', key: 'category', width: 12 },
  { header: '报送单位', key: 'unitName', width: 20 },
  { header: '作者', key: 'authors', width: 20 },
  { header: '状态', key: 'status', width: 10 },
  { header: '当前环节', key: 'stepName', width: 14 },
  { header: '环节期限', key: 'stepDeadline', width: 12, numFmt: 'yyyy-mm-dd' },
  { header: '报送日期', key: 'submittedOn', width: 12, numFmt: 'yyyy-mm-dd' },
  { header: '字数', key: 'wordCount', width: 8 },
  { header: '重复率(%)', key: 'dupTop', width: 10 },
  { header: '采用情况', key: 'adoptions', width: 30 },
  { header: '批示数', key: 'instructed', width: 8 },
  { header: '单位路径', key: 'unitPath', width: 48 },
];

/** An uploaded article to clean: .docx, .html/.htm or .txt, read as the kind its content shows. */
async function importedText(part: Awaited<ReturnType<import('fastify').FastifyRequest['file']>>): Promise<{ text: string; format: 'text' | 'html' }> {
  if (!part) throw badRequest('请选择要导入的文件（.docx、.html 或 .txt）');
  const name = part.filename || '未命名文件';
  const ext = name.toLowerCase().match(/\.([a-z]+)$/)?.[1] ?? '';
  if (!['docx', 'html', 'htm', 'txt'].includes(ext)) {
    part.file.resume();
    throw badRequest(`只能导入 .docx、.html 或 .txt 文件，「${name}」不是（.doc 请先在 Word 或 WPS 中另存为 .docx）`);
  }
  const buf = await part.toBuffer();
  if (part.file.truncated || buf.length > MAX_IMPORT) throw new AppError(413, 'TOO_LARGE', `文件「${name}」超过 10 MB`);
  if (ext === 'docx') {
    if (buf.length < 4 || buf[0] !== 0x50 || buf[1] !== 0x4b) throw badRequest(`「${name}」的内容不是 Word（.docx）文件`);
    try {
      return { text: await docxToText(buf), format: 'text' };
    } catch {
      throw badRequest(`「${name}」无法读取，文件可能已损坏`);
    }
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (text.includes('\u0000')) throw badRequest(`「${name}」不是文本文件`);
  if (text.includes('\uFFFD'.repeat(3))) throw badRequest(`「${name}」不是 UTF-8 编码，请另存为 UTF-8 后再导入`);
  return { text, format: ext === 'txt' ? 'text' : 'html' };
}

function registerItemRoutes(app: App, { db }: Deps) {
  // ---- 设置 ----
  app.get(
    '/api/info/settings',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '信息报送设置：类别字典、审核环节、查重范围', response: { 200: InfoSettings } } },
    async () => presentSettings(db),
  );
  app.put(
    '/api/info/settings',
    { config: { permission: 'info:settings:write' }, schema: { tags, summary: '修改信息报送设置', body: SaveInfoSettingsBody, response: { 200: InfoSettings } } },
    async (req) => {
      await db.transaction((tx) => saveSettings(tx, actorOf(req), req.body));
      return presentSettings(db);
    },
  );
  app.get(
    '/api/info/reviewers',
    {
      config: { permission: 'info:settings:write' },
      schema: { tags, summary: '可担任编辑、校对、审核的账号', response: { 200: z.object({ data: z.array(z.object({ id: z.string(), name: z.string(), username: z.string() })) }) } },
    },
    async () => {
      const rows = await db
        .selectDistinct({ id: users.id, name: sql<string>`coalesce(${persons.name}, ${users.username})`, username: users.username })
        .from(users)
        .innerJoin(userRoles, eq(userRoles.userId, users.id))
        .innerJoin(roles, eq(roles.id, userRoles.roleId))
        .leftJoin(persons, eq(persons.id, users.personId))
        .where(and(sql`${roles.permissions} @> '["info:item:review"]'::jsonb`, eq(users.disabled, false)))
        .orderBy(users.username);
      return { data: rows };
    },
  );

  // ---- 清理与查重 ----
  app.post(
    '/api/info/clean',
    { config: { permission: 'info:item:submit' }, schema: { tags, summary: '清理粘贴的网页文本（不保存，供对照确认）', body: CleanTextBody, response: { 200: CleanTextResult } } },
    async (req) => presentClean(req.body.text, cleanPastedText(req.body.text, { format: req.body.format })),
  );
  app.post(
    '/api/info/clean/file',
    { config: { permission: 'info:item:submit' }, schema: { tags, summary: '导入 Word、网页或文本文件并清理（字段 file）', consumes: multipart, response: { 200: CleanTextResult } } },
    async (req) => {
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件');
      const { text, format } = await importedText(await req.file());
      return presentClean(text, cleanPastedText(text, { format }));
    },
  );
  app.post(
    '/api/info/dup-check',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '查重：与查重范围内各单位已报信息比较', body: DupCheckBody, response: { 200: DupCheckResult } } },
    async (req) => {
      const caller = callerOf(req);
      const r = await checkText(db, dupText(req.body.title, req.body.text), req.body.excludeId);
      return { matches: await presentMatches(db, caller, r.matches), threshold: r.threshold };
    },
  );

  // ---- 信息 ----
  app.get(
    '/api/info/items',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '信息列表（todo=true 为待我审核，mine=true 为我报送的）', querystring: InfoItemListQuery, response: { 200: InfoItemList } } },
    async (req) => listItems(db, callerOf(req), req.query),
  );
  app.get(
    '/api/info/items/export',
    {
      config: { permission: 'info:item:read' },
      schema: { tags, summary: '导出信息列表（XLSX，按当前筛选条件）', querystring: InfoItemListQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      return sendListXlsx(reply, {
        fileName: exportFileName('信息列表'),
        sheetName: '信息',
        columns: ITEM_EXPORT_COLUMNS,
        fetchPage: (page, pageSize) => listItems(db, caller, { ...req.query, page, pageSize }),
        toRow: (r) => ({
          title: r.title,
          category: r.category,
          unitName: r.unitName,
          authors: r.authors.map((a) => a.name).join('、'),
          status: INFO_STATUS_LABELS[r.status] ?? r.status,
          stepName: r.stepName ?? '',
          stepDeadline: excelDate(r.stepDeadline),
          submittedOn: excelDate(r.submittedOn),
          wordCount: r.wordCount,
          dupTop: r.dupTop,
          adoptions: r.adoptions.map((a) => `${a.level}·${a.outlet}`).join('；'),
          instructed: r.instructed,
          unitPath: r.unitPath,
        }),
      });
    },
  );
  app.post(
    '/api/info/items',
    {
      config: { permission: 'info:item:submit' },
      schema: { tags, summary: '新建信息（submit=true 直接报送；同一提交标识只生成一条）', body: SaveInfoItemBody, response: { 200: InfoItem, 201: InfoItem } },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const { id, created } = await db.transaction((tx) => createItem(tx, caller, actorOf(req), req.body));
      return reply.code(created ? 201 : 200).send(await presentItem(db, caller, id));
    },
  );
  app.get(
    '/api/info/items/:id',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '信息详情：正文、流转记录、查重结果、采用与批示', params: IdParams, response: { 200: InfoItem } } },
    async (req) => presentItem(db, callerOf(req), req.params.id),
  );
  app.put(
    '/api/info/items/:id',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '修改信息（作者修改草稿或退回稿；审核环节编辑，每次修改留存版本）', params: IdParams, body: UpdateInfoItemBody, response: { 200: InfoItem } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => updateItem(tx, caller, actorOf(req), req.params.id, req.body));
      return presentItem(db, caller, req.params.id);
    },
  );
  app.delete(
    '/api/info/items/:id',
    { config: { permission: 'info:item:submit' }, schema: { tags, summary: '删除从未报送的草稿', params: IdParams, response: { 200: Ok } } },
    async (req) => {
      await db.transaction((tx) => deleteDraft(tx, callerOf(req), actorOf(req), req.params.id));
      return { ok: true as const };
    },
  );
  app.post(
    '/api/info/items/:id/submit',
    { config: { permission: 'info:item:submit' }, schema: { tags, summary: '报送（退回稿修改后重新报送，回到退回它的环节）', params: IdParams, response: { 200: InfoItem } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => submitItem(tx, caller, actorOf(req), req.params.id));
      return presentItem(db, caller, req.params.id);
    },
  );
  app.post(
    '/api/info/items/:id/review',
    { config: { permission: 'info:item:review' }, schema: { tags, summary: '审核：通过转下一环节（最后一环为审定）、退回作者或不予采用', params: IdParams, body: ReviewInfoBody, response: { 200: InfoItem } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction((tx) => reviewItem(tx, caller, actorOf(req), req.params.id, req.body));
      return presentItem(db, caller, req.params.id);
    },
  );
  app.get(
    '/api/info/items/:id/versions',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '信息的全部版本', params: IdParams, response: { 200: InfoVersionList } } },
    async (req) => listVersions(db, callerOf(req), req.params.id),
  );
  app.get(
    '/api/info/items/:id/diff',
    { config: { permission: 'info:item:read' }, schema: { tags, summary: '两个版本之间按词比较的修改痕迹', params: IdParams, querystring: InfoDiffQuery, response: { 200: InfoDiff } } },
    async (req) => {
      const { a, b } = await versionPair(db, callerOf(req), req.params.id, req.query.from, req.query.to);
      const body = wordDiff(a.bodyText, b.bodyText);
      const count = (op: string) => body.filter((p) => p.op === op).reduce((n, p) => n + p.text.replace(/\s+/g, '').length, 0);
      return { from: a.seq, to: b.seq, title: wordDiff(a.title, b.title), body, inserted: count('insert'), deleted: count('delete') };
    },
  );
}

/** 信息报送与三审三校. */
export const infoModule: Module = {
  name: 'info',
  register(app, deps) {
    registerItemRoutes(app, deps);
    registerPublishRoutes(app, deps);
  },
};

