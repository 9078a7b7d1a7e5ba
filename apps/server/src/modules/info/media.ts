import { and, asc, desc, eq, gte, ilike, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { INFO_MEASURES, type SaveInfoMediaReportBody, type SaveInfoTargetBody } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { infoAdoptions, infoAuthors, infoIssues, infoItems, infoMediaReports, infoTargets, persons, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { getPersonInScope } from '../org/persons.ts';
import { getUnitInScope } from '../org/units.ts';
import type { XlsxColumn } from '../org/xlsx.ts';

// 媒体报道 and 宣传目标任务 (每位记者宣传目标任务): targets per unit or per reporter, counted live.

type MediaRow = typeof infoMediaReports.$inferSelect;
type MediaBody = z.output<typeof SaveInfoMediaReportBody>;

const field = (name: string, message: string) => badRequest(message, [{ field: `body.${name}`, message }]);

/** The reports of the caller's units, the ones they registered, and the ones they wrote. */
function mediaVisible(scope: DataScope): SQL {
  return or(unitInScope(scope, infoMediaReports.unitId), eq(infoMediaReports.createdBy, scope.userId), ownedBy(scope, infoMediaReports.reporterId))!;
}

const subtreeOf = (col: SQL | typeof infoMediaReports.unitId, unitId: string) =>
  sql`${col} in (select d.id from ${units} d where d.path like (select a.path from ${units} a where a.id = ${unitId}) || '%')`;

function selectMedia(db: DbLike) {
  return db
    .select({ m: infoMediaReports, unitName: units.name })
    .from(infoMediaReports)
    .innerJoin(units, eq(units.id, infoMediaReports.unitId));
}
type MediaJoined = { m: MediaRow; unitName: string };

const presentMedia = ({ m, unitName }: MediaJoined) => ({
  id: m.id,
  unitId: m.unitId,
  unitName,
  reporterId: m.reporterId,
  reporterName: m.reporterName,
  outlet: m.outlet,
  level: m.level,
  title: m.title,
  link: m.link,
  publishedOn: m.publishedOn,
  version: m.version,
});

export async function listMedia(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { q?: string; unitId?: string; reporterId?: string; level?: string; from?: string; to?: string },
) {
  const where: SQL[] = [mediaVisible(scope)];
  if (q.q) where.push(or(ilike(infoMediaReports.title, likeText(q.q)), ilike(infoMediaReports.outlet, likeText(q.q)), ilike(infoMediaReports.reporterName, likeText(q.q)))!);
  if (q.unitId) where.push(subtreeOf(infoMediaReports.unitId, q.unitId));
  if (q.reporterId) where.push(eq(infoMediaReports.reporterId, q.reporterId));
  if (q.level) where.push(eq(infoMediaReports.level, q.level));
  if (q.from) where.push(gte(infoMediaReports.publishedOn, q.from));
  if (q.to) where.push(lte(infoMediaReports.publishedOn, q.to));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectMedia(db)
      .where(cond)
      .orderBy(...orderOf(q.sort, { publishedOn: infoMediaReports.publishedOn, title: infoMediaReports.title }, [desc(infoMediaReports.publishedOn), asc(infoMediaReports.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(infoMediaReports).where(cond),
  ]);
  return envelope(rows.map(presentMedia), total, q);
}

async function getVisibleMedia(db: DbLike, scope: DataScope, id: string, lock = false): Promise<MediaRow> {
  const q = db.select().from(infoMediaReports).where(and(eq(infoMediaReports.id, id), mediaVisible(scope)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('媒体报道');
  return row;
}

export async function getMedia(db: DbLike, scope: DataScope, id: string) {
  await getVisibleMedia(db, scope, id);
  const [row] = await selectMedia(db).where(eq(infoMediaReports.id, id));
  return presentMedia(row);
}

/**
 * Whose report it is. A staff member (self scope) registers their own reports only, under their own unit; others
 * name a unit in their scope (their own by default) and optionally a reporter of their scope.
 */
async function subjectOf(tx: DbLike, caller: Caller, body: MediaBody): Promise<{ unitId: string; reporterId: string | null; reporterName: string | null }> {
  if (caller.scope.kind === 'self') {
    if (!caller.personId || !caller.unitId) throw forbidden('账号未关联人员，不能登记媒体报道');
    if ((body.unitId && body.unitId !== caller.unitId) || (body.reporterId && body.reporterId !== caller.personId)) {
      throw forbidden('只能登记本人的媒体报道');
    }
    const [me] = await tx.select({ name: persons.name }).from(persons).where(eq(persons.id, caller.personId));
    return { unitId: caller.unitId, reporterId: caller.personId, reporterName: me?.name ?? body.reporterName };
  }
  const unitId = body.unitId ?? caller.unitId;
  if (!unitId) throw field('unitId', '请选择单位');
  const unit = await getUnitInScope(tx, caller.scope, unitId);
  if (!body.reporterId) return { unitId: unit.id, reporterId: null, reporterName: body.reporterName };
  const person = await getPersonInScope(tx, caller.scope, body.reporterId);
  return { unitId: unit.id, reporterId: person.id, reporterName: person.name };
}

/** 登记媒体报道; the idempotency key makes a double click one report (created = false on the replay). */
export async function createMedia(tx: DbLike, caller: Caller, actor: Actor, body: MediaBody): Promise<{ id: string; created: boolean }> {
  const replay = async () => {
    if (!body.idempotencyKey) return null;
    const [row] = await tx
      .select({ id: infoMediaReports.id })
      .from(infoMediaReports)
      .where(and(eq(infoMediaReports.createdBy, caller.userId), eq(infoMediaReports.idempotencyKey, body.idempotencyKey)));
    return row ? { id: row.id, created: false } : null;
  };
  const earlier = await replay();
  if (earlier) return earlier;
  const subject = await subjectOf(tx, caller, body);
  const [row] = await tx
    .insert(infoMediaReports)
    .values({
      ...subject,
      outlet: body.outlet,
      level: body.level,
      title: body.title,
      link: body.link ?? null,
      publishedOn: body.publishedOn,
      idempotencyKey: body.idempotencyKey ?? null,
      createdBy: caller.userId,
    })
    .onConflictDoNothing({ target: [infoMediaReports.createdBy, infoMediaReports.idempotencyKey] })
    .returning();
  if (!row) return (await replay())!;
  await audit(tx, actor, { entity: 'info_media_report', entityId: row.id, action: 'create', after: row });
  return { id: row.id, created: true };
}

export async function updateMedia(tx: DbLike, caller: Caller, actor: Actor, id: string, body: MediaBody) {
  const before = await getVisibleMedia(tx, caller.scope, id, true);
  if (body.version == null) throw field('version', '请提供版本号');
  if (before.version !== body.version) throw conflict();
  const subject = await subjectOf(tx, caller, { ...body, unitId: body.unitId ?? before.unitId });
  const [after] = await tx
    .update(infoMediaReports)
    .set({ ...subject, outlet: body.outlet, level: body.level, title: body.title, link: body.link ?? null, publishedOn: body.publishedOn, version: before.version + 1 })
    .where(eq(infoMediaReports.id, id))
    .returning();
  await audit(tx, actor, { entity: 'info_media_report', entityId: id, action: 'update', before, after });
}

export async function deleteMedia(tx: DbLike, caller: Caller, actor: Actor, id: string, version?: number) {
  const before = await getVisibleMedia(tx, caller.scope, id, true);
  if (version != null && before.version !== version) throw conflict();
  await tx.delete(infoMediaReports).where(eq(infoMediaReports.id, id));
  await audit(tx, actor, { entity: 'info_media_report', entityId: id, action: 'delete', before });
}

// ---- 目标任务 ----

type TargetRow = typeof infoTargets.$inferSelect;

const windowFrom = sql`make_date(${infoTargets.year}, coalesce(${infoTargets.month}, 1), 1)`;
const windowTo = sql`(case when ${infoTargets.month} is null then make_date(${infoTargets.year}, 12, 31)
  else (make_date(${infoTargets.year}, ${infoTargets.month}, 1) + interval '1 month' - interval '1 day')::date end)`;

/**
 * What a target has reached so far, counted live in its window (the year, or its month): items submitted by the
 * unit itself or written by the person; distinct items adopted (an adoption into our own issue counts once the
 * issue is issued); media reports of the unit or by the reporter.
 */
const actual = sql<number>`(case
  when ${infoTargets.measure} = 'submitted' and ${infoTargets.subjectType} = 'unit' then
    (select count(*) from ${infoItems} i where i.unit_id = ${infoTargets.subjectId} and i.submitted_on between ${windowFrom} and ${windowTo})
  when ${infoTargets.measure} = 'submitted' then
    (select count(distinct i.id) from ${infoItems} i join ${infoAuthors} au on au.item_id = i.id
      where au.person_id = ${infoTargets.subjectId} and i.submitted_on between ${windowFrom} and ${windowTo})
  when ${infoTargets.measure} = 'adopted' and ${infoTargets.subjectType} = 'unit' then
    (select count(distinct a.item_id) from ${infoAdoptions} a left join ${infoIssues} s on s.id = a.issue_id
      where a.unit_id = ${infoTargets.subjectId} and a.adopted_on between ${windowFrom} and ${windowTo} and (a.kind = 'outlet' or s.status = 'issued'))
  when ${infoTargets.measure} = 'adopted' then
    (select count(distinct a.item_id) from ${infoAdoptions} a join ${infoAuthors} au on au.item_id = a.item_id left join ${infoIssues} s on s.id = a.issue_id
      where au.person_id = ${infoTargets.subjectId} and a.adopted_on between ${windowFrom} and ${windowTo} and (a.kind = 'outlet' or s.status = 'issued'))
  when ${infoTargets.subjectType} = 'unit' then
    (select count(*) from ${infoMediaReports} m where m.unit_id = ${infoTargets.subjectId} and m.published_on between ${windowFrom} and ${windowTo})
  else
    (select count(*) from ${infoMediaReports} m where m.reporter_id = ${infoTargets.subjectId} and m.published_on between ${windowFrom} and ${windowTo})
end)::int`;

const progress = sql<number>`(case when ${infoTargets.target} = 0 then 100 else (${actual} * 100 / ${infoTargets.target}) end)::int`;

const subjectName = sql<string>`coalesce(case when ${infoTargets.subjectType} = 'unit'
  then (select su.name from ${units} su where su.id = ${infoTargets.subjectId})
  else (select sp.name from ${persons} sp where sp.id = ${infoTargets.subjectId}) end, '')`;

/** Targets of the caller's units; a self scope sees the targets set for them. */
function targetVisible(scope: DataScope): SQL {
  return or(unitInScope(scope, infoTargets.unitId), and(eq(infoTargets.subjectType, 'person'), ownedBy(scope, infoTargets.subjectId)))!;
}

type TargetFilters = { year: number; month?: number; subjectType?: 'unit' | 'person'; measure?: 'submitted' | 'adopted' | 'media'; unitId?: string };

function targetWhere(scope: DataScope, q: TargetFilters): SQL {
  return and(
    targetVisible(scope),
    eq(infoTargets.year, q.year),
    q.month ? eq(infoTargets.month, q.month) : undefined,
    q.subjectType ? eq(infoTargets.subjectType, q.subjectType) : undefined,
    q.measure ? eq(infoTargets.measure, q.measure) : undefined,
    q.unitId ? subtreeOf(sql`${infoTargets.unitId}`, q.unitId) : undefined,
  )!;
}

function selectTargets(db: DbLike) {
  return db
    .select({ t: infoTargets, unitName: units.name, subjectName, actual, progress })
    .from(infoTargets)
    .innerJoin(units, eq(units.id, infoTargets.unitId));
}
type TargetJoined = { t: TargetRow; unitName: string; subjectName: string; actual: number; progress: number };

const presentTarget = ({ t, ...r }: TargetJoined) => ({
  id: t.id,
  year: t.year,
  month: t.month,
  subjectType: t.subjectType,
  subjectId: t.subjectId,
  subjectName: r.subjectName,
  unitName: r.unitName,
  measure: t.measure,
  target: t.target,
  actual: r.actual,
  progress: r.progress,
  version: t.version,
});

const TARGET_SORT = { progress, subjectName };
const TARGET_ORDER = [asc(infoTargets.month), asc(units.path), asc(infoTargets.subjectType), asc(infoTargets.measure), asc(infoTargets.id)];

export async function listTargets(db: DbLike, scope: DataScope, q: ListParams & TargetFilters) {
  const cond = targetWhere(scope, q);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectTargets(db).where(cond).orderBy(...orderOf(q.sort, TARGET_SORT, TARGET_ORDER)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(infoTargets).where(cond),
  ]);
  return envelope(rows.map(presentTarget), total, q);
}

export async function getTarget(db: DbLike, id: string) {
  const [row] = await selectTargets(db).where(eq(infoTargets.id, id));
  return presentTarget(row);
}

/** Sets one target (year or month, unit or person, one measure): updates the one there is, or adds it. */
export async function saveTarget(tx: DbLike, caller: Caller, actor: Actor, body: z.output<typeof SaveInfoTargetBody>): Promise<string> {
  const unitId =
    body.subjectType === 'unit'
      ? (await getUnitInScope(tx, caller.scope, body.subjectId)).id
      : (await getPersonInScope(tx, caller.scope, body.subjectId)).unitId;
  // the unique index does not hold for a yearly target (month is null): one lock per target settles two saves at once
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`info-target:${body.year}:${body.month ?? 0}:${body.subjectType}:${body.subjectId}:${body.measure}`}))`);
  const [before] = await tx
    .select()
    .from(infoTargets)
    .where(
      and(
        eq(infoTargets.year, body.year),
        body.month == null ? isNull(infoTargets.month) : eq(infoTargets.month, body.month),
        eq(infoTargets.subjectType, body.subjectType),
        eq(infoTargets.subjectId, body.subjectId),
        eq(infoTargets.measure, body.measure),
      ),
    )
    .for('update');
  if (before) {
    const [after] = await tx
      .update(infoTargets)
      .set({ target: body.target, unitId, createdBy: caller.userId, updatedAt: new Date(), version: before.version + 1 })
      .where(eq(infoTargets.id, before.id))
      .returning();
    await audit(tx, actor, { entity: 'info_target', entityId: before.id, action: 'update', before, after });
    return before.id;
  }
  const [row] = await tx
    .insert(infoTargets)
    .values({ year: body.year, month: body.month, subjectType: body.subjectType, subjectId: body.subjectId, unitId, measure: body.measure, target: body.target, createdBy: caller.userId })
    .returning();
  await audit(tx, actor, { entity: 'info_target', entityId: row.id, action: 'create', after: row });
  return row.id;
}

export async function deleteTarget(tx: DbLike, caller: Caller, actor: Actor, id: string) {
  const [before] = await tx
    .select()
    .from(infoTargets)
    .where(and(eq(infoTargets.id, id), unitInScope(caller.scope, infoTargets.unitId)))
    .for('update');
  if (!before) throw notFound('目标任务');
  await tx.delete(infoTargets).where(eq(infoTargets.id, id));
  await audit(tx, actor, { entity: 'info_target', entityId: id, action: 'delete', before });
}

export const TARGET_COLUMNS: XlsxColumn[] = [
  { header: '年度', key: 'year', width: 8 },
  { header: '月份', key: 'month', width: 8 },
  { header: '对象类型', key: 'subjectType', width: 10 },
  { header: '对象', key: 'subjectName', width: 24 },
  { header: '所属单位', key: 'unitName', width: 24 },
  { header: '指标', key: 'measure', width: 12 },
  { header: '目标', key: 'target', width: 8 },
  { header: '完成', key: 'actual', width: 8 },
  { header: '完成率（%）', key: 'progress', width: 12 },
];

export async function targetExportRows(db: DbLike, scope: DataScope, q: TargetFilters) {
  const rows = await selectTargets(db).where(targetWhere(scope, q)).orderBy(...TARGET_ORDER).limit(50_000);
  return rows.map(presentTarget).map((t) => ({
    ...t,
    month: t.month ? `${t.month}月` : '全年',
    subjectType: t.subjectType === 'unit' ? '单位' : '个人',
    measure: INFO_MEASURES[t.measure],
  }));
}
