import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { DbLike } from '../db/client.ts';
import { units } from '../db/schema/index.ts';
import { shanghaiDate } from './calendar.ts';
import { attachmentHeader } from './files.ts';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Exports are files; the OpenAPI document says so instead of describing a JSON body. */
export const XLSX_RESPONSE = { 200: z.any().describe(`XLSX 文件（${XLSX_MIME}）`) };

/** Today's date in Shanghai, for file names such as 信息列表-2026-03-02.xlsx. */
export function exportFileName(what: string, today = shanghaiDate()): string {
  return `${what}-${today}.xlsx`;
}

/** Yes/no as people write it in a sheet. */
export const yesNo = (b: boolean | null | undefined) => (b == null ? '' : b ? '是' : '否');

export type XlsxColumn = { header: string; key: string; width?: number; numFmt?: string };

/** A calendar date as Excel shows it: midnight UTC, so no time zone shifts the day. */
export function excelDate(date: string | null | undefined): Date | null {
  return date ? new Date(`${date}T00:00:00Z`) : null;
}

/** A moment (timestamptz as ISO text or Date) as the Shanghai wall-clock time Excel shows, without a zone. */
export function excelTime(at: string | Date | null | undefined): Date | null {
  if (!at) return null;
  const t = typeof at === 'string' ? new Date(at) : at;
  return Number.isNaN(t.getTime()) ? null : new Date(t.getTime() + 8 * 3_600_000);
}

export function namePathOf(idPath: string, names: Map<string, string>): string {
  return idPath.split('/').filter(Boolean).map((x) => names.get(x) ?? '').join('/');
}

/** Full name path of each unit for exports and pickers: "市委宣传部/城东区委宣传部/机关党支部". */
export async function unitNamePaths(db: DbLike, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = [...new Set(ids)];
  if (!wanted.length) return out;
  const rows = await db.select({ id: units.id, path: units.path }).from(units).where(inArray(units.id, wanted));
  const ancestorIds = [...new Set(rows.flatMap((u) => u.path.split('/').filter(Boolean)))];
  const names = new Map(
    (await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ancestorIds))).map((u) => [u.id, u.name]),
  );
  for (const u of rows) out.set(u.id, namePathOf(u.path, names));
  return out;
}

/**
 * Streams a one-sheet workbook: the header row is frozen and bold, and each batch of rows is committed as soon as it is
 * written, so memory stays flat whatever the row count. The caller has already produced the first batch, so an error
 * before that answers with JSON; an error later cuts the download, which the browser reports as failed.
 */
function streamWorkbook(
  reply: FastifyReply,
  fileName: string,
  sheetName: string,
  columns: XlsxColumn[],
  batches: AsyncIterable<Record<string, unknown>[]>,
) {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 14, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  ws.getRow(1).font = { bold: true };
  reply.header('content-type', XLSX_MIME).header('content-disposition', attachmentHeader(fileName));
  void (async () => {
    for await (const rows of batches) {
      for (const r of rows) ws.addRow(r).commit();
      // Wait for a slow client rather than piling the whole file up in memory.
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    ws.commit();
    await wb.commit();
  })().catch((err) => out.destroy(err));
  return reply.send(out);
}

/** Streams rows already in memory (small, bounded sheets); read them before calling, so a failing query answers JSON. */
export function sendRowsXlsx(reply: FastifyReply, fileName: string, sheetName: string, columns: XlsxColumn[], rows: Record<string, unknown>[]) {
  return streamWorkbook(reply, fileName, sheetName, columns, (async function* () {
    yield rows;
  })());
}

export type ListExport<T> = {
  fileName: string;
  sheetName: string;
  columns: XlsxColumn[];
  /** One page of the list, through the same scope-checked list function the list route calls. */
  fetchPage: (page: number, pageSize: number) => Promise<{ data: T[]; total: number }>;
  toRow: (r: T) => Record<string, unknown>;
  /** When rows belong to a unit: adds the 单位路径 column after the others. */
  unitPath?: { db: DbLike; unitIdOf: (r: T) => string | null | undefined };
  pageSize?: number;
};

export const UNIT_PATH_KEY = '单位路径';

/**
 * Rows fetched per page of an export. Each page re-runs the list's sorted query with an offset, so fewer, larger
 * pages keep a 100,000-row export from sorting the list a hundred times; 5,000 rows still stay a few megabytes.
 */
export const EXPORT_PAGE_SIZE = 5000;

/**
 * Exports a whole list page by page. The first page is fetched before any byte is sent, so a scope or validation
 * error answers with the usual JSON error and no file.
 */
export async function sendListXlsx<T>(reply: FastifyReply, x: ListExport<T>) {
  const pageSize = x.pageSize ?? EXPORT_PAGE_SIZE;
  const first = await x.fetchPage(1, pageSize);
  const columns = x.unitPath ? [...x.columns, { header: '单位路径', key: UNIT_PATH_KEY, width: 48 }] : x.columns;
  const rowsOf = async (data: T[]) => {
    const rows = data.map(x.toRow);
    if (!x.unitPath) return rows;
    const { unitIdOf, db } = x.unitPath;
    const paths = await unitNamePaths(db, data.map(unitIdOf).filter((id): id is string => !!id));
    return rows.map((r, i) => ({ ...r, [UNIT_PATH_KEY]: paths.get(unitIdOf(data[i]) ?? '') ?? '' }));
  };
  const firstRows = await rowsOf(first.data);
  async function* batches() {
    yield firstRows;
    let seen = first.data.length;
    for (let page = 2; seen < first.total && first.data.length === pageSize; page++) {
      const next = await x.fetchPage(page, pageSize);
      if (!next.data.length) break;
      seen += next.data.length;
      yield await rowsOf(next.data);
      if (next.data.length < pageSize) break;
    }
  }
  return streamWorkbook(reply, x.fileName, x.sheetName, columns, batches());
}
