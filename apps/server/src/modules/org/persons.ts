import { and, asc, eq, gt, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Account, Person } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, roles, units, userRoles, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { blindIndex, blindIndexes, maskPhone, normalPhone, openOrNull, sealOrNull } from '../../platform/crypto.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import { endSessionsOf, type Caller } from '../../platform/session.ts';
import { problemGranting } from './roles.ts';
import { getUnitInScope, unitNamePaths } from './units.ts';
import { excelDate, type XlsxColumn } from './xlsx.ts';

export type PersonRow = typeof persons.$inferSelect;

/** People the caller may see: those of the units in scope, and always the caller's own record. */
export function personInScope(scope: DataScope): SQL {
  return or(unitInScope(scope, persons.unitId), ownedBy(scope, persons.id))!;
}

/** The logins of these people, with their roles; keyed by person id. */
export async function accountsOf(db: DbLike, personIds: string[]): Promise<Map<string, Account>> {
  const out = new Map<string, Account>();
  if (!personIds.length) return out;
  const us = await db
    .select({ id: users.id, personId: users.personId, username: users.username, disabled: users.disabled })
    .from(users)
    .where(inArray(users.personId, personIds));
  if (!us.length) return out;
  const rs = await db
    .select({ userId: userRoles.userId, id: roles.id, code: roles.code, name: roles.name, scope: roles.scope })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(inArray(userRoles.userId, us.map((u) => u.id)))
    .orderBy(asc(roles.code));
  for (const u of us) {
    out.set(u.personId!, {
      userId: u.id,
      username: u.username,
      disabled: u.disabled,
      roles: rs.filter((r) => r.userId === u.id).map(({ userId: _u, ...r }) => r),
    });
  }
  return out;
}

// ---- phone numbers 手机号: sealed at rest, masked on screen, revealed one at a time to those who keep the records ----

/** The stored form of a phone number: SM4-sealed, with the blind index of its digits for exact search. */
export function phoneColumns(phone: string | null | undefined): { phone: string | null; phoneIndex: string | null } {
  const p = phone?.trim() || null;
  return { phone: sealOrNull(p), phoneIndex: p ? blindIndex(normalPhone(p)) : null };
}

/** The number as typed; throws a 409 in plain words when the value cannot be opened (key missing, value altered). */
export function phoneOf(row: Pick<PersonRow, 'phone'>): string | null {
  try {
    return openOrNull(row.phone);
  } catch {
    throw new AppError(409, 'UNREADABLE', '手机号无法解密：密钥缺失或数据已被改动，请联系安全管理员');
  }
}

/** 138****1234 for lists and the audit log; a value that cannot be opened shows as stars rather than failing the list. */
export function maskedPhoneOf(row: Pick<PersonRow, 'phone'>): string | null {
  try {
    return maskPhone(openOrNull(row.phone));
  } catch {
    return '***';
  }
}

/** A person row as the audit log keeps it: the phone masked, neither its ciphertext nor its index. */
export function personAudit(row: PersonRow) {
  const { phoneIndex: _i, ...rest } = row;
  return { ...rest, phone: maskedPhoneOf(row) };
}

/** A search text that is a phone number: digits with the usual separators, long enough to be a whole number. */
export function phoneLike(q: string): string | null {
  if (!/^[\d\s+()-]+$/.test(q)) return null;
  const n = normalPhone(q);
  return n.length >= 7 ? n : null;
}

/**
 * Who may see a whole phone number: the person themself, and those who keep the records of the person's unit
 * (org:person:write over it). Everyone else who may list the person sees 138****1234.
 */
export function mayRevealPhone(caller: Caller, person: { id: string }, unitIdPath: string | undefined): boolean {
  if (caller.personId && person.id === caller.personId) return true;
  return caller.permissions.has('org:person:write') && !!unitIdPath && pathInScope(caller.scope, unitIdPath);
}

async function unitIdPaths(db: DbLike, unitIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(unitIds)];
  if (!ids.length) return new Map();
  const rows = await db.select({ id: units.id, path: units.path }).from(units).where(inArray(units.id, ids));
  return new Map(rows.map((u) => [u.id, u.path]));
}

/**
 * Maps rows to the contract, with unit names and logins; the password hash never leaves the users table. Phones are
 * masked, and `phoneRevealable` tells the screen whether to offer 显示; an export passes `fullPhones` to write the
 * whole number where the viewer may see it.
 */
export async function presentPersons(db: DbLike, rows: PersonRow[], viewer: Caller, opts: { fullPhones?: boolean } = {}): Promise<Person[]> {
  const [paths, accounts, idPaths] = await Promise.all([
    unitNamePaths(db, rows.map((r) => r.unitId)),
    accountsOf(db, rows.map((r) => r.id)),
    viewer.permissions.has('org:person:write') ? unitIdPaths(db, rows.map((r) => r.unitId)) : Promise.resolve(new Map<string, string>()),
  ]);
  return rows.map((r) => {
    const unitPath = paths.get(r.unitId) ?? '';
    const account = accounts.get(r.id) ?? null;
    const revealable = !!r.phone && mayRevealPhone(viewer, r, idPaths.get(r.unitId));
    return {
      id: r.id,
      unitId: r.unitId,
      unitName: unitPath.split('/').pop() ?? '',
      unitPath,
      name: r.name,
      gender: r.gender === '男' || r.gender === '女' ? r.gender : null,
      post: r.post,
      birthDate: r.birthDate,
      phone: revealable && opts.fullPhones ? phoneOf(r) : maskedPhoneOf(r),
      phoneRevealable: revealable,
      partyMember: r.partyMember,
      disabled: r.disabled,
      username: account?.username ?? null,
      account,
      version: r.version,
    };
  });
}

export async function presentPerson(db: DbLike, row: PersonRow, viewer: Caller): Promise<Person> {
  return (await presentPersons(db, [row], viewer))[0];
}

/** The whole number of one person, for those who may see it (else 403; a person out of scope is 404), audited as a read of personal data. */
export async function revealPhone(tx: DbLike, caller: Caller, actor: Actor, id: string): Promise<{ phone: string | null }> {
  const row = await getPersonInScope(tx, caller.scope, id);
  const idPaths = await unitIdPaths(tx, [row.unitId]);
  if (!mayRevealPhone(caller, row, idPaths.get(row.unitId))) throw forbidden('只有本人和负责该单位人员管理的用户可以查看完整手机号');
  const phone = phoneOf(row);
  await audit(tx, actor, { entity: 'person', entityId: id, action: 'read_pii', after: { field: 'phone', phone: maskPhone(phone) } });
  return { phone };
}

/** A person the caller may see, or 404. */
export async function getPersonInScope(db: DbLike, scope: DataScope, id: string, lock = false): Promise<PersonRow> {
  const q = db.select().from(persons).where(and(eq(persons.id, id), personInScope(scope)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('人员');
  return row;
}

export type PersonFilters = {
  q?: string;
  unitId?: string;
  direct?: boolean;
  partyMember?: boolean;
  bornAfter?: string;
  sort?: string;
};

function personFilters(scope: DataScope, q: PersonFilters): SQL {
  const where: SQL[] = [personInScope(scope)];
  if (q.q) {
    // A whole phone number finds its person through the blind index; the name never holds digits.
    const phone = phoneLike(q.q);
    where.push(phone ? inArray(persons.phoneIndex, blindIndexes(phone)) : ilike(persons.name, likeText(q.q)));
  }
  if (q.unitId) {
    where.push(
      q.direct
        ? eq(persons.unitId, q.unitId)
        : sql`${persons.unitId} in (select u.id from units u where u.path like (select p.path from units p where p.id = ${q.unitId}) || '%')`,
    );
  }
  if (q.partyMember !== undefined) where.push(eq(persons.partyMember, q.partyMember));
  if (q.bornAfter) where.push(gt(persons.birthDate, q.bornAfter));
  return and(...where)!;
}

const personSortColumns = { name: persons.name, birthDate: persons.birthDate, unit: units.path };
const personDefaultOrder = [asc(units.path), asc(persons.name), asc(persons.id)];

export async function listPersons(db: DbLike, caller: Caller, q: ListParams & PersonFilters, opts: { fullPhones?: boolean } = {}) {
  const cond = personFilters(caller.scope, q);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ person: persons })
      .from(persons)
      .innerJoin(units, eq(units.id, persons.unitId))
      .where(cond)
      .orderBy(...orderOf(q.sort, personSortColumns, personDefaultOrder))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(persons).where(cond),
  ]);
  return envelope(await presentPersons(db, rows.map((r) => r.person), caller, opts), total, q);
}

/** The filters of a list or an export as the audit log keeps them: a phone searched for is masked. */
export function auditedFilters(q: PersonFilters & Partial<ListParams>) {
  const { q: text, ...rest } = q;
  if (!text) return rest;
  const phone = phoneLike(text);
  return { ...rest, q: phone ? maskPhone(phone) : text };
}

export const PERSON_EXPORT_COLUMNS: XlsxColumn[] = [
  { header: '姓名', key: 'name', width: 12 },
  { header: '性别', key: 'gender', width: 6 },
  { header: '单位', key: 'unit', width: 24 },
  { header: '单位路径', key: 'unitPath', width: 48 },
  { header: '职务', key: 'post', width: 18 },
  { header: '出生日期', key: 'birthDate', width: 12, numFmt: 'yyyy-mm-dd' },
  { header: '手机号', key: 'phone', width: 14 },
  { header: '是否党员', key: 'partyMember', width: 9 },
  { header: '账号', key: 'username', width: 14 },
  { header: '状态', key: 'status', width: 8 },
];

export function personExportRow(p: Person) {
  return {
    name: p.name,
    gender: p.gender ?? '',
    unit: p.unitName,
    unitPath: p.unitPath,
    post: p.post ?? '',
    birthDate: excelDate(p.birthDate),
    phone: p.phone ?? '',
    partyMember: p.partyMember ? '是' : '否',
    username: p.username ?? '',
    status: p.disabled ? '停用' : '正常',
  };
}

type PersonInput = {
  unitId: string;
  name: string;
  gender?: '男' | '女' | null;
  post?: string | null;
  birthDate?: string | null;
  phone?: string | null;
  partyMember: boolean;
};

/** A unit people may be placed in: in scope (else 404) and not disabled. */
async function placeableUnit(tx: DbLike, scope: DataScope, unitId: string) {
  const unit = await getUnitInScope(tx, scope, unitId);
  if (unit.disabled) throw badRequest(`单位「${unit.name}」已停用，不能在其下添加人员`, [{ field: 'body.unitId', message: '单位已停用' }]);
  return unit;
}

export async function createPerson(tx: DbLike, scope: DataScope, actor: Actor, input: PersonInput) {
  await placeableUnit(tx, scope, input.unitId);
  const [row] = await tx
    .insert(persons)
    .values({
      unitId: input.unitId,
      name: input.name,
      gender: input.gender ?? null,
      post: input.post || null,
      birthDate: input.birthDate ?? null,
      ...phoneColumns(input.phone),
      partyMember: input.partyMember,
    })
    .returning();
  await audit(tx, actor, { entity: 'person', entityId: row.id, action: 'create', after: personAudit(row) });
  return row;
}

export async function updatePerson(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  patch: Partial<PersonInput> & { version: number; disabled?: boolean },
) {
  const { scope } = caller;
  const before = await getPersonInScope(tx, scope, id, true);
  if (before.version !== patch.version) throw conflict();
  if (patch.disabled === true && id === scope.personId) throw badRequest('不能停用本人');
  // Moving someone to another unit needs that unit in scope too, or a county could hand its people to another.
  if (patch.unitId && patch.unitId !== before.unitId) await placeableUnit(tx, scope, patch.unitId);
  const { version: _v, phone, ...fields } = patch;
  if (fields.post === '') fields.post = null;
  // Leaving the phone out keeps it; null (or an empty text) clears it.
  const phoneSet = phone === undefined ? {} : phoneColumns(phone);
  const [after] = await tx
    .update(persons)
    .set({ ...fields, ...phoneSet, version: before.version + 1, updatedAt: new Date() })
    .where(eq(persons.id, id))
    .returning();
  const [account] = await tx.select({ id: users.id, disabled: users.disabled }).from(users).where(eq(users.personId, id));
  const touchesLogin = account && (after.unitId !== before.unitId || (patch.disabled === true && !account.disabled));
  if (touchesLogin && account.id !== caller.userId) {
    // Moving or disabling a person moves or disables their login: not for a login more powerful than the caller's.
    const held = await tx
      .select({ name: roles.name, scope: roles.scope, permissions: roles.permissions })
      .from(userRoles)
      .innerJoin(roles, eq(roles.id, userRoles.roleId))
      .where(eq(userRoles.userId, account.id));
    const problem = held.map((r) => problemGranting(caller, r)).find(Boolean);
    if (problem) throw forbidden(`${before.name}的账号权限超出您的权限，不能调动或停用：${problem}`);
  }
  if (account && after.unitId !== before.unitId) {
    // The login's data scope is anchored at the person's unit, so it follows the person.
    await tx.update(users).set({ unitId: after.unitId, updatedAt: new Date() }).where(eq(users.id, account.id));
    await audit(tx, actor, { entity: 'user', entityId: account.id, action: 'move', before: { unitId: before.unitId }, after: { unitId: after.unitId } });
  }
  if (account && patch.disabled === true && !account.disabled) {
    // Someone who has left must not keep signing in.
    await tx.update(users).set({ disabled: true, updatedAt: new Date() }).where(eq(users.id, account.id));
    await endSessionsOf(tx, [account.id], actor);
    await audit(tx, actor, { entity: 'user', entityId: account.id, action: 'disable', before: { disabled: false }, after: { disabled: true, reason: '人员已停用' } });
  }
  const action = patch.disabled === true ? 'disable' : patch.disabled === false ? 'enable' : 'update';
  await audit(tx, actor, { entity: 'person', entityId: id, action, before: personAudit(before), after: personAudit(after) });
  return after;
}
