import ExcelJS from 'exceljs';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { UNIT_TYPES, type CoverageWeekDetail } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { studyCoverageRules, studySessions, studyWeekChecks, units, type WeekCheckRow } from '../../db/schema/index.ts';
import { audit, SYSTEM_ACTOR, type Actor } from '../../platform/audit.ts';
import { addDays, isWorkday, periodOf } from '../../platform/calendar.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { emitEvent } from '../../platform/events.ts';
import { envelope, pageOf, type ListParams } from '../../platform/list.ts';
import { pathInScope, type DataScope } from '../../platform/scope.ts';

// 每周半天覆盖学: the weekly coverage rule and the 未学通报 list of each closed week.

/** Half a day a week for every branch, unless an admin configures otherwise. */
export const DEFAULT_COVERAGE_RULES = [{ unitType: 'branch', minMinutes: 240, enabled: true }];

type Rule = { unitType: string; minMinutes: number; enabled: boolean };

export async function coverageRules(db: DbLike): Promise<Rule[]> {
  const stored = await db.select().from(studyCoverageRules).orderBy(asc(studyCoverageRules.unitType));
  const byType = new Map<string, Rule>(DEFAULT_COVERAGE_RULES.map((r) => [r.unitType, r]));
  for (const r of stored) byType.set(r.unitType, { unitType: r.unitType, minMinutes: r.minMinutes, enabled: r.enabled });
  return [...byType.values()].sort((a, b) => a.unitType.localeCompare(b.unitType));
}

export async function putCoverageRules(tx: DbLike, actor: Actor, rules: Rule[]) {
  const before = await coverageRules(tx);
  const seen = new Set<string>();
  for (const [i, r] of rules.entries()) {
    if (!(r.unitType in UNIT_TYPES)) throw badRequest(`未知的单位类型：${r.unitType}`, [{ field: `body.rules.${i}.unitType`, message: '未知的单位类型' }]);
    if (seen.has(r.unitType)) throw badRequest('同一单位类型只能有一条规则', [{ field: `body.rules.${i}.unitType`, message: '单位类型重复' }]);
    seen.add(r.unitType);
  }
  for (const r of rules) {
    await tx
      .insert(studyCoverageRules)
      .values(r)
      .onConflictDoUpdate({
        target: studyCoverageRules.unitType,
        set: { minMinutes: r.minMinutes, enabled: r.enabled, version: sql`${studyCoverageRules.version} + 1`, updatedAt: new Date() },
      });
  }
  const after = await coverageRules(tx);
  await audit(tx, actor, { entity: 'study_coverage_rule', entityId: null, action: 'update', before, after });
  return after;
}

/** Monday and Sunday of an ISO week key ("2026-W12"); 400 for a week that does not exist. */
export function weekRange(week: string): { start: string; end: string } {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6));
  const jan4 = `${year}-01-04`;
  const dow = new Date(`${jan4}T00:00:00Z`).getUTCDay() || 7;
  const start = addDays(addDays(jan4, 1 - dow), (n - 1) * 7);
  if (n < 1 || periodOf('weekly', start).key !== week) throw badRequest(`不存在的周次：${week}`, [{ field: 'params.week', message: '周次不存在' }]);
  return { start, end: addDays(start, 6) };
}

/** The last week whose Sunday is before `today`. */
export function lastClosedWeek(today: string): string {
  return periodOf('weekly', addDays(today, -7)).key;
}

const nextWeek = (week: string) => periodOf('weekly', addDays(weekRange(week).end, 1)).key;

/** Every check of the weeks runs one at a time, in any number of processes. */
const CHECK_LOCK = 7_245_101;

/**
 * Computes the 未学通报 of a closed week: each unit under an enabled rule that held fewer minutes of collective
 * study (actual durations of held sessions, by the Shanghai day they started) than the rule asks, and each unit
 * that studied without pre-filing (held sessions never filed, or filed after they started). A week without a
 * working day is exempt from the minutes. Re-running replaces the list until an admin confirms it; a confirmed
 * week is frozen. Each missed unit raises `study.week_missed` once, however often the week is checked.
 */
export async function checkWeek(db: DbLike, week: string, today: string, actor: Actor = SYSTEM_ACTOR) {
  const { start, end } = weekRange(week);
  if (end >= today) throw badRequest(`${week} 尚未结束，不能检查`);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHECK_LOCK})`);
    const [existing] = await tx.select().from(studyWeekChecks).where(eq(studyWeekChecks.week, week));
    if (existing?.confirmedAt) return { check: existing, frozen: true };
    let exempt = true;
    for (let d = start; d <= end; d = addDays(d, 1)) if (isWorkday(d)) exempt = false;
    const rules = (await coverageRules(tx)).filter((r) => r.enabled);
    const required = new Map(rules.map((r) => [r.unitType, r.minMinutes]));
    const candidates = rules.length
      ? await tx
          .select({ id: units.id, name: units.name, type: units.type, path: units.path })
          .from(units)
          .where(and(inArray(units.type, rules.map((r) => r.unitType)), eq(units.disabled, false)))
      : [];
    const from = new Date(`${start}T00:00:00+08:00`);
    const to = new Date(`${addDays(end, 1)}T00:00:00+08:00`);
    const studied = await tx
      .select({
        unitId: studySessions.unitId,
        minutes: sql<number>`coalesce(round(sum(extract(epoch from (${studySessions.actualEnd} - ${studySessions.actualStart}))) / 60), 0)::int`,
        unfiled: sql<number>`count(*) filter (where ${studySessions.filedAt} is null)::int`,
        late: sql<number>`count(*) filter (where ${studySessions.late})::int`,
      })
      .from(studySessions)
      .where(and(eq(studySessions.status, 'held'), sql`${studySessions.actualStart} >= ${from}`, sql`${studySessions.actualStart} < ${to}`))
      .groupBy(studySessions.unitId);
    const byUnit = new Map(studied.map((s) => [s.unitId, s]));
    const names = new Map<string, string>();
    const ancestorIds = [...new Set(candidates.flatMap((u) => u.path.split('/').filter(Boolean)))];
    for (let i = 0; i < ancestorIds.length; i += 5000) {
      const part = await tx.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ancestorIds.slice(i, i + 5000)));
      for (const u of part) names.set(u.id, u.name);
    }
    const rows: WeekCheckRow[] = [];
    for (const u of candidates) {
      const s = byUnit.get(u.id);
      const minutes = s?.minutes ?? 0;
      const need = required.get(u.type) ?? 0;
      const missed = !exempt && minutes < need;
      const unfiled = s?.unfiled ?? 0;
      const late = s?.late ?? 0;
      if (!missed && !unfiled && !late) continue;
      rows.push({
        unitId: u.id,
        unitName: u.name,
        unitPath: u.path,
        unitPathNames: u.path.split('/').filter(Boolean).map((id) => names.get(id) ?? ''),
        unitType: u.type,
        minutes,
        requiredMinutes: need,
        missed,
        unfiledSessions: unfiled,
        lateSessions: late,
      });
    }
    rows.sort((a, b) => a.unitPathNames.join('/').localeCompare(b.unitPathNames.join('/'), 'zh-CN') || a.unitId.localeCompare(b.unitId));
    const values = { week, startDate: start, endDate: end, exempt, computedAt: new Date(), rows };
    const [check] = await tx
      .insert(studyWeekChecks)
      .values(values)
      .onConflictDoUpdate({ target: studyWeekChecks.week, set: { exempt, computedAt: values.computedAt, rows } })
      .returning();
    const missed = rows.filter((r) => r.missed);
    for (const r of missed) {
      await emitEvent(tx, {
        type: 'study.week_missed',
        key: `${r.unitId}:${week}`,
        unitId: r.unitId,
        payload: { week, minutes: r.minutes, requiredMinutes: r.requiredMinutes },
      });
    }
    // A re-check before confirmation can lift a branch over the line (a session recorded late): the miss is
    // withdrawn, so the points module reverses what it deducted.
    const nowMissed = new Set(missed.map((r) => r.unitId));
    for (const r of existing?.rows ?? []) {
      if (!r.missed || nowMissed.has(r.unitId)) continue;
      await emitEvent(tx, {
        type: 'study.week_missed_withdrawn',
        key: `${r.unitId}:${week}`,
        unitId: r.unitId,
        payload: { week, missedKey: `${r.unitId}:${week}` },
      });
    }
    await audit(tx, actor, {
      entity: 'study_week_check',
      entityId: week,
      action: 'check',
      after: { week, exempt, missed: missed.length, unfiled: rows.length - missed.length },
    });
    return { check, frozen: false };
  });
}

/**
 * The job: checks every closed week after the last one checked, up to the last closed week (catching up after
 * downtime); on a fresh database it starts with the last closed week. Returns the weeks it checked.
 */
export async function runMissedChecks(db: DbLike, today: string, actor: Actor = SYSTEM_ACTOR): Promise<string[]> {
  const last = lastClosedWeek(today);
  const [latest] = await db.select({ week: studyWeekChecks.week }).from(studyWeekChecks).orderBy(desc(studyWeekChecks.week)).limit(1);
  const done: string[] = [];
  let week = latest ? nextWeek(latest.week) : last;
  for (let i = 0; i < 104 && week <= last; i++) {
    await checkWeek(db, week, today, actor);
    done.push(week);
    week = nextWeek(week);
  }
  return done;
}

type CheckRow = typeof studyWeekChecks.$inferSelect;

function presentWeek(c: CheckRow, rows: WeekCheckRow[]) {
  return {
    week: c.week,
    startDate: c.startDate,
    endDate: c.endDate,
    exempt: c.exempt,
    computedAt: c.computedAt.toISOString(),
    confirmedAt: c.confirmedAt?.toISOString() ?? null,
    missedCount: rows.filter((r) => r.missed).length,
    unfiledCount: rows.filter((r) => r.unfiledSessions + r.lateSessions > 0).length,
  };
}

/** The reader sees the rows of units in its scope only. */
const visibleRows = (scope: DataScope, rows: WeekCheckRow[]) => rows.filter((r) => pathInScope(scope, r.unitPath));

export async function listWeeks(db: DbLike, scope: DataScope, q: ListParams & { sort?: string }) {
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(studyWeekChecks)
      .orderBy(q.sort === 'week' ? asc(studyWeekChecks.week) : desc(studyWeekChecks.week))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(studyWeekChecks),
  ]);
  return envelope(rows.map((c) => presentWeek(c, visibleRows(scope, c.rows))), total, q);
}

export async function readWeek(db: DbLike, scope: DataScope, week: string): Promise<CoverageWeekDetail> {
  weekRange(week);
  const [c] = await db.select().from(studyWeekChecks).where(eq(studyWeekChecks.week, week));
  if (!c) throw notFound('该周的未学通报');
  const rows = visibleRows(scope, c.rows);
  return {
    ...presentWeek(c, rows),
    rows: rows.map((r) => ({
      unitId: r.unitId,
      unitName: r.unitName,
      unitPath: r.unitPathNames.join(' / '),
      unitType: r.unitType,
      minutes: r.minutes,
      requiredMinutes: r.requiredMinutes,
      missed: r.missed,
      unfiledSessions: r.unfiledSessions,
      lateSessions: r.lateSessions,
    })),
  };
}

export async function confirmWeek(tx: DbLike, userId: string, actor: Actor, week: string) {
  weekRange(week);
  const [before] = await tx.select().from(studyWeekChecks).where(eq(studyWeekChecks.week, week)).for('update');
  if (!before) throw notFound('该周的未学通报');
  if (before.confirmedAt) throw conflict('该周未学通报已确认');
  const [after] = await tx
    .update(studyWeekChecks)
    .set({ confirmedAt: new Date(), confirmedBy: userId })
    .where(eq(studyWeekChecks.week, week))
    .returning();
  await audit(tx, actor, {
    entity: 'study_week_check',
    entityId: week,
    action: 'confirm',
    before: { confirmedAt: null },
    after: { confirmedAt: after.confirmedAt, confirmedBy: userId },
  });
}

const minutesText = (m: number) => `${Math.floor(m / 60)}小时${m % 60 ? `${m % 60}分钟` : ''}`;

/** The 未学通报 of a week as a workbook, with the rows the reader may see. */
export async function exportWeek(db: DbLike, scope: DataScope, week: string): Promise<Buffer> {
  const detail = await readWeek(db, scope, week);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(`${week}未学通报`);
  ws.columns = [
    { header: '序号', key: 'no', width: 6 },
    { header: '单位', key: 'unit', width: 24 },
    { header: '所属单位', key: 'path', width: 40 },
    { header: '单位类型', key: 'type', width: 10 },
    { header: '学习时长（分钟）', key: 'minutes', width: 16 },
    { header: '学习时长', key: 'text', width: 14 },
    { header: '应学时长（分钟）', key: 'required', width: 16 },
    { header: '是否未学', key: 'missed', width: 10 },
    { header: '未报备次数', key: 'unfiled', width: 12 },
    { header: '补报次数', key: 'late', width: 10 },
    { header: '未报备', key: 'flag', width: 10 },
  ];
  detail.rows.forEach((r, i) =>
    ws.addRow({
      no: i + 1,
      unit: r.unitName,
      path: r.unitPath,
      type: UNIT_TYPES[r.unitType as keyof typeof UNIT_TYPES] ?? r.unitType,
      minutes: r.minutes,
      text: minutesText(r.minutes),
      required: r.requiredMinutes,
      missed: r.missed ? '是' : '否',
      unfiled: r.unfiledSessions,
      late: r.lateSessions,
      flag: r.unfiledSessions + r.lateSessions > 0 ? '是' : '否',
    }),
  );
  ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
