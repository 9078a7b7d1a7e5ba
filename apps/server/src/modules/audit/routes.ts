import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { listQuery, listResponse } from '@luoshi/contract';
import { z } from 'zod';
import { auditLog } from '../../db/schema/index.ts';
import { verifyAuditChain } from '../../platform/audit.ts';
import { envelope, pageOf } from '../../platform/list.ts';
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

/** 审计日志: read-only. The application has no route that changes or deletes a row, and the database refuses it too. */
export const auditModule: Module = {
  name: 'audit',
  register(app, { db }) {
    app.get(
      '/api/audit/logs',
      { config: { permission: 'audit:log:read' }, schema: { tags: ['audit'], summary: '审计日志', querystring: AuditQuery, response: { 200: listResponse(AuditRow) } } },
      async (req) => {
        const q = req.query;
        const where: SQL[] = [];
        if (q.entity) where.push(eq(auditLog.entity, q.entity));
        if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
        if (q.username) where.push(eq(auditLog.username, q.username));
        if (q.from) where.push(gte(auditLog.at, new Date(q.from)));
        if (q.to) where.push(lte(auditLog.at, new Date(q.to)));
        const cond = where.length ? and(...where) : undefined;
        const { limit, offset } = pageOf(q);
        const rows = await db.select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(limit).offset(offset);
        const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(cond);
        return envelope(rows.map((r) => ({ ...r, at: r.at.toISOString() })), total, q);
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
