/**
 * Text of reflections: the Chinese word count, the rich-text sanitiser and the near-duplicate check (查重).
 * Pure functions, no database.
 */

const CJK_CLASS = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}]';
const WORD_CHAR = `(?:(?!${CJK_CLASS})[\\p{L}\\p{N}])`;
/** one CJK character, or one run of other letters and digits (joined by an inner apostrophe, dot or hyphen) */
const TOKEN = new RegExp(`${CJK_CLASS}|${WORD_CHAR}+(?:['’.\\-]${WORD_CHAR}+)*`, 'gu');

/**
 * 字数 as Chinese offices count it (and as WPS/Word show it): every Chinese character counts 1, a run of Latin
 * letters or digits counts 1 as a word ("2026", "COVID-19"), whitespace and punctuation count nothing.
 */
export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(TOKEN)) n++;
  return n;
}

/** Tags a reflection may keep; each is re-emitted bare, without any attribute. */
const ALLOWED = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'sub', 'sup', 'hr']);
const VOID = new Set(['br', 'hr']);
/** Elements dropped with everything inside them. */
const DROP = new Set(['script', 'style', 'iframe', 'object', 'embed', 'noscript', 'template', 'textarea', 'select', 'svg', 'math', 'head', 'title', 'frameset', 'frame', 'applet', 'xmp', 'noembed', 'noframes']);
const BLOCK = new Set(['p', 'br', 'h2', 'h3', 'h4', 'li', 'blockquote', 'hr', 'div', 'h1', 'h5', 'h6', 'tr', 'ul', 'ol']);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', mdash: '—', hellip: '…', middot: '·' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>|<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\?[^>]*>/g;

/**
 * Rich text as the editor sends it, rebuilt from scratch: text is always escaped, and only the allowed tags are
 * written again, bare. Scripts, styles and frames are dropped with their content, every other tag is unwrapped,
 * every attribute (on*, style, href, src) is gone, and unclosed tags are closed. Returns the safe HTML and its plain text.
 */
export function sanitizeRichText(input: string): { html: string; text: string } {
  let html = '';
  let text = '';
  const open: string[] = [];
  let last = 0;
  let dropUntil: string | null = null;
  const addText = (raw: string) => {
    if (!raw) return;
    const t = decodeEntities(raw);
    html += escapeHtml(t);
    text += t;
  };
  TAG.lastIndex = 0;
  for (let m = TAG.exec(input); m; m = TAG.exec(input)) {
    const between = input.slice(last, m.index);
    last = TAG.lastIndex;
    if (dropUntil) {
      if (m[2] && m[1] === '/' && m[2].toLowerCase() === dropUntil) dropUntil = null;
      continue;
    }
    addText(between);
    if (!m[2]) continue; // comment, doctype, processing instruction
    const name = m[2].toLowerCase();
    const closing = m[1] === '/';
    if (DROP.has(name)) {
      if (!closing) dropUntil = name;
      continue;
    }
    if (BLOCK.has(name) && text && !text.endsWith('\n')) text += '\n';
    if (!ALLOWED.has(name)) continue;
    if (VOID.has(name)) {
      if (!closing) html += `<${name}>`;
      continue;
    }
    if (!closing) {
      html += `<${name}>`;
      open.push(name);
    } else {
      const at = open.lastIndexOf(name);
      if (at < 0) continue;
      while (open.length > at) html += `</${open.pop()}>`;
    }
  }
  if (!dropUntil) addText(input.slice(last));
  while (open.length) html += `</${open.pop()}>`;
  return { html, text: text.replace(/\u00a0/g, ' ').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim() };
}

// ---- 查重 ----

/** The text reduced to what carries meaning: letters, digits and CJK, lower-cased, in order. */
export function normaliseForCompare(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

export function bigrams(text: string): Set<string> {
  const chars = [...normaliseForCompare(text)];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

/** Texts shorter than this many distinct bigrams are too short to call a copy. */
export const MIN_BIGRAMS = 20;
export const FLAG_AT = 0.8;

/**
 * How much of the shorter text the longer one contains, by character bigrams (containment): 1 for a text pasted
 * whole into another, whether or not more was written around it. Never more than 1; 0 for texts too short to judge.
 */
export function similarity(a: Set<string>, b: Set<string>): number {
  const small = a.size <= b.size ? a : b;
  const large = small === a ? b : a;
  if (small.size < MIN_BIGRAMS) return 0;
  let shared = 0;
  for (const g of small) if (large.has(g)) shared++;
  return shared / small.size;
}

const SAMPLE_MOD = 4;
const MAX_FINGERPRINT = 2000;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * Sampled hashes of the character 4-grams: a hash is kept when it is 0 modulo 4, so two texts sharing a passage of
 * a few dozen characters share some of them with near certainty. Stored in an integer[] with a GIN index, the
 * array-overlap operator picks the candidates for the exact comparison without any extension.
 */
export function fingerprint(text: string): number[] {
  const chars = [...normaliseForCompare(text)];
  const out = new Set<number>();
  for (let i = 0; i + 4 <= chars.length; i++) {
    const h = fnv1a(chars.slice(i, i + 4).join(''));
    if ((h & (SAMPLE_MOD - 1)) === 0) out.add(h);
  }
  return [...out].sort((x, y) => x - y).slice(0, MAX_FINGERPRINT);
}
