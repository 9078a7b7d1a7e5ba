/**
 * A year of 信息报送与三审三校 for the demo city, written through the information API: items from the county
 * departments, media centres, civilisation-practice centres and the city department's offices, in every state of
 * the 编辑 → 校对 → 审核 chain (drafts, waiting at each step and some of them overdue, returned with comments and
 * resubmitted, approved, rejected), texts the reviewers edited (versions with a diff), web pages pasted in their
 * messy state and cleaned before submission (one left as a draft to try the cleaner on), a few near-duplicates
 * of another county's item that 查重 flags, 24 numbered issues (信息专报 and 工作简报, the latest one still being
 * compiled), adoptions by outside outlets at every level with proof links, leader instructions (批示), the
 * reporters' media reports and the year's targets (每位记者宣传目标任务).
 *
 * The information module stamps its records with the day of the call. A year is replayed in a few seconds, so
 * once an item's flow is through the API its timestamps are moved to the days it would have happened (submitted,
 * each step, decided), the way study.ts sets the study module's clock. Adoptions, issues, instructions and media
 * reports carry their dates in the API itself. Everything is drawn from the seeded PRNG: every demo holds the
 * same year.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { addWorkdays, isWorkday, shanghaiDate } from '../platform/calendar.ts';
import { addDays, makeRng, peopleOf, type DemoCity, type PersonSpec, type Rng } from './city.ts';
import { POINTS_YEAR, POOR_UNIT } from './points.ts';
import type { DemoAgent } from './seed.ts';

export type InfoSeedCtx = {
  db: Db;
  city: DemoCity;
  today: string;
  uid: (key: string) => string;
  pid: (key: string) => string;
  agent: (username: string) => DemoAgent;
  hasAgent: (username: string) => boolean;
  log: (msg: string) => void;
};

/** The review chain's accounts (信息编审): 编辑 and 校对 in the department's 办公室 (信息科), 审核 by a deputy head. */
export const INFO_REVIEWERS = ['shi.bianji', 'shi.jiaodui', 'shi.shenhe'] as const;
/** The county media centre reporter who files their own items and media reports. */
export const INFO_REPORTER = 'linxi.jizhe';
export const INFO_PUBLICATIONS = { special: '信息专报', brief: '工作简报' } as const;
/** 信息专报 第 1–16 期 and 工作简报 第 1–8 期 over the year. */
const ISSUES_PER_YEAR = { [INFO_PUBLICATIONS.special]: 16, [INFO_PUBLICATIONS.brief]: 8 };

const hash = (s: string) => [...s].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
/** '2026-03-05' at 'HH:MM' Beijing time */
const at = (day: string, minutes: number) => new Date(Date.parse(`${day}T00:00:00+08:00`) + minutes * 60_000);
const pgArray = (xs: (string | Date)[]) => `{${xs.map((x) => `"${x instanceof Date ? x.toISOString() : x}"`).join(',')}}`;

// ---------------------------------------------------------------- web pages pasted as they were

/**
 * Articles as they come out of a county website when selected and copied: Traditional script with pinyin after
 * some characters, site chrome (头部, breadcrumbs, 图片, 小字号, reading counts, share and back-to-top links, footer),
 * half-width punctuation in Chinese sentences, a 隐藏 marker. The submitter cleans them with 清理 and submits the
 * result; the third stays a draft, uncleaned, for a user to try the cleaner on.
 */
export const PASTED_PAGES: { unitKey: string; by: string; title: string; raw: string; supplement?: string }[] = [
  {
    unitKey: 'baishi/media',
    by: 'baishi.rongmei',
    title: '白石县：「田间夜话」广播让政策宣讲接地气',
    raw: [
      '頭部',
      '首頁 > 新聞中心 > 縣區動態',
      '白石縣：「田間夜話」廣播讓政策宣講接(jiē)地氣',
      '發布時間：2026-05-14 09:32  來源：白石縣融媒體中心  閱讀：1268',
      '小字号 中字号 大字号',
      '圖片',
      '近日(rì)，白石縣委宣傳部組(zǔ)織縣融媒體中心和各鄉鎮新時代文明實踐所，利用農村應急廣播開設「田間夜話」欄目，每天傍晚播出二十分鐘。',
      '欄目由本村宣講員用方言講解惠農政策(cè)，穿插天氣和農技知識(shí)，群眾邊幹活邊收聽,反響很好.',
      '今年以來，欄目已播出一百二十期，覆蓋全縣九個鄉鎮、八十六個行政村。縣融媒體中心還把節目剪輯成短視頻,在客戶端同步推送,累計播放量超過四十萬次。',
      '下一步，白石縣將擴大宣講員隊伍，把廣播宣講和入戶走訪結合起來，讓黨的聲音傳遍山鄉。',
      '- THE END -',
      '分享让更多人看到',
      '返回顶部',
      'footer底部',
      '版權所有 白石縣融媒體中心',
    ].join('\n'),
  },
  {
    unitKey: 'linxi',
    by: 'linxi',
    title: '临溪县“板凳课堂”开到农家院坝',
    raw: [
      '青澜网>>县区频道>>临溪',
      '临溪县“板凳课堂”开到农家院坝',
      '2026年03月21日08:15  来源：临溪县委宣传部',
      '小字号',
      '阅读数：3562',
      '“今天咱们不念文件,就聊聊春耕贷款怎么申请。”在临溪县一个村的院坝里,宣讲员搬来几条板凳,十几位村民围坐一圈。',
      '今年以来,临溪县把理论宣讲搬到院坝、田坎和村口大树下,推出“板凳课堂”,由驻村干部、乡贤和致富带头人轮流主讲,每次不超过四十分钟,讲完现场答疑。',
      '---此处隐藏300字,下载后查看---',
      '截至目前,全县共开展“板凳课堂”五百余场,收集群众意见建议一百三十多条,已办结一百一十条。',
      '(责编:王某)',
      '分享让更多人看到',
      '返回顶部',
    ].join('\n'),
    supplement: '课堂坚持“群众点题、干部答题”，每场开讲前先收集村民最关心的三个问题，讲完后把答复情况张贴在村务公开栏，下次课堂开讲前再逐条回访。',
  },
  {
    unitKey: 'chenghe/practice',
    by: 'chenghe.wenming',
    title: '澄河区「文明积分超市」激活乡村治理新动能',
    raw: [
      '首頁 | 動態 | 經驗交流',
      '澄河區「文明積分超市」激活(huó)鄉村治理新動能',
      '2026-07-08  瀏覽次數：892',
      '澄河區在全區六十個村(cūn)推行「文明積分超市」，群眾參(cān)加志願服務、環境整治、移風易俗等活動可以掙積分，積分能到超市兌換米麵油等生活用品。',
      '為防止積分「只進不出」，區文明辦制定了積分標準和兌換清單，每月公示一次，由村民代表監督。',
      '半年來，全區累計發放積分十二萬分，兌換物品一點八萬件，參與群眾超過三萬人次，村容村貌明顯改善。',
      '上一篇：澄河區召開文明實踐推進會',
      '下一篇：澄河區舉辦農民豐收節',
      '- THE END -',
      'footer底部',
    ].join('\n'),
  },
  {
    unitKey: 'songling/media',
    by: 'songling.rongmei',
    title: '松岭：让牧区群众在家门口看上电影',
    raw: [
      '当前位置:首页 > 媒体聚焦',
      '松岭:让牧区群众在家门口看上电影',
      '发布日期:2026-08-19 阅读次数:1203',
      '入夏以来,松岭县农村电影放映队带着流动放映设备,深入牧区定居点和夏季牧场,每晚放映一场,片目既有主旋律影片,也有防火、防诈骗等科普短片.',
      '放映前,放映员先用十分钟讲解草原防火和惠牧政策,群众看得开心,也记住了政策.',
      '今年以来,全县已放映一千一百余场,观众六万多人次.',
      '分享让更多人看到',
      '返回顶部',
    ].join('\n'),
  },
  {
    unitKey: 'songling/media',
    by: 'songling.rongmei',
    title: '松岭县融媒体中心开展「新春走基层」蹲点采访',
    raw: [
      '頭部',
      '首頁 > 工作動態',
      '松嶺縣融媒體中心開展(zhǎn)「新春走基層」蹲點採訪',
      '發布時間：2026-02-09 閱讀：645',
      '圖片',
      '春節前夕，松嶺縣融媒體中心組(zǔ)織十二名記者分赴鄉鎮、牧區和企業，蹲點採訪一線幹部群眾的新春故事。',
      '記者們住進牧民家中，跟隨護林員巡山，到返鄉青年創辦的合作社體驗生產，採寫的稿件在客戶端「新春走基層」專欄連續推出,閱讀量累計超過二十萬。',
      '中心還建立選題會商制度，每周一召開編前會，確(què)定採訪重點,提高稿件質量.',
      '- THE END -',
      '分享让更多人看到',
      '返回顶部',
      'footer底部',
    ].join('\n'),
  },
];
/** the pasted page left as a draft */
export const PASTED_DRAFT = 2;
/** lines of a cleaned page that are the site's, not the article's: the submitter deletes them by hand */
const PAGE_META = /^(发布|来源|当前位置|首页|\d{4}[-年]|.*(阅读|浏览)(数|次数)?[：:]|（责编|（编辑)/;

// ---------------------------------------------------------------- review words

const RETURNS: { comment: string; fix: 'data' | 'title' | 'case' | 'quote' }[] = [
  { comment: '数据不够具体，请补充活动场次、参与人数等数字后重新报送。', fix: 'data' },
  { comment: '标题偏长，请压缩并突出主要做法。', fix: 'title' },
  { comment: '问题部分写得较虚，请补充调研中发现的具体事例。', fix: 'case' },
  { comment: '缺少群众反映，请补充一两句群众或基层干部的原话。', fix: 'quote' },
];
const REJECTS = [
  '内容属常规工作，信息价值不高，不予采用。',
  '所述情况已过时效，不予采用。',
  '材料以罗列工作为主，缺少做法和成效，建议重新提炼后另行报送。',
];
const EDIT_NOTES = ['精简导语，删去与主题关系不大的表述', '压缩篇幅，合并重复段落', '规范表述，核对数字', '调整标题，突出主要做法'];

type Fate = 'draft' | 'review0' | 'review1' | 'review2' | 'returned' | 'approved' | 'rejected';

type ItemPlan = {
  key: string;
  unitKey: string;
  by: string;
  authorKeys: string[];
  category: string;
  title: string;
  paragraphs: string[];
  day: string;
  fate: Fate;
  /** returned once at this step and resubmitted */
  returnAt?: number;
  /** the steps whose reviewer edits the text before passing it on */
  edits: number[];
  /** the item it copies (near-duplicate) */
  copies?: string;
  pasted?: number;
  rejectReason?: string;
};

type Done = { plan: ItemPlan; id: string; decidedDay: string | null };

// ---------------------------------------------------------------- the year's plan (pure)

const TOWNS = ['青石', '柳河', '安宁', '桃源', '松坪', '白沙', '云岭', '溪口', '龙泉', '枫林', '上坝', '南屏', '石门', '杏林', '金川', '马场'];

type Source = { unitKey: string; by: string; place: string; unit: string; authors: PersonSpec[]; count: number };

function sources(city: DemoCity, hasAgent: (u: string) => boolean): Source[] {
  const { org } = city;
  const out: Source[] = [];
  const under = (key: string) => org.persons.filter((p) => p.unitKey === key || p.unitKey.startsWith(`${key}/`));
  const offices: [string, string, string, number][] = [
    ['office', 'shi.bangongshi', '办公室', 3],
    ['theory', 'shi.lilunke', '理论科', 6],
    ['publicity', 'shi.xuanchuanke', '宣传科', 8],
    ['news', 'shi.xinwenke', '新闻科', 6],
    ['cyber', 'shi.wangxinban', '网信办', 6],
    ['civility', 'shi.wenmingban', '文明办', 8],
  ];
  for (const [key, by, name, count] of offices) {
    if (hasAgent(by)) out.push({ unitKey: `city/${key}`, by, place: '青澜市', unit: `市委宣传部${name}`, authors: peopleOf(org, `city/${key}`).slice(0, 4), count });
  }
  for (const c of org.counties.slice(0, 4)) {
    const k = c.key;
    const dept = [...peopleOf(org, k, '副部长'), ...peopleOf(org, `${k}/publicity`), ...peopleOf(org, `${k}/office`, '主任')];
    if (hasAgent(k)) out.push({ unitKey: k, by: k, place: c.name, unit: `${c.name}委宣传部`, authors: dept, count: 23 });
    const media = [...peopleOf(org, `${k}/media`, '记者').slice(1, 8), ...peopleOf(org, `${k}/media`, '编辑').slice(0, 3)];
    if (hasAgent(`${k}.rongmei`)) out.push({ unitKey: `${k}/media`, by: `${k}.rongmei`, place: c.name, unit: `${c.name}融媒体中心`, authors: media, count: 19 });
    if (hasAgent(`${k}.wenming`)) out.push({ unitKey: `${k}/practice`, by: `${k}.wenming`, place: c.name, unit: `${c.name}新时代文明实践中心`, authors: under(`${k}/practice`).filter((p) => p.post !== '主任'), count: 12 });
  }
  return out;
}

/** Working days of the demo year up to yesterday. */
function workdaysOf(today: string): string[] {
  const days: string[] = [];
  const end = [addDays(today, -1), `${POINTS_YEAR}-12-31`].sort()[0];
  for (let d = `${POINTS_YEAR}-01-05`; d <= end; d = addDays(d, 1)) if (isWorkday(d)) days.push(d);
  return days;
}

/** Every item of the year with its day and how far it gets (pure). */
export function infoPlans(city: DemoCity, today: string, hasAgent: (u: string) => boolean): ItemPlan[] {
  const days = workdaysOf(today);
  if (days.length < 20) return [];
  const rng = makeRng(20260405);
  const { org } = city;
  const plans: ItemPlan[] = [];
  const townsOf = new Map<string, string[]>();
  const towns = (place: string) => {
    if (!townsOf.has(place)) {
      const r = makeRng(hash(place));
      townsOf.set(place, [...new Set(Array.from({ length: 6 }, () => r.pick(TOWNS)))]);
    }
    return townsOf.get(place)!;
  };
  const authorsFrom = (pool: PersonSpec[]) => {
    const first = rng.pick(pool);
    const second = rng.chance(0.3) ? rng.pick(pool) : first;
    return [...new Set([first.key, second.key])];
  };

  // The units' items, interleaved so that every month has every kind of unit.
  const queue: { src: Source; i: number }[] = [];
  for (const src of sources(city, hasAgent)) for (let i = 0; i < src.count; i++) queue.push({ src, i });
  queue.sort((a, b) => a.i / a.src.count - b.i / b.src.count || hash(a.src.unitKey) - hash(b.src.unitKey));
  queue.forEach(({ src, i }, n) => {
    const day = days[Math.floor(((n + 0.5) * days.length) / queue.length)];
    const category = pickCategory(rng);
    const a = infoArticle(rng, category, { place: src.place, unit: src.unit, towns: towns(src.place), month: Number(day.slice(5, 7)) }, rng.int(380, 720));
    plans.push({ key: `${src.unitKey}#${i}`, unitKey: src.unitKey, by: src.by, authorKeys: authorsFrom(src.authors), category, title: a.title, paragraphs: a.paragraphs, day, fate: 'approved', edits: [] });
  });

  // The reporter's own items.
  const reporter = city.accounts.find((x) => x.username === INFO_REPORTER);
  if (reporter?.personKey && hasAgent(INFO_REPORTER)) {
    const p = org.persons.find((x) => x.key === reporter.personKey)!;
    const county = org.counties.find((c) => p.unitKey.startsWith(`${c.key}/`))!;
    for (let i = 0; i < 6; i++) {
      const day = days[Math.floor(((i + 0.7) * days.length) / 6.2)];
      const a = infoArticle(rng, i % 3 ? '动态信息' : '经验做法', { place: county.name, unit: `${county.name}融媒体中心`, towns: towns(county.name), month: Number(day.slice(5, 7)) }, rng.int(380, 600));
      plans.push({ key: `${INFO_REPORTER}#${i}`, unitKey: p.unitKey, by: INFO_REPORTER, authorKeys: [p.key], category: i % 3 ? '动态信息' : '经验做法', title: a.title, paragraphs: a.paragraphs, day, fate: 'approved', edits: [] });
    }
  }

  // Pasted pages, on the day after their publication date.
  PASTED_PAGES.forEach((page, i) => {
    if (!hasAgent(page.by)) return;
    const published = page.raw.match(/20\d\d[-年](\d\d)[-月](\d\d)/);
    const day = days.find((d) => published && d > `${POINTS_YEAR}-${published[1]}-${published[2]}`) ?? days[days.length - 1];
    const pool = org.persons.filter((p) => p.unitKey === page.unitKey && !['部长', '常务副部长', '主任'].includes(p.post));
    plans.push({
      key: `pasted#${i}`, unitKey: page.unitKey, by: page.by, authorKeys: [pool[(4 + i) % pool.length].key], category: i === 2 ? '经验做法' : '动态信息',
      title: page.title, paragraphs: [], day, fate: i === PASTED_DRAFT ? 'draft' : 'approved', edits: [], pasted: i,
    });
  });

  plans.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.key < b.key ? -1 : 1));

  // The last weeks are still moving through the chain: a mix with some approved; the newest days hold none approved.
  const tail: Fate[] = ['review0', 'approved', 'review1', 'returned', 'approved', 'review2', 'review0', 'draft', 'approved', 'review1', 'review2', 'returned', 'approved'];
  const newest: Fate[] = ['review0', 'review1', 'draft', 'review0', 'returned', 'review2', 'review0', 'review1'];
  const movable = plans.filter((p) => p.pasted === undefined);
  const tailStart = Math.max(0, movable.length - 36);
  const newestStart = movable.length - newest.length;
  movable.forEach((p, i) => {
    const r = makeRng(hash(p.key));
    if (i >= newestStart) {
      p.fate = newest[i - newestStart];
    } else if (i >= tailStart) {
      p.fate = tail[(i - tailStart) % tail.length];
    } else {
      const x = r.next();
      p.fate = x < 0.075 ? 'rejected' : x < 0.09 ? 'draft' : x < 0.1 ? 'returned' : 'approved';
    }
    if (p.fate === 'rejected') p.rejectReason = REJECTS[i % REJECTS.length];
    if ((p.fate === 'approved' || p.fate === 'review2' || p.fate === 'rejected') && r.chance(0.14)) p.returnAt = r.chance(0.6) ? 0 : 2;
    if (p.fate !== 'draft' && p.fate !== 'returned' && r.chance(0.35)) p.edits.push(0);
    if ((p.fate === 'approved' || p.fate === 'rejected') && r.chance(0.08)) p.edits.push(2);
  });

  // What waits in the chain mostly arrived in the last two days; one in four has waited past its step's deadline.
  let waiting = 0;
  for (const p of movable.slice(tailStart)) {
    if (p.fate.startsWith('review') && waiting++ % 4 !== 0) p.day = days[days.length - 1 - (waiting % 2)];
  }

  // Near-duplicates: a county re-submits another county's item with its own names and a few edits.
  const copies: [from: string, to: string, by: string, fate: Fate][] = [
    ['linxi', 'songling', 'songling', 'rejected'],
    ['chenghe/practice', 'baishi/practice', 'baishi.wenming', 'approved'],
    ['baishi/media', 'linxi/media', 'linxi.rongmei', 'returned'],
    ['chenghe', 'linxi', 'linxi', 'review0'],
  ];
  const countyName = (unitKey: string) => org.counties.find((c) => c.key === unitKey.split('/')[0])?.name ?? '青澜市';
  for (const [from, to, by, fate] of copies) {
    if (!hasAgent(by)) continue;
    const idx = fate === 'review0' ? days.length - 2 : fate === 'returned' ? days.length - 5 : Math.floor(days.length * (fate === 'rejected' ? 0.45 : 0.7));
    const candidates = plans.filter((p) => p.unitKey === from && p.pasted === undefined && p.day < days[idx] && p.fate !== 'draft' && p.category !== '问题建议');
    const src = candidates[candidates.length - 1];
    if (!src) continue;
    const [a, b] = [countyName(from), countyName(to)];
    const swap = (s: string) => s.replaceAll(a, b).replaceAll(a.slice(0, 2), b.slice(0, 2));
    const paragraphs = src.paragraphs.map(swap);
    // drops the last sentence of the longest paragraph and rounds one figure
    const longest = paragraphs.reduce((m, p, i) => (p.length > paragraphs[m].length ? i : m), 0);
    paragraphs[longest] = paragraphs[longest].replace(/[^。]+。$/, '');
    const pool = org.persons.filter((p) => p.unitKey === to || p.unitKey.startsWith(`${to}/`)).filter((p) => p.post !== '联络员');
    plans.push({
      key: `copy:${to}`, unitKey: to, by, authorKeys: [pool[3 % pool.length].key], category: src.category, title: swap(src.title), paragraphs,
      day: days[idx], fate, edits: fate === 'approved' ? [0] : [], copies: src.key,
      rejectReason: fate === 'rejected' ? `与${a}已报信息内容雷同，不予采用。请各单位报送本地原创信息。` : undefined,
    });
  }
  plans.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.key < b.key ? -1 : 1));
  return plans;
}

// ---------------------------------------------------------------- text changes

const sentences = (p: string) => p.match(/[^。！？]+[。！？”]*/g) ?? [p];

/** The editor's hand: drops a sentence from the longest paragraph, sometimes tightens the title. */
function editorCut(title: string, paragraphs: string[], rng: Rng): { title: string; paragraphs: string[] } {
  const out = [...paragraphs];
  const i = out.reduce((m, p, k) => (p.length > out[m].length ? k : m), 0);
  const s = sentences(out[i]);
  if (s.length > 1) out[i] = s.filter((_, k) => k !== (rng.chance(0.5) ? s.length - 1 : 0)).join('');
  const t = rng.chance(0.3) ? title.replace('扎实推进', '推进').replace('组织开展', '开展').replace('工作中存在的问题及建议', '存在的问题及建议') : title;
  return { title: t, paragraphs: out };
}

/** The author's answer to a return comment. */
function authorFix(title: string, paragraphs: string[], fix: (typeof RETURNS)[number]['fix'], rng: Rng): { title: string; paragraphs: string[] } {
  switch (fix) {
    case 'title':
      return { title: title.length > 16 ? title.replace(/^[^：]+：/, '').replace(/工作中/, '') : `${title}`, paragraphs };
    case 'quote':
      return { title, paragraphs: [...paragraphs.slice(0, -1), quote(rng), ...paragraphs.slice(-1)] };
    case 'case':
      return { title, paragraphs: [...paragraphs.slice(0, 2), `例如，${rng.pick(TOWNS)}镇${rng.int(2, 6)}个村的文化活动室长期上锁，群众反映“想用的时候找不到人开门”。`, ...paragraphs.slice(2)] };
    default:
      return { title, paragraphs: [...paragraphs, `截至${rng.int(1, 11)}月底，已累计开展相关活动${rng.int(20, 160)}场次，参与群众${rng.int(1200, 9000)}人次，收集意见建议${rng.int(12, 80)}条。`] };
  }
}

// ---------------------------------------------------------------- seeding

export async function seedInfo(ctx: InfoSeedCtx): Promise<void> {
  const { city, today, uid, pid, agent, log, db } = ctx;
  const { org } = city;
  if (!INFO_REVIEWERS.every(ctx.hasAgent)) {
    log('注意：没有信息编审账号，未生成信息报送演示数据');
    return;
  }
  const started = performance.now();
  const admin = agent('admin');
  const dept = agent('shibu');
  const reviewers = INFO_REVIEWERS.map(agent);
  const personById = new Map(org.persons.map((p) => [p.key, p]));

  // ---- 设置: the chain names its reviewers
  const who = await admin.call('GET', '/api/info/reviewers');
  const idOf = (u: string) => who.data.find((x: { username: string }) => x.username === u)?.id ?? fail(`信息编审账号 ${u}`);
  const settings = await admin.call('GET', '/api/info/settings');
  await admin.call('PUT', '/api/info/settings', {
    categories: settings.categories,
    steps: settings.steps.map((s: { name: string; deadlineDays: number }, i: number) => ({ name: s.name, deadlineDays: s.deadlineDays, reviewerIds: [idOf(INFO_REVIEWERS[i])] })),
    dupWindowDays: settings.dupWindowDays,
    dupThreshold: settings.dupThreshold,
    version: settings.version,
  });
  const stepDays: number[] = settings.steps.map((s: { deadlineDays: number }) => s.deadlineDays);
  const lastStep = stepDays.length - 1;

  const plans = infoPlans(city, today, ctx.hasAgent);
  if (!plans.length) return;
  log(`正在报送和审核信息 ${plans.length} 条（${plans[0].day} 起，编辑 → 校对 → 审核）……`);

  const done = new Map<string, Done>();
  for (const plan of plans) {
    const rng = makeRng(hash(`text:${plan.key}`));
    const author = agent(plan.by);
    let title = plan.title;
    let paragraphs = plan.paragraphs;
    let bodyHtml: string;
    if (plan.pasted !== undefined) {
      const page = PASTED_PAGES[plan.pasted];
      if (plan.fate === 'draft') {
        // kept as pasted: 清理 is for the user to try
        bodyHtml = toHtml(page.raw.split('\n'));
      } else {
        const cleaned = await author.call('POST', '/api/info/clean', { text: page.raw, format: 'text' });
        const lines: string[] = cleaned.text.split('\n').filter((l: string) => l.trim());
        const start = lines.findIndex((l) => l === page.title);
        paragraphs = lines.slice(start + 1).filter((l) => !PAGE_META.test(l));
        if (page.supplement) paragraphs.splice(2, 0, page.supplement);
        bodyHtml = toHtml(paragraphs);
      }
    } else {
      bodyHtml = toHtml(paragraphs);
    }
    const authors = plan.authorKeys.map((k) => ({ personId: pid(k), name: personById.get(k)!.name }));
    // one time per action, in order: the day of submission, then a working day or so for each step
    const acts: Date[] = [];
    const versions: Date[] = [];
    let clock = at(plan.day, 9 * 60 + (hash(plan.key) % 90));
    let day = plan.day;
    const later = (workdays: number) => {
      if (workdays > 0) {
        const next = addWorkdays(day, workdays);
        if (next < today) {
          day = next;
          clock = at(day, 9 * 60 + 20 + (hash(`${plan.key}${day}`) % 300));
          return clock;
        }
      }
      clock = new Date(clock.getTime() + 37 * 60_000);
      return clock;
    };
    versions.push(clock);
    let item = await author.call('POST', '/api/info/items', {
      unitId: uid(plan.unitKey),
      title,
      bodyHtml,
      category: plan.category,
      authors,
      contact: `${authors[0].name}（${personById.get(plan.authorKeys[0])!.post}）`,
      submit: plan.fate !== 'draft',
      idempotencyKey: `demo-info-${plan.key}`,
    });
    let decidedDay: string | null = null;
    if (plan.fate !== 'draft') {
      acts.push(clock);
      const target = plan.fate === 'review0' ? 0 : plan.fate === 'review1' ? 1 : plan.fate === 'review2' ? 2 : lastStep;
      let returned = false;
      for (let s = 0; s <= target; s++) {
        const reviewer = reviewers[s];
        const waits = s === target && plan.fate.startsWith('review');
        if (waits) break;
        later(s === 0 ? rng.int(0, 1) : 1);
        if (plan.returnAt === s && !returned) {
          const ret = RETURNS[hash(plan.key) % RETURNS.length];
          item = await reviewer.call('POST', `/api/info/items/${item.id}/review`, { action: 'return', comment: ret.comment, version: item.version });
          acts.push(clock);
          returned = true;
          const fixed = authorFix(title, paragraphs, ret.fix, rng);
          const changed = fixed.title !== title || fixed.paragraphs.join() !== paragraphs.join();
          ({ title, paragraphs } = fixed);
          later(1);
          item = await author.call('PUT', `/api/info/items/${item.id}`, { title, bodyHtml: toHtml(paragraphs), category: plan.category, authors, contact: item.contact, version: item.version, note: `按意见修改：${ret.comment.slice(0, 20)}` });
          if (changed) versions.push(clock);
          item = await author.call('POST', `/api/info/items/${item.id}/submit`);
          acts.push(later(0));
          later(1);
        }
        if (plan.fate === 'returned' && s === (plan.copies ? 0 : hash(plan.key) % 2)) {
          const ret = RETURNS[hash(`${plan.key}r`) % RETURNS.length];
          const comment = plan.copies ? `与其他单位已报信息高度相似，请核实是否为本地原创，补充本地具体做法后重新报送。` : ret.comment;
          item = await reviewer.call('POST', `/api/info/items/${item.id}/review`, { action: 'return', comment, version: item.version });
          acts.push(clock);
          break;
        }
        const cut = plan.edits.includes(s) ? editorCut(title, paragraphs, rng) : null;
        if (cut && (cut.title !== title || cut.paragraphs.join() !== paragraphs.join())) {
          ({ title, paragraphs } = cut);
          item = await reviewer.call('PUT', `/api/info/items/${item.id}`, { title, bodyHtml: toHtml(paragraphs), category: plan.category, authors, contact: item.contact, version: item.version, note: EDIT_NOTES[hash(plan.key) % EDIT_NOTES.length] });
          acts.push(clock);
          versions.push(clock);
          later(0);
        }
        const action = s === lastStep && plan.fate === 'rejected' ? 'reject' : 'pass';
        item = await reviewer.call('POST', `/api/info/items/${item.id}/review`, { action, comment: action === 'reject' ? plan.rejectReason ?? REJECTS[0] : null, version: item.version });
        acts.push(clock);
        if (s === lastStep) decidedDay = day;
      }
    }
    await stamp(db, item.id, plan, acts, versions, stepDays);
    done.set(plan.key, { plan, id: item.id, decidedDay: item.status === 'approved' || item.status === 'rejected' ? decidedDay : null });
  }
  const reviewSeconds = (performance.now() - started) / 1000;
  log(`信息报送和审核完成（${reviewSeconds.toFixed(1)} 秒）`);

  await seedIssues(ctx, dept, [...done.values()]);
  await seedOutletAdoptions(ctx, dept, [...done.values()]);
  await seedMedia(ctx);
  await seedTargets(ctx, dept);
  // The records above carry their own dates; their creation times follow them.
  await db.execute(sql`update info_adoptions set created_at = (adopted_on + time '15:30') at time zone 'Asia/Shanghai'`);
  await db.execute(sql`update info_actions ac set at = (a.adopted_on + time '15:30') at time zone 'Asia/Shanghai'
    from info_adoptions a where ac.action = 'adopt' and ac.item_id = a.item_id and ac.comment = a.outlet || ' ' || a.level`);
  await db.execute(sql`update info_actions ac set at = (i.instructed_on + time '11:00') at time zone 'Asia/Shanghai'
    from info_instructions i where ac.action = 'instruct' and ac.item_id = i.item_id and ac.comment = i.leader || '（' || i.level || '）'`);
  await db.execute(sql`update info_instructions set created_at = (instructed_on + time '11:00') at time zone 'Asia/Shanghai'`);
  await db.execute(sql`update info_issues set created_at = (issue_date - 4 + time '09:00') at time zone 'Asia/Shanghai',
    issued_at = case when status = 'issued' then (issue_date + time '17:00') at time zone 'Asia/Shanghai' end`);
  await db.execute(sql`update info_media_reports set created_at = (published_on + 1 + time '10:00') at time zone 'Asia/Shanghai'`);
  log(`信息报送演示数据生成完毕（共 ${((performance.now() - started) / 1000).toFixed(1)} 秒）`);
}

/** Moves an item's timestamps to the days of its plan (see the note at the top). */
async function stamp(db: Db, id: string, plan: ItemPlan, acts: Date[], versions: Date[], stepDays: number[]) {
  const first = versions[0];
  const last = [...acts, ...versions].reduce((m, d) => (d > m ? d : m), first);
  const lastDay = shanghaiDate(last);
  if (acts.length) {
    await db.execute(sql`with o as (select id, row_number() over (order by at, id) as rn from info_actions where item_id = ${id})
      update info_actions a set at = (${pgArray(acts)}::timestamptz[])[o.rn] from o where a.id = o.id and o.rn <= ${acts.length}`);
  }
  await db.execute(sql`update info_versions set created_at = (${pgArray(versions)}::timestamptz[])[seq] where item_id = ${id} and seq <= ${versions.length}`);
  await db.execute(sql`update info_bands set submitted_on = ${plan.day} where item_id = ${id}`);
  const deadline = (step: number | null) => (step === null ? null : addWorkdays(lastDay, stepDays[step] ?? 2));
  await db.execute(sql`update info_items set
      created_at = ${first.toISOString()}::timestamptz,
      updated_at = ${last.toISOString()}::timestamptz,
      submitted_at = case when submitted_at is null then null else ${(acts[0] ?? first).toISOString()}::timestamptz end,
      submitted_on = case when submitted_on is null then null else ${plan.day}::date end,
      decided_at = case when decided_at is null then null else ${last.toISOString()}::timestamptz end,
      step_deadline = case when status = 'reviewing' then ${deadline(plan.fate === 'review0' ? 0 : plan.fate === 'review1' ? 1 : 2)}::date else null end
    where id = ${id}`);
}

const LEADERS: { leader: string; level: '市级' | '省级'; content: string }[] = [
  { leader: '市委书记', level: '市级', content: '此件反映的问题带有普遍性，请市委宣传部会同相关部门研究提出解决办法，在全市推广好的做法。' },
  { leader: '省委常委、宣传部部长', level: '省级', content: '青澜的做法接地气、有实效，请省委宣传部宣传处总结提炼，在全省宣传系统交流。' },
  { leader: '市长', level: '市级', content: '请市财政局、市文旅局阅研，结合明年预算统筹考虑基层文化阵地运行经费。' },
  { leader: '市委副书记', level: '市级', content: '请各县区对照检查，举一反三，年底前报送整改情况。' },
  { leader: '市委常委、宣传部部长', level: '市级', content: '这条信息写得实，问题找得准，建议很具体。请办公室督促各县区抓好落实，并把类似调研作为信息报送的重点。' },
];

/** 信息专报 and 工作简报 through the year: each issue takes the approved items of the weeks before it. */
async function seedIssues(ctx: InfoSeedCtx, dept: DemoAgent, items: Done[]) {
  const { today, log } = ctx;
  const days = workdaysOf(today);
  const pubs: { id: string; name: string }[] = (await dept.call('GET', '/api/info/publications')).data;
  const pubId = (name: string) => pubs.find((p) => p.name === name)?.id ?? fail(`期刊 ${name}`);
  type IssuePlan = { pub: string; date: string };
  const planned: IssuePlan[] = [];
  for (const [name, count] of Object.entries(ISSUES_PER_YEAR)) {
    for (let i = 0; i < count; i++) {
      // spread from late January to the last week, 信息专报 ending last so that its newest number is the one compiling
      const f = (i + 1) / (count + (name === INFO_PUBLICATIONS.special ? 0.15 : 0.6));
      planned.push({ pub: name, date: days[Math.min(days.length - 2, Math.max(12, Math.floor(f * (days.length - 1))))] });
    }
  }
  planned.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.pub === INFO_PUBLICATIONS.brief ? -1 : 1));
  const used = new Set<string>();
  const q1End = `${POINTS_YEAR}-03-31`;
  const prefer: Record<string, string[]> = { [INFO_PUBLICATIONS.special]: ['问题建议', '经验做法'], [INFO_PUBLICATIONS.brief]: ['动态信息', '舆论引导', '经验做法'] };
  let issued = 0;
  for (const [n, p] of planned.entries()) {
    const latest = n === planned.length - 1;
    const fresh = items.filter(
      (d) => d.decidedDay && d.decidedDay < p.date && d.decidedDay >= addDays(p.date, -45) && !used.has(d.plan.key) && d.plan.fate === 'approved' &&
        // the unit the demo grades 差 in the first quarter is not lifted out of it by an adoption
        !(d.plan.unitKey === POOR_UNIT && p.date <= q1End),
    );
    const ranked = fresh.sort((a, b) => {
      const pa = prefer[p.pub].indexOf(a.plan.category);
      const pb = prefer[p.pub].indexOf(b.plan.category);
      return (pa < 0 ? 9 : pa) - (pb < 0 ? 9 : pb) || hash(a.plan.key) - hash(b.plan.key);
    });
    const take = ranked.slice(0, latest ? 3 : 4 + (hash(p.date) % 3));
    if (!take.length) continue;
    let issue = await dept.call('POST', '/api/info/issues', { publicationId: pubId(p.pub), issueDate: p.date, editorNote: null }, 201);
    for (const d of take) {
      await dept.call('POST', `/api/info/items/${d.id}/adoptions`, { kind: 'issue', issueId: issue.id }, 201);
      used.add(d.plan.key);
    }
    issue = await dept.call('GET', `/api/info/issues/${issue.id}`);
    const problem = issue.items.find((x: { itemId: string }) => take.find((d) => d.id === x.itemId)?.plan.category === '问题建议');
    issue = await dept.call('PUT', `/api/info/issues/${issue.id}`, {
      issueDate: p.date,
      editorNote: n % 4 === 0 ? '本期集中刊发各地在专项行动中的做法和基层反映的问题，供各级领导参阅。' : null,
      colophon: issue.colophon,
      items: issue.items.map((x: { adoptionId: string; itemId: string }) => ({
        adoptionId: x.adoptionId,
        editorNote: x === problem ? '这条信息反映的问题在各县区不同程度存在，请各地对照检查。' : null,
      })),
      version: issue.version,
    });
    if (latest) continue;
    await dept.call('POST', `/api/info/issues/${issue.id}/issue`, { version: issue.version });
    issued++;
  }
  log(`期刊：信息专报、工作简报共编发 ${issued} 期，另有 1 期正在编辑`);
}

const OUTLETS: Record<'县级' | '市级' | '省级' | '中央', string[]> = {
  县级: ['{county}委办公室《{short}信息》', '{county}人民政府办公室《政务信息》', '{short}发布'],
  市级: ['市委办公室《青澜信息》', '市政府办公室《青澜政务信息》', '青澜日报', '青澜广播电视台'],
  省级: ['省委办公厅《信息快报》', '省委宣传部《宣传工作情况》', '省日报', '省广播电视台'],
  中央: ['学习强国学习平台', '中国文明网', '人民网', '新华网'],
};
const SLUG: Record<string, string> = { 县级: 'county', 市级: 'qinglan', 省级: 'province', 中央: 'national' };

/** Adoptions by outside bodies and outlets, with the link that proves each; a few leader instructions. */
async function seedOutletAdoptions(ctx: InfoSeedCtx, dept: DemoAgent, items: Done[]) {
  const { today, city, log } = ctx;
  const rng = makeRng(20260611);
  const q1End = `${POINTS_YEAR}-03-31`;
  const approved = items.filter((d) => d.plan.fate === 'approved' && d.decidedDay);
  const weight = (d: Done) => (d.plan.category === '问题建议' ? 3 : d.plan.category === '经验做法' ? 2 : 1);
  // levels by share: the higher, the rarer, and mostly 问题建议 and 经验做法
  const wanted: ['县级' | '市级' | '省级' | '中央', number][] = [['县级', 16], ['市级', 14], ['省级', 12], ['中央', 4]];
  const byLevel: Record<string, number> = {};
  const instructed: { d: Done; on: string }[] = [];
  for (const [level, count] of wanted) {
    const pool = approved
      .filter((d) => (level === '县级' ? d.plan.unitKey.split('/')[0] !== 'city' : true))
      .map((d) => ({ d, score: weight(d) * (level === '省级' || level === '中央' ? 2 : 1) + rng.next() * 3 }))
      .sort((a, b) => b.score - a.score)
      .slice(0, count * 2)
      .filter((_, i) => i % 2 === (level === '市级' ? 1 : 0))
      .slice(0, count);
    for (const { d } of pool) {
      const adoptedOn = [addDays(d.decidedDay!, rng.int(3, 25)), addDays(today, -1)].sort()[0];
      if (d.plan.unitKey === POOR_UNIT && adoptedOn <= q1End) continue;
      const county = city.org.counties.find((c) => c.key === d.plan.unitKey.split('/')[0]);
      const outlet = rng.pick(OUTLETS[level]).replace('{county}', county?.name ?? '').replace('{short}', county?.name.slice(0, 2) ?? '');
      await dept.call('POST', `/api/info/items/${d.id}/adoptions`, {
        kind: 'outlet',
        outlet,
        level,
        adoptedOn,
        links: [`https://www.example.gov.cn/${SLUG[level]}/${adoptedOn.replaceAll('-', '/')}/${hash(d.plan.key).toString(16)}.html`],
        note: level === '中央' || level === '省级' ? `${d.plan.category === '问题建议' ? '刊发于内部参阅件' : '全文刊发'}` : null,
      }, 201);
      byLevel[level] = (byLevel[level] ?? 0) + 1;
      if ((level === '省级' || level === '市级') && d.plan.category === '问题建议' && instructed.length < LEADERS.length && !instructed.some((x) => x.d === d)) {
        instructed.push({ d, on: [addDays(adoptedOn, rng.int(2, 9)), addDays(today, -1)].sort()[0] });
      }
    }
  }
  for (const [i, { d, on }] of instructed.entries()) {
    const l = LEADERS[i];
    await dept.call('POST', `/api/info/items/${d.id}/instructions`, { leader: l.leader, level: l.level, content: l.content, instructedOn: on }, 201);
  }
  log(`外部采用：${Object.entries(byLevel).map(([l, n]) => `${l} ${n} 条`).join('、')}；领导批示 ${instructed.length} 件`);
}

const MEDIA_OUTLETS: Record<'县级' | '市级' | '省级' | '中央', string[]> = {
  县级: ['{short}融媒客户端', '{short}电视台', '{short}发布'],
  市级: ['青澜日报', '青澜广播电视台', '青澜发布'],
  省级: ['省日报', '省广播电视台', '省新闻客户端'],
  中央: ['人民日报客户端', '新华社客户端', '央视新闻客户端'],
};

/** 媒体报道: the first six reporters of every media centre over the year; the reporter account files its own. */
async function seedMedia(ctx: InfoSeedCtx) {
  const { city, today, uid, pid, agent, log } = ctx;
  const days = workdaysOf(today);
  let n = 0;
  const reporterAccount = city.accounts.find((a) => a.username === INFO_REPORTER)?.personKey;
  for (const c of city.org.counties.slice(0, 4)) {
    const liaison = `${c.key}.rongmei`;
    if (!ctx.hasAgent(liaison)) continue;
    const reporters = peopleOf(city.org, `${c.key}/media`, '记者').slice(0, 6);
    for (const [ri, p] of reporters.entries()) {
      const rng = makeRng(hash(`media:${p.key}`));
      const own = p.key === reporterAccount && ctx.hasAgent(INFO_REPORTER);
      const by = agent(own ? INFO_REPORTER : liaison);
      const count = rng.int(4, 13) - (ri === 5 ? 3 : 0);
      for (let k = 0; k < count; k++) {
        const day = days[Math.min(days.length - 1, Math.floor(((k + rng.next()) * days.length) / count))];
        const x = rng.next();
        const level = x < 0.5 ? '县级' : x < 0.8 ? '市级' : x < 0.95 ? '省级' : '中央';
        const outlet = rng.pick(MEDIA_OUTLETS[level]).replace('{short}', c.name.slice(0, 2));
        await by.call('POST', '/api/info/media', {
          ...(own ? {} : { unitId: uid(`${c.key}/media`), reporterId: pid(p.key) }),
          outlet,
          level,
          title: mediaHeadline(rng, c.name, TOWNS.slice(ri, ri + 5)),
          link: `https://news.example.cn/${SLUG[level]}/${day.replaceAll('-', '')}/${hash(`${p.key}${k}`).toString(16)}.html`,
          publishedOn: day,
          idempotencyKey: `demo-media-${p.key}-${k}`,
        });
        n++;
      }
    }
  }
  log(`媒体报道 ${n} 篇`);
}

/** 宣传目标任务 for the year, and for this month for one media centre's reporters. */
async function seedTargets(ctx: InfoSeedCtx, dept: DemoAgent) {
  const { city, today, uid, pid, log } = ctx;
  const year = POINTS_YEAR;
  const month = today.slice(0, 4) === String(year) ? Number(today.slice(5, 7)) : 12;
  const put = (body: object) => dept.call('PUT', '/api/info/targets', { year, month: null, ...body });
  let n = 0;
  for (const c of city.org.counties.slice(0, 4)) {
    const k = c.key;
    for (const [unitKey, measure, target] of [[k, 'submitted', 24], [k, 'adopted', 10], [`${k}/media`, 'submitted', 20], [`${k}/media`, 'media', 45], [`${k}/practice`, 'submitted', 12]] as const) {
      await put({ subjectType: 'unit', subjectId: uid(unitKey), measure, target });
      n++;
    }
    for (const [ri, p] of peopleOf(city.org, `${k}/media`, '记者').slice(0, 6).entries()) {
      await put({ subjectType: 'person', subjectId: pid(p.key), measure: 'media', target: 8 + (ri % 3) * 2 });
      n++;
      if (k === city.org.counties[0].key) {
        await put({ month, subjectType: 'person', subjectId: pid(p.key), measure: 'media', target: 1 + (ri % 2) });
        n++;
      }
    }
  }
  log(`宣传目标任务 ${n} 项（${year} 年度，及 ${month} 月${city.org.counties[0].name}融媒体中心记者）`);
}

function fail(what: string): never {
  throw new Error(`演示数据有误：找不到 ${what}`);
}

// ---------------------------------------------------------------- words of the items

export const INFO_CATEGORY_SHARES: [category: string, share: number][] = [
  ['动态信息', 0.42],
  ['经验做法', 0.24],
  ['问题建议', 0.22],
  ['舆论引导', 0.12],
];

export function pickCategory(rng: Rng): string {
  let r = rng.next();
  for (const [c, share] of INFO_CATEGORY_SHARES) {
    if ((r -= share) < 0) return c;
  }
  return INFO_CATEGORY_SHARES[0][0];
}

// ---------------------------------------------------------------- vocabulary

const TOPICS = [
  '基层理论宣讲', '新时代文明实践', '县级融媒体中心建设', '网络文明建设', '移风易俗', '农家书屋提质增效', '文化惠民演出',
  '学雷锋志愿服务', '文明城市创建', '乡村文化振兴', '未成年人思想道德建设', '意识形态工作责任制', '主流舆论阵地建设',
  '公益广告宣传', '红色资源保护利用', '非遗保护传承', '全民阅读', '群众文化活动', '身边好人选树宣传', '家风家教建设',
  '网络评论员队伍建设', '新闻采编能力提升', '理论学习中心组学习', '思政课进村（社区）', '文艺志愿服务', '应急广播体系建设',
  '短视频宣传矩阵', '惠农政策宣讲', '文明交通劝导', '婚丧喜事简办', '文化市场综合执法', '古籍和地方志整理', '乡村旅游宣传推介',
  '民族团结进步宣传', '国家安全宣传教育', '法治宣传教育', '科普宣传', '反诈宣传', '生态文明宣传', '老干部宣讲团建设',
];
const ACTIVITIES = [
  '宣讲报告会', '集中宣讲', '文艺汇演', '志愿服务活动', '专题培训班', '业务交流会', '观摩推进会', '现场教学', '读书分享会',
  '座谈会', '知识竞赛', '采风活动', '主题党日活动', '送戏下乡', '露天电影放映', '书画展览', '道德讲堂', '百姓宣讲擂台赛',
  '院坝会', '夜校课堂', '网络直播', '成果展示会',
];
const VENUES = [
  '田间地头', '村文化广场', '企业车间', '中小学校园', '牧区定居点', '易地搬迁安置点', '集贸市场', '养老服务中心', '工业园区',
  '景区游客中心', '社区党群服务中心', '农民专合社', '快递物流站点', '建筑工地', '边境村寨', '红色教育基地',
];
const AUDIENCES = ['党员群众', '村（居）民', '青少年', '企业职工', '新就业群体', '返乡青年', '留守老人', '网格员', '个体工商户', '外来务工人员', '退役军人', '农技人员'];
const LEADS = ['今年以来', '近期', '专项行动开展以来', '入夏以来', '进入冬季后', '春节前后', '“七一”前后', '国庆期间', '年初以来', '上半年', '三季度以来', '在此基础上', '与此同时', '此外', '为此'];
const MANNERS = [
  '坚持问题导向', '聚焦群众所需', '围绕中心工作', '紧扣年度目标', '按照“一月一主题”要求', '结合农时季节', '采取“线上+线下”方式',
  '以“小切口”为抓手', '依托新时代文明实践阵地', '通过“点单、派单、接单、评单”机制', '统筹各方资源', '注重分类指导', '坚持因地制宜',
  '强化部门协同', '突出示范引领', '推行清单化管理', '实行“周调度、月通报”', '借助数字化手段',
];
const VERBS = [
  '开展', '组织', '推进', '建立', '完善', '落实', '打造', '培育', '举办', '深化', '创新', '统筹', '规范', '优化', '拓展', '加强',
  '健全', '用好', '盘活', '整合', '压实', '提升', '细化', '探索', '推广', '配强',
];
const MODS = ['基层', '全县', '常态化', '特色', '分众化', '线上', '多层次', '全覆盖的', '精准化', '群众喜闻乐见的', '接地气的', '规范化', '可复制的', '长效', '“小而精”的'];
const OBJECTS = [
  '理论宣讲', '文明实践活动', '志愿服务项目', '网络评论员队伍', '宣讲员队伍', '阵地建设标准', '工作台账', '考核评价办法', '联络员制度',
  '“百姓名嘴”选拔', '宣讲菜单', '信息报送机制', '采编流程', '审核把关制度', '应急发布预案', '阅读推广活动', '文化志愿队伍', '乡风文明积分',
  '红白理事会章程', '村规民约修订', '道德评议会', '好人榜发布', '节目编排', '短视频创作', '新闻线索征集', '融合传播矩阵', '舆情研判会商',
  '数据统计口径', '督查问责机制', '骨干培训', '结对帮扶', '经费保障', '场地共享', '资源清单', '宣传品配送', '农村电影放映',
  '书屋图书更新', '非遗工坊', '文艺创作扶持', '红色故事讲解', '民俗节庆活动', '村史馆建设', '廉洁文化教育', '普法讲座', '安全生产提示',
];
const PURPOSES = [
  '推动党的创新理论飞入寻常百姓家', '让群众听得懂、记得住、用得上', '打通宣传群众的“最后一公里”', '凝聚干事创业的强大合力',
  '营造崇德向善的浓厚氛围', '推动工作从“有形覆盖”向“有效覆盖”转变', '确保各项任务落地见效', '提升新闻舆论的传播力引导力',
  '做到底数清、情况明', '形成上下联动、齐抓共管的格局', '让文明新风吹进千家万户', '把服务送到群众家门口', '为乡村振兴提供精神动力',
  '切实减轻群众负担', '守牢意识形态阵地', '提高信息报送的时效和质量', '推动工作由“盆景”变“风景”', '让好的做法可复制可推广',
];
const EFFECTS = [
  '群众参与热情明显提高', '相关政策的知晓率明显上升', '形成了一批可推广的经验', '基层反映良好', '一批典型人物走上宣讲台',
  '村风民风持续向好', '相关话题在网上形成正面声量', '工作效率明显提升', '问题整改率大幅提高', '有关做法得到上级肯定',
  '攀比之风得到遏制', '群众办事更加便利', '青年干部在实践中得到锻炼', '原创稿件数量和质量同步提升',
];
const UNITS_OF_COUNT = ['场次', '期', '次', '个', '篇', '条'];
const QUOTES = [
  '以前开会念文件，大家坐不住；现在讲的是身边事，听着有味道',
  '宣讲员就是咱村里人，说的话我们信',
  '书屋离家近了，晚上带着孩子来看书成了习惯',
  '酒席少了，份子钱少了，一年能省下好几千元',
  '手机上看到自家村的新闻，心里特别自豪',
  '有什么想法当场就能提，干部当场就答复',
  '志愿者隔三岔五来家里，帮着打扫卫生、量血压',
  '过去不知道政策找谁问，现在扫个码就能留言',
  '这样的活动要多办，年轻人也愿意参加',
];
const SPEAKERS = ['一位村民', '一名老党员', '一位返乡创业青年', '一名社区居民', '一位企业职工', '一名宣讲员', '一名留守老人', '一位种植大户'];
const PROBLEMS = [
  '部分宣讲内容照本宣科，语言不够通俗，群众参与度不高',
  '一些文明实践站“建而不用”，活动频次低，日常由村干部兼管',
  '基层信息员队伍流动性大，新手多，稿件质量参差不齐',
  '部分乡镇对信息报送重视不够，存在迟报、漏报现象',
  '融媒体中心采编人员老龄化，懂新媒体的年轻骨干偏少',
  '志愿服务项目同质化，和群众实际需求对接不够精准',
  '农家书屋图书更新慢，借阅登记流于形式',
  '个别单位意识形态工作责任制落实“上热中温下冷”',
  '网络评论员队伍激励不足，遇到热点事件发声不及时',
  '部分村规民约内容空泛，缺少约束和激励措施',
  '经费渠道单一，活动开展过度依赖上级拨款',
  '考核指标重数量轻质量，基层存在“凑数”报送现象',
  '不同部门重复要求基层填报台账，增加了基层负担',
  '应急广播终端部分损坏，维护责任不明确',
  '短视频作品选题雷同，缺少有本地辨识度的精品',
];
const CAUSES = ['人员力量不足', '考核导向不够科学', '部门之间衔接不畅', '培训针对性不强', '保障机制不健全', '基层认识存在偏差', '激励措施落实不到位'];
const ACTORS = ['县委宣传部', '各乡镇党委', '融媒体中心', '文明办', '网信部门', '各文明实践中心', '市委宣传部', '财政部门', '人社部门', '教育部门'];
const EVENTS = ['春节返乡高峰', '汛期防汛救灾', '高考招生', '旅游旺季', '重大项目开工', '森林草原防火期', '开学季', '重要节庆活动', '重点工程征地', '秋冬季疫病防控'];
const OPINION_MOVES = [
  '第一时间发布权威信息', '组织网评骨干正面发声', '安排记者深入一线采访', '及时回应网民关切', '制作图解和短视频解读政策',
  '开设专题专栏集中报道', '建立与相关部门的信息会商机制', '加强对网上信息的研判', '邀请当事部门在线答疑', '滚动推送进展情况',
];

// ---------------------------------------------------------------- helpers

export type ArticleCtx = {
  /** the county or city the item comes from, e.g. 临溪县 */
  place: string;
  /** the submitting unit's name */
  unit: string;
  /** towns and villages of the place */
  towns: string[];
  month: number;
};

const num = (rng: Rng, lo: number, hi: number) => String(rng.int(lo, hi));
const cn = ['一', '二', '三', '四', '五', '六', '七', '八'];

function vp(rng: Rng): string {
  return `${rng.pick(VERBS)}${rng.chance(0.5) ? rng.pick(MODS) : ''}${rng.pick(OBJECTS)}`;
}

function measure(rng: Rng, c: ArticleCtx): string {
  const lead = rng.chance(0.45) ? `${rng.pick(LEADS)}，` : '';
  const subj = rng.pick([c.unit, `${rng.pick(c.towns)}镇`, '各文明实践所（站）', '宣讲团成员', '志愿服务队', '各村（社区）', '县直各单位', '驻村工作队', '采编团队', '网格员']);
  const parts = [`${lead}${subj}${rng.chance(0.35) ? rng.pick(MANNERS) + '，' : ''}${vp(rng)}`];
  if (rng.chance(0.6)) parts.push(vp(rng));
  if (rng.chance(0.3)) parts.push(rng.pick(PURPOSES));
  else if (rng.chance(0.5)) parts.push(`${rng.pick(['惠及', '带动', '吸引'])}${rng.pick(AUDIENCES)}${rng.int(20, 3000)}人`);
  return `${parts.join('，')}。`;
}

function data(rng: Rng, c: ArticleCtx): string {
  const n = rng.int(12, 480);
  const what = rng.pick([`${rng.pick(ACTIVITIES)}${n}${rng.pick(UNITS_OF_COUNT)}`, `${rng.pick(OBJECTS)}${rng.int(3, 40)}项`, `各类稿件${n}篇`, `志愿服务${n}场次`]);
  const reach = rng.pick([
    `覆盖${rng.pick(AUDIENCES)}${(rng.int(8, 260) / 10).toFixed(1)}万人次`,
    `惠及${rng.int(12, 186)}个村（社区）`,
    `线上点击量超过${rng.int(5, 90)}万次`,
    `参与${rng.pick(AUDIENCES)}${rng.int(300, 9000)}人次`,
  ]);
  return `${rng.pick(['截至目前', `${c.month}月以来`, '全年', '今年以来', '专项行动以来'])}，${rng.pick(['累计', '共', '先后'])}${rng.pick(['开展', '组织', '完成', '推出'])}${what}，${reach}，${rng.pick(EFFECTS)}。`;
}

function quote(rng: Rng): string {
  return `“${rng.pick(QUOTES)}。”${rng.pick(SPEAKERS)}${rng.pick(['说', '感慨地说', '告诉记者', '笑着说'])}。`;
}

function fillTo(rng: Rng, c: ArticleCtx, paragraphs: string[], minChars: number, make: () => string) {
  const len = () => paragraphs.reduce((n, p) => n + p.length, 0);
  while (len() < minChars) paragraphs.push(make());
}

function paragraph(rng: Rng, c: ArticleCtx, k: number): string {
  const out: string[] = [];
  for (let i = 0; i < k; i++) out.push(rng.chance(0.25) ? data(rng, c) : measure(rng, c));
  return out.join('');
}

// ---------------------------------------------------------------- articles

export type Article = { title: string; paragraphs: string[] };

/** One item's title and body paragraphs, about `minChars` characters long. */
export function infoArticle(rng: Rng, category: string, c: ArticleCtx, minChars = 420): Article {
  const topic = rng.pick(TOPICS);
  const town = rng.pick(c.towns);
  const paragraphs: string[] = [];
  let title: string;
  switch (category) {
    case '经验做法': {
      const n = rng.int(3, 4);
      const slogan = rng.pick(['四个一', '三联三送', '五进五讲', '一站三员', '积分超市', '红黑榜', '百姓点单', '流动课堂', '微宣讲', '说唱宣讲', '板凳会', '小喇叭']);
      title = rng.pick([
        `${c.place}以“${slogan}”推动${topic}落地见效`,
        `${c.place}探索${topic}“${slogan}”工作法`,
        `${c.unit}“${cn[n - 1]}个${rng.pick(['聚焦', '强化', '突出', '坚持'])}”抓实${topic}`,
        `${town}镇用好“${slogan}”激活${topic}`,
      ]);
      paragraphs.push(`${rng.pick(LEADS)}，${c.unit}${rng.pick(MANNERS)}，以“${slogan}”为抓手${vp(rng)}，${rng.pick(PURPOSES)}。`);
      for (let i = 0; i < n; i++) {
        paragraphs.push(`${cn[i]}是${vp(rng)}。${paragraph(rng, c, rng.int(1, 2))}${rng.chance(0.4) ? data(rng, c) : ''}`);
      }
      if (rng.chance(0.5)) paragraphs.push(quote(rng));
      fillTo(rng, c, paragraphs, minChars, () => `${cn[Math.min(paragraphs.length - 1, 7)]}是${vp(rng)}。${paragraph(rng, c, 2)}`);
      break;
    }
    case '问题建议': {
      const problems = [...new Set([rng.pick(PROBLEMS), rng.pick(PROBLEMS), rng.pick(PROBLEMS)])];
      title = rng.pick([
        `关于${c.place}${topic}工作中存在的问题及建议`,
        `${topic}中“${rng.pick(['重建设轻使用', '上热下冷', '重数量轻质量', '形式大于内容', '最后一公里'])}”问题亟待破解`,
        `对${c.place}${topic}的调研与思考`,
        `${c.unit}反映：${rng.pick(PROBLEMS).slice(0, 18)}等问题需引起重视`,
      ]);
      paragraphs.push(`${rng.pick(['近期', '日前', `${c.month}月上旬`, '近一个月来'])}，${c.unit}${rng.pick(['组成调研组', '通过蹲点走访', '结合专项督查', '通过问卷和座谈'])}，对${c.place}${rng.int(3, 14)}个乡镇、${rng.int(12, 90)}个村（社区）的${topic}情况进行了调研。总体看，${rng.pick(EFFECTS)}，但也存在一些值得关注的问题。`);
      problems.forEach((p, i) => paragraphs.push(`（${cn[i]}）${p}。${rng.chance(0.5) ? `调研中发现，${town}镇${rng.int(2, 9)}个村${rng.pick(['近三个月', '全年', '上半年'])}仅开展活动${rng.int(1, 3)}次。` : ''}究其原因，主要是${[...new Set([rng.pick(CAUSES), rng.pick(CAUSES)])].join('、')}。`));
      paragraphs.push('为此建议：');
      const n = rng.int(2, 4);
      for (let i = 0; i < n; i++) {
        paragraphs.push(`${cn[i]}是${rng.pick(ACTORS)}${vp(rng)}，${vp(rng)}，${rng.pick(PURPOSES)}。${rng.chance(0.4) ? measure(rng, c) : ''}`);
      }
      fillTo(rng, c, paragraphs, minChars, () => `${cn[Math.min(n + paragraphs.length - problems.length - 2, 7)]}是${rng.pick(ACTORS)}${vp(rng)}，${rng.pick(PURPOSES)}。${measure(rng, c)}`);
      break;
    }
    case '舆论引导': {
      const event = rng.pick(EVENTS);
      title = rng.pick([
        `${c.place}做好${event}期间宣传和舆论引导工作`,
        `${c.unit}“快、准、暖”回应${event}期间群众关切`,
        `${c.place}${event}期间网上正面声量明显提升`,
      ]);
      paragraphs.push(`${event}期间，${c.unit}${rng.pick(MANNERS)}，${rng.pick(OPINION_MOVES)}，${rng.pick(OPINION_MOVES)}，${rng.pick(PURPOSES)}。`);
      paragraphs.push(`${rng.pick(['一方面', '在发布上'])}，${rng.pick(OPINION_MOVES)}，${vp(rng)}，${data(rng, c)}`);
      paragraphs.push(`${rng.pick(['另一方面', '在回应上'])}，${rng.pick(OPINION_MOVES)}，${rng.pick(OPINION_MOVES)}。${measure(rng, c)}`);
      fillTo(rng, c, paragraphs, minChars, () => `${rng.pick(OPINION_MOVES)}，${measure(rng, c)}`);
      break;
    }
    default: {
      const activity = rng.pick(ACTIVITIES);
      const venue = rng.pick(VENUES);
      title = rng.pick([
        `${c.place}${topic}${activity}走进${venue}`,
        `${c.unit}举办${topic}${activity}`,
        `${town}镇：${topic}${activity}办到${venue}`,
        `${c.place}${rng.int(2, 30)}支队伍开展${topic}${activity}`,
        `${c.unit}扎实推进${topic}`,
      ]);
      paragraphs.push(`${c.month}月${rng.int(1, 28)}日，${c.unit}在${town}镇${venue}${rng.pick(['举办', '组织开展', '启动'])}${topic}${activity}，${rng.pick(AUDIENCES)}${rng.int(40, 600)}余人参加。`);
      paragraphs.push(paragraph(rng, c, rng.int(2, 3)));
      if (rng.chance(0.45)) paragraphs.push(quote(rng));
      paragraphs.push(data(rng, c));
      fillTo(rng, c, paragraphs, minChars, () => paragraph(rng, c, 2));
    }
  }
  return { title, paragraphs };
}

/** Headlines of the reports media centres publish about local work. */
export function mediaHeadline(rng: Rng, place: string, towns: string[]): string {
  const topic = rng.pick(TOPICS);
  return rng.pick([
    `${place}：${topic}让${rng.pick(AUDIENCES)}得实惠`,
    `${rng.pick(towns)}镇${rng.pick(ACTIVITIES)}进${rng.pick(VENUES)}`,
    `【${rng.pick(['蹲点日记', '一线见闻', '新春走基层', '身边的榜样', '奋进新征程'])}】${rng.pick(towns)}镇的${topic}故事`,
    `${place}${topic}${rng.pick(['见行见效', '跑出加速度', '开出新花', '暖人心'])}`,
    `小${rng.pick(['喇叭', '书屋', '板凳', '积分'])}里的大文明——${place}${topic}见闻`,
  ]);
}

/** Plain paragraphs to the body HTML the items API takes. */
export const toHtml = (paragraphs: string[]) =>
  paragraphs.map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`).join('');
