/** Small workbooks the demo attaches: the campaign's division of tasks, and sign-in sheets as report evidence. */
import ExcelJS from 'exceljs';
import { REPORT_CYCLES } from '@luoshi/contract';
import { unitLabel, type CampaignSpec, type Org } from './city.ts';

async function workbook(sheet: string, title: string, header: string[], widths: number[], rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '落实';
  const ws = wb.addWorksheet(sheet);
  ws.mergeCells(1, 1, 1, header.length);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** 实施方案 annex: who leads which task by when. */
export function planWorkbook(org: Org, campaign: CampaignSpec): Promise<Buffer> {
  const name = (key: string) => unitLabel(org, key).split(' / ').at(-1)!;
  return workbook(
    '任务分工',
    `${campaign.name}任务分工表`,
    ['序号', '行动', '任务', '牵头单位', '配合单位', '完成时限', '报送要求', '佐证材料'],
    [6, 12, 56, 20, 24, 12, 10, 28],
    campaign.tasks.map((t, i) => [
      i + 1,
      t.dimension ?? '',
      t.title,
      name(t.leadUnitKey),
      t.coUnitKeys.map(name).join('、'),
      t.deadline,
      REPORT_CYCLES[t.reportCycle],
      t.evidenceRequired ?? '',
    ]),
  );
}

/** 签到表 of one study session: the people of a unit. */
export function signInSheet(org: Org, unitKey: string, title: string): Promise<Buffer> {
  const people = org.persons.filter((p) => p.unitKey === unitKey);
  return workbook('签到表', title, ['序号', '姓名', '职务', '签到'], [6, 12, 14, 10], people.map((p, i) => [i + 1, p.name, p.post, '已到']));
}
