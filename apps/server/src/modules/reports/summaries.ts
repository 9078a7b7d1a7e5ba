/**
 * 工作总结: the paragraph of figures for a unit (with its subtree) and a period, each figure counted from the
 * records and carrying the web route that lists them; the writer edits the text and saves it per unit and period.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { SummaryDraft, SummaryFigure, WorkSummary } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { infoAdoptions, infoItems, studyReadingLogs, studyReflections, studySessions, tasks, units, workSummaries } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { officialDocument, type OfficialBlock } from '../../platform/docx.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { pathInScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { addDays } from '../../platform/calendar.ts';
import { cnDate, issuerName, periodOfKey, type Period } from './templates.ts';

async function unitOf(db: DbLike, caller: Caller, unitId: string) {
  const [u] = await db.select({ id: units.id, name: units.name, path: units.path }).from(units).where(eq(units.id, unitId));
  if (!u || !pathInScope(caller.scope, u.path)) throw notFound('单位');
  return u;
}

const query = (o: Record<string, string | undefined>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join('&');

/** Half-open instant range of a period's Shanghai days. */
const instants = (p: Period) => ({ from: new Date(`${p.start}T00:00:00+08:00`), to: new Date(`${addDays(p.end, 1)}T00:00:00+08:00`) });

/**
 * The figures of a unit's subtree over a period:
 * - sessions: held study sessions of a type, by the instant they actually started
 * - reflections: 心得体会 submitted in the period (not drafts)
 * - reading: reading logs finished in the period
 * - infoSubmitted: information items first submitted in the period; infoAdoptedHigh: adoptions at 省级 or 中央 dated in the period
 * - tasksDone: tasks led in the subtree completed in the period; tasksOverdue: tasks due in the period (up to
 *   yesterday) not done by their deadline
 */
export async function summaryFigures(db: DbLike, unit: { id: string; path: string }, p: Period, today: string): Promise<SummaryFigure[]> {
  const inSubtree = sql`(select id from ${units} where ${units.path} like ${`${unit.path}%`})`;
  const { from, to } = instants(p);
  const dueTo = p.end < today ? p.end : addDays(today, -1);
  const sessions = (type: string) =>
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(studySessions)
      .where(and(sql`${studySessions.unitId} in ${inSubtree}`, eq(studySessions.status, 'held'), eq(studySessions.typeCode, type), sql`${studySessions.actualStart} >= ${from}`, sql`${studySessions.actualStart} < ${to}`))
      .then((r) => r[0].n);
  const [collective, morning, reflections, reading, submitted, adopted, done, overdue] = await Promise.all([
    sessions('collective'),
    sessions('morning_reading'),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(studyReflections)
      .where(and(sql`${studyReflections.unitId} in ${inSubtree}`, sql`${studyReflections.status} <> 'draft'`, sql`${studyReflections.submittedAt} >= ${from}`, sql`${studyReflections.submittedAt} < ${to}`))
      .then((r) => r[0].n),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(studyReadingLogs)
      .where(and(sql`${studyReadingLogs.unitId} in ${inSubtree}`, sql`${studyReadingLogs.finishDate} between ${p.start} and ${p.end}`))
      .then((r) => r[0].n),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(infoItems)
      .where(and(sql`${infoItems.unitId} in ${inSubtree}`, sql`${infoItems.submittedOn} between ${p.start} and ${p.end}`))
      .then((r) => r[0].n),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(infoAdoptions)
      .where(and(sql`${infoAdoptions.unitId} in ${inSubtree}`, inArray(infoAdoptions.level, ['省级', '中央']), sql`${infoAdoptions.adoptedOn} between ${p.start} and ${p.end}`))
      .then((r) => r[0].n),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(tasks)
      .where(and(sql`${tasks.leadUnitId} in ${inSubtree}`, eq(tasks.status, 'done'), sql`${tasks.completedAt} >= ${from}`, sql`${tasks.completedAt} < ${to}`))
      .then((r) => r[0].n),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(tasks)
      .where(
        and(
          sql`${tasks.leadUnitId} in ${inSubtree}`,
          sql`${tasks.deadline} between ${p.start} and ${dueTo}`,
          sql`(${tasks.status} <> 'done' or (${tasks.completedAt} at time zone 'Asia/Shanghai')::date > ${tasks.deadline})`,
        ),
      )
      .then((r) => r[0].n),
  ]);
  const range = { unitId: unit.id, from: p.start, to: p.end };
  return [
    { key: 'collective', label: '集中学习', value: collective, link: `/study/sessions?${query({ ...range, type: 'collective', status: 'held' })}` },
    { key: 'morning_reading', label: '晨读+分享', value: morning, link: `/study/sessions?${query({ ...range, type: 'morning_reading', status: 'held' })}` },
    { key: 'reflections', label: '心得体会', value: reflections, link: `/study/reflections?${query({ ...range, submitted: 'true' })}` },
    { key: 'reading', label: '读书记录', value: reading, link: `/study/reading?${query({ ...range, finished: 'true' })}` },
    { key: 'info_submitted', label: '报送信息', value: submitted, link: `/info/items?${query({ ...range, submitted: 'true' })}` },
    { key: 'info_adopted_high', label: '被省级以上采用', value: adopted, link: `/info/items?${query({ ...range, adopted: 'true', level: '省级,中央' })}` },
    { key: 'tasks_done', label: '完成重点任务', value: done, link: `/key-tasks?${query({ ...range, status: 'done' })}` },
    { key: 'tasks_overdue', label: '逾期重点任务', value: overdue, link: `/key-tasks?${query({ ...range, overdue: '1' })}` },
  ];
}

/** The paragraph the figures make, in the order of the list. */
export function summaryText(unitName: string, p: Period, f: SummaryFigure[]): string {
  const v = (k: string) => f.find((x) => x.key === k)?.value ?? 0;
  return (
    `${p.label}，${unitName}共开展集中学习${v('collective')}次、晨读+分享${v('morning_reading')}次，撰写心得体会${v('reflections')}篇，登记读书${v('reading')}本次；` +
    `报送信息${v('info_submitted')}条，被省级以上采用${v('info_adopted_high')}条；` +
    `完成重点任务${v('tasks_done')}项，逾期${v('tasks_overdue')}项。`
  );
}

const presentSaved = (s: typeof workSummaries.$inferSelect) => ({ id: s.id, text: s.text, version: s.version, updatedAt: s.updatedAt.toISOString() });

export async function summaryDraft(db: DbLike, caller: Caller, unitId: string, periodKey: string, today: string): Promise<SummaryDraft> {
  const unit = await unitOf(db, caller, unitId);
  const p = periodOfKey(periodKey);
  const figures = await summaryFigures(db, unit, p, today);
  const [saved] = await db.select().from(workSummaries).where(and(eq(workSummaries.unitId, unit.id), eq(workSummaries.periodKey, periodKey)));
  return {
    unitId: unit.id,
    unitName: unit.name,
    periodKey,
    periodLabel: p.label,
    from: p.start,
    to: p.end,
    text: summaryText(unit.name, p, figures),
    figures,
    saved: saved ? presentSaved(saved) : null,
  };
}

async function present(db: DbLike, s: typeof workSummaries.$inferSelect): Promise<WorkSummary> {
  const [u] = await db.select({ name: units.name }).from(units).where(eq(units.id, s.unitId));
  return {
    id: s.id,
    unitId: s.unitId,
    unitName: u?.name ?? '',
    periodKey: s.periodKey,
    periodLabel: periodOfKey(s.periodKey).label,
    text: s.text,
    figures: s.figures as SummaryFigure[],
    updatedAt: s.updatedAt.toISOString(),
    version: s.version,
  };
}

/** Saves the edited text of a unit and period (version 0 creates it), with the figures as they are now. */
export async function saveSummary(tx: DbLike, caller: Caller, actor: Actor, body: { unitId: string; periodKey: string; text: string; version: number }, today: string) {
  const unit = await unitOf(tx, caller, body.unitId);
  const figures = await summaryFigures(tx, unit, periodOfKey(body.periodKey), today);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`work-summary:${unit.id}:${body.periodKey}`}))`);
  const [before] = await tx.select().from(workSummaries).where(and(eq(workSummaries.unitId, unit.id), eq(workSummaries.periodKey, body.periodKey))).for('update');
  if ((before?.version ?? 0) !== body.version) throw conflict();
  if (!before) {
    const [row] = await tx.insert(workSummaries).values({ unitId: unit.id, periodKey: body.periodKey, text: body.text, figures, createdBy: caller.userId }).returning();
    await audit(tx, actor, { entity: 'work_summary', entityId: row.id, action: 'create', after: row });
    return present(tx, row);
  }
  const [row] = await tx
    .update(workSummaries)
    .set({ text: body.text, figures, updatedAt: new Date(), version: before.version + 1 })
    .where(eq(workSummaries.id, before.id))
    .returning();
  await audit(tx, actor, { entity: 'work_summary', entityId: row.id, action: 'update', before, after: row });
  return present(tx, row);
}

async function visibleSummary(db: DbLike, caller: Caller, id: string) {
  const [s] = await db.select({ s: workSummaries, path: units.path }).from(workSummaries).innerJoin(units, eq(units.id, workSummaries.unitId)).where(eq(workSummaries.id, id));
  if (!s || !pathInScope(caller.scope, s.path)) throw notFound('工作总结');
  return s.s;
}

export async function getSummary(db: DbLike, caller: Caller, id: string) {
  return present(db, await visibleSummary(db, caller, id));
}

/** The summary as a plain official document (no 版头): title, the text's paragraphs, the unit and the date. */
export async function summaryDocx(db: DbLike, caller: Caller, id: string, today: string) {
  const s = await present(db, await visibleSummary(db, caller, id));
  const blocks: OfficialBlock[] = s.text
    .split(/\n+/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((text) => ({ kind: 'paragraph' as const, text }));
  const title = `${s.unitName}${s.periodLabel}工作总结`;
  const buffer = await officialDocument({
    masthead: issuerName({ name: s.unitName }),
    title,
    blocks,
    signature: { issuer: issuerName({ name: s.unitName }), date: cnDate(today) },
  });
  return { buffer, fileName: `${title}.docx` };
}

