import ExcelJS from 'exceljs';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { badRequest, registerErrorHandling } from './errors.ts';
import { excelDate, EXPORT_PAGE_SIZE, sendListXlsx } from './export.ts';

type Row = { n: number; day: string };
const TOTAL = 12_000;
const pagesAsked: number[][] = [];

const app = Fastify();
registerErrorHandling(app);
app.get('/rows', async (_req, reply) =>
  sendListXlsx<Row>(reply, {
    fileName: '测试清单-2026-11-25.xlsx',
    sheetName: '清单',
    columns: [
      { header: '序号', key: 'n', width: 8 },
      { header: '日期', key: 'day', width: 12, numFmt: 'yyyy-mm-dd' },
    ],
    fetchPage: async (page, pageSize) => {
      pagesAsked.push([page, pageSize]);
      const start = (page - 1) * pageSize;
      const data = Array.from({ length: Math.max(0, Math.min(pageSize, TOTAL - start)) }, (_x, i) => ({ n: start + i + 1, day: '2026-03-02' }));
      return { data, total: TOTAL };
    },
    toRow: (r) => ({ n: r.n, day: excelDate(r.day) }),
  }),
);
app.get('/fails', async (_req, reply) =>
  sendListXlsx<Row>(reply, {
    fileName: 'x.xlsx',
    sheetName: 'x',
    columns: [{ header: '序号', key: 'n' }],
    fetchPage: async () => {
      throw badRequest('筛选条件无效');
    },
    toRow: (r) => ({ n: r.n }),
  }),
);
afterAll(() => app.close());

describe('sendListXlsx', () => {
  it('streams every page of a long list into one sheet, in order, under a Chinese header', async () => {
    const res = await app.inject({ method: 'GET', url: '/rows' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('测试清单-2026-11-25.xlsx'));
    expect(pagesAsked.map(([p]) => p)).toEqual(Array.from({ length: Math.ceil(TOTAL / EXPORT_PAGE_SIZE) }, (_x, i) => i + 1));
    expect(pagesAsked.length).toBeGreaterThan(1);
    expect(pagesAsked.every(([, size]) => size === EXPORT_PAGE_SIZE)).toBe(true);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('清单');
    expect(ws.rowCount).toBe(TOTAL + 1);
    expect(ws.getRow(1).values).toEqual([undefined, '序号', '日期']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const numbers: number[] = [];
    ws.eachRow((row, line) => {
      if (line > 1) numbers.push(Number(row.getCell(1).value));
    });
    expect(numbers).toEqual(Array.from({ length: TOTAL }, (_x, i) => i + 1));
    expect(ws.getRow(TOTAL + 1).getCell(2).value).toEqual(new Date('2026-03-02T00:00:00Z'));
  });

  it('answers an error in the first page with the JSON error and no file', async () => {
    const res = await app.inject({ method: 'GET', url: '/fails' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.json()).toEqual({ error: { code: 'BAD_REQUEST', message: '筛选条件无效', details: [] } });
  });
});
