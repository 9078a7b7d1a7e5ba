/**
 * Official documents (党政机关公文) in the layout of GB/T 9704-2012: the numbered publications of the information
 * module (信息专报 第 N 期) and documents with a 发文字号 (通报 青宣〔2026〕12号).
 *
 * The DOCX names the official fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体) so that Word on an official's
 * machine draws them; where a PDF is rendered here, fonts.conf aliases them to Noto CJK SC.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  RelativeHorizontalPosition,
  Table,
  TableAnchorType,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IBorderOptions,
  type IParagraphOptions,
  type IRunOptions,
} from 'docx';

export type OfficialDocSpec = {
  /** red 版头 (发文机关标志 or publication name), e.g. '信息专报' or '中共青澜市委宣传部文件' */
  masthead: string;
  /** a publication issue: '第 12 期' under the masthead, then '<issuer>编 … <date>' above the red rule */
  issue?: { number: string; issuer: string; date: string };
  /** 发文字号, centred under the masthead above the red rule, e.g. '青宣〔2026〕12号' */
  docNumber?: string;
  /** 标题: 方正小标宋简体 二号, centred */
  title?: string;
  /** 主送机关, e.g. '各县区委宣传部，市直各单位：' */
  addressee?: string;
  blocks: OfficialBlock[];
  /** 落款 (发文机关署名) and 成文日期, right side, after the body */
  signature?: { issuer: string; date: string };
  /** 版记: 报/送/发 lines and the 印发 line */
  colophon?: { lines: { label: string; text: string }[]; printer?: string; printDate?: string };
};

export type OfficialBlock =
  | { kind: 'heading'; text: string; level: 1 | 2 }
  | { kind: 'itemTitle'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'note'; label?: string; text: string }
  | { kind: 'source'; text: string }
  | { kind: 'table'; headers: string[]; rows: string[][]; widths?: number[] }
  | { kind: 'pageBreak' };

const mmToTwip = (mm: number) => Math.round((mm / 25.4) * 1440);

export const GBT9704 = {
  pageWidthTwip: 11906,
  pageHeightTwip: 16838,
  marginTopTwip: mmToTwip(37),
  marginBottomTwip: mmToTwip(35),
  marginLeftTwip: mmToTwip(28),
  marginRightTwip: mmToTwip(26),
  bodyFont: '仿宋_GB2312',
  /** 三号 = 16 pt */
  bodySizeHalfPoints: 32,
  red: 'FF0000',
} as const;

const FONT = {
  fangsong: '仿宋_GB2312',
  xiaobiaosong: '方正小标宋简体',
  heiti: '黑体',
  kaiti: '楷体_GB2312',
  songti: '宋体',
} as const;

/** 字号 in half-points */
const SIZE = { chuhao: 84, erhao: 44, sanhao: 32, sihao: 28 } as const;

const TEXT_WIDTH = GBT9704.pageWidthTwip - GBT9704.marginLeftTwip - GBT9704.marginRightTwip;
const TEXT_HEIGHT = GBT9704.pageHeightTwip - GBT9704.marginTopTwip - GBT9704.marginBottomTwip;
const LINES_PER_PAGE = 22;
const CHARS_PER_LINE = 28;
/** 22 lines fill the type area exactly: 12756 / 22 → 579 twips (28.95 pt) */
const LINE = Math.floor(TEXT_HEIGHT / LINES_PER_PAGE);
/**
 * Sixteen-point characters are 320 twips wide and the line is 8845: each is drawn 0.25 pt closer so that 28 fit.
 * Run tracking rather than Word's character grid, because LibreOffice lays the grid out differently (18 to a line).
 */
const BODY_TRACKING = Math.floor(TEXT_WIDTH / CHARS_PER_LINE) - GBT9704.bodySizeHalfPoints * 10;
/** one 三号 character, in twips */
const EM = GBT9704.bodySizeHalfPoints * 10;

/** Latin letters and digits stay in Times New Roman; the East Asian font is the one the standard names */
const font = (eastAsia: string, latin = 'Times New Roman') => ({ ascii: latin, hAnsi: latin, cs: latin, eastAsia });

const exact = (line: number, extra: { before?: number; after?: number } = {}) => ({
  line,
  lineRule: LineRuleType.EXACT,
  before: extra.before ?? 0,
  after: extra.after ?? 0,
});

const redRule: IBorderOptions = { style: BorderStyle.SINGLE, size: 18, color: GBT9704.red, space: 8 };

/** Width in 三号 characters: full-width characters count one, half-width ones half */
function textWidthInChars(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.charCodeAt(0) < 0x2e80 && ch.charCodeAt(0) !== 0x2014 ? 0.5 : 1;
  return width;
}

function run(text: string, eastAsia: string, size: number, more: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, font: font(eastAsia), size, ...more });
}

function masthead(spec: OfficialDocSpec): Paragraph {
  const chars = [...spec.masthead];
  const width = Math.max(textWidthInChars(spec.masthead), 1);
  // 发文机关标志 as large as fits one line, at most 初号; a short publication name is letter-spaced to look balanced
  const maxPt = Math.floor((TEXT_WIDTH / 20 - 8) / width);
  const sizePt = Math.min(SIZE.chuhao / 2, maxPt);
  const spare = TEXT_WIDTH / 20 - sizePt * width;
  const gapPt = chars.length > 1 && chars.length <= 6 ? Math.min(sizePt * 0.5, spare / (chars.length - 1)) : 0;
  const runs = chars.map((ch, i) =>
    run(ch, FONT.xiaobiaosong, sizePt * 2, {
      color: GBT9704.red,
      characterSpacing: i < chars.length - 1 ? Math.floor(gapPt * 20) : 0,
      font: font(FONT.xiaobiaosong, FONT.xiaobiaosong),
    }),
  );
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    // a document's 发文机关标志 sits 35 mm below the top of the type area; a publication's name starts at the top
    spacing: { before: spec.docNumber && !spec.issue ? mmToTwip(35) : 0, after: 0 },
    children: runs,
  });
}

function versionHead(spec: OfficialDocSpec): Paragraph[] {
  const out: Paragraph[] = [masthead(spec)];
  const body = (text: string) => run(text, FONT.fangsong, SIZE.sanhao);
  if (spec.issue) {
    const { number, issuer, date } = spec.issue;
    const issueLine = number.includes('期') ? number : `第 ${number} 期`;
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exact(LINE, { before: LINE / 2 }),
        children: [body(issueLine)],
      }),
    );
    out.push(
      new Paragraph({
        spacing: exact(LINE, { before: LINE / 2 }),
        tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
        border: { bottom: redRule },
        children: [body(/[编印]$/.test(issuer) ? issuer : `${issuer}编`), new TextRun({ text: '\t' }), body(date)],
      }),
    );
  }
  if (spec.docNumber) {
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exact(LINE, { before: LINE * 2 }),
        // the red rule runs 4 mm below the 发文字号
        border: { bottom: { ...redRule, space: 11 } },
        children: [body(spec.docNumber)],
      }),
    );
  }
  if (!spec.issue && !spec.docNumber) {
    out.push(new Paragraph({ spacing: exact(LINE), border: { bottom: redRule }, children: [] }));
  }
  return out;
}

function bodyParagraph(children: TextRun[], more: Partial<IParagraphOptions> = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.BOTH,
    indent: { firstLineChars: 200, firstLine: EM * 2 },
    spacing: exact(LINE),
    children,
    ...more,
  });
}

function table(block: Extract<OfficialBlock, { kind: 'table' }>, pageBreakBefore: boolean): (Paragraph | Table)[] {
  const columns = Math.max(block.headers.length, ...block.rows.map((r) => r.length), 1);
  const weights = Array.from({ length: columns }, (_, i) => Math.max(block.widths?.[i] ?? 1, 0.01));
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.floor((w / total) * TEXT_WIDTH));
  const cellLine = 440;
  const cell = (text: string, header: boolean, width: number) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { left: 80, right: 80, top: 40, bottom: 40 },
      children: text.split('\n').map(
        (line) =>
          new Paragraph({
            alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT,
            spacing: exact(cellLine),
            children: [run(line, header ? FONT.heiti : FONT.fangsong, SIZE.sihao)],
          }),
      ),
    });
  const line: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  const out: (Paragraph | Table)[] = [];
  if (pageBreakBefore) out.push(new Paragraph({ children: [new PageBreak()] }));
  out.push(
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      alignment: AlignmentType.CENTER,
      borders: { top: line, bottom: line, left: line, right: line, insideHorizontal: line, insideVertical: line },
      rows: [
        new TableRow({
          tableHeader: true,
          cantSplit: true,
          children: widths.map((w, i) => cell(block.headers[i] ?? '', true, w)),
        }),
        ...block.rows.map(
          (row) =>
            new TableRow({ cantSplit: true, children: widths.map((w, i) => cell(row[i] ?? '', false, w)) }),
        ),
      ],
    }),
  );
  return out;
}

function blocks(list: OfficialBlock[]): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  let breakPending = false;
  for (const block of list) {
    if (block.kind === 'pageBreak') {
      breakPending = true;
      continue;
    }
    const pageBreakBefore = breakPending;
    breakPending = false;
    switch (block.kind) {
      case 'heading':
        out.push(
          bodyParagraph([run(block.text, block.level === 1 ? FONT.heiti : FONT.kaiti, SIZE.sanhao)], {
            alignment: AlignmentType.LEFT,
            keepNext: true,
            pageBreakBefore,
          }),
        );
        break;
      case 'itemTitle':
        out.push(
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: exact(LINE + 140, { before: LINE, after: LINE / 2 }),
            keepNext: true,
            pageBreakBefore,
            children: [run(block.text, FONT.xiaobiaosong, SIZE.erhao)],
          }),
        );
        break;
      case 'paragraph':
        out.push(bodyParagraph([run(block.text, FONT.fangsong, SIZE.sanhao)], { pageBreakBefore }));
        break;
      case 'note':
        out.push(
          bodyParagraph(
            [
              ...(block.label ? [run(block.label, FONT.kaiti, SIZE.sanhao, { bold: true })] : []),
              run(block.text, FONT.kaiti, SIZE.sanhao),
            ],
            { pageBreakBefore },
          ),
        );
        break;
      case 'source':
        out.push(
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            spacing: exact(LINE),
            pageBreakBefore,
            children: [run(block.text, FONT.kaiti, SIZE.sanhao)],
          }),
        );
        break;
      case 'table':
        out.push(...table(block, pageBreakBefore));
        break;
    }
  }
  if (breakPending) out.push(new Paragraph({ children: [new PageBreak()] }));
  return out;
}

/** 发文机关署名 centred over the 成文日期, which stands four characters from the right edge */
function signature(sig: { issuer: string; date: string }): Paragraph[] {
  const dateRight = 4;
  const issuerRight = Math.max(0, dateRight + (textWidthInChars(sig.date) - textWidthInChars(sig.issuer)) / 2);
  return [
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: exact(LINE, { before: LINE * 2 }),
      indent: { right: Math.round(issuerRight * EM) },
      keepNext: true,
      children: [run(sig.issuer, FONT.fangsong, SIZE.sanhao)],
    }),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: exact(LINE),
      indent: { right: dateRight * EM },
      children: [run(sig.date, FONT.fangsong, SIZE.sanhao)],
    }),
  ];
}

/**
 * 版记: a one-column table whose first and last rules are thicker (0.35 mm) than the ones between (0.25 mm), floated
 * to the foot of the last page as the standard places it. LibreOffice (7.4) sets a float as wide as the type area in
 * line instead, so a preview shows it straight after the body.
 */
function colophon(c: NonNullable<OfficialDocSpec['colophon']>): (Paragraph | Table)[] {
  const sihaoEm = SIZE.sihao * 10;
  const thick: IBorderOptions = { style: BorderStyle.SINGLE, size: 8, color: '000000' };
  const thin: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: '000000' };
  const none: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'auto' };
  const row = (children: TextRun[], tabs = false) =>
    new TableRow({
      cantSplit: true,
      children: [
        new TableCell({
          width: { size: TEXT_WIDTH, type: WidthType.DXA },
          margins: { left: 0, right: 0, top: 0, bottom: 0 },
          children: [
            new Paragraph({
              spacing: exact(LINE),
              indent: { left: sihaoEm, right: sihaoEm },
              tabStops: tabs ? [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - sihaoEm }] : undefined,
              children,
            }),
          ],
        }),
      ],
    });
  const text = (t: string) => run(t, FONT.fangsong, SIZE.sihao);
  const rows = c.lines.map((l) => row([text(`${l.label.replace(/[:：]$/, '')}：${l.text}`)]));
  if (c.printer || c.printDate) {
    rows.push(row([text(c.printer ?? ''), new TextRun({ text: '\t' }), text(c.printDate ? `${c.printDate}印发` : '')], true));
  }
  if (rows.length === 0) return [];
  return [
    new Paragraph({ spacing: exact(LINE), children: [] }),
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: [TEXT_WIDTH],
      layout: TableLayoutType.FIXED,
      margins: { left: 0, right: 0, top: 0, bottom: 0 },
      float: {
        horizontalAnchor: TableAnchorType.MARGIN,
        relativeHorizontalPosition: RelativeHorizontalPosition.CENTER,
        verticalAnchor: TableAnchorType.MARGIN,
        absoluteVerticalPosition: TEXT_HEIGHT - rows.length * LINE - 60,
      },
      borders: { top: thick, bottom: thick, left: none, right: none, insideHorizontal: thin, insideVertical: none },
      rows,
    }),
  ];
}

/** 页码 '— 1 —' in 宋体 四号, one character in from the right on odd pages and from the left on even pages */
function pageFooter(side: 'odd' | 'even'): Footer {
  const indent = SIZE.sihao * 10;
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: indent } : { left: indent },
        children: [
          new TextRun({
            font: font(FONT.songti, FONT.songti),
            size: SIZE.sihao,
            children: ['— ', PageNumber.CURRENT, ' —'],
          }),
        ],
      }),
    ],
  });
}

export async function officialDocument(spec: OfficialDocSpec): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [...versionHead(spec)];
  if (spec.title) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: exact(LINE + 140, { before: LINE * 2 }),
        children: [run(spec.title, FONT.xiaobiaosong, SIZE.erhao)],
      }),
    );
  }
  if (spec.addressee) {
    children.push(
      new Paragraph({
        spacing: exact(LINE, { before: LINE }),
        children: [run(spec.addressee, FONT.fangsong, SIZE.sanhao)],
      }),
    );
  }
  children.push(...blocks(spec.blocks));
  if (spec.signature) children.push(...signature(spec.signature));
  if (spec.colophon) children.push(...colophon(spec.colophon));
  // Word wants a paragraph after a table that ends the body
  if (children[children.length - 1] instanceof Table) children.push(new Paragraph({ spacing: exact(40), children: [] }));

  const doc = new Document({
    title: spec.title ?? spec.masthead,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: {
            font: font(GBT9704.bodyFont),
            size: GBT9704.bodySizeHalfPoints,
            characterSpacing: BODY_TRACKING,
            language: { value: 'zh-CN', eastAsia: 'zh-CN' },
          },
          paragraph: { spacing: exact(LINE) },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: GBT9704.pageWidthTwip, height: GBT9704.pageHeightTwip },
            margin: {
              top: GBT9704.marginTopTwip,
              bottom: GBT9704.marginBottomTwip,
              left: GBT9704.marginLeftTwip,
              right: GBT9704.marginRightTwip,
              header: mmToTwip(15),
              // the rule of the page number stands 7 mm below the type area
              footer: mmToTwip(22),
            },
          },
          // exact line spacing gives the 22 lines; a grid would make LibreOffice snap titles to double lines
          grid: { type: DocumentGridType.DEFAULT, linePitch: LINE },
        },
        footers: { default: pageFooter('odd'), even: pageFooter('even') },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

let sofficePath: string | null | undefined;

/** The LibreOffice executable on PATH, looked up once */
function findSoffice(): string | null {
  if (sofficePath !== undefined) return sofficePath;
  sofficePath = null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of ['soffice', 'libreoffice']) {
      try {
        accessSync(join(dir, name), fsConstants.X_OK);
        sofficePath = join(dir, name);
        return sofficePath;
      } catch {
        // not in this directory
      }
    }
  }
  return sofficePath;
}

export function libreOfficeAvailable(): boolean {
  return findSoffice() !== null;
}

const FONT_ALIASES = fileURLToPath(new URL('./fonts.conf', import.meta.url));
const PDF_TIME_LIMIT_MS = 90_000;

/**
 * PDF through LibreOffice, with the official fonts aliased by fonts.conf; null when LibreOffice is not installed.
 * Each run has its own profile and temp dir, so conversions can run side by side; a stuck soffice is killed.
 */
export async function docxToPdf(docx: Buffer): Promise<Buffer | null> {
  const soffice = findSoffice();
  if (!soffice) return null;
  const dir = await mkdtemp(join(tmpdir(), 'gbt9704-'));
  try {
    const input = join(dir, 'document.docx');
    await writeFile(input, docx);
    const systemConfig = process.env.FONTCONFIG_FILE ?? '/etc/fonts/fonts.conf';
    const fontsConf = join(dir, 'fonts.conf');
    await writeFile(
      fontsConf,
      [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        '<fontconfig>',
        `  <include ignore_missing="yes">${xmlEscape(systemConfig)}</include>`,
        `  <include ignore_missing="yes">${xmlEscape(FONT_ALIASES)}</include>`,
        '</fontconfig>',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        soffice,
        [
          '--headless',
          '--norestore',
          '--nologo',
          '--nodefault',
          '--nolockcheck',
          `-env:UserInstallation=file://${join(dir, 'profile')}`,
          '--convert-to',
          'pdf',
          '--outdir',
          dir,
          input,
        ],
        { env: { ...process.env, FONTCONFIG_FILE: fontsConf, HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        if (stderr.length < 4000) stderr += chunk.toString();
      });
      const timer = setTimeout(() => {
        // soffice starts soffice.bin in the same process group: end both
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        reject(new Error(`LibreOffice did not finish the PDF within ${PDF_TIME_LIMIT_MS / 1000} s`));
      }, PDF_TIME_LIMIT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`LibreOffice failed to convert to PDF (exit ${code}): ${stderr.trim()}`));
      });
    });
    const pdf = await readFile(join(dir, 'document.pdf')).catch(() => null);
    if (!pdf) throw new Error('LibreOffice wrote no PDF');
    return pdf;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
