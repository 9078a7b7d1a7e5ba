/**
 * A year of 考核积分 for the demo city, written through the points API: the 2026 rule catalogue (考核评分细则)
 * with one rule revised from July, the automatic points of the demo's overdue tasks, missing reports, missed
 * study weeks and excellent reflections, manual awards and deductions filed by the department and the units'
 * liaisons and decided by the admin (some rejected, one cut by its cap, one deduction appealed and upheld), the
 * grade bands, and the first two quarters closed. 松岭县融媒体中心 ends the first quarter 差 (a 通报批评 and
 * two late reports) and has its 约谈 recorded; 临溪县委宣传部机关党支部 ends the second quarter 一般 and its
 * 约谈 is still waiting, so the dashboard shows one.
 */
import type { Db } from '../db/client.ts';
import { emitTaskEvents } from '../modules/campaigns/events.ts';
import { addDays, peopleOf, type DemoCity } from './city.ts';
import type { DemoAgent } from './seed.ts';
import { STUDY_START } from './study.ts';

/** The assessment year of the demo: the year its study record covers. */
export const POINTS_YEAR = Number(STUDY_START.slice(0, 4));
/** The unit the demo grades 差 in the first quarter, and the one left 一般 with a pending 约谈 in the second. */
export const POOR_UNIT = 'songling/media';
export const FAIR_UNIT = 'linxi/branch';

export type PointsSeedCtx = {
  db: Db;
  city: DemoCity;
  today: string;
  uid: (key: string) => string;
  pid: (key: string) => string;
  agent: (username: string) => DemoAgent;
  log: (msg: string) => void;
};

type RuleSpec = {
  code: string;
  category: string;
  item: string;
  subjectType: 'unit' | 'person';
  points: string;
  countingUnit: string;
  capPoints?: string;
  capPeriod?: 'month' | 'quarter' | 'half' | 'year';
  evidenceRequired?: boolean;
  source?: string;
  sourceMatch?: Record<string, string>;
  note?: string;
};

const LEVELS: [string, string][] = [['县级', '1'], ['市级', '2'], ['省级', '4'], ['中央', '8']];

/** 2026年度宣传思想文化工作考核评分细则 (excerpt): DW for units, GR for people. */
export const DEMO_RULES: RuleSpec[] = [
  { code: 'DW-01', category: '工作落实', item: '重点任务逾期未完成', subjectType: 'unit', points: '-2', countingUnit: '项', capPoints: '10', capPeriod: 'quarter', source: 'task.overdue', note: '以任务清单截止日期为准，每季度累计扣分不超过 10 分' },
  { code: 'DW-02', category: '工作落实', item: '重点任务进展未按期报送', subjectType: 'unit', points: '-1', countingUnit: '次', source: 'task.report_missing', note: '按报送周期逐期计算' },
  { code: 'DW-03', category: '学习教育', item: '未落实每周半天集中学习，列入未学通报', subjectType: 'unit', points: '-3', countingUnit: '次', source: 'study.week_missed' },
  { code: 'DW-04', category: '学习教育', item: '干部职工心得体会被评为优秀', subjectType: 'unit', points: '1', countingUnit: '篇', capPoints: '5', capPeriod: 'quarter', source: 'study.reflection_excellent' },
  ...LEVELS.map(([level, points], i): RuleSpec => ({
    code: `DW-0${5 + i}`,
    category: '信息宣传',
    item: `报送信息被${level}采用`,
    subjectType: 'unit',
    points,
    countingUnit: '条',
    source: 'info.adopted',
    sourceMatch: { level },
    note: '同一信息被多级采用的，按最高级别计分',
  })),
  { code: 'DW-09', category: '表彰奖励', item: '获市级以上表彰', subjectType: 'unit', points: '5', countingUnit: '项', evidenceRequired: true, note: '须提供表彰文件' },
  { code: 'DW-10', category: '工作创新', item: '工作创新做法被上级推广', subjectType: 'unit', points: '3', countingUnit: '项', capPoints: '6', capPeriod: 'year' },
  { code: 'DW-11', category: '作风纪律', item: '被市委宣传部通报批评', subjectType: 'unit', points: '-5', countingUnit: '次' },
  { code: 'DW-12', category: '工作落实', item: '重要信息迟报、漏报', subjectType: 'unit', points: '-2', countingUnit: '次', capPoints: '10', capPeriod: 'quarter' },
  { code: 'DW-13', category: '信息宣传', item: '报送信息获市级领导肯定性批示', subjectType: 'unit', points: '2', countingUnit: '件', source: 'info.instructed', sourceMatch: { level: '市级' } },
  { code: 'DW-14', category: '信息宣传', item: '报送信息获省级领导肯定性批示', subjectType: 'unit', points: '5', countingUnit: '件', source: 'info.instructed', sourceMatch: { level: '省级' } },
  { code: 'GR-01', category: '学习教育', item: '心得体会被评为优秀', subjectType: 'person', points: '1', countingUnit: '篇', capPoints: '4', capPeriod: 'year', source: 'study.reflection_excellent' },
  { code: 'GR-02', category: '志愿服务', item: '参加“一月一主题”志愿服务活动', subjectType: 'person', points: '0.5', countingUnit: '次', capPoints: '2', capPeriod: 'quarter', note: '每季度最多计 2 分' },
  { code: 'GR-03', category: '表彰奖励', item: '个人获市级以上表彰', subjectType: 'person', points: '3', countingUnit: '项', evidenceRequired: true, note: '须提供表彰文件' },
  { code: 'GR-04', category: '作风纪律', item: '个人被通报批评', subjectType: 'person', points: '-3', countingUnit: '次' },
  { code: 'GR-05', category: '信息宣传', item: '撰写的信息被采用', subjectType: 'person', points: '0.5', countingUnit: '条', capPoints: '3', capPeriod: 'quarter', source: 'info.adopted', note: '县级以上采用均计分，每季度最多计 3 分' },
];

/** From July the missing-report deduction rises and gets a quarterly cap (部务会 decision of 26 June). */
const REVISION = { code: 'DW-02', effectiveFrom: `${POINTS_YEAR}-07-01`, points: '-1.5', capPoints: '6', capPeriod: 'quarter' as const, note: '自 7 月 1 日起每次扣 1.5 分，每季度累计扣分不超过 6 分（部务会 6 月 26 日决定）' };

/** 好 without a net deduction, 较好 down to −3, 一般 down to −6, 差 below. People: 好 from +1. */
const SCHEMES = {
  unit: { mode: 'threshold', bands: [{ grade: '好', min: '0' }, { grade: '较好', min: '-3' }, { grade: '一般', min: '-6' }, { grade: '差', min: null }] },
  person: { mode: 'threshold', bands: [{ grade: '好', min: '1' }, { grade: '较好', min: '0' }, { grade: '一般', min: '-2' }, { grade: '差', min: null }] },
} as const;

type ClaimSpec = {
  key: string;
  by: string;
  rule: string;
  /** unit key for a unit rule, person key for a person rule */
  subject: string;
  quantity?: string;
  occurredOn: string;
  reason: string;
  links?: string[];
  decision: { approve: true; note?: string } | { approve: false; note: string } | null;
};

export async function seedPoints(ctx: PointsSeedCtx): Promise<void> {
  const { city, today, uid, pid, agent, log } = ctx;
  const { org } = city;
  const Y = POINTS_YEAR;
  const admin = agent('admin');
  const dept = agent('shibu');
  const d = (md: string) => `${Y}-${md}`;

  log(`正在建立 ${Y} 年度考核评分细则（${DEMO_RULES.length} 条）……`);
  const rules = new Map<string, { id: string; version: number }>();
  for (const r of DEMO_RULES) {
    const row = await admin.call('POST', '/api/points/rules', { year: Y, effectiveFrom: `${Y}-01-01`, evidenceRequired: false, ...r });
    rules.set(r.code, { id: row.id, version: row.version });
  }
  const revised = DEMO_RULES.find((r) => r.code === REVISION.code)!;
  const { code: _code, ...fields } = revised;
  const current = rules.get(REVISION.code)!;
  await admin.call('POST', `/api/points/rules/${current.id}/versions`, {
    ...fields,
    evidenceRequired: false,
    effectiveFrom: REVISION.effectiveFrom,
    points: REVISION.points,
    capPoints: REVISION.capPoints,
    capPeriod: REVISION.capPeriod,
    note: REVISION.note,
    version: current.version,
  });
  const ruleAt = async (code: string, day: string): Promise<string> => {
    // A claim names the version in force on the day of its fact.
    const detail = await admin.call('GET', `/api/points/rules/${rules.get(code)!.id}`);
    const versions: { id: string; effectiveFrom: string; effectiveTo: string | null }[] = detail.versions;
    const v = versions.find((x) => x.effectiveFrom <= day && (!x.effectiveTo || x.effectiveTo >= day));
    if (!v) throw new Error(`演示数据有误：评分细则 ${code} 在 ${day} 没有有效版本`);
    return v.id;
  };

  for (const [subjectType, scheme] of Object.entries(SCHEMES)) {
    const [before] = (await admin.call('GET', '/api/points/grade-schemes')).filter((s: { subjectType: string }) => s.subjectType === subjectType);
    await admin.call('PUT', `/api/points/grade-schemes/${subjectType}`, { ...scheme, version: before?.version ?? 0 });
  }

  // The hourly job records overdue tasks and missing reports; the demo records them now, so that the quarters
  // closed below hold their deductions.
  await emitTaskEvents(ctx.db, today);
  const synced = await admin.call('POST', '/api/points/sync');
  log(`已按评分细则计入任务、学习和信息工作的自动积分 ${synced.points} 条（来自 ${synced.events} 个业务事件）`);

  const person = (unitKey: string, post?: string, i = 0) => {
    const p = peopleOf(org, unitKey, post)[i];
    if (!p) throw new Error(`演示数据有误：${unitKey} 没有 ${post ?? '人员'}`);
    return p.key;
  };
  const claims: ClaimSpec[] = [
    // 松岭县融媒体中心, first quarter: a 通报批评 and two late reports take it below −6 (差).
    { key: 'songling-media-criticised', by: 'shibu', rule: 'DW-11', subject: POOR_UNIT, occurredOn: d('03-10'), reason: '松岭县融媒体中心客户端转发未经审核的稿件，出现事实性差错，市委宣传部予以通报批评（青宣通〔2026〕5号）。', decision: { approve: true, note: '情况属实，按细则扣分。' } },
    { key: 'songling-media-late-1', by: 'shibu', rule: 'DW-12', subject: POOR_UNIT, occurredOn: d('02-12'), reason: '春节期间值班信息迟报一天。', decision: { approve: true } },
    { key: 'songling-media-late-2', by: 'shibu', rule: 'DW-12', subject: POOR_UNIT, occurredOn: d('03-20'), reason: '全市文明实践观摩活动信息未按时报送。', decision: { approve: true } },
    // 临溪县委宣传部机关党支部, second quarter: a late report on top of its missed week (一般).
    { key: 'linxi-branch-late', by: 'shibu', rule: 'DW-12', subject: FAIR_UNIT, occurredOn: d('06-10'), reason: '“七一”主题党日活动信息漏报。', decision: { approve: true } },
    // awards filed by the units' liaisons
    { key: 'chenghe-practice-honour', by: 'chenghe', rule: 'DW-09', subject: 'chenghe/practice', occurredOn: d('02-26'), reason: '澄河区新时代文明实践中心被评为全市新时代文明实践工作先进单位。', links: ['https://www.example.gov.cn/qinglan/2026/02/26/wenming-xianjin.html'], decision: { approve: true, note: '表彰文件已核对。' } },
    { key: 'baishi-media-innovation', by: 'baishi.rongmei', rule: 'DW-10', subject: 'baishi/media', occurredOn: d('05-18'), reason: '“村村响+短视频”基层宣讲做法被市委宣传部在全市推广。', decision: { approve: true } },
    { key: 'linxi-media-honour', by: 'linxi.rongmei', rule: 'GR-03', subject: person('linxi/media', '记者'), occurredOn: d('04-22'), reason: '作品《山里的夜校》获全市新闻奖一等奖。', links: ['https://www.example.gov.cn/qinglan/2026/04/22/xinwenjiang.html'], decision: { approve: true } },
    // six activities in a quarter: 3 points asked, the quarterly cap of 2 gives 2
    { key: 'linxi-volunteer', by: 'linxi.wenming', rule: 'GR-02', subject: person('linxi/practice', '干事'), quantity: '6', occurredOn: d('06-20'), reason: '第二季度参加“一月一主题”志愿服务活动 6 次（文明实践站签到记录）。', decision: { approve: true, note: '超过季度上限部分不计分。' } },
    { key: 'chenghe-volunteer', by: 'chenghe.wenming', rule: 'GR-02', subject: person('chenghe/practice', '干事'), quantity: '2', occurredOn: d('03-15'), reason: '学雷锋志愿服务月参加志愿服务活动 2 次。', decision: { approve: true } },
    // rejected
    { key: 'songling-innovation', by: 'songling', rule: 'DW-10', subject: 'songling/publicity', occurredOn: d('04-08'), reason: '开通“松岭宣传”微信视频号。', decision: { approve: false, note: '属常规工作，未被上级推广，不符合加分条件。' } },
    { key: 'linxi-office-honour', by: 'linxi', rule: 'DW-09', subject: 'linxi/office', occurredOn: d('05-06'), reason: '县委办公室通报表扬信息报送工作。', links: ['https://www.example.gov.cn/linxi/2026/05/06/tongbao.html'], decision: { approve: false, note: '县级通报表扬不属于市级以上表彰，请勿重复申报。' } },
    // still waiting for the department
    { key: 'baishi-volunteer', by: 'baishi.wenming', rule: 'GR-02', subject: person('baishi/practice', '干事'), quantity: '3', occurredOn: [d('01-01'), addDays(today, -10), d('12-20')].sort()[1], reason: '本季度参加“邻里守望”志愿服务活动 3 次。', decision: null },
  ];
  log(`正在提交和审核加减分申请（${claims.length} 项）……`);
  let capped = 0;
  // A demo started early in the year leaves out what has not happened yet.
  for (const c of claims.filter((x) => x.occurredOn <= today)) {
    const rule = DEMO_RULES.find((r) => r.code === c.rule)!;
    const filed = await agent(c.by).call('POST', '/api/points/claims', {
      ruleId: await ruleAt(c.rule, c.occurredOn),
      subjectId: rule.subjectType === 'unit' ? uid(c.subject) : pid(c.subject),
      quantity: c.quantity ?? '1',
      occurredOn: c.occurredOn,
      reason: c.reason,
      links: c.links ?? [],
      fileIds: [],
      idempotencyKey: `demo-claim-${c.key}`,
    });
    if (!c.decision) continue;
    const decided = await admin.call('POST', `/api/points/claims/${filed.id}/decide`, { ...c.decision, version: filed.version });
    if (decided?.eventPoints != null && decided.eventPoints !== decided.points) capped++;
  }
  if (!capped) log('注意：没有一项申请被上限削减');

  // 申诉: the 文明办 shows that a monthly report it was docked for had been filed on paper; the admin upholds it.
  const civility = agent('shi.wenmingban');
  const docked = await civility.call('GET', `/api/points/events?subjectId=${uid('city/civility')}&ruleCode=DW-02&from=${Y}-01-01&to=${Y}-06-30&sort=bookedOn&pageSize=5`);
  if (docked.data.length) {
    const e = docked.data[0];
    const appeal = await civility.call('POST', '/api/points/appeals', {
      eventId: e.id,
      reason: `${e.sourceLabel ?? '该期进展'}：当期进展已于截止日前以纸质台账报送市委宣传部办公室，系统未及时录入，附签收记录。`,
    });
    await admin.call('POST', `/api/points/appeals/${appeal.id}/decide`, { uphold: true, decision: '经核对办公室签收记录，当期进展已按时报送，申诉成立，冲正该项扣分。', version: appeal.version });
  } else {
    log('注意：文明办上半年没有进展缺报扣分，未生成申诉');
  }

  // 关闭第一、二季度: results, ranks and grades are frozen; 一般 and 差 open a 约谈.
  const quarters: { key: string; version: number; endDate: string; status: string }[] = await admin.call('GET', `/api/points/periods?year=${Y}&kind=quarter`);
  for (const key of [`Q${Y}-1`, `Q${Y}-2`]) {
    const q = quarters.find((p) => p.key === key)!;
    if (q.status === 'closed' || q.endDate >= today) continue;
    const closed = await admin.call('POST', `/api/points/periods/${key}/close`, { version: q.version });
    log(`已关闭${closed.period.label}考核：单位 ${closed.units} 个、个人 ${closed.persons} 人，待约谈 ${closed.interviewsOpened} 个单位`);
  }

  if (quarters.find((p) => p.key === `Q${Y}-1`)!.endDate >= today) return;
  const interviews = await dept.call('GET', `/api/points/interviews?periodKey=Q${Y}-1&pageSize=100`);
  const poor = interviews.data.find((i: { unitId: string }) => i.unitId === uid(POOR_UNIT));
  if (!poor) throw new Error(`演示数据有误：${Y} 年第一季度 ${POOR_UNIT} 没有待约谈记录`);
  const leader = peopleOf(org, 'city', '常务副部长')[0];
  await dept.call('POST', `/api/points/interviews/${poor.id}/close`, {
    heldOn: today,
    intervieweePersonId: pid(person(POOR_UNIT, '主任')),
    interviewerPersonId: pid(leader.key),
    participants: `市委宣传部常务副部长${leader.name}，督查专员，松岭县委宣传部部长，松岭县融媒体中心主任、总编辑`,
    problems: '一季度考核等次为“差”：客户端转发未经审核稿件被通报批评；重要信息两次迟报、漏报。反映出“三审三校”制度执行不严、值班值守不到位。',
    commitments: '一是重新修订稿件“三审三校”流程，客户端转发稿件一律经总编辑审核；二是落实节假日值班信息报送责任人；三是每月向县委宣传部报告整改进展。',
    followUpDeadline: addDays(today, 30),
    version: poor.version,
  });
}
