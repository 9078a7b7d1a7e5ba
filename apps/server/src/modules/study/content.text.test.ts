import { describe, expect, it } from 'vitest';
import { bigrams, countWords, fingerprint, sanitizeRichText, similarity } from './content.text.ts';

describe('字数 counted the Chinese way', () => {
  it.each([
    ['学习贯彻 new ideas 2026，好！', 8],
    ['', 0],
    ['   ，。！？、；：“”（）', 0],
    ['学习强国', 4],
    ['2026年3月', 4],
    ['COVID-19 防控', 3],
    ["don't stop", 2],
    ['全角数字２０２６', 5],
    ['第 1.5 版', 3],
    ['Ａ股', 2],
  ])('%s → %i', (text, n) => {
    expect(countWords(text)).toBe(n);
  });
});

describe('rich text is rebuilt with safe tags only', () => {
  it('drops scripts with their content, every attribute, and unknown tags', () => {
    const { html, text } = sanitizeRichText(
      '<p style="color:red" onclick="x()">学习<strong>贯彻</strong><script>alert("x")</script></p><img src=x onerror=alert(1)><a href="javascript:alert(1)">链接</a><iframe src="//evil"></iframe>',
    );
    expect(html).toBe('<p>学习<strong>贯彻</strong></p>链接');
    expect(html).not.toMatch(/script|onerror|onclick|javascript|iframe|style/);
    expect(text).toBe('学习贯彻\n链接');
  });

  it('escapes text, closes open tags, ignores stray closers and comments', () => {
    const { html } = sanitizeRichText('<ul><li>一 &lt;b&gt; &amp; 二<li>三</ul></em><!-- 注释 --><p>四 < 五');
    expect(html).toBe('<ul><li>一 &lt;b&gt; &amp; 二<li>三</li></li></ul><p>四 &lt; 五</p>');
  });

  it('does not let a quoted > inside an attribute smuggle markup', () => {
    const { html } = sanitizeRichText('<p title="a>b" onmouseover="alert(1)">正文</p><SCRIPT>x</SCRIPT ><ScRiPt src=1>');
    expect(html).toBe('<p>正文</p>');
  });
});

describe('查重 similarity', () => {
  const base = '深入学习贯彻党的二十大精神，坚持用党的创新理论凝心铸魂，推动理论学习走深走实，不断提高政治判断力、政治领悟力、政治执行力。';
  it('finds the same text pasted inside a longer one, and not an unrelated one', () => {
    expect(similarity(bigrams(base), bigrams(`我的体会：${base}今后要继续努力。`))).toBe(1);
    expect(similarity(bigrams(base), bigrams('今天组织全体干部职工观看了红色电影，大家深受教育，纷纷表示要把革命传统发扬光大，在岗位上建功立业。'))).toBeLessThan(0.3);
  });
  it('judges no short text a copy', () => {
    expect(similarity(bigrams('学习贯彻'), bigrams('学习贯彻'))).toBe(0);
  });
  it('fingerprints share hashes when the texts share a passage', () => {
    const a = new Set(fingerprint(base));
    expect(a.size).toBeGreaterThan(0);
    expect(fingerprint(`前言。${base}`).some((h) => a.has(h))).toBe(true);
  });
});
