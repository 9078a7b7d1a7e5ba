import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { badRequest } from '../../platform/errors.ts';
import { sendRowsXlsx, type XlsxColumn } from '../../platform/export.ts';

export { excelDate, XLSX_MIME, type XlsxColumn } from '../../platform/export.ts';

/**
 * Streams a one-sheet workbook to the reply. The rows are read before the first byte is sent, so a failing
 * query still answers with a JSON error rather than a truncated file.
 */
export function sendXlsx(reply: FastifyReply, fileName: string, sheetName: string, columns: XlsxColumn[], rows: Record<string, unknown>[]) {
  return sendRowsXlsx(reply, fileName, sheetName, columns, rows);
}

/** A workbook held in memory, for small files such as import templates. */
export async function xlsxBuffer(sheetName: string, columns: XlsxColumn[], rows: Record<string, unknown>[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 16 }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export type SheetRow = { line: number; cells: Map<string, ExcelJS.CellValue> };

const MAX_ROWS = 5000;

/** Header text without the marks people add to it: spaces, asterisks, "（必填）". */
const normaliseHeader = (h: string) => h.replace(/[\s*＊]|（必填）|\(必填\)/g, '');

/**
 * Reads the first sheet of an uploaded workbook: the first row names the columns, every later non-empty row
 * is returned with its spreadsheet line number. Columns are found by their header text, so their order does not matter.
 */
export async function readSheet(content: Buffer, required: readonly string[], known: readonly string[]): Promise<SheetRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw badRequest('无法读取该文件，请上传 Excel 2007 及以上版本的 .xlsx 文件');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw badRequest('文件中没有工作表');
  const columns = new Map<string, number>();
  ws.getRow(1).eachCell((cell, col) => {
    const h = normaliseHeader(cellText(cell.value));
    if (known.includes(h) && !columns.has(h)) columns.set(h, col);
  });
  const missing = required.filter((h) => !columns.has(h));
  if (missing.length) {
    throw badRequest(`第 1 行应为表头，缺少列：${missing.join('、')}。请使用导入模板`, missing.map((m) => ({ field: m, message: '缺少此列' })));
  }
  const out: SheetRow[] = [];
  // eachRow skips rows that were never written, so a sheet formatted down to row 1,048,576 costs nothing.
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const cells = new Map<string, ExcelJS.CellValue>();
    for (const [h, col] of columns) cells.set(h, row.getCell(col).value);
    if ([...cells.values()].every((v) => cellText(v) === '')) return;
    out.push({ line, cells });
    if (out.length > MAX_ROWS) throw badRequest(`单次最多导入 ${MAX_ROWS} 行，请拆分文件后分批导入`);
  });
  return out;
}

/** The text a person sees in a cell, whatever exceljs made of it. */
export function cellText(v: ExcelJS.CellValue): string {
  // Excel writes a NUL as "_x0000_" and ExcelJS turns it back into one; it is never content, and PostgreSQL refuses it.
  return rawCellText(v).replace(/\u0000/g, '').trim();
}

function rawCellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('').trim();
    if ('result' in v) return rawCellText((v.result ?? null) as ExcelJS.CellValue);
    if ('text' in v) return String(v.text).trim();
    if ('error' in v) return '';
    return '';
  }
  return String(v).trim();
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A calendar date from a cell: an Excel date, an Excel serial number, or text such as 1990-05-01,
 * 1990/5/1, 1990.5.1 or 1990年5月1日. Returns null for an empty cell and 'bad' when it is not a real date.
 */
export function cellDate(v: ExcelJS.CellValue): string | null | 'bad' {
  if (v && typeof v === 'object' && !(v instanceof Date) && 'result' in v) return cellDate((v.result ?? null) as ExcelJS.CellValue);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'bad' : v.toISOString().slice(0, 10);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > 2_958_465) return 'bad';
    return new Date(EXCEL_EPOCH_MS + v * 86_400_000).toISOString().slice(0, 10);
  }
  const text = cellText(v);
  if (!text) return null;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!m) return 'bad';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return 'bad';
  return date.toISOString().slice(0, 10);
}
