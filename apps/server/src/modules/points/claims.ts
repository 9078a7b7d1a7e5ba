import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { PointClaim } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { files, persons, pointClaimFiles, pointClaims, pointEvents, pointRules, units, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { ownUnattachedFiles, presentFile } from '../../platform/files.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { getPersonInScope } from '../org/persons.ts';
import { getUnitInScope } from '../org/units.ts';
import { fromCents, timesQuantity, toCents } from './amounts.ts';
import { recordPointEvent } from './ledger.ts';

// 加减分申请: a manual award or deduction under a rule of the catalogue, 申请 → 审核 → 生效 / 驳回.

type ClaimRow = typeof pointClaims.$inferSelect;

/** The name a user is shown by: their person's name, else the login. */
export const userName = (col: AnyPgColumn) =>
  sql<string | null>`(select coalesce(p.name, u.username) from ${users} u left join ${persons} p on p.id = u.person_id where u.id = ${col})`;

/** The unit's or the person's name, by subject type. */
export const subjectName = (type: AnyPgColumn, id: AnyPgColumn) =>
  sql<string>`coalesce(case when ${type} = 'unit' then (select su.name from ${units} su where su.id = ${id}) else (select sp.name from ${persons} sp where sp.id = ${id}) end, '')`;

/** Claims of the units in scope, those the caller filed, and those about the caller. */
function claimVisible(scope: DataScope): SQL {
  return or(unitInScope(scope, pointClaims.unitId), eq(pointClaims.createdBy, scope.userId), ownedBy(scope, pointClaims.personId))!;
}

function selectClaims(db: DbLike) {
  return db
    .select({
      c: pointClaims,
      ruleCode: pointRules.code,
      item: pointRules.item,
      category: pointRules.category,
      unitName: units.name,
      subjectName: subjectName(pointClaims.subjectType, pointClaims.subjectId),
      createdByName: userName(pointClaims.createdBy),
      decidedByName: userName(pointClaims.decidedBy),
      eventPoints: pointEvents.points,
    })
    .from(pointClaims)
    .innerJoin(pointRules, eq(pointRules.id, pointClaims.ruleId))
    .innerJoin(units, eq(units.id, pointClaims.unitId))
    .leftJoin(pointEvents, eq(pointEvents.id, pointClaims.eventId));
}
type Joined = Awaited<ReturnType<ReturnType<typeof selectClaims>['where']>>[number];

async function presentClaims(db: DbLike, rows: Joined[]): Promise<PointClaim[]> {
  const ids = rows.map((r) => r.c.id);
  const attached = ids.length
    ? await db
        .select({ claimId: pointClaimFiles.claimId, file: files })
        .from(pointClaimFiles)
        .innerJoin(files, eq(files.id, pointClaimFiles.fileId))
        .where(inArray(pointClaimFiles.claimId, ids))
        .orderBy(asc(files.createdAt), asc(files.id))
    : [];
  return rows.map((r) => ({
    id: r.c.id,
    ruleId: r.c.ruleId,
    ruleCode: r.ruleCode,
    item: r.item,
    category: r.category,
    subjectType: r.c.subjectType,
    subjectId: r.c.subjectId,
    subjectName: r.subjectName,
    unitId: r.c.unitId,
    unitName: r.unitName,
    quantity: fromCents(toCents(r.c.quantity)),
    points: fromCents(r.c.points),
    occurredOn: r.c.occurredOn,
    reason: r.c.reason,
    links: r.c.links,
    files: attached.filter((a) => a.claimId === r.c.id).map((a) => presentFile(a.file)),
    status: r.c.status,
    createdByName: r.createdByName,
    createdAt: r.c.createdAt.toISOString(),
    decidedByName: r.decidedByName,
    decidedAt: r.c.decidedAt?.toISOString() ?? null,
    decisionNote: r.c.decisionNote,
    eventId: r.c.eventId,
    eventPoints: r.eventPoints == null ? null : fromCents(r.eventPoints),
    version: r.c.version,
  }));
}

export async function presentClaim(db: DbLike, id: string): Promise<PointClaim> {
  return (await presentClaims(db, await selectClaims(db).where(eq(pointClaims.id, id))))[0];
}

const CLAIM_SORT = { createdAt: pointClaims.createdAt, occurredOn: pointClaims.occurredOn, points: pointClaims.points };

export async function listClaims(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { status?: 'pending' | 'approved' | 'rejected'; unitId?: string; mine?: boolean },
) {
  const where: SQL[] = [claimVisible(scope)];
  if (q.status) where.push(eq(pointClaims.status, q.status));
  if (q.unitId) where.push(sql`${pointClaims.unitId} in (select d.id from ${units} d where d.path like (select a.path from ${units} a where a.id = ${q.unitId}) || '%')`);
  if (q.mine) where.push(eq(pointClaims.createdBy, scope.userId));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectClaims(db)
      .where(cond)
      .orderBy(...orderOf(q.sort, CLAIM_SORT, [desc(pointClaims.createdAt), asc(pointClaims.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(pointClaims).where(cond),
  ]);
  return envelope(await presentClaims(db, rows), total, q);
}

export async function getVisibleClaim(db: DbLike, scope: DataScope, id: string): Promise<ClaimRow> {
  const [row] = await db.select().from(pointClaims).where(and(eq(pointClaims.id, id), claimVisible(scope)));
  if (!row) throw notFound('加减分申请');
  return row;
}

/** Evidence of a claim the caller sees, or 404. */
export async function claimFile(db: DbLike, scope: DataScope, claimId: string, fileId: string) {
  await getVisibleClaim(db, scope, claimId);
  const [row] = await db
    .select({ file: files })
    .from(pointClaimFiles)
    .innerJoin(files, eq(files.id, pointClaimFiles.fileId))
    .where(and(eq(pointClaimFiles.claimId, claimId), eq(pointClaimFiles.fileId, fileId)));
  if (!row) throw notFound('文件');
  return row.file;
}

export type CreateClaimInput = {
  ruleId: string;
  subjectId: string;
  quantity: string;
  occurredOn: string;
  reason: string;
  links: string[];
  fileIds: string[];
  idempotencyKey: string;
};

const field = (name: string, message: string) => badRequest(message, [{ field: `body.${name}`, message }]);

/**
 * 申请加减分. The idempotency key makes a double click harmless: the second call returns the first claim
 * (created = false) and writes nothing; the unique index on (creator, key) settles two calls racing.
 */
export async function createClaim(tx: DbLike, caller: Caller, actor: Actor, input: CreateClaimInput): Promise<{ id: string; created: boolean }> {
  const replay = async () => {
    const [existing] = await tx
      .select()
      .from(pointClaims)
      .where(and(eq(pointClaims.createdBy, caller.userId), eq(pointClaims.idempotencyKey, input.idempotencyKey)));
    if (!existing) return null;
    if (existing.ruleId !== input.ruleId || existing.subjectId !== input.subjectId) throw conflict('该提交标识已用于另一项申请');
    return { id: existing.id, created: false };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await writeClaim(tx, caller, actor, input, replay);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // A twin request may have committed between the first look and now (taking the same files): it wins.
    const twin = await replay();
    if (twin) return twin;
    throw err;
  }
}

async function writeClaim(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: CreateClaimInput,
  replay: () => Promise<{ id: string; created: boolean } | null>,
): Promise<{ id: string; created: boolean }> {
  const [rule] = await tx.select().from(pointRules).where(eq(pointRules.id, input.ruleId));
  if (!rule) throw notFound('评分细则');
  if (rule.source) throw field('ruleId', `“${rule.item}”由系统自动计分，不能人工申请`);
  if (rule.disabled) throw field('ruleId', `评分细则 ${rule.code} 已停用`);
  const day = input.occurredOn;
  if (day > shanghaiDate()) throw field('occurredOn', '发生日期不能晚于今天');
  if (rule.effectiveFrom > day || (rule.effectiveTo && rule.effectiveTo < day) || rule.year !== Number(day.slice(0, 4))) {
    throw field('occurredOn', `评分细则 ${rule.code}（第 ${rule.ruleVersion} 版）在 ${day} 不适用，请选择当日有效的细则`);
  }
  let subject: { unitId: string; personId: string | null };
  if (rule.subjectType === 'unit') {
    const unit = await getUnitInScope(tx, caller.scope, input.subjectId);
    subject = { unitId: unit.id, personId: null };
  } else {
    const person = await getPersonInScope(tx, caller.scope, input.subjectId);
    subject = { unitId: person.unitId, personId: person.id };
  }
  if (rule.evidenceRequired && !input.fileIds.length && !input.links.length) {
    throw field('fileIds', `评分细则 ${rule.code} 须提供佐证材料，请上传附件或填写链接`);
  }
  const fileIds = await ownUnattachedFiles(tx, caller.userId, input.fileIds, [pointClaimFiles.fileId]);
  const [row] = await tx
    .insert(pointClaims)
    .values({
      ruleId: rule.id,
      subjectType: rule.subjectType,
      subjectId: input.subjectId,
      ...subject,
      quantity: input.quantity,
      points: timesQuantity(rule.points, input.quantity),
      occurredOn: day,
      reason: input.reason,
      links: input.links,
      idempotencyKey: input.idempotencyKey,
      createdBy: caller.userId,
    })
    .onConflictDoNothing({ target: [pointClaims.createdBy, pointClaims.idempotencyKey] })
    .returning();
  if (!row) return (await replay())!;
  if (fileIds.length) await tx.insert(pointClaimFiles).values(fileIds.map((fileId) => ({ claimId: row.id, fileId })));
  await audit(tx, actor, { entity: 'point_claim', entityId: row.id, action: 'create', after: { ...row, fileIds } });
  return { id: row.id, created: true };
}

/**
 * 审核. Approval writes the ledger row, where the rule's cap applies: the claim keeps the points asked and shows
 * the points given, which the cap may have cut. A claim is never decided by the one who filed it.
 */
export async function decideClaim(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  input: { approve: boolean; note?: string; version: number },
): Promise<void> {
  const [before] = await tx
    .select()
    .from(pointClaims)
    .where(and(eq(pointClaims.id, id), unitInScope(caller.scope, pointClaims.unitId)))
    .for('update');
  if (!before) {
    await getVisibleClaim(tx, caller.scope, id);
    throw forbidden('只有被申请单位的上级可以审核该申请');
  }
  if (before.createdBy === caller.userId) throw forbidden('不能审核本人提交的申请');
  if (before.version !== input.version) throw conflict();
  if (before.status !== 'pending') throw conflict('该申请已审核，不能重复审核');
  const note = input.note?.trim() || null;
  if (!input.approve && (!note || note.length < 2)) throw field('note', '驳回时请写明理由');
  let eventId: number | null = null;
  if (input.approve) {
    const [rule] = await tx.select().from(pointRules).where(eq(pointRules.id, before.ruleId));
    if (rule.disabled) throw badRequest(`评分细则 ${rule.code} 已停用，不能再据此加减分`);
    const event = await recordPointEvent(tx, {
      rule,
      subjectId: before.subjectId,
      unitId: before.unitId,
      personId: before.personId,
      quantity: before.quantity,
      points: before.points,
      occurredOn: before.occurredOn,
      kind: 'manual',
      sourceType: 'claim',
      sourceId: before.id,
      sourceLabel: `加减分申请：${before.reason.slice(0, 60)}`,
      claimId: before.id,
      dedupeKey: `claim:${before.id}`,
      note,
      createdBy: caller.userId,
    });
    if (!event) throw conflict('该申请已记入积分');
    eventId = event.id;
  }
  const [after] = await tx
    .update(pointClaims)
    .set({
      status: input.approve ? 'approved' : 'rejected',
      decidedBy: caller.userId,
      decidedAt: new Date(),
      decisionNote: note,
      eventId,
      version: before.version + 1,
    })
    .where(eq(pointClaims.id, id))
    .returning();
  await audit(tx, actor, { entity: 'point_claim', entityId: id, action: input.approve ? 'approve' : 'reject', before, after });
}
