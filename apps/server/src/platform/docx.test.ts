import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { docxToPdf, GBT9704, libreOfficeAvailable, officialDocument, type OfficialDocSpec } from './docx.ts';

const issueSpec: OfficialDocSpec = {
  masthead: '信息专报',
  issue: { number: '12', issuer: '中共青澜市委宣传部', date: '2026年11月25日' },
  blocks: [
    { kind: 'note', label: '编者按：', text: '本期刊发三个县区推进基层理论宣讲的做法，供各地学习借鉴。' },
    { kind: 'itemTitle', text: '临溪县“田埂课堂”让理论宣讲走进农家院落' },
    {
      kind: 'paragraph',
      text: '今年以来，临溪县组织乡村干部和返乡青年组成宣讲小队，利用农闲时节走进田间地头，用方言讲政策、用身边事讲道理，累计开展宣讲四百余场，听众一万二千余人次。',
    },
    { kind: 'source', text: '（临溪县委宣传部 报送）' },
    { kind: 'itemTitle', text: '青澜新区以“小切口”回应群众“大关切”' },
    {
      kind: 'paragraph',
      text: '青澜新区聚焦停车难、加装电梯等群众反映集中的问题，建立“议事厅”机制，每月召开一次居民议事会，由社区书记现场答复，办结率达百分之九十五。',
    },
    { kind: 'source', text: '（青澜新区党群工作部 报送）' },
    { kind: 'itemTitle', text: '南屏区建立网络文明志愿服务积分制度' },
    {
      kind: 'paragraph',
      text: '南屏区将志愿者参与网络文明传播的情况折算为积分，积分可兑换图书和文化活动门票，全区注册网络文明志愿者已超过三千人。',
    },
    { kind: 'source', text: '（南屏区委宣传部 报送）' },
  ],
  colophon: {
    lines: [
      { label: '报', text: '市委办公室，市委宣传部部务会成员' },
      { label: '送', text: '市直有关单位' },
      { label: '发', text: '各县区委宣传部' },
    ],
    printer: '中共青澜市委宣传部办公室',
    printDate: '2026年11月25日',
  },
};

const bulletinSpec: OfficialDocSpec = {
  masthead: '中共青澜市委宣传部文件',
  docNumber: '青宣〔2026〕12号',
  title: '关于2026年度信息报送工作情况的通报',
  addressee: '各县区委宣传部，市直各单位：',
  blocks: [
    { kind: 'heading', level: 1, text: '一、总体情况' },
    { kind: 'paragraph', text: '全年共收到各单位报送信息一千二百余条，采用三百余条，现将各单位得分情况通报如下。' },
    { kind: 'heading', level: 2, text: '（一）各单位得分' },
    {
      kind: 'table',
      headers: ['序号', '单位', '报送条数', '得分'],
      widths: [1, 4, 2, 2],
      rows: Array.from({ length: 40 }, (_, i) => [String(i + 1), `第${i + 1}报送单位`, String(40 - i), String(100 - i)]),
    },
    { kind: 'pageBreak' },
    { kind: 'paragraph', text: '希望各单位对照通报查找差距，进一步提高信息报送的时效和质量。' },
  ],
  signature: { issuer: '中共青澜市委宣传部', date: '2026年11月25日' },
};

async function parts(docx: Buffer) {
  const zip = await JSZip.loadAsync(docx);
  const read = async (name: string) => {
    const file = zip.file(name);
    if (!file) throw new Error(`${name} is missing from the DOCX`);
    return file.async('string');
  };
  const footerNames = Object.keys(zip.files).filter((n) => /^word\/footer\d*\.xml$/.test(n));
  return {
    document: await read('word/document.xml'),
    styles: await read('word/styles.xml'),
    footers: await Promise.all(footerNames.map(read)),
  };
}

/** The visible text of document.xml, in order */
const plainText = (xml: string) => [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');

describe('officialDocument', () => {
  it('lays out an information issue on the GB/T 9704 page', async () => {
    const { document, styles, footers } = await parts(await officialDocument(issueSpec));

    expect(document).toMatch(/<w:pgSz[^>]*w:w="11906"[^>]*w:h="16838"/);
    const margin = document.match(/<w:pgMar [^>]*\/>/)?.[0] ?? '';
    expect(margin).toContain('w:top="2098"');
    expect(margin).toContain('w:bottom="1984"');
    expect(margin).toContain('w:left="1587"');
    expect(margin).toContain('w:right="1474"');

    // body text defaults to 仿宋_GB2312 三号
    const defaults = styles.match(/<w:docDefaults>[\s\S]*?<\/w:docDefaults>/)?.[0] ?? '';
    expect(defaults).toMatch(/<w:rFonts [^>]*w:eastAsia="仿宋_GB2312"/);
    expect(defaults).toMatch(/<w:sz w:val="32"\/>/);
    expect(defaults).toMatch(/<w:lang [^>]*w:eastAsia="zh-CN"/);
    // 22 lines to the page: exact spacing that fits 22 times but not 23 in the 225 mm type area
    const typeHeight = 16838 - 2098 - 1984;
    const bodyPara = document.match(/<w:p>(?:(?!<\/w:p>)[\s\S])*?今年以来，临溪县/)?.[0] ?? '';
    const line = Number(bodyPara.match(/<w:spacing [^>]*w:line="(\d+)"[^>]*w:lineRule="exact"/)?.[1]);
    expect(Math.floor(typeHeight / line)).toBe(22);
    expect(bodyPara).toMatch(/<w:ind [^>]*w:firstLineChars="200"/);
    expect(bodyPara).toContain('<w:jc w:val="both"/>');
    // 28 characters to the line: each 16 pt character (320 twips) drawn with the default tracking fits 28 times in 156 mm
    const tracking = Number(defaults.match(/<w:spacing w:val="(-?\d+)"\/>/)?.[1] ?? 0);
    expect(Math.floor((11906 - 1587 - 1474) / (320 + tracking))).toBe(28);
    // and the body paragraphs name it themselves too
    const bodyRun = document.match(/<w:r>(?:(?!<\/w:r>)[\s\S])*?今年以来，临溪县/)?.[0] ?? '';
    expect(bodyRun).toContain('w:eastAsia="仿宋_GB2312"');
    expect(bodyRun).toContain('<w:sz w:val="32"/>');

    // the red 版头: every character of the masthead is red 方正小标宋简体
    const mastheadRuns = [...document.matchAll(/<w:r>(?:(?!<\/w:r>)[\s\S])*?<w:t[^>]*>([信息专报])<\/w:t><\/w:r>/g)];
    expect(mastheadRuns.map((m) => m[1]).join('')).toBe('信息专报');
    for (const m of mastheadRuns) {
      expect(m[0]).toContain('<w:color w:val="FF0000"/>');
      expect(m[0]).toContain('w:eastAsia="方正小标宋简体"');
    }

    const text = plainText(document);
    expect(text).toContain('第 12 期');
    expect(text).toContain('中共青澜市委宣传部编');
    // the red rule is under the 编印 line, before the first item
    const ruleAt = document.search(/<w:bottom w:val="single" w:color="FF0000" w:sz="18"/);
    expect(ruleAt).toBeGreaterThan(document.indexOf('第 12 期'));
    expect(ruleAt).toBeLessThan(document.indexOf('编者按'));

    // 页码 — N —, with the PAGE field, on odd and even pages
    expect(footers.length).toBeGreaterThanOrEqual(2);
    for (const footer of footers) {
      expect(footer).toContain('—');
      expect(footer).toMatch(/<w:instrText[^>]*>\s*PAGE\s*<\/w:instrText>/);
    }
    const alignments = footers.map((f) => f.match(/<w:jc w:val="(\w+)"/)?.[1]).sort();
    expect(alignments).toEqual(['left', 'right']);

    // 版记 after the body, 报 then 送 then 发, then the 印发 line
    const lastSource = text.indexOf('（南屏区委宣传部 报送）');
    const bao = text.indexOf('报：市委办公室');
    const song = text.indexOf('送：市直有关单位');
    const fa = text.indexOf('发：各县区委宣传部');
    expect(lastSource).toBeGreaterThan(0);
    expect(bao).toBeGreaterThan(lastSource);
    expect(song).toBeGreaterThan(bao);
    expect(fa).toBeGreaterThan(song);
    expect(text.indexOf('2026年11月25日印发')).toBeGreaterThan(fa);
    // floated to the foot of the page: four lines of 版记 end inside the type area, near its bottom
    const colophonTable = document.slice(document.lastIndexOf('<w:tbl>'));
    expect(plainText(colophonTable)).toMatch(/^报：/);
    const top = Number(colophonTable.match(/<w:tblpPr [^>]*w:tblpY="(\d+)"[^>]*w:vertAnchor="margin"/)?.[1]);
    expect(top + 4 * line).toBeLessThanOrEqual(typeHeight);
    expect(top + 4 * line).toBeGreaterThan(typeHeight - line);
  });

  it('lays out a bulletin with its 发文字号, a long table and the 落款', async () => {
    const { document } = await parts(await officialDocument(bulletinSpec));
    const text = plainText(document);

    expect(text).toContain('青宣〔2026〕12号');
    expect(text.indexOf('青宣〔2026〕12号')).toBeLessThan(text.indexOf('关于2026年度信息报送工作情况的通报'));

    const table = document.match(/<w:tbl>[\s\S]*?<\/w:tbl>/)?.[0] ?? '';
    expect(table.match(/<w:tr[ >]/g)?.length).toBe(41);
    // the header row repeats on every page, and only the header row
    expect(table.match(/<w:tblHeader\/>|<w:tblHeader w:val="(true|1|on)"\/>/g)?.length).toBe(1);
    const firstRow = table.match(/<w:tr[ >][\s\S]*?<\/w:tr>/)?.[0] ?? '';
    expect(firstRow).toContain('<w:tblHeader');
    expect(plainText(firstRow)).toBe('序号单位报送条数得分');
    expect(firstRow).toContain('w:eastAsia="黑体"');

    // 落款 and 成文日期 at the end, right-aligned
    const issuerAt = text.lastIndexOf('中共青澜市委宣传部');
    expect(issuerAt).toBeGreaterThan(text.indexOf('希望各单位'));
    expect(text.lastIndexOf('2026年11月25日')).toBeGreaterThan(issuerAt);
    expect(document).toMatch(/<w:jc w:val="right"\/>(?:(?!<w:p[ >])[\s\S])*2026年11月25日/);
  });

  it('builds a document with nothing but its masthead', async () => {
    const docx = await officialDocument({ masthead: '信息专报', blocks: [] });
    const { document } = await parts(docx);
    expect(plainText(document)).toBe('信息专报');
    expect(document).toContain('<w:sectPr');
  });

  it('exposes the page it lays out', () => {
    expect(GBT9704).toMatchObject({
      pageWidthTwip: 11906,
      pageHeightTwip: 16838,
      marginTopTwip: 2098,
      marginBottomTwip: 1984,
      marginLeftTwip: 1587,
      marginRightTwip: 1474,
      bodySizeHalfPoints: 32,
      red: 'FF0000',
    });
  });
});

describe('docxToPdf', () => {
  it.skipIf(!libreOfficeAvailable())('renders the bulletin to a PDF of several pages', async () => {
    const pdf = await docxToPdf(await officialDocument(bulletinSpec));
    expect(pdf).not.toBeNull();
    expect(pdf!.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf!.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
    // masthead, title, 40 table rows and a page break cannot fit on fewer than three pages
    expect(pages).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it.skipIf(libreOfficeAvailable())('answers null when LibreOffice is not installed', async () => {
    expect(await docxToPdf(await officialDocument(issueSpec))).toBeNull();
  });
});
