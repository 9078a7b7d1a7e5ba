import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { listQuery, listResponse } from '@luoshi/contract';
import { z } from 'zod';
import { auditLog } from '../../db/schema/index.ts';
import { verifyAuditChain } from '../../platform/audit.ts';
import { excelTime, exportFileName, sendListXlsx, XLSX_MIME, XLSX_RESPONSE } from '../../platform/export.ts';
import { envelope, pageOf, type ListParams } from '../../platform/list.ts';
import type { DbLike } from '../../db/client.ts';
import type { Module } from '../../platform/types.ts';

const AuditRow = z.object({
  id: z.number().int(),
  at: z.string(),
  username: z.string().nullable(),
  ip: z.string().nullable(),
  route: z.string().nullable(),
  entity: z.string(),
  entityId: z.string().nullable(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
const AuditQuery = listQuery(['at'] as const, {
  entity: z.string().max(50).optional(),
  entityId: z.string().max(64).optional(),
  username: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

type AuditFilters = ListParams & { entity?: string; entityId?: string; username?: string; from?: string; to?: string };

/** ceilingId pins an export to the rows that existed when it started: new changes would otherwise shift the pages. */
async function listAudit(db: DbLike, q: AuditFilters, ceilingId?: number) {
  const where: SQL[] = [];
  if (q.entity) where.push(eq(auditLog.entity, q.entity));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.username) where.push(eq(auditLog.username, q.username));
  if (q.from) where.push(gte(auditLog.at, new Date(q.from)));
  if (q.to) where.push(lte(auditLog.at, new Date(q.to)));
  if (ceilingId !== undefined) where.push(lte(auditLog.id, ceilingId));
  const cond = where.length ? and(...where) : undefined;
  const { limit, offset } = pageOf(q);
  const rows = await db.select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(limit).offset(offset);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(cond);
  return envelope(rows.map((r) => ({ ...r, at: r.at.toISOString() })), total, q);
}

/** Excel refuses a cell longer than 32,767 characters. */
const jsonCell = (v: unknown) => (v == null ? '' : JSON.stringify(v).slice(0, 32_000));

/** 审计日志: read-only. The application has no route that changes or deletes a row, and the database refuses it too. */
export const auditModule: Module = {
  name: 'audit',
  register(app, { db }) {
    app.get(
      '/api/audit/logs',
      { config: { permission: 'audit:log:read' }, schema: { tags: ['audit'], summary: '审计日志', querystring: AuditQuery, response: { 200: listResponse(AuditRow) } } },
      async (req) => listAudit(db, req.query),
    );
    app.get(
      '/api/audit/logs/export',
      {
        config: { permission: 'audit:log:read' },
        schema: { tags: ['audit'], summary: '导出审计日志（XLSX，按当前筛选条件）', querystring: AuditQuery, response: XLSX_RESPONSE, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const [{ ceiling }] = await db.select({ ceiling: sql<number | null>`max(${auditLog.id})` }).from(auditLog);
        return sendListXlsx(reply, {
          fileName: exportFileName('审计日志'),
          sheetName: '审计日志',
          columns: [
            { header: '序号', key: 'id', width: 10 },
            { header: '时间', key: 'at', width: 20, numFmt: 'yyyy-mm-dd hh:mm:ss' },
            { header: '账号', key: 'username', width: 14 },
            { header: 'IP 地址', key: 'ip', width: 16 },
            { header: '接口', key: 'route', width: 30 },
            { header: '对象', key: 'entity', width: 14 },
            { header: '对象编号', key: 'entityId', width: 38 },
            { header: '操作', key: 'action', width: 12 },
            { header: '修改前', key: 'before', width: 40 },
            { header: '修改后', key: 'after', width: 40 },
          ],
          fetchPage: (page, pageSize) => listAudit(db, { ...req.query, page, pageSize }, Number(ceiling ?? 0)),
          toRow: (r) => ({
            id: r.id,
            at: excelTime(r.at),
            username: r.username ?? '',
            ip: r.ip ?? '',
            route: r.route ?? '',
            entity: r.entity,
            entityId: r.entityId ?? '',
            action: r.action,
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
        schema: { tags: ['audit'], summary: '校验审计日志哈希链', response: { 200: z.object({ intact: z.boolean(), firstBrokenId: z.number().int().nullable() }) } },
      },
      async () => {
        const broken = await verifyAuditChain(db);
        return { intact: broken === null, firstBrokenId: broken };
      },
    );
  },
};
