import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { INTERVIEW_GRADES, type PeriodKind, type PointPeriod, type PointSubject } from '@luoshi/contract';
import type { Db, DbLike } from '../../db/client.ts';
import { pointGradeSchemes, pointPeriods, pointResults, pointSettings, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import type { DataScope } from '../../platform/scope.ts';
import { clock } from '../campaigns/dates.ts';
import { fromCents, periodByKey, toCents } from './amounts.ts';
import { openInterviews } from './interviews.ts';
import { ensurePeriods, syncPointEvents } from './ledger.ts';
import {
  countResults, frozenResultsQuery, gradeScheme, livePersonCount, livePersonPage, liveResultsQuery, pagedResults, peerNames, personUnitsFilter,
  personWhere, refreshUnitPeers, resultWhere, rowsOf, thresholdGradeWhere, withNames, type ResultRow, type Scheme,
} from './results.ts';

type PeriodRow = typeof pointPeriods.$inferSelect;

export function presentPeriod(p: PeriodRow, closedByName: string | null = null): PointPeriod {
  return {
    key: p.key,
    label: periodByKey(p.key).label,
    kind: p.kind,
    year: p.year,
    seq: p.seq,
    startDate: p.startDate,
    endDate: p.endDate,
    status: p.status,
    closedAt: p.closedAt?.toISOString() ?? null,
    closedByName,
    reopenCount: p.reopenCount,
    reopenReason: p.reopenReason,
    version: p.version,
  };
}

const KIND_ORDER: Record<PeriodKind, number> = { year: 0, half: 1, quarter: 2, month: 3 };

export async function listPeriods(db: DbLike, year: number, kind?: PeriodKind): Promise<PointPeriod[]> {
  await ensurePeriods(db, year);
  const rows = await db
    .select({ p: pointPeriods, by: users.username })
    .from(pointPeriods)
    .leftJoin(users, eq(users.id, pointPeriods.closedBy))
    .where(and(eq(pointPeriods.year, year), kind ? eq(pointPeriods.kind, kind) : undefined))
    .orderBy(asc(pointPeriods.startDate));
  return rows.sort((a, b) => KIND_ORDER[a.p.kind] - KIND_ORDER[b.p.kind] || a.p.seq - b.p.seq).map((r) => presentPeriod(r.p, r.by));
}

export async function getPeriod(db: DbLike, key: string): Promise<PeriodRow> {
  const info = periodByKey(key);
  await ensurePeriods(db, info.year);
  const [p] = await db.select().from(pointPeriods).where(eq(pointPeriods.key, key));
  if (!p) throw notFound('考核周期');
  return p;
}

/**
 * 关闭考核周期: applies the automatic points still waiting, then freezes every unit's and person's total, rank
 * and grade in one transaction and opens a 约谈 for each unit graded 一般 or 差. Facts of the period that arrive
 * later are booked in the next open period.
 */
export async function closePeriod(db: Db, actor: Actor, key: string, version: number) {
  const before = await getPeriod(db, key);
  if (before.status === 'closed') throw conflict('该考核周期已关闭');
  if (before.endDate >= clock.today()) throw badRequest(`${periodByKey(key).label}尚未结束（${before.endDate} 结束），不能关闭`);
  await syncPointEvents(db);
  await refreshUnitPeers(db);
  const result = await db.transaction(async (tx) => {
    const [p] = await tx.select().from(pointPeriods).where(eq(pointPeriods.key, key)).for('update');
    if (p.version !== version) throw conflict();
    if (p.status === 'closed') throw conflict('该考核周期已关闭');
    const counts: Record<PointSubject, number> = { unit: 0, person: 0 };
    for (const subjectType of ['unit', 'person'] as const) {
      const scheme = await gradeScheme(tx, subjectType);
      await tx.execute(sql`
        insert into point_results (period_key, subject_type, subject_id, unit_id, peer_key, total, events, rank, peer_size, grade)
        select ${key}, ${subjectType}, r.subject_id, r.unit_id, r.peer_key, r.total, r.events, r.rank, r.peer_size, r.grade
        from (${liveResultsQuery(key, subjectType, scheme)}) r`);
      const [{ n }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(pointResults)
        .where(and(eq(pointResults.periodKey, key), eq(pointResults.subjectType, subjectType)));
      counts[subjectType] = n;
    }
    const toInterview = await tx
      .select({ unitId: pointResults.subjectId, grade: pointResults.grade, total: pointResults.total })
      .from(pointResults)
      .where(and(eq(pointResults.periodKey, key), eq(pointResults.subjectType, 'unit'), inArray(pointResults.grade, [...INTERVIEW_GRADES])));
    const interviewsOpened = await openInterviews(
      tx,
      key,
      toInterview.map((r) => ({ unitId: r.unitId, grade: r.grade ?? '', total: r.total })),
    );
    const [after] = await tx
      .update(pointPeriods)
      .set({ status: 'closed', closedAt: new Date(), closedBy: actor.userId, version: p.version + 1 })
      .where(eq(pointPeriods.key, key))
      .returning();
    await audit(tx, actor, {
      entity: 'point_period',
      entityId: key,
      action: 'close',
      before: p,
      after: { ...after, units: counts.unit, persons: counts.person, interviewsOpened },
    });
    return { period: presentPeriod(after, actor.username), units: counts.unit, persons: counts.person, interviewsOpened };
  });
  // Fresh statistics for the rows just frozen, or the planner reads them as a handful (PGlite has no autovacuum).
  await db.execute(sql`analyze point_results`);
  return result;
}

/** 重新开启: needs a reason; the frozen results are dropped and computed live again until the next close. */
export async function reopenPeriod(db: Db, actor: Actor, key: string, version: number, reason: string) {
  return db.transaction(async (tx) => {
    await getPeriod(tx, key);
    const [p] = await tx.select().from(pointPeriods).where(eq(pointPeriods.key, key)).for('update');
    if (p.version !== version) throw conflict();
    if (p.status !== 'closed') throw conflict('该考核周期未关闭');
    await tx.delete(pointResults).where(eq(pointResults.periodKey, key));
    const [after] = await tx
      .update(pointPeriods)
      .set({ status: 'open', closedAt: null, closedBy: null, reopenCount: p.reopenCount + 1, reopenReason: reason, version: p.version + 1 })
      .where(eq(pointPeriods.key, key))
      .returning();
    await audit(tx, actor, { entity: 'point_period', entityId: key, action: 'reopen', before: p, after: { ...after, reason } });
    return presentPeriod(after);
  });
}

// ---- results ----

export type ResultQuery = {
  periodKey: string;
  subjectType: PointSubject;
  peerKey?: string;
  unitPath?: string | null;
  grade?: string;
  q?: string;
  sort?: string;
  page: number;
  pageSize: number;
};

/** One page of ranked results in the caller's scope; ranks are always those of the whole peer group. */
export async function listResults(db: DbLike, scope: DataScope, q: ResultQuery, all = false) {
  const period = await getPeriod(db, q.periodKey);
  const frozen = period.status === 'closed';
  if (!frozen && q.subjectType === 'unit') await refreshUnitPeers(db);
  const ascending = q.sort === '-rank' || q.sort === 'total';
  const limit = all ? null : q.pageSize;
  const offset = all ? 0 : (q.page - 1) * q.pageSize;
  let page: SQL;
  let count: SQL;
  const scheme = frozen ? null : await gradeScheme(db, q.subjectType);
  const gradeTotal = scheme && q.grade ? thresholdGradeWhere(scheme, q.grade, sql`coalesce(t.total, 0)`) : null;
  if (!frozen && q.subjectType === 'person' && limit != null && (!q.grade || gradeTotal)) {
    const where = personWhere(scope, q, gradeTotal);
    page = livePersonPage(q.periodKey, scheme!, where, ascending, limit, offset);
    count = livePersonCount(q.periodKey, where, !!gradeTotal);
  } else {
    const base = frozen
      ? frozenResultsQuery(q.periodKey, q.subjectType)
      : liveResultsQuery(q.periodKey, q.subjectType, scheme!, q.subjectType === 'person' ? personUnitsFilter(scope, q.unitPath) : undefined);
    const where = resultWhere(scope, q.subjectType, q);
    page = pagedResults(base, where, ascending, limit, offset);
    count = countResults(base, where);
  }
  const [rows, counted] = await Promise.all([
    db.execute(withNames(page, q.subjectType, ascending)).then((r) => rowsOf<ResultRow>(r)),
    limit == null ? Promise.resolve(null) : db.execute(count).then((r) => rowsOf<{ n: number }>(r)[0].n),
  ]);
  const names = await peerNames(db, [...new Set(rows.map((r) => r.peer_key))]);
  return {
    period: presentPeriod(period),
    frozen,
    total: counted ?? rows.length,
    data: rows.map((r) => ({
      subjectType: q.subjectType,
      subjectId: r.subject_id,
      subjectName: r.subject_name,
      unitId: r.unit_id,
      unitName: r.unit_name,
      peerKey: r.peer_key,
      peerName: names.get(r.peer_key) ?? r.peer_key,
      total: fromCents(r.total),
      events: Number(r.events),
      rank: Number(r.rank),
      peerSize: Number(r.peer_size),
      grade: r.grade,
    })),
  };
}

/** The peer groups present in the caller's results of a period, for the filter. */
export async function listPeerGroups(db: DbLike, scope: DataScope, periodKey: string, subjectType: PointSubject) {
  const { data } = await listResults(db, scope, { periodKey, subjectType, page: 1, pageSize: 1 }, true);
  const sizes = new Map<string, { name: string; size: number }>();
  for (const r of data) sizes.set(r.peerKey, { name: r.peerName, size: r.peerSize });
  return [...sizes].map(([key, v]) => ({ key, ...v })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

// ---- grade schemes and settings ----

export async function listGradeSchemes(db: DbLike) {
  return Promise.all((['unit', 'person'] as const).map((t) => gradeScheme(db, t)));
}

const GRADE_ORDER = ['好', '较好', '一般', '差'];

export async function putGradeScheme(db: Db, actor: Actor, subjectType: PointSubject, body: Omit<Scheme, 'subjectType'>) {
  if (body.bands.map((b) => b.grade).join() !== GRADE_ORDER.join()) throw badRequest('等次应依次为 好、较好、一般、差');
  const head = body.bands.slice(0, -1);
  if (body.mode === 'threshold') {
    if (head.some((b) => b.min == null || b.min === '')) throw badRequest('请为 好、较好、一般 填写分数线', [{ field: 'body.bands', message: '分数线不能为空' }]);
    const mins = head.map((b) => toCents(String(b.min)));
    if (mins.some((m, i) => i > 0 && m >= mins[i - 1])) throw badRequest('分数线应从“好”到“一般”依次降低');
  } else {
    const sum = body.bands.reduce((s, b) => s + (b.share ?? 0), 0);
    if (sum !== 100) throw badRequest(`各等次比例之和应为 100%（现为 ${sum}%）`);
  }
  return db.transaction(async (tx) => {
    const before = await gradeScheme(tx, subjectType);
    if (before.version !== 0 && before.version !== body.version) throw conflict();
    const bands = body.bands.map((b) => ({
      grade: b.grade,
      ...(body.mode === 'threshold' ? { min: b.min == null || b.min === '' ? undefined : toCents(String(b.min)) } : { share: b.share ?? 0 }),
    }));
    await tx
      .insert(pointGradeSchemes)
      .values({ subjectType, mode: body.mode, bands, version: 1 })
      .onConflictDoUpdate({ target: pointGradeSchemes.subjectType, set: { mode: body.mode, bands, version: sql`${pointGradeSchemes.version} + 1`, updatedAt: new Date() } });
    const after = await gradeScheme(tx, subjectType);
    await audit(tx, actor, { entity: 'point_grade_scheme', entityId: subjectType, action: 'update', before, after });
    return after;
  });
}

export async function getSettings(db: DbLike) {
  const [row] = await db.select().from(pointSettings).where(eq(pointSettings.id, 1));
  return { appealWindowDays: row?.appealWindowDays ?? 10, version: row?.version ?? 0 };
}

export async function putSettings(db: Db, actor: Actor, body: { appealWindowDays: number; version: number }) {
  return db.transaction(async (tx) => {
    const before = await getSettings(tx);
    if (before.version !== 0 && before.version !== body.version) throw conflict();
    await tx
      .insert(pointSettings)
      .values({ id: 1, appealWindowDays: body.appealWindowDays })
      .onConflictDoUpdate({ target: pointSettings.id, set: { appealWindowDays: body.appealWindowDays, version: sql`${pointSettings.version} + 1`, updatedAt: new Date() } });
    const after = await getSettings(tx);
    await audit(tx, actor, { entity: 'point_settings', entityId: '1', action: 'update', before, after });
    return after;
  });
}
