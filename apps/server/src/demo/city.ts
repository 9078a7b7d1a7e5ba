/**
 * The demo city: a fictional municipal propaganda department (青澜市委宣传部) with its offices, four county and
 * district departments and their units, people, groups, one running campaign, a key-task list and meetings.
 *
 * Pure and deterministic: the same seed gives the same city, so every demo looks the same and the benchmarks
 * can build the same shape at a larger scale. Dates of tasks and reports are offsets from "today", so the
 * campaign is always half-way through when the demo starts, with some tasks done and some overdue.
 */
import type { GroupRole, GroupType, MeetingType, ReportCycle, UnitType } from '@luoshi/contract';

/** One password for every demo login (the built-in admin uses LUOSHI_ADMIN_PASSWORD when it is set). */
export const DEMO_PASSWORD = 'Demo-2026!';
export const CITY_NAME = '青澜市';
export const ROOT_UNIT_NAME = `${CITY_NAME}委宣传部`;
/** Ages are computed against this year so that the people never change from one demo to the next. */
const REF_YEAR = 2026;

// ---------------------------------------------------------------- random numbers

/** mulberry32: a small seeded PRNG, good enough for plausible data and identical on every machine. */
export function makeRng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof makeRng>;

// ---------------------------------------------------------------- names

/** Common surnames, roughly by frequency (the first ones appear more often). */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文';
const GIVEN_MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋峰建国志文博晨阳哲轩毅锋成睿楠松岩嘉子航思远';
const GIVEN_FEMALE = '芳娜敏静丽艳娟霞秀玲桂英萍红燕婷雪琳晶颖倩慧欣佳悦璐洁梅莉蕾瑶薇怡丹月晓雨诗涵清然可心梦蓉雯';

function surname(rng: Rng): string {
  // Skewed towards the front of the list, as real surnames are.
  const i = Math.floor(Math.pow(rng.next(), 1.8) * SURNAMES.length);
  return SURNAMES[i];
}

export function personName(rng: Rng, gender: '男' | '女'): string {
  const pool = gender === '男' ? GIVEN_MALE : GIVEN_FEMALE;
  const chars = [...pool];
  const given = rng.chance(0.3) ? rng.pick(chars) : rng.pick(chars) + rng.pick(chars);
  return surname(rng) + given;
}

// ---------------------------------------------------------------- the organisation

export type UnitSpec = { key: string; parentKey: string | null; name: string; type: UnitType; sort: number };
export type PersonSpec = {
  key: string;
  unitKey: string;
  name: string;
  gender: '男' | '女';
  post: string;
  birthDate: string;
  phone: string;
  partyMember: boolean;
};
export type County = { key: string; name: string; short: string; kind: '县' | '区' };

/** The first four are the demo's; larger cities for the benchmarks get generated names after them. */
const COUNTIES: County[] = [
  { key: 'linxi', name: '临溪县', short: '临溪', kind: '县' },
  { key: 'chenghe', name: '澄河区', short: '澄河', kind: '区' },
  { key: 'baishi', name: '白石县', short: '白石', kind: '县' },
  { key: 'songling', name: '松岭县', short: '松岭', kind: '县' },
];
const PLACE_SYLLABLES = '安宝碧长川丹东丰凤福甘高固广桂河和红洪华怀黄吉嘉江金锦靖九康兰蓝乐丽莲良临柳龙隆鹿罗茂梅美南宁平青清庆瑞三沙山尚石双水顺松太泰桃天铁同万旺文西仙祥新兴秀阳杨宜永玉元云泽樟振中竹'.split('');

/** A post, how many of it a unit has, and the age range of the people who hold it. */
type Post = [post: string, count: number, minAge: number, maxAge: number];
const L = (post: string, count = 1): Post => [post, count, 42, 57]; // leaders
const M = (post: string, count = 1): Post => [post, count, 33, 52]; // middle
const S = (post: string, count = 1): Post => [post, count, 23, 45]; // staff

const CITY_OFFICES: { key: string; pinyin: string; name: string; type: UnitType; posts: Post[] }[] = [
  { key: 'office', pinyin: 'bangongshi', name: '办公室', type: 'other', posts: [M('主任'), M('副主任'), S('一级科员', 2), S('干事', 3)] },
  { key: 'theory', pinyin: 'lilunke', name: '理论科', type: 'other', posts: [M('科长'), M('副科长'), S('干事', 5)] },
  { key: 'publicity', pinyin: 'xuanchuanke', name: '宣传科', type: 'other', posts: [M('科长'), M('副科长'), S('干事', 5)] },
  { key: 'news', pinyin: 'xinwenke', name: '新闻科', type: 'other', posts: [M('科长'), M('副科长'), S('干事', 4)] },
  { key: 'cyber', pinyin: 'wangxinban', name: '网信办', type: 'bureau', posts: [M('主任'), M('副主任'), S('干事', 5)] },
  { key: 'civility', pinyin: 'wenmingban', name: '文明办', type: 'bureau', posts: [M('主任'), M('副主任'), S('干事', 4)] },
];

/** 机关党委委员 who 包联督导 branches (seed 002): sits in on their study and comments on it. */
export const SUPERVISOR_POST = '机关党委专职副书记';

export type OrgOptions = {
  seed?: number;
  /** county and district departments under the city */
  counties?: number;
  /** 新时代文明实践所 per county (one per town) */
  institutesPerCounty?: number;
  /** 新时代文明实践站 per institute (one per village or community) */
  stationsPerInstitute?: number;
  /** multiplies the number of journalists and officers (benchmarks keep it small) */
  staffScale?: number;
};

export type Org = { units: UnitSpec[]; persons: PersonSpec[]; counties: County[] };

function countyList(n: number, rng: Rng): County[] {
  const out = COUNTIES.slice(0, n);
  const used = new Set(out.map((c) => c.short));
  for (let i = out.length; i < n; i++) {
    let short = '';
    do short = rng.pick(PLACE_SYLLABLES) + rng.pick(PLACE_SYLLABLES);
    while (used.has(short) || short[0] === short[1]);
    used.add(short);
    const kind = rng.chance(0.25) ? '区' : '县';
    out.push({ key: `c${i}`, name: `${short}${kind}`, short, kind });
  }
  return out;
}

/** Units and their people. The demo city has 40 units and about 300 people. */
export function generateOrg(opts: OrgOptions = {}): Org {
  const rng = makeRng(opts.seed ?? 20260301);
  const nCounties = opts.counties ?? 4;
  const nInstitutes = opts.institutesPerCounty ?? 1;
  const nStations = opts.stationsPerInstitute ?? 1;
  const scale = opts.staffScale ?? 1;
  const units: UnitSpec[] = [];
  const persons: PersonSpec[] = [];
  const usedNames = new Set<string>();
  const usedPhones = new Set<string>();

  const addPeople = (unitKey: string, posts: Post[], from = 0) => {
    let n = from;
    for (const [post, count, minAge, maxAge] of posts) {
      const c = count === 1 ? 1 : Math.max(1, Math.round(count * scale));
      for (let i = 0; i < c; i++) {
        const gender = rng.chance(0.52) ? '男' : '女';
        let name = personName(rng, gender);
        // Keep names unique within the demo so that people can be told apart on screen.
        for (let tries = 0; usedNames.has(name) && tries < 20; tries++) name = personName(rng, gender);
        if (usedNames.has(name)) name = `${name}${rng.pick([...'甲乙丙丁'])}`;
        if (usedNames.size < 50_000) usedNames.add(name);
        const age = rng.int(minAge, maxAge);
        const month = rng.int(1, 12);
        const day = rng.int(1, 28);
        let phone = '';
        do phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
        while (usedPhones.has(phone));
        usedPhones.add(phone);
        const leader = minAge >= 42;
        persons.push({
          key: `${unitKey}/p${n++}`,
          unitKey,
          name,
          gender,
          post,
          birthDate: `${REF_YEAR - age}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
          phone,
          partyMember: leader || post.includes('书记') || post.includes('委员') || rng.chance(0.68),
        });
      }
    }
  };
  const addUnit = (u: UnitSpec, posts: Post[]) => {
    units.push(u);
    addPeople(u.key, posts);
  };

  addUnit({ key: 'city', parentKey: null, name: ROOT_UNIT_NAME, type: 'department', sort: 0 }, [
    L('部长'),
    L('常务副部长'),
    L('副部长', 2),
    M('督查专员'),
  ]);
  CITY_OFFICES.forEach((o, i) =>
    addUnit({ key: `city/${o.key}`, parentKey: 'city', name: o.name, type: o.type, sort: i + 1 }, o.posts),
  );
  addUnit({ key: 'city/branch', parentKey: 'city', name: '机关党支部', type: 'branch', sort: 20 }, [
    M('支部书记'),
    M('组织委员'),
    S('宣传委员'),
    S('纪检委员'),
  ]);

  const counties = countyList(nCounties, rng);
  counties.forEach((c, ci) => {
    const k = c.key;
    addUnit({ key: k, parentKey: 'city', name: `${c.name}委宣传部`, type: 'county_department', sort: 100 + ci }, [
      L('部长'),
      L('常务副部长'),
      M('副部长', 2),
      S('联络员'),
    ]);
    addUnit({ key: `${k}/office`, parentKey: k, name: '办公室', type: 'other', sort: 1 }, [M('主任'), S('干事', 5)]);
    addUnit({ key: `${k}/publicity`, parentKey: k, name: '理论宣传股', type: 'other', sort: 2 }, [M('股长'), S('干事', 6)]);
    addUnit({ key: `${k}/media`, parentKey: k, name: `${c.name}融媒体中心`, type: 'media_center', sort: 3 }, [
      L('主任'),
      M('副主任', 2),
      M('总编辑'),
      S('记者', 12),
      S('编辑', 8),
      S('校对', 2),
      M('审核'),
    ]);
    addUnit({ key: `${k}/practice`, parentKey: k, name: `${c.name}新时代文明实践中心`, type: 'practice_center', sort: 4 }, [
      M('主任'),
      M('副主任'),
      S('干事', 3),
    ]);
    const towns = new Set<string>();
    for (let ii = 0; ii < nInstitutes; ii++) {
      let town = '';
      do town = rng.pick(PLACE_SYLLABLES) + rng.pick(PLACE_SYLLABLES);
      while (towns.has(town) || town[0] === town[1]);
      towns.add(town);
      const ik = `${k}/practice/i${ii}`;
      addUnit({ key: ik, parentKey: `${k}/practice`, name: `${town}镇新时代文明实践所`, type: 'practice_institute', sort: ii }, [
        M('所长'),
        S('干事', 3),
      ]);
      const villages = new Set<string>();
      for (let si = 0; si < nStations; si++) {
        let village = '';
        do village = rng.pick(PLACE_SYLLABLES) + rng.pick(PLACE_SYLLABLES);
        while (villages.has(village) || village[0] === village[1]);
        villages.add(village);
        addUnit(
          { key: `${ik}/s${si}`, parentKey: ik, name: `${village}${rng.chance(0.5) ? '村' : '社区'}新时代文明实践站`, type: 'practice_station', sort: si },
          [M('站长'), S('宣讲员', 2)],
        );
      }
    }
    addUnit({ key: `${k}/branch`, parentKey: k, name: '机关党支部', type: 'branch', sort: 9 }, [
      M('支部书记'),
      M('组织委员'),
      S('宣传委员'),
    ]);
  });
  // Drawn last so that adding the post left every other name, phone and birth date of the city as it was.
  addPeople('city/office', [M(SUPERVISOR_POST)], persons.filter((p) => p.unitKey === 'city/office').length);
  return { units, persons, counties };
}

/** The people of a unit holding a post, in order. */
export function peopleOf(org: Org, unitKey: string, post?: string): PersonSpec[] {
  return org.persons.filter((p) => p.unitKey === unitKey && (post === undefined || p.post === post));
}
function first(org: Org, unitKey: string, post?: string): PersonSpec {
  const p = peopleOf(org, unitKey, post)[0];
  if (!p) throw new Error(`demo city has nobody at ${unitKey} ${post ?? ''}`);
  return p;
}

// ---------------------------------------------------------------- logins

/** `main`: the logins a newcomer tries first (one per role); the others report for their units. */
export type AccountSpec = { username: string; personKey: string | null; roles: string[]; note: string; main: boolean };

/**
 * One login per role (`admin` is the built-in account created at first start), plus the accounts of the units
 * that report progress: every report is filed by someone other than the person who reviews it.
 */
export function demoAccounts(org: Org): AccountSpec[] {
  const c0 = org.counties[0];
  const counties = org.counties.slice(0, 4);
  const main = [
    { username: 'admin', personKey: null, roles: ['dept_admin'], note: '内置的部机关管理员，可见全市业务数据' },
    { username: 'shibu', personKey: first(org, 'city', '督查专员').key, roles: ['dept_admin'], note: '部机关：下达专项行动任务、审核各单位进展' },
    { username: c0.key, personKey: first(org, c0.key, '联络员').key, roles: ['liaison'], note: `${c0.name}委宣传部联络员：分解任务、审核本县进展，只见本县` },
    { username: `${c0.key}.zhibu`, personKey: first(org, `${c0.key}/branch`, '支部书记').key, roles: ['branch_secretary'], note: `${c0.name}委宣传部机关党支部书记，只见本支部` },
    { username: `${c0.key}.jizhe`, personKey: first(org, `${c0.key}/media`, '记者').key, roles: ['staff'], note: `${c0.name}融媒体中心记者，只见本人任务` },
    { username: 'shi.bianji', personKey: peopleOf(org, 'city/office', '干事')[0].key, roles: ['info_reviewer'], note: '市委宣传部办公室（信息科）编辑：三审三校第一环，编辑各单位报送的信息，见“待我审核”' },
    { username: 'dudao', personKey: first(org, 'city/office', SUPERVISOR_POST).key, roles: ['supervisor'], note: '机关党委专职副书记，包联督导机关党支部：列席学习、点评，只见包联的支部' },
    // 三员分立: made at first start beside admin, each holding one duty and nothing else
    { username: 'xitong', personKey: null, roles: ['sys_admin'], note: '系统管理员（三员分立）：账号、角色、单位与系统设置，不见业务数据' },
    { username: 'anquan', personKey: null, roles: ['security_admin'], note: '安全管理员（三员分立）：密码与登录策略、解锁账号、重置动态口令、结束会话' },
    { username: 'shenji', personKey: null, roles: ['audit_admin'], note: '审计管理员（三员分立）：只查阅、校验和导出审计日志'},
  ].map((a) => ({ ...a, main: true }));
  const units: Omit<AccountSpec, 'main'>[] = [
    ...CITY_OFFICES.map((o) => ({
      username: `shi.${o.pinyin}`,
      personKey: peopleOf(org, `city/${o.key}`)[0].key,
      roles: ['liaison'],
      note: `市委宣传部${o.name}，报送本科室任务进展`,
    })),
    { username: 'shi.jiaodui', personKey: peopleOf(org, 'city/office', '干事')[1].key, roles: ['info_reviewer'], note: '市委宣传部办公室（信息科）校对：三审三校第二环' },
    { username: 'shi.shenhe', personKey: peopleOf(org, 'city', '副部长')[0].key, roles: ['info_reviewer'], note: '分管副部长审核：三审三校最后一环，审定或不予采用' },
    ...counties.slice(1).map((c) => ({
      username: c.key,
      personKey: first(org, c.key, '联络员').key,
      roles: ['liaison'],
      note: `${c.name}委宣传部联络员`,
    })),
    ...counties.flatMap((c) => [
      ...(c === c0 ? [] : [{ username: `${c.key}.zhibu`, personKey: first(org, `${c.key}/branch`, '支部书记').key, roles: ['branch_secretary'], note: `${c.name}委宣传部机关党支部书记` }]),
      { username: `${c.key}.rongmei`, personKey: first(org, `${c.key}/media`, '主任').key, roles: ['liaison'], note: `${c.name}融媒体中心，报送本中心进展` },
      { username: `${c.key}.wenming`, personKey: first(org, `${c.key}/practice`, '主任').key, roles: ['liaison'], note: `${c.name}新时代文明实践中心，报送本中心进展` },
    ]),
  ];
  return [...main, ...units.map((a) => ({ ...a, main: false }))];
}

// ---------------------------------------------------------------- groups

export type GroupSpec = { key: string; unitKey: string; name: string; type: GroupType; members: { personKey: string; role: GroupRole }[] };

export function demoGroups(org: Org): GroupSpec[] {
  const cityLeaders = peopleOf(org, 'city').filter((p) => p.post !== '督查专员');
  const heads = ['office', 'theory', 'publicity', 'news', 'cyber', 'civility'].map((o) => peopleOf(org, `city/${o}`)[0]);
  const countyHeads = org.counties.slice(0, 4).map((c) => first(org, c.key, '部长'));
  const young = (unitKeys: string[]) =>
    org.persons.filter((p) => unitKeys.some((u) => p.unitKey === u) && Number(p.birthDate.slice(0, 4)) > REF_YEAR - 35);
  const cityUnits = ['city', ...['office', 'theory', 'publicity', 'news', 'cyber', 'civility'].map((o) => `city/${o}`)];
  const c0 = org.counties[0];
  return [
    {
      key: 'leading',
      unitKey: 'city',
      name: '“四大”专项行动领导小组',
      type: 'leading',
      members: [
        { personKey: cityLeaders[0].key, role: 'leader' },
        ...cityLeaders.slice(1).map((p) => ({ personKey: p.key, role: 'deputy' as const })),
        ...heads.map((p) => ({ personKey: p.key, role: 'member' as const })),
        ...countyHeads.map((p) => ({ personKey: p.key, role: 'member' as const })),
      ],
    },
    {
      key: 'taskforce',
      unitKey: 'city',
      name: '专项行动工作专班',
      type: 'task_force',
      members: [
        { personKey: cityLeaders[1].key, role: 'leader' },
        { personKey: heads[0].key, role: 'deputy' },
        ...['office', 'theory', 'publicity', 'civility'].map((o) => ({ personKey: peopleOf(org, `city/${o}`).at(-1)!.key, role: 'member' as const })),
      ],
    },
    {
      key: 'lecture',
      unitKey: 'city',
      name: '青年理论宣讲队',
      type: 'lecture',
      members: [
        { personKey: heads[1].key, role: 'leader' },
        ...young([...cityUnits, `${c0.key}/media`, `${c0.key}/practice`]).slice(0, 10).map((p) => ({ personKey: p.key, role: 'member' as const })),
      ],
    },
    {
      key: 'study',
      unitKey: 'city',
      name: '部机关青年理论学习小组',
      type: 'study',
      members: [
        { personKey: first(org, 'city/branch', '支部书记').key, role: 'leader' },
        { personKey: first(org, 'city/branch', '宣传委员').key, role: 'deputy' },
        ...young(cityUnits).slice(0, 12).map((p) => ({ personKey: p.key, role: 'member' as const })),
      ],
    },
  ];
}

// ---------------------------------------------------------------- the campaign, tasks and meetings

export const DIMENSIONS = ['全员大学习', '业务大比拼', '作风大转变', '能力大提升'] as const;

/**
 * How a task's reports stand today: done (last report 100%, accepted); on_time (every past period reported and
 * accepted, deadline ahead); waiting (the latest report is waiting for review); returned (the latest report was
 * sent back with a comment); missing (only the first period reported, later months missing); overdue (deadline
 * passed, work unfinished); fresh (just assigned, nothing due yet).
 */
export type Scenario = 'done' | 'on_time' | 'waiting' | 'returned' | 'missing' | 'overdue' | 'fresh';

export type SubTaskSpec = {
  key: string;
  title: string;
  leadUnitKey: string;
  responsibleKey: string | null;
  deadline: string;
  reportCycle: ReportCycle;
  scenario: Scenario;
};
export type TaskSpec = {
  key: string;
  title: string;
  dimension: string | null;
  leadUnitKey: string;
  coUnitKeys: string[];
  responsibleKey: string | null;
  startDate: string;
  deadline: string;
  evidenceRequired: string | null;
  reportCycle: ReportCycle;
  scenario: Scenario;
  /** the county that breaks the task down (its liaison logs in to do it) */
  breakdown: SubTaskSpec[];
};
export type MeetingSpec = {
  key: string;
  type: MeetingType;
  title: string;
  heldAt: string;
  place: string;
  minutes: string;
  attendeeKeys: string[];
  decisions: string[];
  /** decision index that becomes a task, with the task's lead unit and deadline */
  toTask?: { decision: number; leadUnitKey: string; responsibleKey: string; deadline: string; reportCycle: ReportCycle };
};
export type CampaignSpec = {
  name: string;
  description: string;
  dimensions: string[];
  startDate: string;
  endDate: string;
  tasks: TaskSpec[];
};

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function demoCampaign(org: Org, today: string): CampaignSpec {
  const d = (n: number) => addDays(today, n);
  const start = d(-150);
  const head = (unitKey: string) => peopleOf(org, unitKey)[0].key;
  const city = (
    key: string,
    office: string,
    title: string,
    dimension: string,
    cycle: ReportCycle,
    scenario: Scenario,
    startOff: number,
    deadlineOff: number,
    evidence: string | null,
    coUnitKeys: string[] = [],
  ): TaskSpec => ({
    key,
    title,
    dimension,
    leadUnitKey: `city/${office}`,
    coUnitKeys,
    responsibleKey: head(`city/${office}`),
    startDate: d(startOff),
    deadline: d(deadlineOff),
    evidenceRequired: evidence,
    reportCycle: cycle,
    scenario,
    breakdown: [],
  });

  const tasks: TaskSpec[] = [
    city('t-morning', 'theory', '部机关“晨读+分享”学习会每月不少于两次', '全员大学习', 'monthly', 'on_time', -140, 110, '签到表、分享材料'),
    city('t-ledger', 'office', '建立专项行动工作台账和月调度制度', '作风大转变', 'none', 'done', -145, -100, '台账样表、制度文件'),
    city('t-lecture', 'publicity', '举办青年干部“我来讲理论”微宣讲比赛', '业务大比拼', 'none', 'overdue', -120, -12, '比赛方案、获奖名单、视频', ['city/theory']),
    city('t-skills', 'news', '组织新闻采编人员业务技能竞赛（消息、评论、摄影）', '业务大比拼', 'monthly', 'returned', -110, 40, '竞赛通知、评分表、获奖作品'),
    city('t-cyber', 'cyber', '网络内容编辑人员业务轮训', '能力大提升', 'monthly', 'missing', -135, 60, '培训课表、考勤、结业测试成绩'),
    city('t-positions', 'civility', '核实全市新时代文明实践阵地台账', '作风大转变', 'none', 'waiting', -90, 25, '阵地台账（逐站核实）'),
    city('t-handbook', 'theory', '编印理论学习应知应会手册并组织闭卷测试', '能力大提升', 'none', 'done', -130, -30, '手册样本、试卷、成绩汇总', ['city/publicity']),
    city('t-survey', 'office', '开展“基层调研周”，科级以上干部每人形成一篇调研报告', '作风大转变', 'quarterly', 'on_time', -150, 80, '调研报告'),
  ];

  // Three tasks for every county; each county breaks them down to its units and people.
  const countyScenarios: Scenario[][] = [
    // [weekly study, reporters' visits, practice inspection] per county
    ['waiting', 'on_time', 'overdue'],
    ['missing', 'returned', 'done'],
    ['on_time', 'waiting', 'overdue'],
    ['returned', 'missing', 'done'],
  ];
  org.counties.slice(0, 4).forEach((c, ci) => {
    const k = c.key;
    const [sStudy, sVisit, sCheck] = countyScenarios[ci];
    const reporters = peopleOf(org, `${k}/media`, '记者');
    tasks.push({
      key: `${k}-study`,
      title: `${c.name}落实“每周半天集中学习”制度，覆盖全体干部职工`,
      dimension: '全员大学习',
      leadUnitKey: k,
      coUnitKeys: [],
      responsibleKey: first(org, k, '常务副部长').key,
      startDate: d(-125),
      deadline: d(50),
      evidenceRequired: '各支部学习记录、考勤表',
      reportCycle: 'monthly',
      scenario: sStudy,
      breakdown: [
        { key: `${k}-study-branch`, title: '机关党支部每周半天集中学习', leadUnitKey: `${k}/branch`, responsibleKey: first(org, `${k}/branch`, '支部书记').key, deadline: d(45), reportCycle: 'monthly', scenario: sStudy },
        { key: `${k}-study-media`, title: '融媒体中心全员学习与业务分享', leadUnitKey: `${k}/media`, responsibleKey: first(org, `${k}/media`, '主任').key, deadline: d(45), reportCycle: 'monthly', scenario: ci % 2 ? 'on_time' : 'returned' },
        { key: `${k}-study-practice`, title: '文明实践中心干部学习全覆盖', leadUnitKey: `${k}/practice`, responsibleKey: first(org, `${k}/practice`, '主任').key, deadline: d(45), reportCycle: 'monthly', scenario: ci % 2 ? 'missing' : 'on_time' },
      ],
    });
    tasks.push({
      key: `${k}-visit`,
      title: `${c.name}融媒体中心“四力”实践采访活动，每名记者每月完成一篇基层稿件`,
      dimension: '业务大比拼',
      leadUnitKey: k,
      coUnitKeys: [`${k}/media`],
      responsibleKey: first(org, k, '副部长').key,
      startDate: d(-95),
      deadline: d(35),
      evidenceRequired: '刊发稿件链接或版面截图',
      reportCycle: 'monthly',
      scenario: sVisit,
      breakdown: reporters.slice(0, 3).map((p, i) => ({
        key: `${k}-visit-${i}`,
        title: `${p.name}：基层蹲点采访，每月一篇`,
        leadUnitKey: `${k}/media`,
        responsibleKey: p.key,
        deadline: d(30),
        reportCycle: 'monthly' as const,
        scenario: (['waiting', 'done', 'missing'] as const)[(i + ci) % 3],
      })),
    });
    tasks.push({
      key: `${k}-check`,
      title: `${c.name}新时代文明实践所（站）作风建设专项检查`,
      dimension: '作风大转变',
      leadUnitKey: k,
      coUnitKeys: [`${k}/practice`],
      responsibleKey: first(org, k, '副部长').key,
      startDate: d(-100),
      deadline: d(-6),
      evidenceRequired: '检查记录、问题清单、整改情况',
      reportCycle: 'none',
      scenario: sCheck,
      breakdown: [],
    });
  });

  return {
    name: `${CITY_NAME}宣传思想文化系统“四大”专项行动`,
    description:
      '在全市宣传思想文化系统开展全员大学习、业务大比拼、作风大转变、能力大提升专项行动，' +
      '市委宣传部各科室和各县（区）委宣传部按任务清单分工落实，每月报送进展，月调度会通报情况。',
    dimensions: [...DIMENSIONS],
    startDate: start,
    endDate: d(120),
    tasks,
  };
}

/** A key task's deadline offset meaning "31 December of this year". */
const YEAR_END = Infinity;

/** The year's key-task list (重点任务清单): tasks without a campaign, with responsible units. */
export function demoKeyTasks(org: Org, today: string): TaskSpec[] {
  const year = Number(today.slice(0, 4));
  const yearStart = `${year}-01-01`;
  const d = (n: number) => addDays(today, n);
  // A deadline before 1 January (early in the year) would make an impossible task: keep it inside the year.
  const within = (date: string) => (date < addDays(yearStart, 20) ? addDays(yearStart, 20) : date);
  const head = (unitKey: string) => peopleOf(org, unitKey)[0].key;
  const t = (
    key: string,
    unit: string,
    title: string,
    cycle: ReportCycle,
    scenario: Scenario,
    deadlineOff: number,
    coUnitKeys: string[] = [],
  ): TaskSpec => ({
    key,
    title,
    dimension: null,
    leadUnitKey: unit,
    coUnitKeys,
    responsibleKey: head(unit),
    startDate: yearStart,
    // Most of the list runs to the end of the year; the finished and the late ones had earlier deadlines.
    deadline: deadlineOff === YEAR_END ? `${year}-12-31` : within(d(deadlineOff)),
    evidenceRequired: null,
    reportCycle: cycle,
    scenario,
    breakdown: [],
  });
  const cs = org.counties;
  return [
    t('k-center', 'city/theory', '完善理论学习中心组学习制度，全年专题学习不少于十二次', 'quarterly', 'on_time', YEAR_END),
    t('k-column', 'city/news', '在市级媒体开设“一线落实”专栏，全年刊播不少于一百期', 'quarterly', 'waiting', YEAR_END, [`${cs[0].key}/media`, `${cs[1].key}/media`]),
    t('k-practice', 'city/civility', '新时代文明实践站“一月一主题”志愿服务全覆盖', 'monthly', 'missing', YEAR_END),
    t('k-info', 'city/office', '信息报送工作：全年向省级报送信息不少于六十条', 'half_yearly', 'on_time', YEAR_END),
    t('k-cyber', 'city/cyber', '网络文明建设年度重点项目', 'none', 'done', -40),
    t('k-media', `${cs[0].key}/media`, `${cs[0].name}融媒体中心移动端改版上线`, 'none', 'overdue', -15),
    t('k-lecture', 'city/publicity', '组建基层宣讲队伍，开展宣讲进社区、进企业、进校园', 'quarterly', 'returned', YEAR_END, [`${cs[2].key}/practice`]),
    t('k-review', 'city/office', '年度宣传思想文化工作总结与考核', 'none', 'fresh', YEAR_END),
  ];
}

export function demoMeetings(org: Org, campaign: CampaignSpec, today: string): MeetingSpec[] {
  const leaders = peopleOf(org, 'city').map((p) => p.key);
  const heads = ['office', 'theory', 'publicity', 'news', 'cyber', 'civility'].map((o) => peopleOf(org, `city/${o}`)[0].key);
  const liaisons = org.counties.slice(0, 4).map((c) => first(org, c.key, '联络员').key);
  const countyHeads = org.counties.slice(0, 4).map((c) => first(org, c.key, '部长').key);
  const at = (date: string, time: string) => `${date}T${time}:00+08:00`;
  // Meetings fall on the Monday (周例会) or a Wednesday: keep them on weekdays.
  const weekday = (date: string, dow: number) => {
    const cur = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
    return addDays(date, dow - cur);
  };
  const deploy = weekday(addDays(campaign.startDate, 3), 3);
  const month1 = weekday(addDays(today, -58), 3);
  const month2 = weekday(addDays(today, -27), 3);
  const week1 = weekday(addDays(today, -14), 1);
  const week2 = weekday(addDays(today, -7), 1);
  return [
    {
      key: 'm-deploy',
      type: 'deploy',
      title: '“四大”专项行动动员部署会',
      heldAt: at(deploy, '09:00'),
      place: '市委宣传部三楼会议室',
      minutes:
        '部长传达专项行动实施方案，领导小组成员和各县（区）委宣传部部长参加。会议明确四项行动的牵头科室和时间表，' +
        '要求各单位建立工作台账，每月五日前报送上月进展。',
      attendeeKeys: [...leaders, ...heads, ...countyHeads],
      decisions: [
        '各县（区）委宣传部两周内报送本地实施方案',
        '成立专项行动工作专班，由常务副部长牵头，每周一召开例会',
        '办公室建立任务台账，逐项明确责任人和完成时限',
      ],
    },
    {
      key: 'm-month1',
      type: 'monthly',
      title: '专项行动第一次月调度会',
      heldAt: at(month1, '15:00'),
      place: '市委宣传部三楼会议室',
      minutes: '各科室和各县（区）汇报上月进展。理论学习推进较快，采编技能竞赛筹备偏慢，部分单位月报缺少佐证材料。',
      attendeeKeys: [leaders[1], ...heads, ...liaisons],
      decisions: ['新闻科两周内印发采编技能竞赛通知', '月度进展须附佐证材料，无佐证的一律退回补充'],
    },
    {
      key: 'm-month2',
      type: 'monthly',
      title: '专项行动第二次月调度会',
      heldAt: at(month2, '15:00'),
      place: '市委宣传部三楼会议室',
      minutes: '通报上月进展：两项任务逾期，一县月报连续缺报。会议要求对逾期和缺报任务逐项说明原因。',
      attendeeKeys: [leaders[1], ...heads, ...liaisons],
      decisions: ['办公室牵头对月报缺报、逾期任务开展一次专项督查，形成督查通报', '各县（区）联络员每周五前更新任务台账'],
      toTask: { decision: 0, leadUnitKey: 'city/office', responsibleKey: heads[0], deadline: addDays(today, 18), reportCycle: 'none' },
    },
    {
      key: 'm-week1',
      type: 'weekly',
      title: '工作专班周例会',
      heldAt: at(week1, '08:30'),
      place: '市委宣传部办公室小会议室',
      minutes: '梳理本周需报送的月度进展和待审核事项，确定督查分组。',
      attendeeKeys: [leaders[1], heads[0], heads[1], heads[2], heads[5]],
      decisions: ['本周内完成待审核进展的审核'],
    },
    {
      key: 'm-week2',
      type: 'weekly',
      title: '工作专班周例会',
      heldAt: at(week2, '08:30'),
      place: '市委宣传部办公室小会议室',
      minutes: '听取督查准备情况，讨论退回进展的补报要求。',
      attendeeKeys: [leaders[1], heads[0], heads[1], heads[3], heads[4]],
      decisions: ['退回的进展三个工作日内补报'],
    },
  ];
}

/** Everything the demo puts into an empty database. */
export function demoCity(today: string) {
  const org = generateOrg();
  const campaign = demoCampaign(org, today);
  return {
    org,
    accounts: demoAccounts(org),
    groups: demoGroups(org),
    campaign,
    keyTasks: demoKeyTasks(org, today),
    meetings: demoMeetings(org, campaign, today),
  };
}
export type DemoCity = ReturnType<typeof demoCity>;

const UNIT_PATH_SEP = ' / ';
/** The unit's name with its parents, e.g. "临溪县委宣传部 / 机关党支部". */
export function unitLabel(org: Org, unitKey: string): string {
  const byKey = new Map(org.units.map((u) => [u.key, u]));
  const names: string[] = [];
  for (let u = byKey.get(unitKey); u; u = u.parentKey ? byKey.get(u.parentKey) : undefined) names.unshift(u.name);
  return names.join(UNIT_PATH_SEP);
}

const ROLE_NAMES: Record<string, string> = {
  dept_admin: '部机关管理员',
  liaison: '单位联络员',
  branch_secretary: '支部书记',
  staff: '干部职工',
  supervisor: '督导员',
  info_reviewer: '信息编审',
  sys_admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
};

/** The demo logins with their roles, units and people, for the console and ACCOUNTS.md. */
export function accountRows(): { username: string; roles: string; unit: string; person: string; note: string; main: boolean }[] {
  const org = generateOrg();
  const byKey = new Map(org.persons.map((p) => [p.key, p]));
  return demoAccounts(org).map((a) => {
    const p = a.personKey ? byKey.get(a.personKey) : null;
    return {
      username: a.username,
      roles: a.roles.map((r) => ROLE_NAMES[r] ?? r).join(' + '),
      unit: p ? unitLabel(org, p.unitKey) : '全市',
      person: p ? `${p.name}（${p.post}）` : '—',
      note: a.note,
      main: a.main,
    };
  });
}

/** The demo logins as Markdown (the content of ACCOUNTS.md). */
export function accountsMarkdown(): string {
  const rows = accountRows();
  const table = (main: boolean) => [
    '| 用户名 | 角色 | 单位 | 人员 | 说明 |',
    '| --- | --- | --- | --- | --- |',
    ...rows.filter((a) => a.main === main).map((a) => `| \`${a.username}\` | ${a.roles} | ${a.unit} | ${a.person} | ${a.note} |`),
  ];
  return [
    '# 演示账号',
    '',
    `\`npm run demo\` 启动的演示城市“${CITY_NAME}”中，所有账号的密码均为 \`${DEMO_PASSWORD}\`` +
      '（`admin` 在设置了 `LUOSHI_ADMIN_PASSWORD` 时使用该密码）。',
    '',
    '## 每个角色一个账号',
    '',
    ...table(true),
    '',
    '## 各单位报送进展和信息的账号',
    '',
    '演示数据中的进展和信息由这些账号报送，进展由下达任务的单位审核（本人不能审核本人的报送），' +
      '信息经 `shi.bianji`（编辑）、`shi.jiaodui`（校对）、`shi.shenhe`（审核）三审三校，由 `shibu` 编入信息专报、工作简报或登记外部采用。',
    '',
    ...table(false),
    '',
    '本文件由 `apps/server/src/demo/city.ts` 的 `accountsMarkdown()` 生成（`npx tsx apps/server/src/demo/accounts.ts` 重写），测试会核对两者一致。',
    '',
  ].join('\n');
}

/** The demo logins as printed at every demo start. */
export function accountsConsole(adminPasswordDiffers: boolean): string {
  const rows = accountRows();
  const main = rows.filter((r) => r.main);
  const w = Math.max(...main.map((r) => r.username.length));
  return [
    '',
    '================ 落实 演示账号 ================',
    `密码均为 ${DEMO_PASSWORD}${adminPasswordDiffers ? '（admin 使用 LUOSHI_ADMIN_PASSWORD）' : ''}`,
    ...main.map((r) => `  ${r.username.padEnd(w)}  ${r.roles}  ${r.unit}${r.person === '—' ? '' : `  ${r.person}`}`),
    `另有各单位报送账号和信息校对、审核账号 ${rows.length - main.length} 个，见 apps/server/src/demo/ACCOUNTS.md`,
    '==============================================',
    '',
  ].join('\n');
}
