/**
 * A year of study for the demo city, written through the study API: weekly sessions of the 机关党支部 (with a
 * few missed weeks, late filings 补报, unfiled and cancelled sessions), the city department's 理论学习中心组 and
 * the youth study group, the weekly coverage check (未学通报), reflections in every review state, designated
 * readers and reading logs, and monthly 学习强国 score imports through the import wizard.
 *
 * Sessions are filed and recorded on the days they would have been: the study module's clock is set back for
 * the length of each call. Everything is drawn from the seeded PRNG, so every demo holds the same year.
 */
import { studyClock } from '../modules/study/sessions.ts';
import { isWorkday, periodOf } from '../platform/calendar.ts';
import { addDays, makeRng, SUPERVISOR_POST, type DemoCity, type PersonSpec } from './city.ts';
import type { DemoAgent } from './seed.ts';

export const STUDY_START = '2026-01-05';
export const STUDY_PLATFORM = '学习强国';

export type StudySeedCtx = {
  city: DemoCity;
  today: string;
  uid: (key: string) => string;
  pid: (key: string) => string;
  groupId: (key: string) => string | undefined;
  agent: (username: string) => DemoAgent;
  hasAgent: (username: string) => boolean;
  log: (msg: string) => void;
};

/** Runs `fn` as if it were `at` for the study module. */
async function at<T>(when: Date, fn: () => Promise<T>): Promise<T> {
  const real = studyClock.now;
  studyClock.now = () => when;
  try {
    return await fn();
  } finally {
    studyClock.now = real;
  }
}

const t = (date: string, hm: string) => `${date}T${hm}:00+08:00`;
const hash = (s: string) => [...s].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);

const TOPICS: Record<string, string[]> = {
  collective: ['学习习近平新时代中国特色社会主义思想专题', '学习党的二十届四中全会精神', '学习《中国共产党纪律处分条例》', '学习新时代宣传思想文化工作重要论述', '学习意识形态工作责任制实施细则'],
  morning_reading: ['晨读《习近平谈治国理政》第五卷并交流分享', '晨读《论党的宣传思想工作》并交流分享', '晨读《习近平新时代中国特色社会主义思想学习纲要》并交流分享'],
  friday_topic: ['周五专题：网络意识形态风险防范', '周五专题：新闻舆论工作与突发事件应对', '周五专题：新时代文明实践工作创新', '周五专题：融媒体传播能力建设'],
  central_group: ['理论学习中心组专题学习：推进文化自信自强', '理论学习中心组专题学习：全面从严治党', '理论学习中心组专题学习：高质量发展与宣传工作'],
  book_sharing: ['读书分享：《习近平的七年知青岁月》', '读书分享：《之江新语》', '读书分享：《中国共产党简史》', '读书分享：《平“语”近人》'],
  online: ['线上学习：学习强国专题课程', '线上学习：干部网络学院必修课程', '线上学习：党纪学习教育专题网课'],
};
const BRANCH_TYPES = ['collective', 'morning_reading', 'friday_topic', 'collective', 'book_sharing', 'online'] as const;
const LEAVE_REASONS = ['外出参加培训', '因公出差', '病假', '带队下乡督查', '参加市里会议'];
const CANCEL_REASONS = ['与全市防汛调度会时间冲突，改期举行', '主讲人临时参加上级会议，本次取消，内容并入下周集中学习'];

type SessionPlan = {
  unitKey: string;
  groupKey?: string;
  agent: string;
  typeCode: string;
  topic: string;
  date: string;
  from: string;
  to: string;
  people: PersonSpec[];
  filing: 'on_time' | 'late' | 'none';
  cancel?: string;
  seed: number;
};

/** The first working day of the week at or after `preferred` (0 = Monday); null in a week with none. */
function dayIn(monday: string, preferred: number): string | null {
  for (let i = 0; i < 7; i++) {
    const d = addDays(monday, (preferred + i) % 7);
    if (isWorkday(d)) return d;
  }
  return null;
}

export function studyWeeks(today: string): { monday: string; week: string }[] {
  const weeks = [];
  for (let m = STUDY_START; addDays(m, 6) < today; m = addDays(m, 7)) weeks.push({ monday: m, week: periodOf('weekly', m).key });
  return weeks;
}

/** The sessions of the demo year (pure). */
export function studyPlans(city: DemoCity, today: string, hasAgent: (u: string) => boolean): SessionPlan[] {
  const { org } = city;
  const branches = [
    { unitKey: 'city/branch', agent: 'shibu' },
    ...org.counties.map((c) => ({ unitKey: `${c.key}/branch`, agent: hasAgent(`${c.key}.zhibu`) ? `${c.key}.zhibu` : 'shibu' })),
  ];
  const plans: SessionPlan[] = [];
  const weeks = studyWeeks(today);
  const cityLeaders = org.persons.filter((p) => p.unitKey === 'city');
  const youth = city.groups.find((g) => g.key === 'study');
  const byKey = new Map(org.persons.map((p) => [p.key, p]));
  let cancelled = 0;
  weeks.forEach(({ monday }, w) => {
    branches.forEach((b, bi) => {
      const rng = makeRng(hash(`${b.unitKey}:${monday}`));
      const people = org.persons.filter((p) => p.unitKey === b.unitKey);
      const typeCode = BRANCH_TYPES[(w + bi) % BRANCH_TYPES.length];
      const date = dayIn(monday, typeCode === 'friday_topic' ? 4 : rng.int(0, 3));
      if (!date) return; // a week without a working day is exempt
      const base = { unitKey: b.unitKey, agent: b.agent, people, seed: rng.int(1, 1_000_000) };
      const missed = (w * 5 + bi * 11) % 37 === 0;
      if (missed) {
        // a short online course only, or nothing at all: under the half day
        if (w % 2) plans.push({ ...base, typeCode: 'online', topic: rng.pick(TOPICS.online), date, from: '15:00', to: '17:00', filing: 'on_time' });
        return;
      }
      const r = rng.next();
      const filing = r < 0.06 ? 'late' : r < 0.08 ? 'none' : 'on_time';
      plans.push({ ...base, typeCode, topic: rng.pick(TOPICS[typeCode]), date, from: typeCode === 'friday_topic' ? '14:00' : '08:30', to: typeCode === 'friday_topic' ? '18:00' : '12:30', filing });
      if (cancelled < CANCEL_REASONS.length && w >= 10 && (w * 3 + bi) % 29 === 0) {
        const later = dayIn(addDays(date, 1), 0);
        if (later && later < addDays(monday, 7)) {
          plans.push({ ...base, typeCode: 'collective', topic: rng.pick(TOPICS.collective), date: later, from: '14:30', to: '17:30', filing: 'on_time', cancel: CANCEL_REASONS[cancelled++] });
        }
      }
    });
    // The city department's 理论学习中心组 meets in the second week of the month, the youth group reads in the third.
    const day = Number(monday.slice(8, 10));
    const rng = makeRng(hash(`city:${monday}`));
    if (day >= 8 && day <= 14) {
      const date = dayIn(monday, 3);
      if (date) plans.push({ unitKey: 'city', agent: 'shibu', typeCode: 'central_group', topic: rng.pick(TOPICS.central_group), date, from: '09:00', to: '12:00', people: cityLeaders, filing: 'on_time', seed: rng.int(1, 1_000_000) });
    }
    if (youth && day >= 15 && day <= 21) {
      const date = dayIn(monday, 2);
      const members = youth.members.map((m) => byKey.get(m.personKey)!);
      if (date) plans.push({ unitKey: youth.unitKey, groupKey: youth.key, agent: 'shibu', typeCode: 'book_sharing', topic: rng.pick(TOPICS.book_sharing), date, from: '15:00', to: '17:30', people: members, filing: 'on_time', seed: rng.int(1, 1_000_000) });
    }
  });
  return plans;
}

function attendanceOf(people: PersonSpec[], seed: number) {
  const rng = makeRng(seed);
  return people.map((p) => {
    const r = rng.next();
    if (r < 0.84) return { personId: p.key, status: 'present' as const };
    if (r < 0.91) return { personId: p.key, status: 'late' as const };
    if (r < 0.97) return { personId: p.key, status: 'leave' as const, reason: rng.pick(LEAVE_REASONS) };
    return { personId: p.key, status: 'absent' as const };
  });
}

const REFLECTION_OPENINGS = [
  '通过这次学习，我对“两个确立”的决定性意义有了更深的认识。',
  '这段时间集中学习了新时代宣传思想文化工作的重要论述，收获很大。',
  '参加支部的晨读+分享活动，让我养成了每天读原著的习惯。',
  '读完这本书，我最深的体会是理论学习必须和本职工作结合起来。',
  '这次周五专题学习围绕网络意识形态展开，让我认识到阵地意识的重要性。',
  '学习党纪条例后，我对照检查了自己在日常工作中的不足。',
  '在融媒体中心工作三年，这次学习让我重新思考新闻舆论工作的使命。',
  '到文明实践站蹲点调研后再来学习理论，感受完全不同。',
];
const REFLECTION_MIDDLES = [
  '基层群众最关心的是身边事，宣传工作要把道理讲到群众心坎上，多用身边人讲身边事。',
  '理论学习不能停留在读过、听过，要学深悟透、融会贯通，转化为推动工作的具体举措。',
  '面对新媒体环境，我们要主动设置议题，用好短视频和直播等新形式，把正面声音传得更远。',
  '作风建设永远在路上，要从每一份稿件、每一次下乡做起，杜绝形式主义。',
  '要把学习成果落实到“四大”专项行动的每一项任务中，以实绩检验学习成效。',
  '身为年轻干部，更要勤于学习、敢于担当，在急难险重任务中经受锻炼。',
];
const REFLECTION_CLOSINGS = [
  '下一步，我将坚持每月读一本好书，把学习体会写进工作台账。',
  '今后我要带着问题学、联系实际学，做到学以致用、用以促学。',
  '我将以这次学习为新起点，在本职岗位上干出新成绩。',
];
const SUPERVISION_START = '2026-01-01';
const SUPERVISOR_COMMENTS = [
  '学习准备充分，原文领读到位；交流发言还可以更多联系本职工作，谈具体举措。',
  '本次学习主题鲜明、组织有序。建议下次提前布置研讨题目，让每名党员都有准备地发言。',
  '签到和记录规范。个别同志发言照本宣科，请支部书记会后谈心提醒，把学习和工作结合起来。',
  '学习形式较好，青年同志发言积极。建议把学习中提出的问题列入支部工作台账，逐项跟踪落实。',
  '学习时间不足半天，内容偏少，请按每周半天集中学习的要求补足，并在下周学习中补学。',
  '围绕专项行动谈体会有实招，值得肯定；请把好的做法整理成信息报部机关党委。',
  '出勤情况较好，请假同志请按要求自学并补交学习笔记。',
  '研讨有深度，建议支部把本次学习成果转化为一两项可检验的工作措施。',
];
const RETURN_COMMENTS = ['内容偏空，请结合本人工作实际补充具体事例。', '篇幅较短，请围绕学习内容谈深谈透后重新提交。', '请补充下一步的具体打算。'];
const BOOKS = [
  { title: '习近平谈治国理政（第五卷）', author: null },
  { title: '论党的宣传思想工作', author: '习近平' },
  { title: '习近平新时代中国特色社会主义思想学习纲要（2023年版）', author: null },
  { title: '中国共产党简史', author: null },
  { title: '之江新语', author: '习近平' },
  { title: '习近平的七年知青岁月', author: null },
];
const OTHER_BOOKS = [
  { title: '平凡的世界', author: '路遥' }, { title: '长征', author: '王树增' }, { title: '红星照耀中国', author: '埃德加·斯诺' },
  { title: '乡土中国', author: '费孝通' }, { title: '苦难辉煌', author: '金一南' }, { title: '浴血荣光', author: '金一南' },
  { title: '人民的名义', author: '周梅森' }, { title: '山海情', author: '高满堂' }, { title: '觉醒年代', author: '龙平平' },
];

export async function seedStudy(ctx: StudySeedCtx, campaignId: string): Promise<void> {
  const { city, today, uid, pid, agent, log } = ctx;
  const { org } = city;
  const dept = agent('shibu');

  // ---- 包联督导: the department's supervisor sits in on a good share of the branches' sessions (seed 002: 年均列席
  // 50 余场次) and comments on some of them
  const supervisor = org.persons.find((p) => p.post === SUPERVISOR_POST);
  const supervising = supervisor && ctx.hasAgent('dudao');
  const supervised = new Set(['city/branch', ...org.counties.slice(0, 2).map((c) => `${c.key}/branch`)]);
  if (supervising) {
    log(`正在指定包联督导员：${supervisor.name}包联 ${supervised.size} 个机关党支部……`);
    for (const unitKey of supervised) {
      await dept.call('POST', '/api/study/supervisions', { supervisorPersonId: pid(supervisor.key), unitId: uid(unitKey), fromDate: SUPERVISION_START }, 201);
    }
  }
  const sitsIn = (p: SessionPlan) =>
    !!supervising && supervised.has(p.unitKey) && !p.cancel && p.typeCode !== 'online' && hash(`dudao:${p.unitKey}:${p.date}`) % 100 < 42;
  const satIn: { id: string; unitKey: string; date: string }[] = [];

  // ---- sessions
  const plans = studyPlans(city, today, ctx.hasAgent);
  log(`正在补录学习活动 ${plans.length} 场（${STUDY_START} 起每周的学习、报备和出勤）……`);
  const sessionIds = new Map<string, string>();
  for (const p of plans) {
    const start = new Date(t(p.date, p.from));
    const end = new Date(t(p.date, p.to));
    const a = agent(p.agent);
    // planned a few days ahead of time
    let s = await at(new Date(start.getTime() - 4 * 86_400_000), () =>
      a.call('POST', '/api/study/sessions', {
        unitId: uid(p.unitKey),
        groupId: p.groupKey ? ctx.groupId(p.groupKey) ?? null : null,
        typeCode: p.typeCode,
        topic: p.topic,
        plannedStart: start.toISOString(),
        plannedEnd: end.toISOString(),
        place: p.unitKey === 'city' ? '部机关第一会议室' : p.typeCode === 'online' ? '线上' : '支部活动室',
        presenter: p.people[0]?.name ?? null,
        links: p.typeCode === 'online' ? ['https://www.xuexi.cn/'] : [],
      }),
    );
    if (p.filing === 'on_time') s = await at(new Date(start.getTime() - 2 * 86_400_000), () => a.call('POST', `/api/study/sessions/${s.id}/file`, { version: s.version }));
    if (p.cancel) {
      await at(new Date(start.getTime() - 86_400_000), () => a.call('POST', `/api/study/sessions/${s.id}/cancel`, { version: s.version, reason: p.cancel }));
      continue;
    }
    // 补报: filed only once the session had begun
    if (p.filing === 'late') s = await at(new Date(start.getTime() + 40 * 60_000), () => a.call('POST', `/api/study/sessions/${s.id}/file`, { version: s.version }));
    const visitor = sitsIn(p) ? supervisor : undefined;
    const attendance = attendanceOf(p.people, p.seed).map((x) => ({ ...x, personId: pid(x.personId) }));
    if (visitor) attendance.push({ personId: pid(visitor.key), status: hash(`late:${p.date}`) % 10 === 0 ? 'late' : 'present' });
    // A branch may only name its own people, so a session the department's supervisor sat in on is recorded by the department.
    const recorder = visitor ? dept : a;
    s = await at(new Date(end.getTime() + 3_600_000), () =>
      recorder.call('POST', `/api/study/sessions/${s.id}/record`, {
        version: s.version,
        actualStart: start.toISOString(),
        actualEnd: end.toISOString(),
        attendance,
        summary: `围绕“${p.topic}”开展学习，${p.people.length > 5 ? '与会同志' : '支部党员'}逐一交流发言，形成学习记录。`,
      }),
    );
    sessionIds.set(`${p.unitKey}:${p.date}`, s.id);
    if (visitor) satIn.push({ id: s.id, unitKey: p.unitKey, date: p.date });
  }

  if (supervising) {
    const dudao = agent('dudao');
    let comments = 0;
    for (const [i, x] of satIn.entries()) {
      if (hash(`comment:${x.unitKey}:${x.date}`) % 100 >= 45) continue;
      await dudao.call('POST', `/api/study/sessions/${x.id}/comments`, { content: SUPERVISOR_COMMENTS[(i + comments) % SUPERVISOR_COMMENTS.length] }, 201);
      comments++;
    }
    log(`包联督导：列席 ${satIn.length} 场，点评 ${comments} 次`);
  }

  // ---- 未学通报: every closed week checked, those older than a month confirmed
  const weeks = studyWeeks(today);
  log(`正在检查每周学习覆盖情况（${weeks.length} 周）……`);
  for (const [i, { week }] of weeks.entries()) {
    await dept.call('POST', `/api/study/coverage/weeks/${week}/check`);
    if (i < weeks.length - 4) await dept.call('POST', `/api/study/coverage/weeks/${week}/confirm`);
  }

  // ---- reflections: written by the units' accounts, reviewed by the county's liaison or the department
  log('正在撰写和审核心得体会……');
  const authors = city.accounts.filter((x) => x.personKey && x.roles.some((r) => r === 'liaison' || r === 'staff' || r === 'branch_secretary') && x.username !== 'shibu');
  const countyOf = (personKey: string) => org.persons.find((p) => p.key === personKey)!.unitKey.split('/')[0];
  const STATES = ['excellent', 'passed', 'submitted', 'passed', 'returned', 'draft', 'excellent', 'passed'] as const;
  let n = 0;
  let published = 0;
  for (const au of authors) {
    const county = countyOf(au.personKey!);
    const reviewer = county !== 'city' && ctx.hasAgent(county) && county !== au.username ? agent(county) : dept;
    const count = 1 + (hash(au.username) % 2);
    for (let k = 0; k < count; k++, n++) {
      const rng = makeRng(hash(`${au.username}:${k}`));
      const state = STATES[n % STATES.length];
      const paragraphs = [REFLECTION_OPENINGS[n % REFLECTION_OPENINGS.length], ...[0, 2, 4].map((o) => REFLECTION_MIDDLES[(n + o + k) % REFLECTION_MIDDLES.length]), rng.pick(REFLECTION_CLOSINGS)];
      const author = agent(au.username);
      let r = await author.call('POST', '/api/study/reflections', {
        title: `${rng.pick(['学习', '读书', '专题学习', '集中学习'])}心得体会（${n + 1}）`,
        bodyHtml: paragraphs.map((x) => `<p>${x}（${org.persons.find((p) => p.key === au.personKey)!.name}，${rng.int(1, 12)}月）</p>`).join(''),
      });
      if (state === 'draft') continue;
      r = await author.call('POST', `/api/study/reflections/${r.id}/submit`, { version: r.version });
      if (state === 'submitted') continue;
      const decision = state === 'passed' ? 'pass' : state === 'excellent' ? 'excellent' : 'return';
      r = await reviewer.call('POST', `/api/study/reflections/${r.id}/review`, {
        version: r.version,
        decision,
        comment: decision === 'return' ? rng.pick(RETURN_COMMENTS) : decision === 'excellent' ? '结合实际，体会深刻，推荐上墙展示。' : null,
      });
      if (decision === 'excellent' && published < 2) {
        await reviewer.call('POST', `/api/study/reflections/${r.id}/publish`, { version: r.version, published: true });
        published++;
      }
    }
  }

  // ---- reading: the campaign's designated readers (target 5 books) and logs of the year
  log('正在登记指定读本和读书记录……');
  const readers: { id: string; title: string; author: string | null }[] = [];
  for (const b of BOOKS) {
    const row = await dept.call('POST', '/api/study/readers', { campaignId, unitId: uid('city'), title: b.title, author: b.author, targetBooks: 5 });
    readers.push({ id: row.id, ...b });
  }
  const readersOf = org.persons.filter((p, i) => i % 9 === 0).slice(0, 30);
  const lastMonth = Number(today.slice(5, 7));
  for (const [i, p] of readersOf.entries()) {
    const rng = makeRng(hash(`read:${p.key}`));
    const books = rng.int(2, 6);
    let month = rng.int(1, 2);
    for (let k = 0; k < books && month < lastMonth; k++, month += rng.int(1, 3)) {
      const designated = k < 3 || i % 2 === 0 ? readers[(i + k) % readers.length] : null;
      const book = designated ?? rng.pick(OTHER_BOOKS);
      const startDate = `2026-${String(month).padStart(2, '0')}-${String(rng.int(1, 10)).padStart(2, '0')}`;
      const finished = month + 1 < lastMonth || k < books - 1;
      await dept.call('POST', '/api/study/reading-logs', {
        personId: pid(p.key),
        bookTitle: book.title,
        author: book.author,
        designatedReaderId: designated?.id ?? null,
        startDate,
        finishDate: finished ? addDays(startDate, rng.int(10, 25)) : null,
        notes: finished ? rng.pick(['读完并在支部读书分享会上交流。', '做了读书笔记，摘录重要论述二十余条。', '结合工作实际写了读书心得。']) : null,
      });
    }
  }

  // ---- 学习强国 scores: the last four closed months, imported through the wizard
  const months: string[] = [];
  for (let m = lastMonth - 4; m < lastMonth; m++) if (m >= 1) months.push(`${today.slice(0, 4)}-${String(m).padStart(2, '0')}`);
  log(`正在导入学习强国积分（${months.join('、')}）……`);
  for (const month of months) {
    const rng = makeRng(hash(`score:${month}`));
    const ruleVersion = month < `${today.slice(0, 4)}-09` ? '学习强国积分规则（2025版）' : '学习强国积分规则（2026年9月修订）';
    const lines = ['姓名,单位,手机号,月积分'];
    for (const p of org.persons) {
      if (rng.next() < 0.04) continue; // not everyone is in every month's export
      const unit = org.units.find((u) => u.key === p.unitKey)!.name;
      lines.push(`${p.name},${unit},${p.phone},${rng.int(300, 1200)}`);
    }
    // two rows of people who are not in the system: listed as unmatched, never guessed
    lines.push(`${rng.pick(['王建国', '李秀梅'])},市文联,13900000${rng.int(100, 999)},${rng.int(300, 900)}`, `赵志强,,,${rng.int(300, 900)}`);
    const imp = await dept.upload('/api/study/scores/imports', { name: `学习强国积分_${month}.csv`, content: Buffer.from(`\ufeff${lines.join('\n')}\n`, 'utf8') }, { platform: STUDY_PLATFORM, month, ruleVersion });
    await dept.call('POST', `/api/study/scores/imports/${imp.id}/mapping`, { nameColumn: '姓名', unitColumn: null, phoneColumn: '手机号', scoreColumn: '月积分' });
    await dept.call('POST', `/api/study/scores/imports/${imp.id}/confirm`);
  }
}
