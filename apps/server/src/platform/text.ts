import * as OpenCC from 'opencc-js';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { diffArrays } from 'diff';
import { convert as convertHtml } from 'html-to-text';
import mammoth from 'mammoth';

/**
 * Chinese text tools shared by the modules: the cleaner for text pasted from web pages (信息报送),
 * Traditional → Simplified, jieba segmentation, MinHash signatures for 查重 and a word-level diff.
 */

// ---------------------------------------------------------------------------------------------
// Converters and segmenter: built once, on first use, because both load large dictionaries.

let t2cn: ((s: string) => string) | undefined;
let jieba: Jieba | undefined;

/** Traditional (any region) → Mainland Simplified, by characters and phrases, without Taiwan phrase swaps. */
export function toSimplified(s: string): string {
  t2cn ??= OpenCC.Converter({ from: 't', to: 'cn' });
  return t2cn(s);
}

function getJieba(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const SKIP_TOKEN = /^[\s\p{P}\p{S}]+$/u;

/** Words of the text by jieba, without whitespace and punctuation, for search and 查重. */
export function segment(text: string): string[] {
  if (!text) return [];
  return getJieba()
    .cut(text, false)
    .filter((t) => !SKIP_TOKEN.test(t));
}

/** Tokens that concatenate back to the exact text (newlines are tokens of their own), for the diff. */
function tokensKeepingEverything(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.split(/(\n)/)) {
    if (piece === '') continue;
    if (piece === '\n') out.push(piece);
    else out.push(...getJieba().cut(piece, false));
  }
  // jieba keeps every character today; if a future version drops one, fall back to characters.
  return out.join('') === text ? out : Array.from(text);
}

// ---------------------------------------------------------------------------------------------
// Formats the import endpoint accepts before cleaning.

/** HTML to plain text keeping paragraphs; link targets and images are noise for a news text. */
export function htmlToText(html: string): string {
  return convertHtml(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((h) => ({ selector: h, options: { uppercase: false } })),
      { selector: 'table', options: { uppercaseHeaderCells: false } },
    ],
  });
}

/** The running text of a Word document, one paragraph per line. */
export async function docxToText(buf: Buffer): Promise<string> {
  const { value } = await mammoth.extractRawText({ buffer: buf });
  return value;
}

// ---------------------------------------------------------------------------------------------
// Cleaning pasted text.

export type CleanChangeKind = 'chrome' | 'pinyin' | 'traditional' | 'punctuation' | 'blank_lines' | 'hidden_marker' | 'html';

export type CleanWarning = { kind: 'garbled' | 'hidden'; paragraph: number; excerpt: string; message: string };

export type CleanResult = {
  text: string;
  /** What was changed, so that nothing changes silently: the form shows these beside the text. */
  changes: { kind: CleanChangeKind; count: number; samples: string[] }[];
  /** What the cleaner could not repair: the author has to compare with the original. */
  warnings: CleanWarning[];
};

// Placeholders carried through the pipeline; control characters never survive the first step.
const GARBLED = '\u0001';
const HIDDEN = '\u0002';

const HAN = /\p{Script=Han}/u;
const TONED = 'āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ';
const PY_LETTER = `a-zü${TONED}`;
const TONE_RE = new RegExp(`[${TONED}]`);
// A pinyin syllable without its tone mark (ü written v); loose on combinations, strict enough to refuse English.
const SYLLABLE = '(?:(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v)|ng|hng|hm|m|n)';
const PINYIN_WORD = new RegExp(`^${SYLLABLE}+$`);
// A Han character followed by a parenthesised group of up to six lowercase syllables: a reading annotation.
const ANNOTATION = new RegExp(`(\\p{Script=Han})([(（])\\s*([${PY_LETTER}]+(?:\\s+[${PY_LETTER}]+){0,5})\\s*([)）])`, 'gu');
// A lost character: `?` (or U+FFFD / a private-use char) followed by its pinyin and a closing parenthesis.
const LOST_WITH_PINYIN = new RegExp(`[?？\\uFFFD\\uE000-\\uF8FF]([${PY_LETTER}]{1,6})[)）]`, 'g');

function stripTones(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, (m) => (m === '\u0308' ? '\u0308' : ''))
    .normalize('NFC')
    .replace(/ü/g, 'v');
}

/** True when every word of the group reads as pinyin; toneless groups only count in an annotated text. */
function isPinyin(group: string, allowToneless: boolean): boolean {
  const words = group.trim().split(/\s+/);
  if (!words.every((w) => PINYIN_WORD.test(stripTones(w)))) return false;
  if (TONE_RE.test(group)) return true;
  return allowToneless && words.length === 1;
}

type Changes = Map<CleanChangeKind, { count: number; samples: string[] }>;

function note(changes: Changes, kind: CleanChangeKind, n: number, sample?: string): void {
  const c = changes.get(kind) ?? { count: 0, samples: [] };
  c.count += n;
  if (sample !== undefined && c.samples.length < 3) c.samples.push(sample.length > 40 ? `${sample.slice(0, 40)}…` : sample);
  changes.set(kind, c);
}

function looksLikeHtml(s: string): boolean {
  return /<(?:p|div|br|span|html|body|h[1-6]|table|section|article|li|ul|strong|font)\b[^>]*>/i.test(s);
}

function removePinyin(text: string, changes: Changes): string {
  const toned = (text.match(ANNOTATION) ?? []).filter((m) => TONE_RE.test(m)).length;
  const allowToneless = toned >= 2;
  return text.replace(ANNOTATION, (m, han: string, _open: string, group: string, _close: string, offset: number, all: string) => {
    if (!isPinyin(group, allowToneless)) return m;
    const next = all.slice(offset + m.length, offset + m.length + 1);
    note(changes, 'pinyin', 1, `${m}${next}→${han}${next}`);
    return han;
  });
}

function convertTraditional(text: string, changes: Changes): string {
  const out = toSimplified(text);
  if (out === text) return out;
  const before = text.split('\n');
  const after = out.split('\n');
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i] ?? '';
    if (a === b) continue;
    if (a.length !== b.length) {
      note(changes, 'traditional', Math.max(1, Math.abs(a.length - b.length)), `${a.slice(0, 6)}→${b.slice(0, 6)}`);
      continue;
    }
    // Samples are short windows (會議→会议), one per changed spot, rather than single characters.
    let windowEnd = -1;
    for (let j = 0; j < a.length; j++) {
      if (a[j] === b[j]) continue;
      if (j >= windowEnd) {
        windowEnd = Math.min(a.length, j + 2);
        note(changes, 'traditional', 1, `${a.slice(j, windowEnd)}→${b.slice(j, windowEnd)}`);
      } else {
        note(changes, 'traditional', 1);
      }
    }
  }
  return out;
}

// `---此处隐藏618字,下载后查看---` and its full-width / Traditional variants.
const HIDDEN_MARKER = /[-—─–_=~～·.。…]*[ \t\u3000]*此[处處][ \t\u3000]*[隐隱]藏[ \t\u3000]*(\d+)[ \t\u3000]*字[ \t\u3000]*[,，、;；]?[ \t\u3000]*(?:[请請]?下[载載](?:后|後|之后)?(?:[查察]看|可见|阅读|閱讀|可[查察]看)?)?[ \t\u3000\-—─–_=~～·.。…]*/g;

function markHidden(text: string, changes: Changes, hidden: number[]): string {
  return text.replace(HIDDEN_MARKER, (m, n: string) => {
    hidden.push(Number(n));
    note(changes, 'hidden_marker', 1, m.trim());
    return HIDDEN;
  });
}

// Whole lines that are site furniture. Matched on the trimmed line after conversion to Simplified.
const CHROME_LINES: RegExp[] = [
  /^(?:header|footer)?\s*(?:头部|底部|顶部|页头|页脚|页眉)$/i,
  /^(?:header|footer)$/i,
  /^[[【(（]?(?:图片|图像|插图|配图|img|image|photo)[\]】)）]?$/i,
  /^[-—–_=·\s]*(?:THE\s*END|END)[-—–_=·\s]*$/i,
  /^分享(?:让更多人看到|给朋友|到[:：]?\s*(?:微信|微博|QQ空间|QQ|朋友圈|好友|[\s、|/])*)$/i,
  /^(?:返回顶部|回到顶部|返回首页|返回列表|返回上一页|TOP)$/i,
  /^(?:[[【]?[小中大]字号[\]】]?\s*)+$/,
  /^[[【]?[大中小][\]】]?(?:\s*[|/]?\s*[[【]?[大中小][\]】]?){1,2}$/,
  /^[[【]?字[体号](?:大小)?[:：]?\s*(?:[[【]?[大中小][\]】]?\s*)*[\]】]?$/,
  /^字体大.{0,4}$/,
  /^(?:阅读|浏览|点击|访问)(?:数|次数|量|人数)?[:：]?\s*[\d,]*\s*-?\s*次?$/,
  /^(?:[[【]?(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|收藏(?:本页)?)[\]】]?\s*)+$/,
  /^当前位置[:：]/,
  // site footers: copyright, ICP / public-security filing numbers, "主办单位 … 技术支持 …"
  /^(?:版权所有|copyright|©|\(c\)).{0,80}$/i,
  /^.{0,40}(?:ICP[备证]|公网安备|网安备).{0,60}$/i,
  /^(?:主办(?:单位)?|承办(?:单位)?|技术支持)[:：].{0,60}$/,
];

const BREADCRUMB_SEP = /\s*(?:>>|»|›|＞＞|＞|>)\s*/;
// A breadcrumb: two or more short segments joined by `>>` (or by `>` from a home page or a site), nothing sentence-like.
function breadcrumbSegments(line: string): string[] | undefined {
  if (/[，。；！？,;]/.test(line) || line.length > 60) return undefined;
  const parts = line.split(BREADCRUMB_SEP).filter((p) => p !== '');
  if (parts.length < 2 || parts.some((p) => p.length > 15)) return undefined;
  const strong = />>|»|＞＞/.test(line);
  if (!strong && !/^(?:当前位置[:：]?\s*)?(?:网站)?首页$|网$|频道$/.test(parts[0])) return undefined;
  return parts;
}

// Markers after which template sites list other articles.
const LIST_MARKER = /^(?:最新推荐|最新文章|相关阅读|相关文章|相关推荐|相关新闻|相关链接|推荐阅读|延伸阅读|热门推荐|热门文章|热点推荐|猜你喜欢|阅读排行|点击排行|推荐文稿|精彩推荐|您可能感兴趣的(?:文稿|文章|内容)?|你可能感兴趣的(?:文稿|文章|内容)?|更多(?:阅读|文章|推荐)|上一篇|下一篇)/;

function isTitleLike(line: string): boolean {
  return line.length <= 80 && !/[。！？]["”’」』）)]?$/.test(line);
}

// Inside a metadata line (来源 … 发布时间 …): font-size switches and view counters go, the rest stays.
const META_LINE = /来源|发布|时间|日期|作者|编辑|记者/;
const META_NOISE: RegExp[] = [
  /[[【]?字[体号](?:大小[:：]?|[:：])\s*(?:[[【]?[大中小][\]】]?\s*)*[\]】]?/g,
  /字体大\S*/g,
  /(?:阅读|浏览|点击|访问)(?:数|次数|量|人数)[:：]?\s*(?:[\d,]+\s*次?|-)?/g,
  /[[【](?:打印|关闭|收藏)[\]】]/g,
];

function removeChrome(text: string, changes: Changes): string {
  const lines = text.split('\n');
  const t = lines.map((l) => l.trim());

  const drop = new Set<number>();
  let prevNonBlank = -1;
  for (let i = 0; i < t.length; i++) {
    const line = t[i];
    if (line === '') continue;
    const crumbs = breadcrumbSegments(line);
    if (CHROME_LINES.some((re) => re.test(line)) || (/^(?:上一篇|下一篇)/.test(line) && line.length <= 60 && isTitleLike(line))) {
      drop.add(i);
    } else if (crumbs) {
      drop.add(i);
      // The site name printed just above its own breadcrumb (人民网 / 人民网>>青海频道).
      if (prevNonBlank >= 0 && t[prevNonBlank] === crumbs[0]) drop.add(prevNonBlank);
    } else if (META_LINE.test(line) && line.length <= 120) {
      // Only a metadata line, never a body sentence: what is left after the noise has no sentence punctuation.
      const removed: string[] = [];
      let kept = lines[i];
      for (const re of META_NOISE) {
        kept = kept.replace(re, (m) => {
          removed.push(m.trim());
          return '';
        });
      }
      if (removed.length && !/[，。；！？]/.test(kept)) {
        for (const m of removed) note(changes, 'chrome', 1, m);
        lines[i] = kept.replace(/[ \t\u3000]{2,}/g, ' ').replace(/[ \t\u3000]+$/, '');
      }
    }
    prevNonBlank = i;
  }

  // A template site prints the title twice, first with its category glued on (标题会议, then 标题):
  // only that first line goes, and only at the top of the page.
  const first = t.findIndex((l, i) => l !== '' && !drop.has(i));
  if (first >= 0 && first + 1 < t.length) {
    const [long, short] = [t[first], t[first + 1]];
    const titleLike = long.length <= 60 && short.length >= 6 && !/[。！？]/.test(long);
    if (titleLike && long !== short && long.startsWith(short) && long.length - short.length <= 4) drop.add(first);
  }

  // A template site's list of other articles: from the marker to the end, when all of it is titles.
  let cut = t.length;
  for (let i = 0; i < t.length; i++) {
    if (drop.has(i) || !LIST_MARKER.test(t[i]) || t[i].length > 60 || !isTitleLike(t[i])) continue;
    const rest = t.slice(i + 1).filter((l, k) => l !== '' && !drop.has(i + 1 + k));
    if (rest.every((l) => LIST_MARKER.test(l) || isTitleLike(l))) {
      cut = i;
      break;
    }
  }

  for (const i of [...drop].sort((x, y) => x - y)) if (i < cut) note(changes, 'chrome', 1, t[i]);
  const tail = t.slice(cut).filter((l, k) => l !== '' && !drop.has(cut + k));
  if (tail.length) note(changes, 'chrome', tail.length, tail.length > 1 ? `${tail[0]} …（以下 ${tail.length - 1} 行）` : tail[0]);
  for (let i = cut; i < t.length; i++) if (drop.has(i)) note(changes, 'chrome', 1);
  return lines.filter((_, i) => i < cut && !drop.has(i)).join('\n');
}

const QUESTION_PARTICLE = /[吗呢吧么嘛呀]$/;
const QUESTION_WORD = /什么|怎么|为什么|如何|是否|哪|谁|几|多少|难道|岂/;

function isHanLike(ch: string | undefined): boolean {
  return ch !== undefined && (ch === GARBLED || HAN.test(ch));
}

/** Lost characters become a placeholder: `?` + pinyin + `)`, stray replacement / private-use chars, `?` between Han. */
function markGarbled(text: string): string {
  // Toneless pinyin (`?de)`) only counts right after a Han character, so that `what?no)` in English stays.
  let out = text.replace(LOST_WITH_PINYIN, (m, py: string, at: number, all: string) =>
    TONE_RE.test(py) || (HAN.test(all[at - 1] ?? '') && PINYIN_WORD.test(py)) ? GARBLED : m,
  );
  out = out.replace(/[\uFFFD\uE000-\uF8FF]/g, GARBLED);
  const chars = Array.from(out);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== '?') continue;
    const prev = chars[i - 1];
    const next = chars[i + 1];
    const nearLost = prev === GARBLED || next === GARBLED;
    if (!nearLost) {
      if (!isHanLike(prev) || !isHanLike(next)) continue;
      // `是吗?我们…` is a question written with a half-width mark, not a lost character.
      let from = i;
      while (from > 0 && i - from < 60 && !/[，。！？；,.!;\n]/.test(chars[from - 1])) from--;
      const clause = chars.slice(from, i).join('');
      if (QUESTION_PARTICLE.test(clause) || QUESTION_WORD.test(clause)) continue;
    }
    chars[i] = GARBLED;
  }
  return chars.join('');
}

const FULL_WIDTH_MARK = /[，。：；？！、“”‘’（）《》【】…—「」『』]/;
const HALF_TO_FULL: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！' };
// A URL ends before a comma, a bracket or sentence punctuation that follows it.
const URL_MASK = '\u0003';
const URL = /(?:https?:\/\/|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+=%]*[A-Za-z0-9\-_~/#@$&'*+=%]/gi;

function isChineseSide(ch: string | undefined): boolean {
  return ch !== undefined && (isHanLike(ch) || FULL_WIDTH_MARK.test(ch));
}

function fullWidthLine(line: string, changes: Changes): string {
  // URLs are masked so that their `:` `?` `.` stay as they are.
  const urls: string[] = [];
  const masked = line.replace(URL, (m) => {
    urls.push(m);
    return URL_MASK;
  });
  const chars = Array.from(masked);
  const changed: number[] = [];
  const set = (i: number, to: string) => {
    chars[i] = to;
    changed.push(i);
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const prev = chars[i - 1];
    const next = chars[i + 1];
    if (c in HALF_TO_FULL) {
      if (isChineseSide(prev) || isChineseSide(next)) set(i, HALF_TO_FULL[c]);
    } else if (c === '.') {
      // A full stop after a Chinese sentence, not a decimal point or a file name.
      if (isHanLike(prev) && (next === undefined || /\s/.test(next) || isChineseSide(next) || next === '"')) set(i, '。');
    }
  }
  // Parentheses and straight quotes: by pairs, full-width when what they enclose is Chinese.
  const stack: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '(' || chars[i] === '（') stack.push(i);
    else if ((chars[i] === ')' || chars[i] === '）') && stack.length) {
      const open = stack.pop()!;
      const inner = chars.slice(open + 1, i);
      if (inner.some((ch) => isHanLike(ch))) {
        if (chars[open] === '(') set(open, '（');
        if (chars[i] === ')') set(i, '）');
      }
    }
  }
  const quotes = chars.map((c, i) => (c === '"' ? i : -1)).filter((i) => i >= 0);
  if (quotes.length % 2 === 0) {
    for (let q = 0; q < quotes.length; q += 2) {
      const [open, close] = [quotes[q], quotes[q + 1]];
      if (chars.slice(open + 1, close).some((ch) => isHanLike(ch))) {
        set(open, '“');
        set(close, '”');
      }
    }
  }
  if (changed.length) {
    const src = Array.from(masked);
    for (const i of changed.slice(0, 3)) {
      const from = Math.max(0, i - 1);
      const sample = `${src.slice(from, i + 2).join('')}→${chars.slice(from, i + 2).join('')}`;
      note(changes, 'punctuation', 0, sample.replaceAll(URL_MASK, '…'));
    }
    note(changes, 'punctuation', changed.length);
  }
  let u = 0;
  return chars.join('').replace(/\u0003/g, () => urls[u++]);
}

function excerptAround(s: string, at: number, len: number): string {
  const from = Math.max(0, at - 12);
  const to = Math.min(s.length, at + len + 12);
  return `${from > 0 ? '…' : ''}${s.slice(from, to)}${to < s.length ? '…' : ''}`;
}

/**
 * Cleans a text pasted (or imported) from a web page: HTML to text, site chrome, hidden-text markers,
 * pinyin annotations, Traditional script, half-width punctuation in Chinese and blank-line runs.
 * Body sentences are never dropped; what cannot be repaired (lost characters, hidden text) is warned about.
 */
export function cleanPastedText(input: string, opts: { format?: 'text' | 'html' } = {}): CleanResult {
  const changes: Changes = new Map();
  let text = input;
  if (opts.format === 'html' || (opts.format !== 'text' && looksLikeHtml(text))) {
    text = htmlToText(text);
    note(changes, 'html', 1);
  }
  text = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/\u00a0/g, ' ');

  // Annotations go before the punctuation step, or their parentheses would turn full-width first.
  text = removePinyin(text, changes);
  text = convertTraditional(text, changes);
  const hidden: number[] = [];
  text = markHidden(text, changes, hidden);
  text = removeChrome(text, changes);
  text = markGarbled(text);
  text = text
    .split('\n')
    .map((l) => fullWidthLine(l, changes))
    .join('\n');

  // Lines: trimmed (indentation included), one blank line at most between paragraphs.
  const warnings: CleanWarning[] = [];
  const out: string[] = [];
  let paragraph = 0;
  let blankRun = 0;
  let hiddenIdx = 0;
  for (const raw of text.split('\n')) {
    const markers = raw.split(HIDDEN).length - 1;
    const line = raw.replaceAll(HIDDEN, '').trim();
    if (line === '') {
      blankRun++;
    } else {
      if (blankRun > 1 || (blankRun > 0 && out.length === 0)) note(changes, 'blank_lines', 1);
      if (blankRun > 0 && out.length > 0) out.push('');
      blankRun = 0;
      paragraph++;
      const shown = line.replaceAll(GARBLED, '□');
      out.push(shown);
      const spots = [...line.matchAll(new RegExp(`${GARBLED}+`, 'g'))];
      if (spots.length) {
        warnings.push({
          kind: 'garbled',
          paragraph,
          excerpt: excerptAround(shown, spots[0].index ?? 0, spots[0][0].length),
          message: `第 ${paragraph} 段有 ${spots.length} 处乱码（□），请对照原文补正`,
        });
      }
    }
    for (let k = 0; k < markers; k++) {
      const n = hidden[hiddenIdx++];
      const at = Math.max(paragraph, 1);
      const para = out.filter((l) => l !== '')[at - 1] ?? '';
      warnings.push({
        kind: 'hidden',
        paragraph: at,
        excerpt: para.length > 24 ? `…${para.slice(-24)}` : para,
        message: `原文有 ${n} 字被网站隐藏，请补全`,
      });
    }
  }
  if (blankRun > 1) note(changes, 'blank_lines', 1);
  warnings.sort((a, b) => a.paragraph - b.paragraph);

  const order: CleanChangeKind[] = ['html', 'chrome', 'hidden_marker', 'pinyin', 'traditional', 'punctuation', 'blank_lines'];
  return {
    text: out.join('\n'),
    changes: order.filter((k) => (changes.get(k)?.count ?? 0) > 0).map((kind) => ({ kind, ...changes.get(kind)! })),
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// 查重: MinHash signatures with LSH banding, so that near-duplicates are found by an indexed lookup.

export const SIG_SIZE = 128;
export const BANDS = 32;
const ROWS = SIG_SIZE / BANDS;
const EMPTY = 0xffffffff;

// Fixed seeds (splitmix32 from a constant) so that signatures match across processes and releases.
const SEED_A = new Uint32Array(SIG_SIZE);
const SEED_B = new Uint32Array(SIG_SIZE);
{
  let s = 0x9e3779b9;
  const next = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  for (let k = 0; k < SIG_SIZE; k++) {
    SEED_A[k] = next() | 1;
    SEED_B[k] = next();
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function normalizeForCompare(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Consecutive word pairs; a text too short for pairs falls back to character bigrams. */
function shingles(text: string): Set<string> {
  const norm = normalizeForCompare(text);
  const out = new Set<string>();
  const words = segment(norm);
  if (words.length >= 4) {
    for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
    return out;
  }
  const chars = Array.from(norm);
  if (chars.length === 1) out.add(chars[0]);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

/** 128 minimums of seeded 32-bit hashes over the shingles; an empty text gives all 0xffffffff. */
export function minhashSignature(text: string): number[] {
  const mins = new Uint32Array(SIG_SIZE).fill(EMPTY);
  for (const sh of shingles(text)) {
    const h = fnv1a(sh);
    for (let k = 0; k < SIG_SIZE; k++) {
      let x = (h ^ SEED_B[k]) >>> 0;
      x = Math.imul(x ^ (x >>> 16), SEED_A[k]);
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
      x = (x ^ (x >>> 16)) >>> 0;
      if (x < mins[k]) mins[k] = x;
    }
  }
  return Array.from(mins);
}

/**
 * One key per band of four rows: band index × 2^32 + a 32-bit hash of the rows. Non-negative safe
 * integers (below 2^37), stored in a bigint column; two texts sharing any key are candidates.
 */
export function lshBandKeys(sig: number[]): number[] {
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) {
      h = Math.imul(h ^ (sig[b * ROWS + r] ?? EMPTY), 0x01000193);
      h ^= h >>> 15;
    }
    keys.push(b * 0x100000000 + (h >>> 0));
  }
  return keys;
}

/** Share of signature positions that agree: an estimate of the Jaccard similarity of the shingles. */
export function estimateSimilarity(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  if (n === 0) return 0;
  let same = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] === b[i]) same++;
  return same / n;
}

/** Jaccard similarity of the shingle sets, to confirm the candidates the bands found. */
export function exactSimilarity(a: string, b: string): number {
  const sa = shingles(a);
  const sb = shingles(b);
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const s of sa) if (sb.has(s)) inter++;
  return inter / (sa.size + sb.size - inter);
}

// ---------------------------------------------------------------------------------------------
// Word-level diff for the reviewer: what the submitter changed between two versions.

export type DiffPart = { op: 'equal' | 'insert' | 'delete'; text: string };

/** Diff by jieba words (every character kept); equal+delete parts rebuild `a`, equal+insert rebuild `b`. */
export function wordDiff(a: string, b: string): DiffPart[] {
  const parts: DiffPart[] = [];
  for (const c of diffArrays(tokensKeepingEverything(a), tokensKeepingEverything(b))) {
    const op: DiffPart['op'] = c.added ? 'insert' : c.removed ? 'delete' : 'equal';
    const text = c.value.join('');
    if (text === '') continue;
    const last = parts[parts.length - 1];
    if (last && last.op === op) last.text += text;
    else parts.push({ op, text });
  }
  return parts;
}
