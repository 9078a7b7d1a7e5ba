import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { AUDIT_RESULTS, AuditExportQuery, AuditFacets, AuditIdParams, AuditList, AuditListQuery, AuditRow, AuditVerify } from '@luoshi/contract';
import { auditLog } from '../../db/schema/index.ts';
import { auditNow, maskPersonal, verifyAuditChain, writeCheckpoint } from '../../platform/audit.ts';
import { notFound } from '../../platform/errors.ts';
import { excelTime, exportFileName, sendListXlsx, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { actorOf } from '../../platform/session.ts';
import type { DbLike } from '../../db/client.ts';
import type { Module } from '../../platform/types.ts';

const tags = ['audit'];

type AuditFilters = Partial<ListParams> & {
  username?: string; from?: string; to?: string; action?: string; module?: string; entity?: string; entityId?: string; result?: string;
};

/** The filters as a short record for the audit row of the reading itself. */
const filtersOf = (q: AuditFilters) =>
  Object.fromEntries(Object.entries(q).filter(([k, v]) => v !== undefined && !['page', 'pageSize', 'sort'].includes(k)));

function presentAudit(r: typeof auditLog.$inferSelect) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    userId: r.userId,
    username: r.username,
    ip: r.ip,
    route: r.route,
    module: r.module,
    entity: r.entity,
    entityId: r.entityId,
    action: r.action,
    result: (r.result in AUDIT_RESULTS ? r.result : 'success') as keyof typeof AUDIT_RESULTS,
    // Rows are masked when written; masking again covers rows written before masking existed.
    before: maskPersonal(r.before),
    after: maskPersonal(r.after),
  };
}

/** ceilingId pins an export to the rows that existed when it started: new rows would otherwise shift the pages. */
async function listAudit(db: DbLike, q: AuditFilters, ceilingId?: number) {
  const where: SQL[] = [];
  if (q.username) where.push(eq(auditLog.username, q.username));
  if (q.from) where.push(gte(auditLog.at, new Date(q.from)));
  if (q.to) where.push(lte(auditLog.at, new Date(q.to)));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.module) where.push(eq(auditLog.module, q.module));
  if (q.entity) where.push(eq(auditLog.entity, q.entity));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.result) where.push(eq(auditLog.result, q.result));
  if (ceilingId !== undefined) where.push(lte(auditLog.id, ceilingId));
  const cond = where.length ? and(...where) : undefined;
  const page = { page: q.page ?? 1, pageSize: q.pageSize ?? 20, sort: q.sort };
  const { limit, offset } = pageOf(page);
  const [rows, [{ total }]] = await Promise.all([
    db.select().from(auditLog).where(cond).orderBy(...orderOf(q.sort, { at: auditLog.id }, [desc(auditLog.id)])).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(cond),
  ]);
  return envelope(rows.map(presentAudit), total, page);
}

/** Excel refuses a cell longer than 32,767 characters. */
const jsonCell = (v: unknown) => (v == null ? '' : JSON.stringify(v).slice(0, 32_000));

/**
 * 审计日志: read by the 审计管理员 only, and every reading is itself on the log. The application has no route that
 * changes or deletes a row, and the database refuses it too (retention archives rows to a signed file first).
 */
export const auditModule: Module = {
  name: 'audit',
  register(app, { db, config }) {
    app.get(
      '/api/audit/logs',
      { config: { permission: 'audit:log:read' }, schema: { tags, summary: '审计日志', querystring: AuditListQuery, response: { 200: AuditList } } },
      async (req) => {
        const page = await listAudit(db, req.query);
        await auditNow(db, actorOf(req), { entity: 'audit_log', entityId: null, action: 'read', after: { filters: filtersOf(req.query), rows: page.data.length } });
        return page;
      },
    );
    app.get(
      '/api/audit/logs/:id',
      { config: { permission: 'audit:log:read' }, schema: { tags, summary: '一条审计记录', params: AuditIdParams, response: { 200: AuditRow } } },
      async (req) => {
        const [row] = await db.select().from(auditLog).where(eq(auditLog.id, req.params.id));
        if (!row) throw notFound('审计记录');
        await auditNow(db, actorOf(req), { entity: 'audit_log', entityId: String(row.id), action: 'read' });
        return presentAudit(row);
      },
    );
    app.get(
      '/api/audit/facets',
      { config: { permission: 'audit:log:read' }, schema: { tags, summary: '筛选项：日志中出现过的模块与操作', response: { 200: AuditFacets } } },
      async () => {
        const modules = await db.selectDistinct({ v: auditLog.module }).from(auditLog);
        const actions = await db.selectDistinct({ v: auditLog.action }).from(auditLog);
        const sorted = (rows: { v: string | null }[]) => rows.map((r) => r.v).filter((v): v is string => !!v).sort();
        return { modules: sorted(modules), actions: sorted(actions) };
      },
    );
    app.get(
      '/api/audit/logs/export',
      {
        config: { permission: 'audit:log:read' },
        schema: { tags, summary: '导出审计日志（XLSX，按当前筛选条件；个人信息已脱敏）', querystring: AuditExportQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const [{ ceiling }] = await db.select({ ceiling: sql<number | null>`max(${auditLog.id})` }).from(auditLog);
        await auditNow(db, actorOf(req), { entity: 'audit_log', entityId: null, action: 'export', after: { filters: filtersOf(req.query), upToId: Number(ceiling ?? 0) } });
        return sendListXlsx(reply, {
          fileName: exportFileName('审计日志'),
          sheetName: '审计日志',
          columns: [
            { header: '序号', key: 'id', width: 10 },
            { header: '时间', key: 'at', width: 20, numFmt: 'yyyy-mm-dd hh:mm:ss' },
            { header: '账号', key: 'username', width: 14 },
            { header: 'IP 地址', key: 'ip', width: 16 },
            { header: '模块', key: 'module', width: 10 },
            { header: '接口', key: 'route', width: 30 },
            { header: '对象', key: 'entity', width: 14 },
            { header: '对象编号', key: 'entityId', width: 38 },
            { header: '操作', key: 'action', width: 16 },
            { header: '结果', key: 'result', width: 8 },
            { header: '修改前', key: 'before', width: 40 },
            { header: '修改后', key: 'after', width: 40 },
          ],
          fetchPage: (page, pageSize) => listAudit(db, { ...req.query, page, pageSize }, Number(ceiling ?? 0)),
          toRow: (r) => ({
            id: r.id,
            at: excelTime(r.at),
            username: r.username ?? '',
            ip: r.ip ?? '',
            module: r.module ?? '',
            route: r.route ?? '',
            entity: r.entity,
            entityId: r.entityId ?? '',
            action: r.action,
            result: AUDIT_RESULTS[r.result],
            before: jsonCell(r.before),
            after: jsonCell(r.after),
          }),
        });
      },
    );
    app.get(
      '/api/audit/verify',
      {
        config: { permission: 'audit:log:read' },
        schema: { tags, summary: '校验审计日志：密钥哈希链、归档签名与检查点', response: { 200: AuditVerify } },
      },
      async (req) => {
        const verdict = await verifyAuditChain(db, config.auditCheckpointDir);
        await auditNow(db, actorOf(req), { entity: 'audit_log', entityId: null, action: 'verify', result: verdict.intact ? 'success' : 'failure', after: { intact: verdict.intact, firstBrokenId: verdict.firstBrokenId, rows: verdict.rows } });
        // The state the auditor has just seen intact is signed outside the database at once, not only at night.
        if (verdict.intact) await writeCheckpoint(db, config.auditCheckpointDir);
        return { ...verdict, checkedAt: new Date().toISOString() };
      },
    );
  },
};
