import { describe, expect, it } from 'vitest';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import {
  BANDS,
  SIG_SIZE,
  cleanPastedText,
  docxToText,
  estimateSimilarity,
  exactSimilarity,
  htmlToText,
  lshBandKeys,
  minhashSignature,
  segment,
  toSimplified,
  wordDiff,
} from './text.ts';

// A county news page copied from a browser, with every kind of mess such pages carry:
// Traditional script with pinyin after the characters, site chrome, a hidden-text marker,
// half-width punctuation, lost characters, blank-line runs and a list of other articles at the end.
const PAGE = [
  '頭部',
  '江城网>>新闻频道',
  '小字号',
  '某縣召開(kāi)2023年信息報(bào)送工作推進(jìn)會(huì)議',
  '',
  '來(lái)源:某縣融媒體中心 發(fā)布時(shí)間:2023-03-22 17:01:12 字體大小: 瀏覽次數(shù):-',
  '閱讀數 128',
  '',
  '',
  '',
  '  3月21日,縣委宣傳部召開(kāi)全縣信息報(bào)送工作推進(jìn)會(huì)議,通報(bào)一季度各單位信息采用情況。',
  '圖片',
  '  會(huì)議強（qiáng）調(diào),各單位要把信息報(bào)送作為日常工作來(lái)抓,每月至少報(bào)送3篇,全年採用率力爭(zhēng)提高3.5個(gè)百分點(diǎn).',
  '---此處隱藏520字,下載後查看---',
  '　　會(huì)議印發(fā)了《信息報(bào)送積分辦法(試行)》,稿件格式參照(GB/T 9704)執(zhí)行,詳情見(jiàn)https://www.example.gov.cn/info?id=7。',
  '  今年以來(lái),全縣共?yǒu)18個(gè)單位開(kāi)展了專(zhuān)題\ue0a1訓(xùn),學(xué)習(xí)強國(APP)積分人均提高。',
  '',
  '',
  '- THE END -',
  '分享让更多人看到',
  '返回顶部',
  '相关阅读',
  '- 03-20某鎮(zhèn)召開(kāi)黨建工作會(huì)議',
  '- 03-18某局開(kāi)展讀書(shū)分享活動(dòng)',
  'footer底部',
].join('\n');

// What the author wrote, in Simplified script with full-width punctuation, in page order.
const BODY = [
  '某县召开2023年信息报送工作推进会议',
  '来源：某县融媒体中心 发布时间：2023-03-22 17:01:12',
  '3月21日，县委宣传部召开全县信息报送工作推进会议，通报一季度各单位信息采用情况。',
  '会议强调，各单位要把信息报送作为日常工作来抓，每月至少报送3篇，全年采用率力争提高3.5个百分点。',
  '会议印发了《信息报送积分办法（试行）》，稿件格式参照(GB/T 9704)执行，详情见https://www.example.gov.cn/info?id=7。',
  '今年以来，全县共□18个单位开展了专题□训，学习强国(APP)积分人均提高。',
];

describe('cleanPastedText on a copied county news page', () => {
  const r = cleanPastedText(PAGE);

  it('keeps every body paragraph, in Simplified script and in order, and nothing else', () => {
    let at = -1;
    for (const p of BODY) {
      const i = r.text.indexOf(p);
      expect(i, p).toBeGreaterThan(at);
      at = i;
    }
    // Paragraph breaks follow the page: a removed chrome line between two paragraphs leaves a single newline.
    expect(r.text).toBe([BODY[0], BODY[1], `${BODY[2]}\n${BODY[3]}`, `${BODY[4]}\n${BODY[5]}`].join('\n\n'));
  });

  it('removes the pinyin after the characters, half-width and full-width parentheses alike', () => {
    expect(r.text).not.toMatch(/\(huì\)|（qiáng）|[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]/);
    const pinyin = r.changes.find((c) => c.kind === 'pinyin');
    expect(pinyin?.count).toBeGreaterThan(30);
    expect(pinyin?.samples[0]).toBe('開(kāi)2→開2');
  });

  it('converts Traditional to Simplified and says how many characters changed', () => {
    expect(r.text).toContain('会议');
    expect(r.text).not.toMatch(/會議|報送|縣/);
    const trad = r.changes.find((c) => c.kind === 'traditional');
    expect(trad?.count).toBeGreaterThan(40);
    expect(trad?.samples.length).toBe(3);
  });

  it('drops the site chrome lines and the font-size and view-count parts of the metadata line', () => {
    for (const chrome of ['头部', '>>', '新闻频道', '小字号', '字体', '浏览次数', '阅读数', '图片', 'THE END', '分享让更多人看到', '返回顶部', '相关阅读', '读书分享活动', 'footer', '底部']) {
      expect(r.text, chrome).not.toContain(chrome);
    }
    const chrome = r.changes.find((c) => c.kind === 'chrome');
    expect(chrome?.count).toBeGreaterThanOrEqual(12);
    expect(chrome?.samples).toContain('头部');
  });

  it('drops a bracketed font-size switch, on its own line or inside the metadata line, bracket and all', () => {
    const page = ['正文第一段。', '【字體：大 中 小】', '来源：某县融媒体中心  【字体：大 中 小】  浏览次数：12', '正文第二段。'].join('\n');
    expect(cleanPastedText(page).text).toBe('正文第一段。\n来源：某县融媒体中心\n正文第二段。');
  });

  it('drops a site footer (copyright, ICP filing, 主办单位) but keeps a sentence that mentions copyright', () => {
    const page = ['县里举办版权保护宣传周活动，向群众讲解著作权知识。', '版权所有 © 2026 某县融媒体中心', '某ICP备12345678号-1 公网安备 11010502000001号', '主办单位：某县融媒体中心'].join('\n');
    const out = cleanPastedText(page).text;
    expect(out).toBe('县里举办版权保护宣传周活动，向群众讲解著作权知识。');
  });

  it('removes the hidden-text marker and warns that 520 characters are missing after paragraph 4', () => {
    expect(r.text).not.toMatch(/隐藏|下载后查看|---/);
    expect(r.changes.find((c) => c.kind === 'hidden_marker')).toMatchObject({ count: 1, samples: ['---此处隐藏520字,下载后查看---'] });
    expect(r.warnings).toContainEqual(expect.objectContaining({ kind: 'hidden', paragraph: 4, message: '原文有 520 字被网站隐藏，请补全' }));
  });

  it('makes punctuation between Chinese full-width and leaves times, decimals, dates, standards and URLs alone', () => {
    expect(r.text).toContain('3月21日，县委');
    expect(r.text).toContain('会议强调，各单位');
    expect(r.text).toContain('百分点。');
    expect(r.text).toContain('来源：某县');
    expect(r.text).toContain('2023-03-22 17:01:12');
    expect(r.text).toContain('3.5个');
    expect(r.text).toContain('https://www.example.gov.cn/info?id=7。');
    expect(r.text).toContain('（试行）');
    expect(r.text).toContain('(GB/T 9704)');
    expect(r.text).toContain('强国(APP)');
    expect(r.text).not.toMatch(/\p{Script=Han}[,:;!]|[,:;!]\p{Script=Han}/u);
    expect(r.changes.find((c) => c.kind === 'punctuation')?.count).toBeGreaterThan(10);
  });

  it('marks the lost characters with □ and names their paragraph', () => {
    expect(r.text).toContain('全县共□18个单位开展了专题□训');
    expect(r.text).not.toMatch(/[\ue000-\uf8ff]|yǒu|\p{Script=Han}\?/u);
    const garbled = r.warnings.filter((w) => w.kind === 'garbled');
    expect(garbled).toEqual([
      expect.objectContaining({ paragraph: 6, message: '第 6 段有 2 处乱码（□），请对照原文补正' }),
    ]);
    expect(garbled[0].excerpt).toContain('共□18');
  });

  it('trims indentation and collapses blank-line runs, with no blank line at either end', () => {
    expect(r.text).not.toMatch(/\n{3,}|^\s|\s$/);
    expect(r.text).not.toMatch(/^[ \t\u3000]/m);
    expect(r.changes.find((c) => c.kind === 'blank_lines')?.count).toBeGreaterThanOrEqual(2);
  });
});

describe('cleanPastedText, case by case', () => {
  it('leaves a clean Simplified text exactly as it is and reports no change', () => {
    const clean = '县委宣传部召开会议，部署全年工作。\n\n会议要求：各单位于6月30日前报送材料（附件1）。';
    expect(cleanPastedText(clean)).toEqual({ text: clean, changes: [], warnings: [] });
  });

  it('removes only parenthesised pinyin that follows a Han character', () => {
    const cases: [string, string][] = [
      ['會(huì)議', '会议'],
      ['要開（kāi）展', '要开展'],
      ['城市(chéng shì)建設', '城市建设'],
      ['辦法（試行）', '办法（试行）'],
      ['方案(2023)', '方案(2023)'],
      ['應用(APP)', '应用(APP)'],
      ['Shanghai (Beijing)', 'Shanghai (Beijing)'],
      ['标准(GB/T 9704)', '标准(GB/T 9704)'],
    ];
    for (const [input, want] of cases) expect(cleanPastedText(input).text, input).toBe(want);
  });

  it('keeps a question mark in English and turns one after a Chinese question full-width', () => {
    expect(cleanPastedText('Is it done? Yes.').text).toBe('Is it done? Yes.');
    expect(cleanPastedText('材料是否已报送?请核实').text).toBe('材料是否已报送？请核实');
    expect(cleanPastedText('宣传?部').text).toBe('宣传□部');
  });

  it('drops a trailing list of other articles only when what follows the marker is titles', () => {
    const list = cleanPastedText('正文第一段。\n上一篇：某局召开会议\n最新推荐\n- 某县开展宣讲活动\n- 某镇举办读书会');
    expect(list.text).toBe('正文第一段。');
    const body = '正文第一段。\n相关阅读材料已经印发。\n会议要求各单位认真学习。';
    expect(cleanPastedText(body).text).toBe(body);
  });

  it('drops the title a template site repeats with its category glued on, and no heading further down', () => {
    expect(cleanPastedText('县委宣传部年度工作总结范文总结\n县委宣传部年度工作总结范文\n正文。').text).toBe('县委宣传部年度工作总结范文\n正文。');
    const headings = '正文。\n一、加强学习\n一、加强学习教育\n正文。';
    expect(cleanPastedText(headings).text).toBe(headings);
  });

  it('turns HTML into paragraphs without link targets, images or navigation', () => {
    const html = `<html><head><style>p { color: red }</style></head><body>
      <div class="crumbs"><a href="/">首页</a> &gt; <a href="/news">工作动态</a></div>
      <h1>县委宣传部召开读书分享会</h1>
      <p>　　6月3日,县委宣传部组织干部开展读书分享.</p>
      <p><img src="photo.jpg" alt="现场图片"></p>
      <p>大家围绕<a href="https://example.cn/book">《乡土中国》</a>交流心得。</p>
      <p>返回顶部</p>
    </body></html>`;
    const r = cleanPastedText(html);
    expect(r.text).toBe('县委宣传部召开读书分享会\n\n6月3日，县委宣传部组织干部开展读书分享。\n\n大家围绕《乡土中国》交流心得。');
    expect(r.changes.map((c) => c.kind)).toContain('html');
    expect(htmlToText('<p>一</p><p>二 <a href="http://a.cn">链接</a></p>')).toBe('一\n\n二 链接');
  });

  it('reads the paragraphs of a Word document in order', async () => {
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph({ children: [new TextRun('关于报送二季度宣传信息的通知')] }),
            new Paragraph({ children: [new TextRun('各乡镇宣传委员：'), new TextRun({ text: '请于7月5日前报送。', bold: true })] }),
          ],
        },
      ],
    });
    const text = await docxToText(await Packer.toBuffer(doc));
    expect(text).toMatch(/^关于报送二季度宣传信息的通知\n+各乡镇宣传委员：请于7月5日前报送。\s*$/);
    expect(cleanPastedText(text).text).toBe('关于报送二季度宣传信息的通知\n\n各乡镇宣传委员：请于7月5日前报送。');
  });
});

describe('toSimplified and segment', () => {
  it('converts characters to Mainland Simplified and leaves Simplified text alone', () => {
    expect(toSimplified('會議發布瀏覽檢查黨縣')).toBe('会议发布浏览检查党县');
    expect(toSimplified('干部著名后来里面')).toBe('干部著名后来里面');
  });

  it('cuts Chinese into words and drops punctuation and spaces', () => {
    const words = segment('县委宣传部召开会议， 部署工作。');
    expect(words).toContain('召开');
    expect(words).toContain('会议');
    expect(words.join('')).toBe('县委宣传部召开会议部署工作');
  });
});

// Two meeting reports of propaganda departments, written for these tests, and an edit of the first.
const REPORT = '4月12日上午，县委宣传部召开理论学习中心组专题学习会，围绕做好新形势下基层宣传工作开展集中研讨。会上，部机关各股室负责人结合分管工作逐一发言，交流一季度理论宣讲、新闻报道和文明创建工作的进展，分析存在的短板和不足。会议指出，今年以来全县宣讲队伍深入村组、社区和企业开展宣讲一百二十余场，在省市主流媒体刊发稿件四十六篇，各项工作总体推进有序。会议要求，要进一步压实各单位信息报送责任，建立每周调度、每月通报、每季排名的工作机制，把信息采用情况纳入年度目标考核。要加强通讯员队伍建设，分批组织业务培训，提高稿件的时效性和可读性。要围绕乡村振兴、营商环境等中心工作策划主题报道，讲好本地发展故事。部领导班子成员和各股室全体干部参加会议。';
const REPORT_EDITED = REPORT.replace('上午', '下午')
  .replace('一百二十余场', '一百三十余场')
  .replace('分批组织业务培训', '分期举办业务培训')
  .replace('讲好本地发展故事。', '讲好本地发展故事。会后，各股室将研讨意见整理成册报部务会审定。');
const OTHER_REPORT = '9月5日，市委宣传部举办全市网络文明志愿者骨干培训班，来自各县区和市直单位的八十余名志愿者参加培训。培训班邀请高校教师围绕网络舆情的发现与处置、短视频内容创作技巧等内容进行专题授课，并组织学员到市融媒体中心现场观摩新闻生产流程。培训期间，学员分组开展模拟演练，针对网络谣言辨别、正面声音传播等情景提出应对办法。市委宣传部有关负责同志在结业式上表示，各地要用好这支志愿者队伍，常态化开展清朗网络空间行动，引导广大网民文明上网、理性表达。下一步，市委宣传部将建立志愿者积分激励制度，定期评选优秀网络文明志愿者。';

describe('查重 signatures', () => {
  const sigReport = minhashSignature(REPORT);
  const sigEdited = minhashSignature(REPORT_EDITED);
  const sigOther = minhashSignature(OTHER_REPORT);

  it('are 128 unsigned 32-bit minimums, the same on every call, all 0xffffffff for an empty text', () => {
    expect(sigReport).toHaveLength(SIG_SIZE);
    expect(sigReport.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)).toBe(true);
    expect(minhashSignature(REPORT)).toEqual(sigReport);
    expect(minhashSignature('')).toEqual(new Array(SIG_SIZE).fill(0xffffffff));
    expect(minhashSignature('，。 ')).toEqual(new Array(SIG_SIZE).fill(0xffffffff));
  });

  it('ignore script, punctuation and spacing: the Traditional copy has the same signature', () => {
    const traditionalCopy = '縣委宣傳部召開理論學習中心組專題學習會, 圍繞做好新形勢下基層宣傳工作開展集中研討.';
    expect(minhashSignature(traditionalCopy)).toEqual(minhashSignature('县委宣传部召开理论学习中心组专题学习会，围绕做好新形势下基层宣传工作开展集中研讨。'));
  });

  it('find a resubmission with a few words changed and a sentence added (measured ≈0.8, asserted ≥ 0.6)', () => {
    expect(exactSimilarity(REPORT, REPORT_EDITED)).toBeGreaterThanOrEqual(0.6);
    expect(estimateSimilarity(sigReport, sigEdited)).toBeGreaterThanOrEqual(0.6);
    const shared = lshBandKeys(sigReport).filter((k) => lshBandKeys(sigEdited).includes(k));
    expect(shared.length).toBeGreaterThan(0);
  });

  it('keep two different reports on the same work apart (measured < 0.05, asserted < 0.3) with no shared band', () => {
    expect(exactSimilarity(REPORT, OTHER_REPORT)).toBeLessThan(0.3);
    expect(estimateSimilarity(sigReport, sigOther)).toBeLessThan(0.3);
    const shared = lshBandKeys(sigReport).filter((k) => lshBandKeys(sigOther).includes(k));
    expect(shared).toEqual([]);
  });

  it('estimate the Jaccard similarity of a text that keeps half of another (measured 0.37 exact, 0.41 estimated)', () => {
    const half = REPORT.slice(0, REPORT.indexOf('会议要求')) + OTHER_REPORT.slice(OTHER_REPORT.indexOf('培训期间'));
    const exact = exactSimilarity(REPORT, half);
    expect(exact).toBeGreaterThan(0.25);
    expect(exact).toBeLessThan(0.5);
    expect(Math.abs(estimateSimilarity(sigReport, minhashSignature(half)) - exact)).toBeLessThan(0.15);
  });

  it('give one non-negative safe-integer key per band with the band index in the high bits', () => {
    const keys = lshBandKeys(sigReport);
    expect(keys).toHaveLength(BANDS);
    keys.forEach((k, band) => {
      expect(Number.isSafeInteger(k) && k >= 0).toBe(true);
      expect(Math.floor(k / 2 ** 32)).toBe(band);
    });
    expect(new Set(keys.map((k) => k % 2 ** 32)).size).toBeGreaterThan(BANDS - 2);
  });

  it('compare a short text by character pairs', () => {
    expect(exactSimilarity('宣传工作', '宣传工作')).toBe(1);
    expect(exactSimilarity('宣传工作', '组织工作')).toBeGreaterThan(0);
    expect(exactSimilarity('宣传工作', '组织工作')).toBeLessThan(1);
    expect(estimateSimilarity(minhashSignature('宣传工作'), minhashSignature('宣传工作'))).toBe(1);
  });
});

describe('wordDiff', () => {
  const a = '县委宣传部召开学习会。\n会议要求加强信息报送。';
  const b = '县委宣传部举行学习会。\n会议要求切实加强信息报送工作。';
  const parts = wordDiff(a, b);

  it('rebuilds both texts: equal+delete gives the old, equal+insert gives the new', () => {
    expect(parts.filter((p) => p.op !== 'insert').map((p) => p.text).join('')).toBe(a);
    expect(parts.filter((p) => p.op !== 'delete').map((p) => p.text).join('')).toBe(b);
  });

  it('changes whole words, merges neighbours of the same kind and keeps the newline as text', () => {
    expect(parts).toContainEqual({ op: 'delete', text: '召开' });
    expect(parts).toContainEqual({ op: 'insert', text: '举行' });
    expect(parts.filter((p) => p.op === 'insert').map((p) => p.text)).toEqual(['举行', expect.stringContaining('切实'), '工作']);
    for (let i = 1; i < parts.length; i++) expect(parts[i].op === parts[i - 1].op).toBe(false);
    expect(parts.some((p) => p.op === 'equal' && p.text.includes('\n'))).toBe(true);
  });

  it('is all equal for the same text and all insert from nothing', () => {
    expect(wordDiff(a, a)).toEqual([{ op: 'equal', text: a }]);
    expect(wordDiff('', b)).toEqual([{ op: 'insert', text: b }]);
  });
});
