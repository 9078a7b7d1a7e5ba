import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { MultipartFile } from '@fastify/multipart';
import {
  IMPORT_COLUMNS,
  Phone,
  UNIT_TYPES,
  type ImportKind,
  type ImportPreview,
  type UnitType,
} from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { importBatches, persons, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { maskPhone, sealOrNull } from '../../platform/crypto.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { pathInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { maskedPhoneOf, personAudit, phoneColumns, phoneOf } from './persons.ts';
import { getUnitInScope, namePathOf } from './units.ts';
import { cellDate, cellText, readSheet, xlsxBuffer, type SheetRow, type XlsxColumn } from './xlsx.ts';

/** What a confirmed import writes, one entry per good row, kept in import_batches between preview and confirm. */
type UnitImportRow = {
  line: number;
  name: string;
  type: UnitType;
  sort: number;
  /** an existing parent unit, or */
  parentId: string | null;
  /** a unit defined on an earlier line of the same file */
  parentLine: number | null;
  parentPath: string;
};
type PersonImportRow = {
  line: number;
  name: string;
  unitId: string;
  unitPath: string;
  post: string | null;
  gender: '男' | '女' | null;
  birthDate: string | null;
  /** sealed: the batch waits in the database between preview and confirm */
  phone: string | null;
  partyMember: boolean;
};
type RowError = { line: number; reason: string };

const WRITE_PERMISSION = { units: 'org:unit:write', persons: 'org:person:write' } as const;
const SAMPLE_SIZE = 20;

export function assertMayImport(caller: Caller, kind: ImportKind) {
  if (!caller.permissions.has(WRITE_PERMISSION[kind])) throw forbidden();
}

/** Reads the uploaded part: an .xlsx file (by name and by its first bytes), else a 400 in plain words. */
export async function readUpload(part: MultipartFile | undefined): Promise<Buffer> {
  if (!part) throw badRequest('请选择要导入的 Excel 文件');
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw badRequest('上传字段应为 file');
  }
  const name = part.filename || '';
  if (!name.toLowerCase().endsWith('.xlsx')) {
    part.file.resume();
    throw badRequest(`只能导入 .xlsx 格式的 Excel 文件，「${name || '未命名文件'}」不是 .xlsx 文件`);
  }
  const content = await part.toBuffer();
  if (part.file.truncated) throw new AppError(413, 'TOO_LARGE', `文件 ${name} 超过大小限制`);
  if (content.length < 4 || content[0] !== 0x50 || content[1] !== 0x4b) {
    throw badRequest(`「${name}」的内容不是 .xlsx 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入`);
  }
  return content;
}

// ---- unit references: a name, or a path of names from any level down ("甲县委宣传部/机关党支部") ----

type Candidate = {
  key: string;
  name: string;
  parentId: string | null;
  unitId: string | null;
  line: number | null;
  segments: string[];
  namePath: string;
  inScope: boolean;
  disabled: boolean;
};

const refSegments = (text: string) => text.split(/[/／\\]/).map((s) => s.trim()).filter(Boolean);

function endsWith(segments: string[], ref: string[]) {
  if (ref.length > segments.length) return false;
  const offset = segments.length - ref.length;
  return ref.every((r, i) => segments[offset + i] === r);
}

async function existingUnits(db: DbLike, scope: DataScope): Promise<Candidate[]> {
  const rows = await db
    .select({ id: units.id, name: units.name, parentId: units.parentId, path: units.path, disabled: units.disabled })
    .from(units);
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return rows.map((r) => {
    const namePath = namePathOf(r.path, names);
    return {
      key: r.id,
      name: r.name,
      parentId: r.parentId,
      unitId: r.id,
      line: null,
      segments: namePath.split('/'),
      namePath,
      inScope: pathInScope(scope, r.path),
      disabled: r.disabled,
    };
  });
}

/**
 * Finds the one unit a cell means. Units outside the caller's scope never satisfy a reference; naming one
 * is reported as outside the scope. A name that fits several units asks for the full path.
 */
function resolveUnit(text: string, what: string, candidates: Candidate[]): { unit: Candidate } | { error: string; unknown?: true } {
  const ref = refSegments(text);
  const found = candidates.filter((c) => endsWith(c.segments, ref));
  if (!found.length) return { error: `${what}「${text}」不存在`, unknown: true };
  const reachable = found.filter((c) => c.inScope);
  if (!reachable.length) return { error: `${what}「${text}」不在您的管辖范围内` };
  if (reachable.length > 1) {
    const examples = reachable.slice(0, 3).map((c) => `「${c.namePath}」`).join('、');
    return { error: `${what}「${text}」有 ${reachable.length} 个同名单位，请填写完整路径，如 ${examples}` };
  }
  const unit = reachable[0];
  if (unit.disabled) return { error: `${what}「${unit.namePath}」已停用` };
  return { unit };
}

const UNIT_TYPE_BY_LABEL = new Map<string, UnitType>(
  Object.entries(UNIT_TYPES).flatMap(([key, label]) => [
    [label, key as UnitType],
    [key, key as UnitType],
  ]),
);

// ---- preview ----

export async function previewUnits(db: DbLike, scope: DataScope, rows: SheetRow[]) {
  const candidates = await existingUnits(db, scope);
  /** parent key → child name → line that defines it (0 for a unit already in the database) */
  const children = new Map<string, Map<string, number>>();
  const childrenOf = (key: string) => children.get(key) ?? children.set(key, new Map()).get(key)!;
  for (const u of candidates) childrenOf(u.parentId ?? 'root').set(u.name, 0);

  const good: UnitImportRow[] = [];
  const errors: RowError[] = [];
  const badLines = new Map<string, number>();
  for (const { line, cells } of rows) {
    const problems: string[] = [];
    const name = cellText(cells.get('单位名称') ?? null);
    if (!name) problems.push('缺少单位名称');
    else if (name.length > 100) problems.push('单位名称超过 100 字');
    else if (/[/／\\]/.test(name)) problems.push('单位名称不能包含“/”');

    const typeText = cellText(cells.get('单位类型') ?? null);
    const type = UNIT_TYPE_BY_LABEL.get(typeText);
    if (!typeText) problems.push('缺少单位类型');
    else if (!type) problems.push(`单位类型「${typeText}」无法识别，应为：${Object.values(UNIT_TYPES).join('、')}`);

    const sortText = cellText(cells.get('排序') ?? null);
    const sort = sortText === '' ? 0 : Number(sortText);
    if (!Number.isInteger(sort) || sort < 0 || sort > 1_000_000) problems.push(`排序「${sortText}」应为非负整数`);

    const parentText = cellText(cells.get('上级单位') ?? null);
    let parent: Candidate | null = null;
    let parentKnown = true;
    if (!parentText) {
      if (scope.kind !== 'all') {
        problems.push('缺少上级单位（只有全局管理员可以导入顶级单位）');
        parentKnown = false;
      }
    } else {
      const found = resolveUnit(parentText, '上级单位', candidates);
      if ('unit' in found) parent = found.unit;
      else {
        parentKnown = false;
        const badLine = found.unknown ? badLines.get(refSegments(parentText).pop() ?? '') : undefined;
        problems.push(badLine ? `上级单位「${parentText}」所在的第 ${badLine} 行有误` : found.error);
      }
    }

    const parentKey = parent?.key ?? 'root';
    const parentLabel = parent?.namePath ?? '顶级';
    if (name && parentKnown) {
      const previous = childrenOf(parentKey).get(name);
      if (previous === 0) problems.push(`「${parentLabel}」下已有名为「${name}」的单位`);
      else if (previous) problems.push(`与第 ${previous} 行重复：「${parentLabel}」下的「${name}」`);
    }

    if (problems.length) {
      errors.push({ line, reason: problems.join('；') });
      if (name && !badLines.has(name)) badLines.set(name, line);
      continue;
    }
    childrenOf(parentKey).set(name, line);
    const namePath = parent ? `${parent.namePath}/${name}` : name;
    candidates.push({ key: `line:${line}`, name, parentId: null, unitId: null, line, segments: namePath.split('/'), namePath, inScope: true, disabled: false });
    good.push({ line, name, type: type!, sort, parentId: parent?.unitId ?? null, parentLine: parent?.line ?? null, parentPath: parent?.namePath ?? '' });
  }
  return { good, errors };
}

const GENDERS = ['男', '女'] as const;

export async function previewPersons(db: DbLike, scope: DataScope, rows: SheetRow[]) {
  const candidates = await existingUnits(db, scope);
  const today = shanghaiDate();
  const parsed: (PersonImportRow | null)[] = [];
  const problemsOf = new Map<number, string[]>();
  for (const { line, cells } of rows) {
    const problems: string[] = [];
    const name = cellText(cells.get('姓名') ?? null);
    if (!name) problems.push('缺少姓名');
    else if (name.length > 50) problems.push('姓名超过 50 字');

    const unitText = cellText(cells.get('单位') ?? null);
    let unit: Candidate | null = null;
    if (!unitText) problems.push('缺少单位');
    else {
      const found = resolveUnit(unitText, '单位', candidates);
      if ('unit' in found) unit = found.unit;
      else problems.push(found.error);
    }

    const post = cellText(cells.get('职务') ?? null);
    if (post.length > 100) problems.push('职务超过 100 字');

    const genderText = cellText(cells.get('性别') ?? null);
    const gender = GENDERS.find((g) => g === genderText) ?? null;
    if (genderText && !gender) problems.push(`性别「${genderText}」应为“男”或“女”`);

    const birthCell = cells.get('出生日期') ?? null;
    const birthDate = cellDate(birthCell);
    if (birthDate === 'bad') problems.push(`出生日期「${cellText(birthCell)}」不是有效日期，应为 YYYY-MM-DD`);
    else if (birthDate && (birthDate > today || birthDate < '1900-01-01')) problems.push(`出生日期「${birthDate}」不在合理范围内`);

    const phoneText = cellText(cells.get('手机号') ?? null).replace(/\s+/g, '');
    if (phoneText && !Phone.safeParse(phoneText).success) problems.push(`手机号「${maskPhone(phoneText)}」应为 11 位手机号或带区号的固定电话`);

    const partyText = cellText(cells.get('是否党员') ?? null);
    if (partyText && partyText !== '是' && partyText !== '否') problems.push(`是否党员「${partyText}」应填“是”或“否”`);

    problemsOf.set(line, problems);
    parsed.push(
      unit && name && !problems.length
        ? {
            line,
            name,
            unitId: unit.unitId!,
            unitPath: unit.namePath,
            post: post || null,
            gender,
            birthDate: birthDate === 'bad' ? null : birthDate,
            phone: sealOrNull(phoneText),
            partyMember: partyText === '是',
          }
        : null,
    );
  }

  // Importing the same sheet twice is the usual mistake: a name already in that unit, or twice in the file, is refused.
  const unitIds = [...new Set(parsed.flatMap((p) => (p ? [p.unitId] : [])))];
  const existing = unitIds.length
    ? await db.select({ unitId: persons.unitId, name: persons.name }).from(persons).where(inArray(persons.unitId, unitIds))
    : [];
  const seen = new Map(existing.map((p) => [`${p.unitId}\u0000${p.name}`, 0]));
  const good: PersonImportRow[] = [];
  const errors: RowError[] = [];
  for (const [i, { line }] of rows.entries()) {
    const p = parsed[i];
    const problems = problemsOf.get(line)!;
    if (p) {
      const key = `${p.unitId}\u0000${p.name}`;
      const previous = seen.get(key);
      if (previous === 0) problems.push(`「${p.unitPath}」已有同名人员「${p.name}」，如确为不同人员请在人员管理中单独添加`);
      else if (previous) problems.push(`与第 ${previous} 行重复：「${p.unitPath}」的「${p.name}」`);
      else seen.set(key, line);
    }
    if (problems.length) errors.push({ line, reason: problems.join('；') });
    else good.push(p!);
  }
  return { good, errors };
}

function sampleOf(kind: ImportKind, rows: (UnitImportRow | PersonImportRow)[]) {
  return rows.slice(0, SAMPLE_SIZE).map((r) => {
    if (kind === 'units') {
      const u = r as UnitImportRow;
      return { line: u.line, name: u.name, parent: u.parentPath, type: UNIT_TYPES[u.type], sort: u.sort };
    }
    const p = r as PersonImportRow;
    return { line: p.line, name: p.name, unit: p.unitPath, post: p.post, gender: p.gender, birthDate: p.birthDate, phone: maskedPhoneOf(p), partyMember: p.partyMember };
  });
}

/** Checks every row and keeps the good ones for confirmation. Nothing but the batch itself is written. */
export async function previewImport(db: DbLike, caller: Caller, kind: ImportKind, content: Buffer): Promise<ImportPreview> {
  const required = kind === 'units' ? ['单位名称', '上级单位', '单位类型'] : ['姓名', '单位'];
  const rows = await readSheet(content, required, IMPORT_COLUMNS[kind]);
  if (!rows.length) throw badRequest('文件中没有数据行：第 1 行为表头，数据从第 2 行开始');
  const { good, errors } = kind === 'units' ? await previewUnits(db, caller.scope, rows) : await previewPersons(db, caller.scope, rows);
  const [batch] = await db
    .insert(importBatches)
    .values({ kind, userId: caller.userId, rows: good as unknown as Record<string, unknown>[], errors, total: rows.length })
    .returning({ id: importBatches.id });
  return { id: batch.id, kind, total: rows.length, valid: good.length, errors, sample: sampleOf(kind, good) };
}

// ---- confirm ----

const stale = (line: number, reason: string) =>
  conflict(`第 ${line} 行：${reason}。数据在预览后发生了变化，本次导入未写入任何数据，请重新上传`, [{ line, reason }]);

async function writeUnits(tx: DbLike, scope: DataScope, actor: Actor, rows: UnitImportRow[]) {
  const created = new Map<number, typeof units.$inferSelect>();
  for (const r of rows) {
    let parent: { id: string; path: string; depth: number; name: string } | null = null;
    if (r.parentLine !== null) parent = created.get(r.parentLine)!;
    else if (r.parentId) {
      // Locking the parent serialises this with anyone else creating units under it, so the name check below holds.
      const p = await getUnitInScope(tx, scope, r.parentId, true);
      if (p.disabled) throw stale(r.line, `上级单位「${r.parentPath}」已停用`);
      parent = p;
    } else if (scope.kind !== 'all') throw forbidden('只有全局管理员可以导入顶级单位');
    const [same] = await tx
      .select({ id: units.id })
      .from(units)
      .where(and(parent ? eq(units.parentId, parent.id) : isNull(units.parentId), eq(units.name, r.name)));
    if (same) throw stale(r.line, `「${r.parentPath || '顶级'}」下已有名为「${r.name}」的单位`);
    const id = crypto.randomUUID();
    const [row] = await tx
      .insert(units)
      .values({ id, parentId: parent?.id ?? null, name: r.name, type: r.type, sort: r.sort, path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0 })
      .returning();
    created.set(r.line, row);
    await audit(tx, actor, { entity: 'unit', entityId: id, action: 'import', after: row });
  }
  return created.size;
}

async function writePersons(tx: DbLike, scope: DataScope, actor: Actor, rows: PersonImportRow[]) {
  const checked = new Set<string>();
  let written = 0;
  for (const r of rows) {
    if (!checked.has(r.unitId)) {
      const unit = await getUnitInScope(tx, scope, r.unitId, true);
      if (unit.disabled) throw stale(r.line, `单位「${r.unitPath}」已停用`);
      checked.add(r.unitId);
    }
    const [same] = await tx
      .select({ id: persons.id })
      .from(persons)
      .where(and(eq(persons.unitId, r.unitId), eq(persons.name, r.name)));
    if (same) throw stale(r.line, `「${r.unitPath}」已有同名人员「${r.name}」`);
    const [row] = await tx
      .insert(persons)
      .values({ unitId: r.unitId, name: r.name, post: r.post, gender: r.gender, birthDate: r.birthDate, ...phoneColumns(phoneOf(r)), partyMember: r.partyMember })
      .returning();
    await audit(tx, actor, { entity: 'person', entityId: row.id, action: 'import', after: personAudit(row) });
    written++;
  }
  return written;
}

/**
 * Writes every good row of a batch in the caller's transaction: any row that no longer fits (a unit created
 * or disabled since the preview, a scope that changed) fails the whole import, and nothing is left behind.
 */
export async function confirmImport(tx: DbLike, caller: Caller, actor: Actor, id: string) {
  const [batch] = await tx
    .select()
    .from(importBatches)
    .where(and(eq(importBatches.id, id), eq(importBatches.userId, caller.userId)))
    .for('update');
  if (!batch) throw notFound('导入批次');
  const kind = batch.kind as ImportKind;
  assertMayImport(caller, kind);
  if (batch.status !== 'preview') throw conflict('该批次已经确认导入过，不能重复导入');
  if (!batch.rows.length) throw badRequest('该批次没有可导入的行，请修改文件后重新上传');
  const written =
    kind === 'units'
      ? await writeUnits(tx, caller.scope, actor, batch.rows as unknown as UnitImportRow[])
      : await writePersons(tx, caller.scope, actor, batch.rows as unknown as PersonImportRow[]);
  // The rows themselves (names, phones) are not kept once written: the count and the bad lines remain.
  await tx.update(importBatches).set({ status: 'confirmed', confirmedAt: new Date(), rows: [] }).where(eq(importBatches.id, id));
  await audit(tx, actor, {
    entity: 'import_batch',
    entityId: id,
    action: 'confirm',
    after: { kind, total: batch.total, written, skipped: batch.errors.length },
  });
  return { id, written };
}

// ---- templates ----

const TEMPLATES: Record<ImportKind, { sheet: string; columns: XlsxColumn[]; example: Record<string, unknown> }> = {
  units: {
    sheet: '单位',
    columns: IMPORT_COLUMNS.units.map((h) => ({ header: h, key: h, width: h === '上级单位' ? 36 : 20 })),
    example: { 单位名称: '机关第一党支部', 上级单位: '市委宣传部/示例县委宣传部', 单位类型: UNIT_TYPES.branch, 排序: 1 },
  },
  persons: {
    sheet: '人员',
    columns: IMPORT_COLUMNS.persons.map((h) => ({ header: h, key: h, width: h === '单位' ? 36 : 14 })),
    example: { 姓名: '张三', 单位: '市委宣传部/示例县委宣传部', 职务: '干事', 性别: '男', 出生日期: '1990-05-01', 手机号: '13800000000', 是否党员: '是' },
  },
};

export function importTemplate(kind: ImportKind): Promise<Buffer> {
  const t = TEMPLATES[kind];
  return xlsxBuffer(t.sheet, t.columns, [t.example]);
}

export const IMPORT_TEMPLATE_NAMES: Record<ImportKind, string> = { units: '单位导入模板.xlsx', persons: '人员导入模板.xlsx' };

/** Previews nobody confirmed within a week are dropped: they hold whole sheets of personal data. */
export async function purgeStaleImports(db: DbLike, olderThanDays = 7): Promise<number> {
  const gone = await db
    .delete(importBatches)
    .where(and(eq(importBatches.status, 'preview'), sql`${importBatches.createdAt} < now() - make_interval(days => ${olderThanDays})`))
    .returning({ id: importBatches.id });
  return gone.length;
}
