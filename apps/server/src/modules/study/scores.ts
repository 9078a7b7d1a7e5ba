import { and, asc, desc, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { MultipartFile } from '@fastify/multipart';
import ExcelJS from 'exceljs';
import { ScoreImportFields, type HalfYearReport, type RankingRow, type ScoreImport, type ScoreMapping } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, studyScoreImports, studyScores, units, users, type ScoreMatchRow, type ScoreSheetRow, type SealedSheetRow } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { blindIndexes, maskPhone, normalPhone, open, seal } from '../../platform/crypto.ts';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { namePathOf } from '../org/units.ts';
import { cellText, type XlsxColumn } from '../org/xlsx.ts';
import { toIso, unitAtOrBelow } from './content.access.ts';

type ImportRow = typeof studyScoreImports.$inferSelect;
const MAX_ROWS = 5000;

// ---- reading the file ----

/** Decodes a CSV as UTF-8, or as GB18030 when it is not valid UTF-8 (Excel on Chinese Windows saves CSV that way). */
function decodeCsv(content: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    text = new TextDecoder('gb18030').decode(content);
  }
  // A NUL is never text: the file is UTF-16 ("Unicode text") or not a CSV at all, and PostgreSQL would refuse it.
  if (text.includes('\0')) throw badRequest('文件中含有空字符，不是 UTF-8 或 GBK 编码的 CSV：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV（UTF-8）后再导入');
  return text.replace(/^\uFEFF/, '');
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Returns rows with their line numbers. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    cells.push(field);
    if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells: cells.map((c) => c.trim()) });
    cells = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      field = '';
      quoted = true;
    } else if (ch === ',') {
      cells.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += ch;
  }
  if (field !== '' || cells.length) endRow();
  return rows;
}

async function readXlsx(content: Buffer): Promise<{ line: number; cells: string[] }[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw badRequest('无法读取该文件，请上传 Excel 2007 及以上版本的 .xlsx 文件或 .csv 文件');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw badRequest('文件中没有工作表');
  const out: { line: number; cells: string[] }[] = [];
  const width = ws.columnCount;
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    if (cells.some((c) => c !== '')) out.push({ line, cells });
  });
  return out;
}

/** The header row and the data rows of an uploaded sheet. The first non-empty row is the header. */
export async function readScoreSheet(fileName: string, content: Buffer): Promise<{ headers: string[]; rows: ScoreSheetRow[] }> {
  const lower = fileName.toLowerCase();
  let all: { line: number; cells: string[] }[];
  if (lower.endsWith('.csv')) all = parseCsv(decodeCsv(content));
  else if (lower.endsWith('.xlsx')) {
    if (content.length < 4 || content[0] !== 0x50 || content[1] !== 0x4b) {
      throw badRequest(`「${fileName}」的内容不是 .xlsx 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入`);
    }
    all = await readXlsx(content);
  } else throw badRequest(`只能导入 .xlsx 或 .csv 文件，「${fileName || '未命名文件'}」不是`);
  if (!all.length) throw badRequest('文件是空的');
  const [head, ...rows] = all;
  const headers = head.cells.map((h, i) => h.replace(/\s+/g, '') || `第${i + 1}列`);
  if (!rows.length) throw badRequest('文件中没有数据行：第 1 行为表头，数据从第 2 行开始');
  if (rows.length > MAX_ROWS) throw badRequest(`单次最多导入 ${MAX_ROWS} 行，请拆分文件后分批导入`);
  return { headers, rows };
}

/** Reads the multipart body: the file part and the fields platform, month and ruleVersion, in any order. */
export async function readScoreUpload(parts: AsyncIterableIterator<MultipartFile | { type: 'field'; fieldname: string; value: unknown }>) {
  let file: { name: string; content: Buffer } | null = null;
  const fields: Record<string, unknown> = {};
  for await (const part of parts) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file) {
        part.file.resume();
        throw badRequest('请只上传一个文件，字段名为 file');
      }
      const content = await part.toBuffer();
      if (part.file.truncated) throw new AppError(413, 'TOO_LARGE', `文件 ${part.filename} 超过大小限制`);
      file = { name: part.filename || '', content };
    } else fields[part.fieldname] = part.value;
  }
  if (!file) throw badRequest('请选择要导入的 Excel 或 CSV 文件', [{ field: 'body.file', message: '请选择文件' }]);
  const parsed = ScoreImportFields.safeParse(fields);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: `body.${i.path.join('.')}`, message: i.message }));
    throw badRequest(`请求参数有误：${details[0].field} ${details[0].message}`, details);
  }
  return { file, fields: parsed.data };
}

const GUESSES: Record<keyof ScoreMapping, RegExp> = {
  nameColumn: /^(姓名|名字|学员姓名|用户姓名|真实姓名|学员)$/,
  unitColumn: /(单位|部门|组织|机构|支部)/,
  phoneColumn: /(手机|电话|联系方式)/,
  scoreColumn: /(积分|得分|分数|学时|成绩)/,
};

export function suggestMapping(headers: string[]): Partial<ScoreMapping> {
  const out: Partial<ScoreMapping> = {};
  for (const [key, re] of Object.entries(GUESSES) as [keyof ScoreMapping, RegExp][]) {
    const h = headers.find((x) => re.test(x));
    if (h) out[key] = h;
  }
  return out;
}

// ---- exact scores ----

/** A score cell as integer hundredths: "85", "85.5", "85.50", "1,234.5"; more than two decimals is refused, never rounded. */
export function parseScore(text: string): number | string {
  const t = text.replace(/[,，\s]/g, '');
  if (!t) return '缺少积分';
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) {
    if (/^-\d/.test(t)) return `积分「${text}」不能为负数`;
    if (/^\d+\.\d{3,}$/.test(t)) return `积分「${text}」最多保留两位小数`;
    return `积分「${text}」不是有效数字`;
  }
  const whole = Number(m[1]);
  if (whole > 1_000_000) return `积分「${text}」超出合理范围`;
  return whole * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export const fromHundredths = (h: number) => h / 100;

// ---- upload, mapping, confirm ----

/** The sheet waits for its mapping and confirmation (at most a week) with its personal data sealed like the people's own. */
const sealSheetRow = (r: ScoreSheetRow): SealedSheetRow => ({ line: r.line, sealed: seal(JSON.stringify(r.cells)) });
const openSheetRow = (r: SealedSheetRow): ScoreSheetRow => ({ line: r.line, cells: JSON.parse(open(r.sealed)) as string[] });

export async function createScoreImport(
  db: DbLike,
  caller: Caller,
  fields: { platform: string; month: string; ruleVersion: string },
  file: { name: string; content: Buffer },
) {
  const { headers, rows } = await readScoreSheet(file.name, file.content);
  const [row] = await db
    .insert(studyScoreImports)
    .values({ userId: caller.userId, unitId: caller.unitId, ...fields, fileName: file.name, headers, sheet: rows.map(sealSheetRow) })
    .returning({ id: studyScoreImports.id });
  return row.id;
}

/** An import batch belongs to whoever uploaded it; anyone else gets 404. */
async function ownImport(db: DbLike, caller: Caller, id: string, lock = false): Promise<ImportRow> {
  const query = db.select().from(studyScoreImports).where(and(eq(studyScoreImports.id, id), eq(studyScoreImports.userId, caller.userId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('积分导入批次');
  return row;
}

const refSegments = (text: string) => text.split(/[/／\\]/).map((s) => s.trim()).filter(Boolean);
const endsWith = (segments: string[], ref: string[]) =>
  ref.length <= segments.length && ref.every((r, i) => segments[segments.length - ref.length + i] === r);

/**
 * Matches every row to one person of the caller's units: by phone, or by name within the named unit (a name or a
 * path of names; the unit and everything below it). Nothing is guessed: no match, or more than one, leaves the
 * row unmatched with its reason. People outside the caller's scope never match.
 */
export async function matchRows(db: DbLike, scope: DataScope, headers: string[], rows: ScoreSheetRow[], mapping: ScoreMapping) {
  const col = (h: string | null | undefined) => (h ? headers.indexOf(h) : -1);
  const nameIdx = col(mapping.nameColumn);
  const scoreIdx = col(mapping.scoreColumn);
  const unitIdx = col(mapping.unitColumn);
  const phoneIdx = col(mapping.phoneColumn);

  const allUnits = await db.select({ id: units.id, name: units.name, path: units.path }).from(units);
  const names = new Map(allUnits.map((u) => [u.id, u.name]));
  const reachableUnits = allUnits
    .filter((u) => pathInScope(scope, u.path))
    .map((u) => ({ ...u, segments: namePathOf(u.path, names).split('/') }));
  const people = await db
    .select({ id: persons.id, name: persons.name, phoneIndex: persons.phoneIndex, unitId: persons.unitId, unitPath: units.path })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(and(unitInScope(scope, persons.unitId), eq(persons.disabled, false)));
  const byName = new Map<string, typeof people>();
  // Phones are sealed: a row's number meets a person through the blind index of its digits, never in the clear.
  const byIndex = new Map<string, typeof people>();
  for (const p of people) {
    byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
    if (p.phoneIndex) byIndex.set(p.phoneIndex, [...(byIndex.get(p.phoneIndex) ?? []), p]);
  }
  const byPhone = (phone: string) => blindIndexes(phone).flatMap((i) => byIndex.get(i) ?? []);

  const matched: ScoreMatchRow[] = [];
  const unmatched: { line: number; reason: string }[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of rows) {
    const name = (cells[nameIdx] ?? '').trim();
    const unitText = unitIdx >= 0 ? (cells[unitIdx] ?? '').trim() : '';
    const phone = phoneIdx >= 0 ? normalPhone(cells[phoneIdx] ?? '') : '';
    // The reasons are kept with the batch: the number in them is masked.
    const shown = maskPhone(phone);
    const score = parseScore(cells[scoreIdx] ?? '');
    const problems: string[] = [];
    if (!name) problems.push('缺少姓名');
    if (typeof score === 'string') problems.push(score);
    let person: (typeof people)[number] | null = null;
    if (name) {
      if (phone) {
        const found = byPhone(phone);
        if (found.length > 1) problems.push(`手机号「${shown}」对应多名人员，无法确定`);
        else if (found.length === 1 && found[0].name !== name) problems.push(`手机号「${shown}」登记的人员不是「${name}」`);
        else if (found.length === 1) person = found[0];
      }
      if (!person && !problems.length && !(phone && !unitText)) {
        if (!unitText) problems.push('缺少单位，无法确定人员');
        else {
          const ref = refSegments(unitText);
          const unitPaths = reachableUnits.filter((u) => endsWith(u.segments, ref)).map((u) => u.path);
          const found = (byName.get(name) ?? []).filter((p) => unitPaths.some((path) => p.unitPath.startsWith(path)));
          if (!found.length) problems.push(`未找到「${unitText}」的「${name}」：人员不存在或不在您的管辖范围内`);
          else if (found.length > 1) problems.push(`「${unitText}」有 ${found.length} 名「${name}」，无法确定是哪一位，请填写具体单位或手机号`);
          else person = found[0];
        }
      } else if (!person && !problems.length) {
        problems.push(`未找到手机号为「${shown}」的「${name}」：人员不存在或不在您的管辖范围内`);
      }
    }
    if (person && !problems.length) {
      const earlier = seen.get(person.id);
      if (earlier) problems.push(`与第 ${earlier} 行是同一人「${name}」`);
      else seen.set(person.id, line);
    }
    if (problems.length || !person) unmatched.push({ line, reason: problems.join('；') });
    else matched.push({ line, personId: person.id, unitId: person.unitId, hundredths: score as number });
  }
  return { matched, unmatched };
}

export async function mapScoreImport(tx: DbLike, caller: Caller, id: string, mapping: ScoreMapping) {
  const batch = await ownImport(tx, caller, id, true);
  if (batch.status === 'confirmed') throw conflict('该批次已经确认导入过，不能再修改列对应');
  const bad = (Object.entries(mapping) as [string, string | null | undefined][])
    .filter(([, h]) => h && !batch.headers.includes(h))
    .map(([field, h]) => ({ field: `body.${field}`, message: `表头中没有「${h}」列` }));
  if (bad.length) throw badRequest(bad[0].message, bad);
  if (!mapping.unitColumn && !mapping.phoneColumn) {
    throw badRequest('请选择单位列或手机号列，用于确定人员', [{ field: 'body.unitColumn', message: '请选择单位列或手机号列' }]);
  }
  const { matched, unmatched } = await matchRows(tx, caller.scope, batch.headers, batch.sheet.map(openSheetRow), mapping);
  await tx
    .update(studyScoreImports)
    .set({ mapping: { nameColumn: mapping.nameColumn, unitColumn: mapping.unitColumn ?? null, phoneColumn: mapping.phoneColumn ?? null, scoreColumn: mapping.scoreColumn }, matched, unmatched, status: 'mapped' })
    .where(eq(studyScoreImports.id, id));
}

/**
 * Writes every matched row in the caller's transaction. A score of the same platform, month and person imported
 * before is replaced, with its before and after in the audit. Anyone no longer in scope fails the whole import.
 */
export async function confirmScoreImport(tx: DbLike, caller: Caller, actor: Actor, id: string) {
  const batch = await ownImport(tx, caller, id, true);
  if (batch.status === 'confirmed') throw conflict('该批次已经确认导入过，不能重复导入');
  if (batch.status !== 'mapped') throw badRequest('请先选择姓名、单位（或手机号）和积分所在的列');
  if (!batch.matched.length) throw badRequest('该批次没有可导入的行，请修改文件后重新上传');
  const ids = batch.matched.map((m) => m.personId);
  const still = await tx
    .select({ id: persons.id })
    .from(persons)
    .where(and(inArray(persons.id, ids), unitInScope(caller.scope, persons.unitId), eq(persons.disabled, false)));
  if (still.length !== new Set(ids).size) {
    throw conflict('预览后人员或管辖范围发生了变化，本次导入未写入任何数据，请重新选择列对应');
  }
  let written = 0;
  let replaced = 0;
  for (const m of batch.matched) {
    const [before] = await tx
      .select()
      .from(studyScores)
      .where(and(eq(studyScores.platform, batch.platform), eq(studyScores.month, batch.month), eq(studyScores.personId, m.personId)))
      .for('update');
    const values = { unitId: m.unitId, hundredths: m.hundredths, importId: id, ruleVersion: batch.ruleVersion };
    if (before) {
      const [after] = await tx.update(studyScores).set({ ...values, createdAt: new Date() }).where(eq(studyScores.id, before.id)).returning();
      await audit(tx, actor, { entity: 'study_score', entityId: after.id, action: 'replace', before, after });
      replaced++;
    } else {
      const [after] = await tx
        .insert(studyScores)
        .values({ platform: batch.platform, month: batch.month, personId: m.personId, ...values })
        .returning();
      await audit(tx, actor, { entity: 'study_score', entityId: after.id, action: 'import', after });
    }
    written++;
  }
  // The sheet itself (names, phones) is not kept once its scores are written: the matched and unmatched lines remain.
  await tx.update(studyScoreImports).set({ status: 'confirmed', confirmedAt: new Date(), sheet: [] }).where(eq(studyScoreImports.id, id));
  await audit(tx, actor, {
    entity: 'study_score_import',
    entityId: id,
    action: 'confirm',
    after: { platform: batch.platform, month: batch.month, ruleVersion: batch.ruleVersion, total: totalOf(batch), written, replaced, skipped: batch.unmatched.length },
  });
  return { id, written, replaced };
}

/** Rows of the sheet: before mapping the sheet itself, after it every row is either matched or unmatched. */
const totalOf = (b: ImportRow) => (b.status === 'uploaded' ? b.sheet.length : b.matched.length + b.unmatched.length);

/** Uploads nobody confirmed within a week are dropped: they hold whole sheets of personal data. */
export async function purgeStaleScoreImports(db: DbLike, olderThanDays = 7): Promise<number> {
  const gone = await db
    .delete(studyScoreImports)
    .where(and(ne(studyScoreImports.status, 'confirmed'), sql`${studyScoreImports.createdAt} < now() - make_interval(days => ${olderThanDays})`))
    .returning({ id: studyScoreImports.id });
  return gone.length;
}

const importerName = sql<string>`(select coalesce(p.name, u.username) from ${users} u left join ${persons} p on p.id = u.person_id where u.id = ${studyScoreImports.userId})`;

export async function presentScoreImport(db: DbLike, caller: Caller, id: string): Promise<ScoreImport> {
  const batch = await ownImport(db, caller, id);
  const [{ name }] = await db.select({ name: importerName }).from(studyScoreImports).where(eq(studyScoreImports.id, id));
  const ids = batch.matched.map((m) => m.personId);
  const people = ids.length
    ? await db.select({ id: persons.id, name: persons.name, unitName: units.name }).from(persons).innerJoin(units, eq(units.id, persons.unitId)).where(inArray(persons.id, ids))
    : [];
  const previous =
    ids.length && batch.status !== 'confirmed'
      ? await db
          .select({ personId: studyScores.personId, hundredths: studyScores.hundredths })
          .from(studyScores)
          .where(and(eq(studyScores.platform, batch.platform), eq(studyScores.month, batch.month), inArray(studyScores.personId, ids)))
      : [];
  const personById = new Map(people.map((p) => [p.id, p]));
  const previousBy = new Map(previous.map((p) => [p.personId, p.hundredths]));
  return {
    id: batch.id,
    platform: batch.platform,
    month: batch.month,
    ruleVersion: batch.ruleVersion,
    fileName: batch.fileName,
    status: batch.status as ScoreImport['status'],
    headers: batch.headers,
    suggested: suggestMapping(batch.headers),
    mapping: (batch.mapping as ScoreMapping | null) ?? null,
    total: totalOf(batch),
    matched: batch.matched.map((m) => ({
      line: m.line,
      personId: m.personId,
      personName: personById.get(m.personId)?.name ?? '',
      unitName: personById.get(m.personId)?.unitName ?? '',
      score: fromHundredths(m.hundredths),
      replaces: previousBy.has(m.personId) ? fromHundredths(previousBy.get(m.personId)!) : null,
    })),
    unmatched: batch.unmatched,
    importedByName: name,
    createdAt: batch.createdAt.toISOString(),
    confirmedAt: toIso(batch.confirmedAt),
  };
}

/** Import history of the caller's units (and the caller's own uploads), with the rule version of each. */
export async function listScoreImports(db: DbLike, caller: Caller, q: ListParams & { platform?: string; month?: string }) {
  const where: SQL[] = [or(unitInScope(caller.scope, studyScoreImports.unitId), eq(studyScoreImports.userId, caller.userId))!];
  if (q.platform) where.push(eq(studyScoreImports.platform, q.platform));
  if (q.month) where.push(eq(studyScoreImports.month, q.month));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ b: studyScoreImports, name: importerName })
      .from(studyScoreImports)
      .where(cond)
      .orderBy(...orderOf(q.sort, { createdAt: studyScoreImports.createdAt, month: studyScoreImports.month }, [desc(studyScoreImports.createdAt), asc(studyScoreImports.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(studyScoreImports).where(cond),
  ]);
  return envelope(
    rows.map(({ b, name }) => ({
      id: b.id,
      platform: b.platform,
      month: b.month,
      ruleVersion: b.ruleVersion,
      fileName: b.fileName,
      status: b.status as ScoreImport['status'],
      total: totalOf(b),
      matchedCount: b.matched.length,
      unmatchedCount: b.unmatched.length,
      importedByName: name,
      createdAt: b.createdAt.toISOString(),
      confirmedAt: toIso(b.confirmedAt),
    })),
    total,
    q,
  );
}

// ---- 一月一汇总 and 半年一通报 ----

/** Scores the caller may see: of units in scope, or the caller's own. */
function scoreVisible(scope: DataScope): SQL {
  return or(unitInScope(scope, studyScores.unitId), ownedBy(scope, studyScores.personId))!;
}

type RankingQuery = { month: string; platform: string; by: 'person' | 'unit'; unitId?: string; sort?: string };

/** People ranked by score, or units by the average score of their people (to the hundredth, exact in SQL). */
export async function scoreRanking(db: DbLike, scope: DataScope, q: RankingQuery, page: { limit: number; offset: number } | null) {
  const where: SQL[] = [eq(studyScores.platform, q.platform), eq(studyScores.month, q.month), scoreVisible(scope)];
  if (q.unitId) where.push(unitAtOrBelow(studyScores.unitId, q.unitId));
  const cond = and(...where);
  const direction = q.sort === '-rank' ? 'desc' : 'asc';
  if (q.by === 'person') {
    const rank = sql<number>`(rank() over (order by ${studyScores.hundredths} desc))::int`;
    let query = db
      .select({ rank, personId: studyScores.personId, personName: persons.name, unitId: studyScores.unitId, unitName: units.name, hundredths: studyScores.hundredths, ruleVersion: studyScores.ruleVersion })
      .from(studyScores)
      .innerJoin(persons, eq(persons.id, studyScores.personId))
      .innerJoin(units, eq(units.id, studyScores.unitId))
      .where(cond)
      .orderBy(direction === 'asc' ? desc(studyScores.hundredths) : asc(studyScores.hundredths), asc(persons.name), asc(studyScores.personId))
      .$dynamic();
    if (page) query = query.limit(page.limit).offset(page.offset);
    const [rows, [{ total }]] = await Promise.all([query, db.select({ total: sql<number>`count(*)::int` }).from(studyScores).where(cond)]);
    return {
      total,
      rows: rows.map((r): RankingRow => ({ rank: r.rank, unitId: r.unitId, unitName: r.unitName, personId: r.personId, personName: r.personName, score: fromHundredths(r.hundredths), people: 1, ruleVersion: r.ruleVersion })),
    };
  }
  const avg = sql<number>`round(avg(${studyScores.hundredths}))::int`;
  const rank = sql<number>`(rank() over (order by round(avg(${studyScores.hundredths})) desc))::int`;
  let query = db
    .select({ rank, unitId: studyScores.unitId, unitName: units.name, avg, people: sql<number>`count(*)::int`, ruleVersion: sql<string | null>`min(${studyScores.ruleVersion})` })
    .from(studyScores)
    .innerJoin(units, eq(units.id, studyScores.unitId))
    .where(cond)
    .groupBy(studyScores.unitId, units.name)
    .orderBy(direction === 'asc' ? sql`round(avg(${studyScores.hundredths})) desc` : sql`round(avg(${studyScores.hundredths})) asc`, asc(units.name))
    .$dynamic();
  if (page) query = query.limit(page.limit).offset(page.offset);
  const [rows, [{ total }]] = await Promise.all([
    query,
    db.select({ total: sql<number>`count(distinct ${studyScores.unitId})::int` }).from(studyScores).where(cond),
  ]);
  return {
    total,
    rows: rows.map((r): RankingRow => ({ rank: r.rank, unitId: r.unitId, unitName: r.unitName, personId: null, personName: null, score: fromHundredths(r.avg), people: r.people, ruleVersion: r.ruleVersion })),
  };
}

export async function listRanking(db: DbLike, scope: DataScope, q: RankingQuery & ListParams) {
  const { total, rows } = await scoreRanking(db, scope, q, pageOf(q));
  return envelope(rows, total, q);
}

export function rankingExport(by: 'person' | 'unit'): XlsxColumn[] {
  return by === 'person'
    ? [
        { header: '名次', key: 'rank', width: 8 },
        { header: '姓名', key: 'personName', width: 14 },
        { header: '单位', key: 'unitName', width: 28 },
        { header: '积分', key: 'score', width: 12, numFmt: '0.00' },
        { header: '积分规则版本', key: 'ruleVersion', width: 16 },
      ]
    : [
        { header: '名次', key: 'rank', width: 8 },
        { header: '单位', key: 'unitName', width: 28 },
        { header: '人数', key: 'people', width: 8 },
        { header: '人均积分', key: 'score', width: 12, numFmt: '0.00' },
      ];
}

const halfMonths = (year: number, half: number) =>
  Array.from({ length: 6 }, (_, i) => `${year}-${String((half - 1) * 6 + i + 1).padStart(2, '0')}`);

/** 半年一通报: each unit's average in each month of the half year and over the whole half (every person-month score), ranked. */
export async function halfYearReport(db: DbLike, scope: DataScope, q: { year: number; half: number; platform: string; unitId?: string }): Promise<HalfYearReport> {
  const months = halfMonths(q.year, q.half);
  const where: SQL[] = [eq(studyScores.platform, q.platform), inArray(studyScores.month, months), scoreVisible(scope)];
  if (q.unitId) where.push(unitAtOrBelow(studyScores.unitId, q.unitId));
  const cond = and(...where);
  const [monthly, overall] = await Promise.all([
    db
      .select({ unitId: studyScores.unitId, month: studyScores.month, avg: sql<number>`round(avg(${studyScores.hundredths}))::int` })
      .from(studyScores)
      .where(cond)
      .groupBy(studyScores.unitId, studyScores.month),
    db
      .select({
        unitId: studyScores.unitId,
        unitName: units.name,
        avg: sql<number>`round(avg(${studyScores.hundredths}))::int`,
        people: sql<number>`count(distinct ${studyScores.personId})::int`,
      })
      .from(studyScores)
      .innerJoin(units, eq(units.id, studyScores.unitId))
      .where(cond)
      .groupBy(studyScores.unitId, units.name),
  ]);
  const sorted = overall.sort((a, b) => b.avg - a.avg || a.unitName.localeCompare(b.unitName, 'zh'));
  let rank = 0;
  const rows = sorted.map((u, i) => {
    if (i === 0 || sorted[i - 1].avg !== u.avg) rank = i + 1;
    return {
      rank,
      unitId: u.unitId,
      unitName: u.unitName,
      monthly: months.map((m) => {
        const x = monthly.find((r) => r.unitId === u.unitId && r.month === m);
        return x ? fromHundredths(x.avg) : null;
      }),
      average: fromHundredths(u.avg),
      people: u.people,
    };
  });
  return { year: q.year, half: q.half, platform: q.platform, months, rows };
}

export function halfYearExport(report: HalfYearReport): { columns: XlsxColumn[]; rows: Record<string, unknown>[] } {
  const columns: XlsxColumn[] = [
    { header: '名次', key: 'rank', width: 8 },
    { header: '单位', key: 'unitName', width: 28 },
    ...report.months.map((m, i) => ({ header: `${Number(m.slice(5))}月人均`, key: `m${i}`, width: 10, numFmt: '0.00' })),
    { header: '半年人均', key: 'average', width: 12, numFmt: '0.00' },
    { header: '人数', key: 'people', width: 8 },
  ];
  const rows = report.rows.map((r) => ({
    rank: r.rank,
    unitName: r.unitName,
    ...Object.fromEntries(r.monthly.map((v, i) => [`m${i}`, v])),
    average: r.average,
    people: r.people,
  }));
  return { columns, rows };
}
