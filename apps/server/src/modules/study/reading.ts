import { and, asc, desc, eq, gte, inArray, isNotNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DesignatedReader, ReadingLog, ReadingProgress } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, studyReaders, studyReadingLogs, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { getVisibleCampaign } from '../campaigns/campaigns.ts';
import { unitAtOrBelow } from './content.access.ts';

type ReaderRow = typeof studyReaders.$inferSelect;
type LogRow = typeof studyReadingLogs.$inferSelect;

// ---- 指定读本 ----

/**
 * A designated reader applies to the people of its unit and below. The caller sees those of units in scope and
 * those that apply to the caller's own unit (a staff member picks from them when logging a book).
 */
function readerVisible(scope: DataScope): SQL {
  return or(
    unitInScope(scope, studyReaders.unitId),
    scope.unitPath ? sql`${scope.unitPath} like '%/' || ${studyReaders.unitId}::text || '/%'` : sql`false`,
  )!;
}

function selectReaders(db: DbLike) {
  return db.select({ r: studyReaders, unitName: units.name }).from(studyReaders).innerJoin(units, eq(units.id, studyReaders.unitId));
}

const presentReader = ({ r, unitName }: { r: ReaderRow; unitName: string }): DesignatedReader => ({
  id: r.id,
  campaignId: r.campaignId,
  unitId: r.unitId,
  unitName,
  title: r.title,
  author: r.author,
  targetBooks: r.targetBooks,
  version: r.version,
});

export async function presentReaderById(db: DbLike, id: string) {
  return presentReader((await selectReaders(db).where(eq(studyReaders.id, id)))[0]);
}

export async function listReaders(db: DbLike, scope: DataScope, q: ListParams & { campaignId?: string }) {
  const where: SQL[] = [readerVisible(scope)];
  if (q.campaignId) where.push(eq(studyReaders.campaignId, q.campaignId));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectReaders(db).where(cond).orderBy(...orderOf(q.sort, { title: studyReaders.title }, [asc(studyReaders.createdAt), asc(studyReaders.id)])).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(studyReaders).where(cond),
  ]);
  return envelope(rows.map(presentReader), total, q);
}

export async function getVisibleReader(db: DbLike, scope: DataScope, id: string): Promise<ReaderRow> {
  const [row] = await db.select().from(studyReaders).where(and(eq(studyReaders.id, id), readerVisible(scope)));
  if (!row) throw notFound('指定读本');
  return row;
}

export async function createReader(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: { campaignId: string; unitId?: string; title: string; author?: string | null; targetBooks: number },
) {
  const unitId = input.unitId ?? caller.unitId;
  if (!unitId) throw badRequest('请指定单位', [{ field: 'body.unitId', message: '请指定单位' }]);
  const [unit] = await tx.select().from(units).where(eq(units.id, unitId));
  if (!unit || !pathInScope(caller.scope, unit.path)) throw notFound('单位');
  await getVisibleCampaign(tx, caller.scope, input.campaignId);
  const [row] = await tx
    .insert(studyReaders)
    .values({ campaignId: input.campaignId, unitId, title: input.title, author: input.author ?? null, targetBooks: input.targetBooks, createdBy: caller.userId })
    .returning();
  await audit(tx, actor, { entity: 'study_reader', entityId: row.id, action: 'create', after: row });
  return row;
}

export async function updateReader(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  id: string,
  patch: { version: number; title?: string; author?: string | null; targetBooks?: number },
) {
  const [before] = await tx.select().from(studyReaders).where(and(eq(studyReaders.id, id), unitInScope(scope, studyReaders.unitId))).for('update');
  if (!before) {
    await getVisibleReader(tx, scope, id);
    throw forbidden('只有设定该读本的单位可以修改');
  }
  if (before.version !== patch.version) throw conflict();
  const { version: _v, ...fields } = patch;
  const [after] = await tx
    .update(studyReaders)
    .set({ ...fields, version: before.version + 1, updatedAt: new Date() })
    .where(eq(studyReaders.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_reader', entityId: id, action: 'update', before, after });
  return after;
}

// ---- 读书记录 ----

/** A reading log: the reader's own, or one of a unit in scope. */
function logVisible(scope: DataScope): SQL {
  return or(ownedBy(scope, studyReadingLogs.personId), unitInScope(scope, studyReadingLogs.unitId))!;
}

function selectLogs(db: DbLike) {
  return db
    .select({ l: studyReadingLogs, personName: persons.name, unitName: units.name })
    .from(studyReadingLogs)
    .innerJoin(persons, eq(persons.id, studyReadingLogs.personId))
    .innerJoin(units, eq(units.id, studyReadingLogs.unitId));
}

const presentLog = ({ l, personName, unitName }: { l: LogRow; personName: string; unitName: string }): ReadingLog => ({
  id: l.id,
  personId: l.personId,
  personName,
  unitId: l.unitId,
  unitName,
  bookTitle: l.bookTitle,
  author: l.author,
  designatedReaderId: l.designatedReaderId,
  startDate: l.startDate,
  finishDate: l.finishDate,
  notes: l.notes,
  version: l.version,
});

export async function presentLogById(db: DbLike, id: string) {
  return presentLog((await selectLogs(db).where(eq(studyReadingLogs.id, id)))[0]);
}

export async function listLogs(db: DbLike, scope: DataScope, q: ListParams & { mine?: boolean; unitId?: string; year?: number }) {
  const where: SQL[] = [logVisible(scope)];
  if (q.mine) where.push(ownedBy(scope, studyReadingLogs.personId));
  if (q.unitId) where.push(unitAtOrBelow(studyReadingLogs.unitId, q.unitId));
  if (q.year) where.push(gte(studyReadingLogs.finishDate, `${q.year}-01-01`), lte(studyReadingLogs.finishDate, `${q.year}-12-31`));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectLogs(db)
      .where(cond)
      .orderBy(
        ...orderOf(q.sort, { finishDate: studyReadingLogs.finishDate, startDate: studyReadingLogs.startDate, bookTitle: studyReadingLogs.bookTitle }, [
          sql`${studyReadingLogs.finishDate} desc nulls first`,
          desc(studyReadingLogs.createdAt),
          asc(studyReadingLogs.id),
        ]),
      )
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(studyReadingLogs).where(cond),
  ]);
  return envelope(rows.map(presentLog), total, q);
}

export async function getVisibleLog(db: DbLike, scope: DataScope, id: string, lock = false): Promise<LogRow> {
  const query = db.select().from(studyReadingLogs).where(and(eq(studyReadingLogs.id, id), logVisible(scope)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('读书记录');
  return row;
}

/** A designated reader the person may log a book against: one that applies to the person's unit. */
async function checkDesignated(db: DbLike, personUnitPath: string, readerId: string | null | undefined) {
  if (!readerId) return;
  const [r] = await db
    .select({ id: studyReaders.id })
    .from(studyReaders)
    .where(and(eq(studyReaders.id, readerId), sql`${personUnitPath} like '%/' || ${studyReaders.unitId}::text || '/%'`));
  if (!r) throw badRequest('指定读本不存在或不适用于该人员', [{ field: 'body.designatedReaderId', message: '指定读本不存在或不适用于该人员' }]);
}

export async function createLog(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: { personId?: string; bookTitle: string; author?: string | null; designatedReaderId?: string | null; startDate?: string | null; finishDate?: string | null; notes?: string | null },
) {
  const personId = input.personId ?? caller.personId;
  if (!personId) throw badRequest('当前账号未关联人员，请指定读书人', [{ field: 'body.personId', message: '请指定人员' }]);
  const [p] = await tx
    .select({ id: persons.id, unitId: persons.unitId, unitPath: units.path })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(and(eq(persons.id, personId), or(ownedBy(caller.scope, persons.id), unitInScope(caller.scope, persons.unitId))));
  if (!p) throw notFound('人员');
  await checkDesignated(tx, p.unitPath, input.designatedReaderId);
  const [row] = await tx
    .insert(studyReadingLogs)
    .values({
      personId: p.id,
      unitId: p.unitId,
      bookTitle: input.bookTitle,
      author: input.author ?? null,
      designatedReaderId: input.designatedReaderId ?? null,
      startDate: input.startDate ?? null,
      finishDate: input.finishDate ?? null,
      notes: input.notes ?? null,
      createdBy: caller.userId,
    })
    .returning();
  await audit(tx, actor, { entity: 'study_reading_log', entityId: row.id, action: 'create', after: row });
  return row;
}

export async function updateLog(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  id: string,
  patch: { version: number; bookTitle?: string; author?: string | null; designatedReaderId?: string | null; startDate?: string | null; finishDate?: string | null; notes?: string | null },
) {
  const before = await getVisibleLog(tx, scope, id, true);
  if (before.version !== patch.version) throw conflict();
  const { version: _v, ...fields } = patch;
  const start = fields.startDate !== undefined ? fields.startDate : before.startDate;
  const finish = fields.finishDate !== undefined ? fields.finishDate : before.finishDate;
  if (start && finish && start > finish) throw badRequest('读完日期不能早于开始日期', [{ field: 'body.finishDate', message: '读完日期不能早于开始日期' }]);
  if (fields.designatedReaderId) {
    const [u] = await tx.select({ path: units.path }).from(units).where(eq(units.id, before.unitId));
    await checkDesignated(tx, u.path, fields.designatedReaderId);
  }
  const [after] = await tx
    .update(studyReadingLogs)
    .set({ ...fields, version: before.version + 1, updatedAt: new Date() })
    .where(eq(studyReadingLogs.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_reading_log', entityId: id, action: 'update', before, after });
  return after;
}

// ---- 每月读一本好书 progress ----

/**
 * Per person of the caller's units (or the caller alone): books finished in the year, the months in which at least
 * one was finished, and designated books finished against each applicable campaign's target.
 */
export async function readingProgress(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { unitId?: string; year: number; campaignId?: string },
) {
  const from = `${q.year}-01-01`;
  const to = `${q.year}-12-31`;
  const where: SQL[] = [or(unitInScope(scope, persons.unitId), ownedBy(scope, persons.id))!, eq(persons.disabled, false)];
  if (q.unitId) where.push(unitAtOrBelow(persons.unitId, q.unitId));
  const cond = and(...where);
  const finished = sql<number>`(select count(*)::int from ${studyReadingLogs} l where l.person_id = ${persons.id} and l.finish_date between ${from} and ${to})`;
  const months = sql<number>`(select count(distinct extract(month from l.finish_date))::int from ${studyReadingLogs} l where l.person_id = ${persons.id} and l.finish_date between ${from} and ${to})`;
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ id: persons.id, name: persons.name, unitId: persons.unitId, unitName: units.name, unitPath: units.path, finished, months })
      .from(persons)
      .innerJoin(units, eq(units.id, persons.unitId))
      .where(cond)
      .orderBy(...orderOf(q.sort, { name: persons.name, booksFinished: finished, monthsWithBook: months }, [asc(units.path), asc(persons.name), asc(persons.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(persons).where(cond),
  ]);
  const ids = rows.map((r) => r.id);
  const logs = ids.length
    ? await db
        .select({ personId: studyReadingLogs.personId, finishDate: studyReadingLogs.finishDate, readerId: studyReadingLogs.designatedReaderId })
        .from(studyReadingLogs)
        .where(and(inArray(studyReadingLogs.personId, ids), isNotNull(studyReadingLogs.finishDate)))
    : [];
  // The designated readers that apply to the people of this page: those of their units and above.
  const ancestorIds = [...new Set(rows.flatMap((r) => r.unitPath.split('/').filter(Boolean)))];
  const readerWhere: SQL[] = [inArray(studyReaders.unitId, ancestorIds.length ? ancestorIds : ['00000000-0000-0000-0000-000000000000'])];
  if (q.campaignId) readerWhere.push(eq(studyReaders.campaignId, q.campaignId));
  const readers = await db.select().from(studyReaders).where(and(...readerWhere));
  const data: ReadingProgress[] = rows.map((r) => {
    const mine = logs.filter((l) => l.personId === r.id);
    const monthSet = new Set(mine.filter((l) => l.finishDate! >= from && l.finishDate! <= to).map((l) => Number(l.finishDate!.slice(5, 7))));
    const applicable = readers.filter((x) => r.unitPath.includes(`/${x.unitId}/`));
    const finishedReaders = new Set(mine.flatMap((l) => (l.readerId ? [l.readerId] : [])));
    let target = 0;
    let done = 0;
    for (const campaignId of new Set(applicable.map((x) => x.campaignId))) {
      const books = applicable.filter((x) => x.campaignId === campaignId);
      // Every book of a campaign carries the campaign's target; the largest applies if units set different ones.
      const t = Math.max(...books.map((x) => x.targetBooks));
      target += t;
      done += Math.min(t, books.filter((x) => finishedReaders.has(x.id)).length);
    }
    return {
      personId: r.id,
      personName: r.name,
      unitId: r.unitId,
      unitName: r.unitName,
      booksFinished: r.finished,
      months: [...monthSet].sort((a, b) => a - b),
      monthsWithBook: monthSet.size,
      designatedTarget: target,
      designatedFinished: done,
    };
  });
  return envelope(data, total, q);
}
