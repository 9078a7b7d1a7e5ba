import { and, asc, desc, eq, isNull, like, or, sql } from 'drizzle-orm';
import {
  PERIOD_KINDS, POINT_SOURCES, POINT_SUBJECTS, type CreatePointRuleBody, type NewPointRuleVersionBody, type PeriodKind,
  type PointRule, type PointSource, type PointSubject, type RuleImportResult,
} from '@luoshi/contract';
import type { Db, DbLike } from '../../db/client.ts';
import { pointRules } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { addDays } from '../../platform/calendar.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { cellText, readSheet, type XlsxColumn } from '../org/xlsx.ts';
import { fromCents, toCents } from './amounts.ts';
import type { RuleRow } from './ledger.ts';

// 考核评分细则: versioned per year. A revision is a new version from a date; the version before ends the day
// before it, and every ledger row keeps the version that gave it.

export function presentRule(r: RuleRow): PointRule {
  return {
    id: r.id,
    year: r.year,
    code: r.code,
    ruleVersion: r.ruleVersion,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    category: r.category,
    item: r.item,
    subjectType: r.subjectType,
    points: fromCents(r.points),
    countingUnit: r.countingUnit,
    capPoints: r.capPoints == null ? null : fromCents(r.capPoints),
    capPeriod: r.capPeriod ?? null,
    evidenceRequired: r.evidenceRequired,
    source: (r.source as PointSource | null) ?? null,
    sourceMatch: r.sourceMatch ?? null,
    note: r.note,
    disabled: r.disabled,
    current: r.effectiveTo == null,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
  };
}

export type RuleListQuery = ListParams & {
  year?: number;
  subjectType?: PointSubject;
  category?: string;
  source?: 'auto' | 'manual';
  q?: string;
  currentOnly?: boolean;
};

export async function listRules(db: DbLike, q: RuleListQuery, today: string) {
  const year = q.year ?? Number(today.slice(0, 4));
  const where = and(
    eq(pointRules.year, year),
    q.currentOnly === false ? undefined : isNull(pointRules.effectiveTo),
    q.subjectType ? eq(pointRules.subjectType, q.subjectType) : undefined,
    q.category ? eq(pointRules.category, q.category) : undefined,
    q.source === 'auto' ? sql`${pointRules.source} is not null` : q.source === 'manual' ? isNull(pointRules.source) : undefined,
    q.q ? or(like(pointRules.item, likeText(q.q)), like(pointRules.code, likeText(q.q))) : undefined,
  );
  const { limit, offset } = pageOf(q);
  const order = orderOf(q.sort, { code: pointRules.code, category: pointRules.category, points: pointRules.points }, [asc(pointRules.category), asc(pointRules.code), desc(pointRules.ruleVersion)]);
  const [rows, [{ total }]] = await Promise.all([
    db.select().from(pointRules).where(where).orderBy(...order).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(pointRules).where(where),
  ]);
  return envelope(rows.map(presentRule), total, q);
}

export async function getRule(db: DbLike, id: string): Promise<RuleRow> {
  const [r] = await db.select().from(pointRules).where(eq(pointRules.id, id));
  if (!r) throw notFound('评分细则');
  return r;
}

export async function ruleDetail(db: DbLike, id: string) {
  const r = await getRule(db, id);
  const versions = await db
    .select()
    .from(pointRules)
    .where(and(eq(pointRules.year, r.year), eq(pointRules.code, r.code)))
    .orderBy(desc(pointRules.ruleVersion));
  return { ...presentRule(r), versions: versions.map(presentRule) };
}

type RuleFields = Omit<NewPointRuleVersionBody, 'effectiveFrom' | 'version'>;

function ruleValues(b: RuleFields) {
  return {
    category: b.category,
    item: b.item,
    subjectType: b.subjectType,
    points: toCents(b.points),
    countingUnit: b.countingUnit ?? '次',
    capPoints: b.capPoints ? toCents(b.capPoints) : null,
    capPeriod: b.capPoints ? (b.capPeriod ?? null) : null,
    evidenceRequired: b.evidenceRequired ?? false,
    source: b.source ?? null,
    sourceMatch: b.sourceMatch && Object.keys(b.sourceMatch).length ? b.sourceMatch : null,
    note: b.note ?? null,
  };
}

function checkInYear(year: number, day: string) {
  if (Number(day.slice(0, 4)) !== year) throw badRequest(`生效日期应在 ${year} 年内`, [{ field: 'body.effectiveFrom', message: '生效日期应在本年度内' }]);
}

export async function createRule(db: Db, actor: Actor, body: CreatePointRuleBody) {
  const effectiveFrom = body.effectiveFrom ?? `${body.year}-01-01`;
  checkInYear(body.year, effectiveFrom);
  return db.transaction(async (tx) => {
    const [dup] = await tx.select({ id: pointRules.id }).from(pointRules).where(and(eq(pointRules.year, body.year), eq(pointRules.code, body.code)));
    if (dup) throw conflict(`${body.year} 年度已有编码为 ${body.code} 的评分细则`);
    const [row] = await tx
      .insert(pointRules)
      .values({ year: body.year, code: body.code, ruleVersion: 1, effectiveFrom, ...ruleValues(body), createdBy: actor.userId })
      .returning();
    await audit(tx, actor, { entity: 'point_rule', entityId: row.id, action: 'create', after: row });
    return row;
  });
}

/** 修订: a new version from `effectiveFrom`; points already given keep the version that gave them. */
export async function reviseRule(tx: DbLike, actor: Actor, id: string, body: NewPointRuleVersionBody): Promise<RuleRow> {
  const [current] = await tx.select().from(pointRules).where(eq(pointRules.id, id)).for('update');
  if (!current) throw notFound('评分细则');
  if (current.effectiveTo != null) throw conflict('只能修订现行版本，请打开该细则的最新版本');
  if (current.version !== body.version) throw conflict();
  checkInYear(current.year, body.effectiveFrom);
  if (body.effectiveFrom <= current.effectiveFrom) {
    throw badRequest(`新版本的生效日期应晚于现行版本的生效日期（${current.effectiveFrom}）`, [{ field: 'body.effectiveFrom', message: '生效日期应晚于现行版本' }]);
  }
  if (body.subjectType !== current.subjectType) throw badRequest('修订不能改变考核对象（单位/个人），请新建一条细则');
  const [ended] = await tx
    .update(pointRules)
    .set({ effectiveTo: addDays(body.effectiveFrom, -1), version: current.version + 1, updatedAt: new Date() })
    .where(eq(pointRules.id, id))
    .returning();
  const [row] = await tx
    .insert(pointRules)
    .values({
      year: current.year,
      code: current.code,
      ruleVersion: current.ruleVersion + 1,
      effectiveFrom: body.effectiveFrom,
      ...ruleValues(body),
      disabled: current.disabled,
      createdBy: actor.userId,
    })
    .returning();
  await audit(tx, actor, { entity: 'point_rule', entityId: id, action: 'revise', before: current, after: { ended, next: row } });
  return row;
}

export async function setRuleDisabled(db: Db, actor: Actor, id: string, disabled: boolean, version: number) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(pointRules).where(eq(pointRules.id, id)).for('update');
    if (!before) throw notFound('评分细则');
    if (before.version !== version) throw conflict();
    const [after] = await tx.update(pointRules).set({ disabled, version: before.version + 1, updatedAt: new Date() }).where(eq(pointRules.id, id)).returning();
    await audit(tx, actor, { entity: 'point_rule', entityId: id, action: disabled ? 'disable' : 'enable', before, after });
    return after;
  });
}

// ---- XLSX ----

const YES = '是';
const SUBJECT_BY_NAME = Object.fromEntries(Object.entries(POINT_SUBJECTS).map(([k, v]) => [v, k])) as Record<string, PointSubject>;
const PERIOD_BY_NAME = Object.fromEntries(Object.entries(PERIOD_KINDS).map(([k, v]) => [v, k])) as Record<string, PeriodKind>;
const SOURCE_BY_NAME = Object.fromEntries(Object.entries(POINT_SOURCES).map(([k, v]) => [v, k])) as Record<string, PointSource>;

export const RULE_COLUMNS: XlsxColumn[] = [
  { header: '编码', key: 'code', width: 10 },
  { header: '类别', key: 'category', width: 14 },
  { header: '评分项目', key: 'item', width: 40 },
  { header: '考核对象', key: 'subject', width: 10 },
  { header: '分值', key: 'points', width: 8 },
  { header: '计分单位', key: 'countingUnit', width: 10 },
  { header: '上限', key: 'cap', width: 8 },
  { header: '上限周期', key: 'capPeriod', width: 10 },
  { header: '需佐证', key: 'evidence', width: 8 },
  { header: '自动来源', key: 'source', width: 20 },
  { header: '来源条件', key: 'match', width: 16 },
  { header: '生效日期', key: 'effectiveFrom', width: 12 },
  { header: '版本', key: 'ruleVersion', width: 6 },
  { header: '说明', key: 'note', width: 30 },
];

export async function ruleExportRows(db: DbLike, year: number) {
  const rows = await db.select().from(pointRules).where(and(eq(pointRules.year, year), isNull(pointRules.effectiveTo))).orderBy(asc(pointRules.category), asc(pointRules.code));
  return rows.map((r) => ({
    code: r.code,
    category: r.category,
    item: r.item,
    subject: POINT_SUBJECTS[r.subjectType],
    points: fromCents(r.points),
    countingUnit: r.countingUnit,
    cap: r.capPoints == null ? '' : fromCents(r.capPoints),
    capPeriod: r.capPeriod ? PERIOD_KINDS[r.capPeriod] : '',
    evidence: r.evidenceRequired ? YES : '否',
    source: r.source ? (POINT_SOURCES[r.source as PointSource] ?? r.source) : '人工',
    match: r.sourceMatch ? Object.entries(r.sourceMatch).map(([k, v]) => `${k}=${v}`).join(';') : '',
    effectiveFrom: r.effectiveFrom,
    ruleVersion: r.ruleVersion,
    note: r.note ?? '',
  }));
}

type Parsed = { line: number; code: string; item: string; fields?: RuleFields; effectiveFrom?: string; errors: string[] };

function parseRow(year: number, line: number, cells: Map<string, unknown>): Parsed {
  const t = (h: string) => cellText(cells.get(h) as never).trim();
  const errors: string[] = [];
  const code = t('编码');
  const item = t('评分项目');
  if (!/^[A-Za-z0-9.\-_]{1,20}$/.test(code)) errors.push('编码为空或含字母、数字、点和连字符以外的字符');
  if (!item) errors.push('评分项目不能为空');
  const category = t('类别') || '其他';
  const subjectType = SUBJECT_BY_NAME[t('考核对象')];
  if (!subjectType) errors.push('考核对象应为“单位”或“个人”');
  const pointsText = t('分值');
  if (!/^[+-]?\d{1,6}(\.\d{1,2})?$/.test(pointsText) || Number(pointsText) === 0) errors.push('分值应为非零数字，最多两位小数');
  const capText = t('上限');
  if (capText && (!/^\d{1,6}(\.\d{1,2})?$/.test(capText) || Number(capText) <= 0)) errors.push('上限应为正数');
  const capPeriodText = t('上限周期');
  const capPeriod = capPeriodText ? PERIOD_BY_NAME[capPeriodText] : undefined;
  if (capPeriodText && !capPeriod) errors.push('上限周期应为 月度、季度、半年 或 年度');
  if (capText && !capPeriod) errors.push('设置了上限，请填写上限周期');
  const sourceText = t('自动来源');
  const source = !sourceText || sourceText === '人工' ? null : (SOURCE_BY_NAME[sourceText] ?? (sourceText in POINT_SOURCES ? (sourceText as PointSource) : undefined));
  if (source === undefined) errors.push(`自动来源“${sourceText}”不认识，应为“人工”或：${Object.values(POINT_SOURCES).join('、')}`);
  const matchText = t('来源条件');
  const sourceMatch: Record<string, string> = {};
  for (const part of matchText.split(/[;；]/).filter(Boolean)) {
    const [k, v] = part.split(/[=＝]/);
    if (!k || v === undefined) errors.push(`来源条件“${part}”应写成 字段=值`);
    else sourceMatch[k.trim()] = v.trim();
  }
  const effectiveFrom = t('生效日期') || undefined;
  const dateCell = cells.get('生效日期');
  const day = dateCell instanceof Date ? dateCell.toISOString().slice(0, 10) : effectiveFrom;
  if (day && (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number(day.slice(0, 4)) !== year)) errors.push(`生效日期应为 ${year} 年内的 YYYY-MM-DD`);
  if (errors.length) return { line, code, item, errors };
  return {
    line,
    code,
    item,
    effectiveFrom: day,
    errors,
    fields: {
      category,
      item,
      subjectType: subjectType!,
      points: pointsText,
      countingUnit: t('计分单位') || '次',
      capPoints: capText || null,
      capPeriod: capPeriod ?? null,
      evidenceRequired: t('需佐证') === YES,
      source: source ?? null,
      sourceMatch: Object.keys(sourceMatch).length ? sourceMatch : null,
      note: t('说明') || null,
    },
  };
}

const sameRule = (r: RuleRow, f: RuleFields) => {
  const v = ruleValues(f);
  return (
    r.category === v.category && r.item === v.item && r.subjectType === v.subjectType && r.points === v.points && r.countingUnit === v.countingUnit &&
    r.capPoints === v.capPoints && (r.capPeriod ?? null) === v.capPeriod && r.evidenceRequired === v.evidenceRequired && (r.source ?? null) === v.source &&
    JSON.stringify(r.sourceMatch ?? null) === JSON.stringify(v.sourceMatch) && (r.note ?? null) === v.note
  );
};

/**
 * Imports a catalogue for a year: new codes are created, changed ones get a new version from their 生效日期
 * (today when empty), unchanged ones are left. With dryRun, or when any line is wrong, nothing is written.
 */
export async function importRules(db: Db, actor: Actor, year: number, content: Buffer, dryRun: boolean, today: string): Promise<RuleImportResult> {
  const sheet = await readSheet(content, ['编码', '评分项目', '考核对象', '分值'], RULE_COLUMNS.map((c) => c.header));
  const parsed = sheet.map((r) => parseRow(year, r.line, r.cells));
  const seen = new Map<string, number>();
  for (const p of parsed) {
    if (seen.has(p.code)) p.errors.push(`编码 ${p.code} 与第 ${seen.get(p.code)} 行重复`);
    else seen.set(p.code, p.line);
  }
  const existing = await db.select().from(pointRules).where(and(eq(pointRules.year, year), isNull(pointRules.effectiveTo)));
  const byCode = new Map(existing.map((r) => [r.code, r]));
  const rows = parsed.map((p) => {
    const cur = byCode.get(p.code);
    let action: 'create' | 'version' | 'unchanged' | 'error' = p.errors.length ? 'error' : !cur ? 'create' : sameRule(cur, p.fields!) ? 'unchanged' : 'version';
    if (action === 'version' && cur) {
      const from = p.effectiveFrom ?? (today.slice(0, 4) === String(year) ? today : `${year}-01-01`);
      if (from <= cur.effectiveFrom) p.errors.push(`生效日期应晚于现行版本的生效日期 ${cur.effectiveFrom}`);
      else if (p.fields!.subjectType !== cur.subjectType) p.errors.push('修订不能改变考核对象');
      if (p.errors.length) action = 'error';
      else p.effectiveFrom = from;
    }
    return { line: p.line, code: p.code, item: p.item, action, errors: p.errors };
  });
  const count = (a: string) => rows.filter((r) => r.action === a).length;
  const result = { applied: false, rows, created: count('create'), versioned: count('version'), unchanged: count('unchanged'), errors: count('error') };
  if (!rows.length) throw badRequest('表格中没有评分细则');
  if (dryRun || result.errors) return result;
  await db.transaction(async (tx) => {
    for (const [i, p] of parsed.entries()) {
      const action = rows[i].action;
      if (action === 'create') {
        const [row] = await tx
          .insert(pointRules)
          .values({ year, code: p.code, ruleVersion: 1, effectiveFrom: p.effectiveFrom ?? `${year}-01-01`, ...ruleValues(p.fields!), createdBy: actor.userId })
          .returning();
        await audit(tx, actor, { entity: 'point_rule', entityId: row.id, action: 'import', after: row });
      } else if (action === 'version') {
        const cur = byCode.get(p.code)!;
        await reviseRule(tx, actor, cur.id, { ...p.fields!, effectiveFrom: p.effectiveFrom!, version: cur.version } as NewPointRuleVersionBody);
      }
    }
  });
  return { ...result, applied: true };
}
