import fs from 'node:fs';
import { and, asc, desc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { MultipartFile } from '@fastify/multipart';
import { DocumentKind, type Campaign, type CampaignDocument } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { campaignDocuments, campaigns, files, groups, tasks, units, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { filePath, storeUpload } from '../../platform/files.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { campaignVisible, groupBy, taskVisible, unitForAssignment } from './access.ts';
import { overdueCutoff } from './dates.ts';

type CampaignRow = typeof campaigns.$inferSelect;

const campaignColumns = {
  campaign: campaigns,
  unitName: units.name,
  leadingGroupName: groups.name,
};

function selectCampaigns(db: DbLike) {
  return db
    .select(campaignColumns)
    .from(campaigns)
    .innerJoin(units, eq(units.id, campaigns.unitId))
    .leftJoin(groups, eq(groups.id, campaigns.leadingGroupId));
}

type Stats = { taskCount: number; overdueCount: number; progress: number };

/**
 * Task counts and progress of campaigns over the tasks the caller sees: a county looking at the city's
 * campaign sees the numbers of its own part. Progress averages the topmost visible tasks (the roots for
 * the owning unit), whose progress already rolls up their sub-tasks.
 */
async function campaignStats(db: DbLike, scope: DataScope, ids: string[], today: string): Promise<Map<string, Stats>> {
  const out = new Map<string, Stats>();
  if (!ids.length) return out;
  const rows = await db
    .select({ id: tasks.id, campaignId: tasks.campaignId, parentId: tasks.parentId, progress: tasks.progress, status: tasks.status, deadline: tasks.deadline })
    .from(tasks)
    .where(and(inArray(tasks.campaignId, ids), taskVisible(scope)));
  const visible = new Set(rows.map((r) => r.id));
  const cutoff = overdueCutoff(today);
  const byCampaign = groupBy(rows, (r) => r.campaignId!);
  for (const id of ids) {
    const mine = byCampaign.get(id) ?? [];
    const top = mine.filter((r) => !r.parentId || !visible.has(r.parentId));
    out.set(id, {
      taskCount: mine.length,
      overdueCount: mine.filter((r) => r.status !== 'done' && r.deadline <= cutoff).length,
      progress: top.length ? Math.floor(top.reduce((s, r) => s + r.progress, 0) / top.length) : 0,
    });
  }
  return out;
}

type CampaignJoined = { campaign: CampaignRow; unitName: string; leadingGroupName: string | null };

function presentCampaign(r: CampaignJoined, s: Stats | undefined): Campaign {
  const c = r.campaign;
  return {
    id: c.id,
    unitId: c.unitId,
    unitName: r.unitName,
    name: c.name,
    description: c.description,
    dimensions: c.dimensions,
    startDate: c.startDate,
    endDate: c.endDate,
    leadingGroupId: c.leadingGroupId,
    leadingGroupName: r.leadingGroupName,
    status: c.status as Campaign['status'],
    taskCount: s?.taskCount ?? 0,
    overdueCount: s?.overdueCount ?? 0,
    progress: s?.progress ?? 0,
    version: c.version,
  };
}

export async function listCampaigns(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { q?: string; status?: string },
  today: string,
) {
  const where: SQL[] = [campaignVisible(scope)];
  if (q.q) where.push(ilike(campaigns.name, likeText(q.q)));
  if (q.status) where.push(eq(campaigns.status, q.status));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectCampaigns(db)
      .where(cond)
      .orderBy(
        ...orderOf(q.sort, { name: campaigns.name, startDate: campaigns.startDate, endDate: campaigns.endDate }, [
          desc(campaigns.startDate),
          asc(campaigns.name),
          asc(campaigns.id),
        ]),
      )
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(campaigns).where(cond),
  ]);
  const stats = await campaignStats(db, scope, rows.map((r) => r.campaign.id), today);
  return envelope(rows.map((r) => presentCampaign(r, stats.get(r.campaign.id))), total, q);
}

/** A campaign the caller sees, or 404. */
export async function getVisibleCampaign(db: DbLike, scope: DataScope, id: string): Promise<CampaignRow> {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.id, id), campaignVisible(scope)));
  if (!row) throw notFound('专项行动');
  return row;
}

/**
 * A campaign the caller may change: its owning unit is in scope. One the caller only sees through its
 * tasks answers 403; one it does not see at all answers 404.
 */
export async function getCampaignForChange(db: DbLike, scope: DataScope, id: string, lock = false): Promise<CampaignRow> {
  const q = db.select().from(campaigns).where(and(eq(campaigns.id, id), unitInScope(scope, campaigns.unitId)));
  const [row] = lock ? await q.for('update') : await q;
  if (row) return row;
  await getVisibleCampaign(db, scope, id);
  throw forbidden('只有牵头单位可以修改该专项行动');
}

export async function readCampaign(db: DbLike, scope: DataScope, id: string, today: string): Promise<Campaign> {
  await getVisibleCampaign(db, scope, id);
  const [row] = await selectCampaigns(db).where(eq(campaigns.id, id));
  const stats = await campaignStats(db, scope, [id], today);
  return presentCampaign(row, stats.get(id));
}

async function checkLeadingGroup(db: DbLike, scope: DataScope, groupId: string | null | undefined) {
  if (!groupId) return;
  const [g] = await db.select({ id: groups.id }).from(groups).where(and(eq(groups.id, groupId), unitInScope(scope, groups.unitId)));
  if (!g) throw badRequest('领导小组不存在或无权访问', [{ field: 'body.leadingGroupId', message: '领导小组不存在或无权访问' }]);
}

export async function createCampaign(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: {
    unitId?: string;
    name: string;
    description?: string | null;
    dimensions: string[];
    startDate: string;
    endDate: string;
    leadingGroupId?: string | null;
  },
): Promise<CampaignRow> {
  const unitId = input.unitId ?? caller.unitId;
  if (!unitId) throw badRequest('请指定牵头单位', [{ field: 'body.unitId', message: '请指定牵头单位' }]);
  await unitForAssignment(tx, caller.scope, unitId, '单位');
  await checkLeadingGroup(tx, caller.scope, input.leadingGroupId);
  const [row] = await tx
    .insert(campaigns)
    .values({
      unitId,
      name: input.name,
      description: input.description ?? null,
      dimensions: input.dimensions,
      startDate: input.startDate,
      endDate: input.endDate,
      leadingGroupId: input.leadingGroupId ?? null,
      createdBy: caller.userId,
    })
    .returning();
  await audit(tx, actor, { entity: 'campaign', entityId: row.id, action: 'create', after: row });
  return row;
}

export async function updateCampaign(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  id: string,
  patch: {
    version: number;
    status?: 'active' | 'closed';
    name?: string;
    description?: string | null;
    dimensions?: string[];
    startDate?: string;
    endDate?: string;
    leadingGroupId?: string | null;
  },
): Promise<CampaignRow> {
  const before = await getCampaignForChange(tx, scope, id, true);
  if (before.version !== patch.version) throw conflict();
  const { version: _v, ...fields } = patch;
  if ((fields.startDate ?? before.startDate) > (fields.endDate ?? before.endDate)) {
    throw badRequest('结束日期不能早于开始日期', [{ field: 'body.endDate', message: '结束日期不能早于开始日期' }]);
  }
  if (fields.leadingGroupId !== undefined) await checkLeadingGroup(tx, scope, fields.leadingGroupId);
  const [after] = await tx
    .update(campaigns)
    .set({ ...fields, version: before.version + 1, updatedAt: new Date() })
    .where(eq(campaigns.id, id))
    .returning();
  await audit(tx, actor, { entity: 'campaign', entityId: id, action: 'update', before, after });
  return after;
}

// 实施方案 and other documents of a campaign

const documentColumns = {
  doc: campaignDocuments,
  file: files,
  uploadedBy: users.username,
};

function presentDocument(r: { doc: typeof campaignDocuments.$inferSelect; file: typeof files.$inferSelect; uploadedBy: string | null }): CampaignDocument {
  return {
    id: r.doc.id,
    campaignId: r.doc.campaignId,
    kind: r.doc.kind as CampaignDocument['kind'],
    fileId: r.file.id,
    fileName: r.file.originalName,
    size: r.file.size,
    mime: r.file.mime,
    uploadedBy: r.uploadedBy,
    createdAt: r.doc.createdAt.toISOString(),
  };
}

export async function listDocuments(db: DbLike, scope: DataScope, campaignId: string): Promise<CampaignDocument[]> {
  await getVisibleCampaign(db, scope, campaignId);
  const rows = await db
    .select(documentColumns)
    .from(campaignDocuments)
    .innerJoin(files, eq(files.id, campaignDocuments.fileId))
    .leftJoin(users, eq(users.id, campaignDocuments.createdBy))
    .where(eq(campaignDocuments.campaignId, campaignId))
    .orderBy(asc(campaignDocuments.createdAt));
  return rows.map(presentDocument);
}

/**
 * Reads the multipart body of a document upload: the "file" part is stored as it streams in, the "kind" field
 * may come before or after it. Anything wrong removes the stored file again.
 */
export async function uploadDocument(
  db: DbLike,
  dataDir: string,
  caller: Caller,
  actor: Actor,
  campaignId: string,
  parts: AsyncIterableIterator<MultipartFile | { type: 'field'; fieldname: string; value: unknown }>,
): Promise<CampaignDocument> {
  const campaign = await getCampaignForChange(db, caller.scope, campaignId);
  return db.transaction(async (tx) => {
    let stored: typeof files.$inferSelect | null = null;
    let kind: unknown = 'plan';
    try {
      for await (const part of parts) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file' || stored) {
            part.file.resume();
            throw badRequest('请只上传一个文件，字段名为 file');
          }
          stored = await storeUpload(tx, dataDir, part as MultipartFile, { unitId: campaign.unitId, userId: caller.userId });
        } else if (part.fieldname === 'kind') {
          kind = part.value;
        }
      }
      if (!stored) throw badRequest('请选择要上传的文件', [{ field: 'body.file', message: '请选择要上传的文件' }]);
      const parsed = DocumentKind.safeParse(kind);
      if (!parsed.success) {
        throw badRequest('文件类别应为 实施方案、通知 或 其他', [{ field: 'body.kind', message: '文件类别应为 plan、notice 或 other' }]);
      }
      const [doc] = await tx
        .insert(campaignDocuments)
        .values({ campaignId, fileId: stored.id, kind: parsed.data, createdBy: caller.userId })
        .returning();
      await audit(tx, actor, { entity: 'campaign_document', entityId: doc.id, action: 'create', after: { ...doc, file: stored } });
      return presentDocument({ doc, file: stored, uploadedBy: caller.username });
    } catch (err) {
      if (stored) fs.rmSync(filePath(dataDir, stored), { force: true });
      throw err;
    }
  });
}

/** The stored file of a document of a campaign the caller sees, or 404. */
export async function documentFile(db: DbLike, scope: DataScope, campaignId: string, docId: string) {
  await getVisibleCampaign(db, scope, campaignId);
  const [row] = await db
    .select({ file: files })
    .from(campaignDocuments)
    .innerJoin(files, eq(files.id, campaignDocuments.fileId))
    .where(and(eq(campaignDocuments.id, docId), eq(campaignDocuments.campaignId, campaignId)));
  if (!row) throw notFound('文件');
  return row.file;
}

