/**
 * 通报 templates: each turns live data of a scope (a unit and its subtree) and a period into a draft: title,
 * 主送, body blocks with the figures in sober official prose and tables, the figures themselves, and the units it
 * names (those praised, criticised or listed as missing a week's study).
 */
import { and, eq, inArray, lte, gte, sql, like } from 'drizzle-orm';
import type { BulletinBlock, BulletinTemplate, BulletinTemplateCode } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { studyScores, studyWeekChecks, taskReports, tasks, units } from '../../db/schema/index.ts';
import { addDays, periodOf } from '../../platform/calendar.ts';
import { badRequest } from '../../platform/errors.ts';
import type { DataScope } from '../../platform/scope.ts';
import { periodByKey } from '../points/amounts.ts';
import { listResults } from '../points/periods.ts';
import { weekRange } from '../study/coverage.ts';
import { halfYearReport } from '../study/scores.ts';

export type ScopeUnit = { id: string; name: string; path: string; type: string; depth: number };

export type TemplateResult = {
  title: string;
  addressee: string;
  blocks: BulletinBlock[];
  data: Record<string, unknown>;
  namedUnitIds: string[];
};

export type TemplateOptions = {
  unitIds?: string[];
  measure?: 'tasks' | 'points' | 'platform';
  reason?: string;
  today: string;
  userId: string;
};

export const TEMPLATES: BulletinTemplate[] = [
  { code: 'monthly_tasks', name: '月调度通报', periodKind: 'month', picksUnits: false, description: '各单位当月到期、完成、逾期的重点任务和未报进展情况，推进靠前和靠后的单位' },
  { code: 'weekly_study', name: '未学通报', periodKind: 'week', picksUnits: false, description: '未完成每周半天覆盖学的支部（取自已确认的每周覆盖学检查）' },
  { code: 'half_year_platform', name: '学习平台半年通报', periodKind: 'half', picksUnits: false, description: '半年学习平台人均积分排名，靠前和靠后的单位' },
  { code: 'points_ranking', name: '积分排名与等次', periodKind: 'quarter', picksUnits: false, description: '考核周期内各单位积分、组内名次和等次' },
  { code: 'commendation', name: '表扬通报', periodKind: 'any', picksUnits: true, description: '对选定单位通报表扬，可按任务、积分或学习平台排名靠前的单位预填' },
  { code: 'criticism', name: '通报批评', periodKind: 'any', picksUnits: true, description: '对选定单位通报批评，可按逾期任务、积分或学习平台排名靠后的单位预填' },
];
export const templateName = (code: string) => TEMPLATES.find((t) => t.code === code)?.name ?? code;

// ---- periods ----

export type Period = { key: string; kind: 'week' | 'month' | 'quarter' | 'half' | 'year'; year: number; label: string; start: string; end: string };

/** A period from its key: a week 2026-W12, a month M2026-03, a quarter Q2026-1, a half H2026-1, a year Y2026. */
export function periodOfKey(key: string): Period {
  if (/^\d{4}-W\d{2}$/.test(key)) {
    const { start, end } = weekRange(key);
    const w = periodOf('weekly', start);
    return { key, kind: 'week', year: Number(key.slice(0, 4)), label: `${w.label}（${md(start)}至${md(end)}）`, start, end };
  }
  const p = periodByKey(key);
  return { key, kind: p.kind, year: p.year, label: p.label, start: p.start, end: p.end };
}

const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
export const cnDate = (d: string) => `${Number(d.slice(0, 4))}年${md(d)}`;

function requireKind(p: Period, kinds: Period['kind'][], what: string) {
  if (!kinds.includes(p.kind)) throw badRequest(`${what}的期间须为${kinds.map((k) => KIND_NAMES[k]).join('或')}`);
}
const KIND_NAMES: Record<Period['kind'], string> = { week: '周', month: '月', quarter: '季度', half: '半年', year: '年度' };

// ---- wording ----

/** 中共青澜市委宣传部 for 青澜市委宣传部: the issuing body's full name for the 版头 and 落款. */
export function issuerName(unit: { name: string }): string {
  return /委宣传部$/.test(unit.name) && !unit.name.startsWith('中共') ? `中共${unit.name}` : unit.name;
}

/** 全市 / 全县 / 全区 / 本系统, by the scope unit's name. */
function areaWord(unit: ScopeUnit): string {
  const m = /^(?:中共)?[^市县区]*([市县区])委/.exec(unit.name);
  return m ? `全${m[1]}` : '本系统';
}

const joinNames = (names: string[]) => (names.length ? names.join('、') : '');
const pct = (n: number, d: number) => (d ? `${Math.round((n / d) * 1000) / 10}%` : '—');

export const scopeOfUnit = (unit: ScopeUnit, userId: string): DataScope => ({ kind: 'subtree', unitId: unit.id, unitPath: unit.path, personId: null, userId });

/** The scope unit's direct subordinate units (enabled), and the scope unit itself as 本级. */
async function reportingUnits(db: DbLike, scope: ScopeUnit) {
  const children = await db
    .select({ id: units.id, name: units.name, path: units.path, sort: units.sort })
    .from(units)
    .where(and(eq(units.parentId, scope.id), eq(units.disabled, false)))
    .orderBy(units.sort, units.name);
  return [{ id: scope.id, name: `${scope.name}（本级）`, path: scope.path, own: true }, ...children.map((c) => ({ ...c, own: false }))];
}

// ---- 月调度通报 ----

export type TaskUnitRow = { unitId: string; unitName: string; due: number; done: number; overdue: number; missingReports: number };

/**
 * Per reporting unit (the scope's direct subordinates with their subtrees, and the scope unit's own tasks): tasks
 * whose deadline falls in the period, those done, those overdue (not done by the deadline, seen on `today`
 * or at the period's end, whichever is earlier), and monthly-reporting tasks open in the period without a report.
 */
export async function taskFigures(db: DbLike, scope: ScopeUnit, p: Period, today: string): Promise<TaskUnitRow[]> {
  const asOf = today <= p.end ? addDays(today, -1) : p.end;
  const rows = await db
    .select({
      leadUnitId: tasks.leadUnitId,
      path: units.path,
      due: sql<number>`count(*) filter (where ${tasks.deadline} between ${p.start} and ${p.end})::int`,
      done: sql<number>`count(*) filter (where ${tasks.deadline} between ${p.start} and ${p.end} and ${tasks.status} = 'done')::int`,
      overdue: sql<number>`count(*) filter (where ${tasks.deadline} between ${p.start} and ${asOf}
        and (${tasks.status} <> 'done' or (${tasks.completedAt} at time zone 'Asia/Shanghai')::date > ${tasks.deadline}))::int`,
      missing: sql<number>`count(*) filter (where ${tasks.reportCycle} = 'monthly' and ${tasks.startDate} <= ${p.end} and ${tasks.deadline} >= ${p.start}
        and ${tasks.status} <> 'done'
        and not exists (select 1 from ${taskReports} r where r.task_id = ${tasks.id} and r.period_key = ${p.start.slice(0, 7)}))::int`,
    })
    .from(tasks)
    .innerJoin(units, eq(units.id, tasks.leadUnitId))
    .where(and(like(units.path, `${scope.path}%`), lte(tasks.startDate, p.end)))
    .groupBy(tasks.leadUnitId, units.path);
  const out: TaskUnitRow[] = [];
  for (const u of await reportingUnits(db, scope)) {
    const mine = rows.filter((r) => (u.own ? r.leadUnitId === scope.id : r.path.startsWith(u.path)));
    const sum = (k: 'due' | 'done' | 'overdue' | 'missing') => mine.reduce((s, r) => s + Number(r[k]), 0);
    out.push({ unitId: u.id, unitName: u.name, due: sum('due'), done: sum('done'), overdue: sum('overdue'), missingReports: sum('missing') });
  }
  return out.filter((r) => r.due || r.overdue || r.missingReports);
}

/** Best first: fewest overdue, fewest missing reports, then by completion rate and the number of tasks due. */
const taskOrder = (a: TaskUnitRow, b: TaskUnitRow) =>
  a.overdue - b.overdue || a.missingReports - b.missingReports || (b.due ? b.done / b.due : -1) - (a.due ? a.done / a.due : -1) || b.due - a.due;

async function monthlyTasks(db: DbLike, scope: ScopeUnit, p: Period, o: TemplateOptions): Promise<TemplateResult> {
  requireKind(p, ['month'], '月调度通报');
  const rows = await taskFigures(db, scope, p, o.today);
  const total = rows.reduce((s, r) => ({ due: s.due + r.due, done: s.done + r.done, overdue: s.overdue + r.overdue, missing: s.missing + r.missingReports }), { due: 0, done: 0, overdue: 0, missing: 0 });
  const sorted = [...rows].sort(taskOrder);
  const top = sorted.filter((r) => r.due > 0 && r.done === r.due && r.overdue === 0).slice(0, 3);
  const bottom = sorted.filter((r) => r.overdue > 0 || r.missingReports > 0).sort((a, b) => b.overdue - a.overdue || b.missingReports - a.missingReports).slice(0, 3);
  const area = areaWord(scope);
  const blocks: BulletinBlock[] = [
    { kind: 'paragraph', text: `为推动年度重点任务落地见效，按照月调度工作安排，我们对各单位${p.label}重点任务推进情况进行了调度。现将有关情况通报如下：` },
    { kind: 'heading', level: 1, text: '一、总体情况' },
    {
      kind: 'paragraph',
      text:
        `${p.label}，${area}纳入调度且本月到期的重点任务共${total.due}项，已完成${total.done}项，完成率${pct(total.done, total.due)}；` +
        `逾期未完成或逾期完成${total.overdue}项；应按月报送进展而未报送的任务${total.missing}项。`,
    },
    { kind: 'heading', level: 1, text: '二、各单位推进情况' },
    {
      kind: 'table',
      headers: ['序号', '单位', '到期任务', '已完成', '逾期', '未报进展', '完成率'],
      widths: [760, 2725, 1300, 1000, 760, 1300, 1000],
      rows: sorted.map((r, i) => [String(i + 1), r.unitName, String(r.due), String(r.done), String(r.overdue), String(r.missingReports), pct(r.done, r.due)]),
    },
  ];
  const judgement: string[] = [];
  if (top.length) judgement.push(`${joinNames(top.map((r) => r.unitName))}等单位谋划早、推进实，本月到期任务全部按期完成`);
  if (bottom.length) judgement.push(`${joinNames(bottom.map((r) => r.unitName))}等单位存在任务逾期或进展未按时报送的情况，推进力度有待加强`);
  if (judgement.length) blocks.push({ kind: 'paragraph', text: `从调度情况看，${judgement.join('；')}。` });
  blocks.push(
    { kind: 'heading', level: 1, text: '三、工作要求' },
    {
      kind: 'paragraph',
      text: '各单位要对照年度任务清单逐项梳理，对已逾期的任务分析原因、明确时限、限期办结；对临近截止的任务倒排工期、压茬推进；按规定时限如实报送月度进展，确保调度情况真实准确。',
    },
  );
  return {
    title: `关于${p.label}${area}重点任务推进情况的通报`,
    addressee: '各县（市、区）委宣传部，市直各有关单位：',
    blocks,
    data: { period: p, totals: total, rows: sorted, top: top.map((r) => r.unitId), bottom: bottom.map((r) => r.unitId) },
    namedUnitIds: [...top, ...bottom].map((r) => r.unitId),
  };
}

// ---- 未学通报 ----

/** The branches of the scope that the confirmed coverage check of a week lists as having missed 每周半天覆盖学. */
export async function missedBranches(db: DbLike, scope: ScopeUnit, week: string) {
  const [c] = await db.select().from(studyWeekChecks).where(eq(studyWeekChecks.week, week));
  if (!c) throw badRequest(`${week} 尚未进行覆盖学检查`);
  if (!c.confirmedAt) throw badRequest(`${week} 的覆盖学检查尚未确认，确认后才能起草未学通报`);
  return { check: c, rows: c.rows.filter((r) => r.missed && r.unitPath.startsWith(scope.path)) };
}

async function weeklyStudy(db: DbLike, scope: ScopeUnit, p: Period): Promise<TemplateResult> {
  requireKind(p, ['week'], '未学通报');
  const { check, rows } = await missedBranches(db, scope, p.key);
  const area = areaWord(scope);
  const hours = (m: number) => (m % 60 ? `${Math.floor(m / 60)}小时${m % 60}分钟` : `${m / 60}小时`);
  const blocks: BulletinBlock[] = [
    {
      kind: 'paragraph',
      text: `按照每周半天覆盖学的要求，各党支部每周应组织不少于半天的集中学习。经对${p.label}各支部学习开展情况进行核查，现将有关情况通报如下：`,
    },
  ];
  if (check.exempt) {
    blocks.push({ kind: 'paragraph', text: '本周无工作日，不作覆盖学要求。' });
  } else if (!rows.length) {
    blocks.push({ kind: 'paragraph', text: `本周${area}各支部均按要求完成了覆盖学，未发现未学情况。` });
  } else {
    blocks.push(
      { kind: 'paragraph', text: `本周共有${rows.length}个支部未达到每周半天覆盖学要求，名单如下：` },
      {
        kind: 'table',
        headers: ['序号', '支部', '所属单位', '已学时长', '应学时长'],
        widths: [760, 2700, 2785, 1300, 1300],
        rows: rows.map((r, i) => [String(i + 1), r.unitName, r.unitPathNames.slice(0, -1).slice(-1)[0] ?? '', r.minutes ? hours(r.minutes) : '未开展', hours(r.requiredMinutes)]),
      },
      {
        kind: 'paragraph',
        text: '请上述支部认真查找原因，于下周内补学到位，并将补学情况报所在单位。各单位要加强对所属支部学习的督促检查，确保每周半天覆盖学落实到每一个支部、每一名党员干部。',
      },
    );
  }
  return {
    title: `关于${p.label}每周半天覆盖学未学情况的通报`,
    addressee: '各县（市、区）委宣传部，市直各有关单位党支部：',
    blocks,
    data: { period: p, week: p.key, exempt: check.exempt, confirmedAt: check.confirmedAt, missed: rows.map((r) => ({ unitId: r.unitId, unitName: r.unitName, minutes: r.minutes, requiredMinutes: r.requiredMinutes })) },
    namedUnitIds: rows.map((r) => r.unitId),
  };
}

// ---- 学习平台半年通报 ----

async function defaultPlatform(db: DbLike, p: Period): Promise<string> {
  const [row] = await db
    .select({ platform: studyScores.platform, n: sql<number>`count(*)::int` })
    .from(studyScores)
    .where(and(gte(studyScores.month, p.start.slice(0, 7)), lte(studyScores.month, p.end.slice(0, 7))))
    .groupBy(studyScores.platform)
    .orderBy(sql`count(*) desc`)
    .limit(1);
  return row?.platform ?? '学习强国';
}

export async function platformRanking(db: DbLike, scope: ScopeUnit, p: Period, userId: string) {
  requireKind(p, ['half'], '学习平台半年通报');
  const platform = await defaultPlatform(db, p);
  const report = await halfYearReport(db, scopeOfUnit(scope, userId), { year: p.year, half: Number(p.key.slice(6)), platform });
  return { platform, rows: report.rows };
}

async function halfYearPlatform(db: DbLike, scope: ScopeUnit, p: Period, o: TemplateOptions): Promise<TemplateResult> {
  const { platform, rows } = await platformRanking(db, scope, p, o.userId);
  const n = Math.min(3, Math.floor(rows.length / 2));
  const top = rows.slice(0, n);
  const bottom = n ? rows.slice(-n) : [];
  const avg = rows.length ? Math.round((rows.reduce((s, r) => s + r.average, 0) / rows.length) * 100) / 100 : 0;
  const area = areaWord(scope);
  const blocks: BulletinBlock[] = [
    { kind: 'paragraph', text: `为推动党员干部常态化开展在线学习，现将${p.label}${area}各单位“${platform}”学习平台积分情况通报如下：` },
    { kind: 'heading', level: 1, text: '一、总体情况' },
    {
      kind: 'paragraph',
      text: rows.length
        ? `${p.label}，共有${rows.length}个单位纳入统计，各单位半年人均积分的平均值为${avg.toFixed(2)}分。`
        : `${p.label}，尚无导入的学习平台积分。`,
    },
  ];
  if (n) {
    blocks.push({
      kind: 'paragraph',
      text: `其中，${joinNames(top.map((r) => `${r.unitName}（${r.average.toFixed(2)}分）`))}人均积分位居前列；${joinNames(bottom.map((r) => `${r.unitName}（${r.average.toFixed(2)}分）`))}人均积分相对靠后。`,
    });
  }
  blocks.push(
    { kind: 'heading', level: 1, text: '二、各单位排名' },
    {
      kind: 'table',
      headers: ['名次', '单位', '参学人数', '半年人均积分'],
      widths: [760, 4945, 1300, 1840],
      rows: rows.map((r) => [String(r.rank), r.unitName, String(r.people), r.average.toFixed(2)]),
    },
    { kind: 'heading', level: 1, text: '三、工作要求' },
    {
      kind: 'paragraph',
      text: '各单位要把学习平台使用情况纳入日常管理，对积分偏低的人员加强提醒督促，引导党员干部坚持每日学习，切实把在线学习成果转化为做好本职工作的实际成效。',
    },
  );
  return {
    title: `关于${p.label}“${platform}”学习平台积分情况的通报`,
    addressee: '各县（市、区）委宣传部，市直各有关单位：',
    blocks,
    data: { period: p, platform, average: avg, rows, top: top.map((r) => r.unitId), bottom: bottom.map((r) => r.unitId) },
    namedUnitIds: [...top, ...bottom].map((r) => r.unitId),
  };
}

// ---- 积分排名与等次 ----

export async function pointsRanking(db: DbLike, scope: ScopeUnit, p: Period, userId: string) {
  requireKind(p, ['month', 'quarter', 'half', 'year'], '积分排名');
  const res = await listResults(db, scopeOfUnit(scope, userId), { periodKey: p.key, subjectType: 'unit', page: 1, pageSize: 1, sort: 'rank' }, true);
  const rows = res.data
    .filter((r) => r.subjectId !== scope.id)
    .sort((a, b) => a.peerName.localeCompare(b.peerName, 'zh-CN') || a.rank - b.rank || a.subjectName.localeCompare(b.subjectName, 'zh-CN'));
  return { frozen: res.frozen, rows };
}

async function pointsRankingTemplate(db: DbLike, scope: ScopeUnit, p: Period, o: TemplateOptions): Promise<TemplateResult> {
  requireKind(p, ['quarter', 'half', 'year'], '积分排名与等次');
  const { frozen, rows } = await pointsRanking(db, scope, p, o.userId);
  const grades = new Map<string, number>();
  for (const r of rows) if (r.grade) grades.set(r.grade, (grades.get(r.grade) ?? 0) + 1);
  const firsts = rows.filter((r) => r.rank === 1 && Number(r.total) > 0);
  const area = areaWord(scope);
  const blocks: BulletinBlock[] = [
    {
      kind: 'paragraph',
      text: `根据积分制管理办法，${frozen ? '经审核确认' : '依据截至目前的计分情况'}，现将${p.label}${area}各单位积分排名及等次评定情况通报如下：`,
    },
    { kind: 'heading', level: 1, text: '一、总体情况' },
    {
      kind: 'paragraph',
      text:
        `本期共有${rows.length}个单位参加积分排名，按比较组分别排名` +
        (grades.size ? `，其中${[...grades].map(([g, n]) => `评定为“${g}”等次的${n}个`).join('，')}` : '') +
        '。' +
        (firsts.length ? `${joinNames(firsts.slice(0, 6).map((r) => r.subjectName))}等单位在各自比较组中积分位列第一。` : ''),
    },
    { kind: 'heading', level: 1, text: '二、排名及等次' },
    {
      kind: 'table',
      headers: ['序号', '单位', '比较组', '积分', '组内名次', '等次'],
      widths: [760, 2600, 2425, 1000, 1300, 760],
      rows: rows.map((r, i) => [String(i + 1), r.subjectName, r.peerName, r.total, `${r.rank}/${r.peerSize}`, r.grade ?? '—']),
    },
    { kind: 'heading', level: 1, text: '三、有关要求' },
    {
      kind: 'paragraph',
      text: '各单位要认真对照积分明细查找差距，巩固优势、补齐短板；对积分排名靠后的单位，由分管负责同志进行提醒谈话，督促其制定整改措施、抓好落实。对积分有异议的，可在规定期限内通过系统提出申诉。',
    },
  ];
  const bottom = rows.filter((r) => r.rank === r.peerSize && r.peerSize > 1);
  return {
    title: `关于${p.label}${area}宣传思想文化工作积分排名及等次评定情况的通报`,
    addressee: '各县（市、区）委宣传部，市直各有关单位：',
    blocks,
    data: {
      period: p,
      frozen,
      grades: Object.fromEntries(grades),
      rows: rows.map((r) => ({ unitId: r.subjectId, unitName: r.subjectName, peer: r.peerName, total: r.total, rank: r.rank, peerSize: r.peerSize, grade: r.grade })),
    },
    namedUnitIds: [...firsts, ...bottom].map((r) => r.subjectId),
  };
}

// ---- 表扬通报 / 通报批评 ----

/** The top (best) or bottom units of a measure in the period: the prefill of a 表扬 or 批评. */
async function rankedBy(db: DbLike, scope: ScopeUnit, p: Period, measure: 'tasks' | 'points' | 'platform', o: TemplateOptions, best: boolean) {
  if (measure === 'points') {
    const { rows } = await pointsRanking(db, scope, p, o.userId);
    const list = best ? rows.filter((r) => r.rank === 1 && Number(r.total) > 0) : rows.filter((r) => r.rank === r.peerSize && r.peerSize > 1);
    return { ids: list.slice(0, 5).map((r) => r.subjectId), why: best ? `${p.label}积分在比较组中排名第一` : `${p.label}积分在比较组中排名末位` };
  }
  if (measure === 'platform') {
    const { platform, rows } = await platformRanking(db, scope, p, o.userId);
    const n = Math.min(3, Math.floor(rows.length / 2));
    const list = best ? rows.slice(0, n) : n ? rows.slice(-n) : [];
    return { ids: list.map((r) => r.unitId), why: best ? `${p.label}“${platform}”学习平台人均积分位居前列` : `${p.label}“${platform}”学习平台人均积分排名靠后` };
  }
  const rows = (await taskFigures(db, scope, p, o.today)).filter((r) => r.unitId !== scope.id);
  const list = best
    ? rows.filter((r) => r.due > 0 && r.done === r.due && r.overdue === 0).sort(taskOrder).slice(0, 3)
    : rows.filter((r) => r.overdue > 0).sort((a, b) => b.overdue - a.overdue).slice(0, 3);
  return { ids: list.map((r) => r.unitId), why: best ? `${p.label}到期重点任务全部按期完成` : `${p.label}重点任务逾期较多` };
}

async function freeForm(db: DbLike, scope: ScopeUnit, p: Period, o: TemplateOptions, praise: boolean): Promise<TemplateResult> {
  let ids = o.unitIds ?? [];
  let why = o.reason ?? '';
  if (!ids.length) {
    const r = await rankedBy(db, scope, p, o.measure ?? 'tasks', o, praise);
    ids = r.ids;
    if (!why) why = r.why;
  }
  const named = ids.length
    ? await db.select({ id: units.id, name: units.name, path: units.path }).from(units).where(inArray(units.id, ids))
    : [];
  for (const u of named) if (!u.path.startsWith(scope.path)) throw badRequest(`单位“${u.name}”不在通报范围内`);
  if (named.length !== new Set(ids).size) throw badRequest('所选单位不存在');
  const ordered = ids.map((id) => named.find((u) => u.id === id)!).filter(Boolean);
  const names = joinNames(ordered.map((u) => u.name)) || '（待选定单位）';
  const titleNames = ordered.length > 2 ? `${ordered[0].name}等${ordered.length}个单位` : names;
  if (!why) why = praise ? '工作主动、成效明显' : '工作落实不力';
  const blocks: BulletinBlock[] = praise
    ? [
        {
          kind: 'paragraph',
          text: `${p.label}，${names}${why}，为${areaWord(scope)}工作作出了积极贡献。为树立先进典型、激励担当作为，经研究，决定对上述单位予以通报表扬。`,
        },
        { kind: 'paragraph', text: '希望受到表扬的单位珍惜荣誉、再接再厉，在今后的工作中继续走在前、作表率。各单位要以受表扬单位为榜样，学习借鉴好的经验做法，推动各项工作再上新台阶。' },
      ]
    : [
        {
          kind: 'paragraph',
          text: `经调度核查，${p.label}，${names}${why}，影响了工作整体推进。为严明工作纪律、压实工作责任，经研究，决定对上述单位予以通报批评。`,
        },
        {
          kind: 'paragraph',
          text: '被通报单位要深刻反思、认真剖析原因，制定切实可行的整改措施，并于本通报印发之日起10个工作日内将整改情况书面报送。各单位要引以为戒、举一反三，切实防止类似问题发生。',
        },
      ];
  return {
    title: praise ? `关于对${titleNames}予以通报表扬的通报` : `关于对${titleNames}予以通报批评的通报`,
    addressee: '各县（市、区）委宣传部，市直各有关单位：',
    blocks,
    data: { period: p, measure: o.unitIds?.length ? null : (o.measure ?? 'tasks'), reason: why, units: ordered.map((u) => ({ unitId: u.id, unitName: u.name })) },
    namedUnitIds: ordered.map((u) => u.id),
  };
}

export async function fillTemplate(db: DbLike, code: BulletinTemplateCode, scope: ScopeUnit, periodKey: string, o: TemplateOptions): Promise<TemplateResult> {
  const p = periodOfKey(periodKey);
  switch (code) {
    case 'monthly_tasks':
      return monthlyTasks(db, scope, p, o);
    case 'weekly_study':
      return weeklyStudy(db, scope, p);
    case 'half_year_platform':
      return halfYearPlatform(db, scope, p, o);
    case 'points_ranking':
      return pointsRankingTemplate(db, scope, p, o);
    case 'commendation':
      return freeForm(db, scope, p, o, true);
    case 'criticism':
      return freeForm(db, scope, p, o, false);
  }
}

