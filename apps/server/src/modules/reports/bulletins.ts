/**
 * 通报: a draft filled from a template over live data, edited by a writer in whose units the bulletin's scope
 * lies, then issued: numbered within the year without gaps (发文字号 青宣通〔2026〕12号), its data and text
 * frozen, and sent to the units of its scope and the units it names.
 *
 * Who sees what: a draft only writers whose units hold its scope unit; an issued bulletin every reader whose
 * unit received it, or whose units hold its scope unit or one of its recipients. Anything else answers 404.
 */
import { and, desc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Bulletin, BulletinBlock, BulletinHead, BulletinTemplateCode, BulletinListQuery, CreateBulletinBody, UpdateBulletinBody } from '@luoshi/contract';
import { markNoticeRead, notifyUsers, usersOfUnits } from '../notify/notices.ts';
import type { DbLike } from '../../db/client.ts';
import { bulletinRecipients, bulletins, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { officialDocument } from '../../platform/docx.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, likeText } from '../../platform/list.ts';
import { pathInScope, unitInScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { cnDate, fillTemplate, issuerName, periodOfKey, templateName, type ScopeUnit } from './templates.ts';

type Row = typeof bulletins.$inferSelect;

const canWrite = (caller: Caller) => caller.permissions.has('reports:bulletin:write');

/** The unit a bulletin covers, which must lie within the caller's units. */
export async function scopeUnitOf(db: DbLike, caller: Caller, unitId: string): Promise<ScopeUnit> {
  const [u] = await db.select({ id: units.id, name: units.name, path: units.path, type: units.type, depth: units.depth }).from(units).where(eq(units.id, unitId));
  if (!u || !pathInScope(caller.scope, u.path)) throw notFound('单位');
  return u;
}

/** Drafts to writers over the scope unit; issued ones to their recipients and to readers over scope or recipients. */
function visibleTo(caller: Caller): SQL {
  const received = caller.unitId
    ? sql`exists (select 1 from ${bulletinRecipients} r where r.bulletin_id = ${bulletins.id} and r.unit_id = ${caller.unitId})`
    : sql`false`;
  const recipientInScope = sql`exists (select 1 from ${bulletinRecipients} r where r.bulletin_id = ${bulletins.id} and ${unitInScope(caller.scope, sql`r.unit_id`)})`;
  const issued = and(eq(bulletins.status, 'issued'), or(received, unitInScope(caller.scope, bulletins.scopeUnitId), recipientInScope))!;
  if (!canWrite(caller)) return issued;
  return or(issued, and(eq(bulletins.status, 'draft'), unitInScope(caller.scope, bulletins.scopeUnitId)))!;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function present(db: DbLike, caller: Caller, rows: Row[]): Promise<BulletinHead[]> {
  if (!rows.length) return [];
  const unitIds = [...new Set(rows.map((r) => r.scopeUnitId))];
  const names = new Map((await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, unitIds))).map((u) => [u.id, u.name]));
  const reads = caller.unitId
    ? new Map(
        (
          await db
            .select({ id: bulletinRecipients.bulletinId, readAt: bulletinRecipients.readAt })
            .from(bulletinRecipients)
            .where(and(eq(bulletinRecipients.unitId, caller.unitId), inArray(bulletinRecipients.bulletinId, rows.map((r) => r.id))))
        ).map((r) => [r.id, r.readAt]),
      )
    : new Map<string, Date | null>();
  return rows.map((r) => ({
    id: r.id,
    template: r.template as BulletinHead['template'],
    templateName: templateName(r.template),
    title: r.title,
    year: r.year,
    periodKey: r.periodKey,
    periodLabel: periodOfKey(r.periodKey).label,
    scopeUnitId: r.scopeUnitId,
    scopeUnitName: names.get(r.scopeUnitId) ?? '',
    status: r.status,
    number: r.number,
    docNumber: r.docNumber,
    issuedAt: iso(r.issuedAt),
    signatureDate: r.signatureDate,
    updatedAt: r.updatedAt.toISOString(),
    readAt: iso(reads.get(r.id) ?? null),
    version: r.version,
  }));
}

async function presentFull(db: DbLike, caller: Caller, r: Row): Promise<Bulletin> {
  const [head] = await present(db, caller, [r]);
  const namedIds = ((r.data.namedUnitIds as string[] | undefined) ?? []).filter(Boolean);
  const named = namedIds.length ? await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, namedIds)) : [];
  const recipients =
    r.status === 'issued'
      ? await db
          .select({ unitId: bulletinRecipients.unitId, unitName: units.name, named: bulletinRecipients.named, readAt: bulletinRecipients.readAt, path: units.path })
          .from(bulletinRecipients)
          .innerJoin(units, eq(units.id, bulletinRecipients.unitId))
          .where(eq(bulletinRecipients.bulletinId, r.id))
          .orderBy(units.path)
      : [];
  return {
    ...head,
    addressee: r.addressee,
    blocks: r.blocks as BulletinBlock[],
    data: r.data,
    signatureIssuer: r.signatureIssuer,
    colophon: r.colophon,
    namedUnits: namedIds.map((id) => named.find((u) => u.id === id)).filter((u): u is { id: string; name: string } => !!u),
    // a reader sees the recipients within its own units; a writer over the scope sees them all
    recipients: recipients
      .filter((x) => x.unitId === caller.unitId || pathInScope(caller.scope, x.path))
      .map((x) => ({ unitId: x.unitId, unitName: x.unitName, named: x.named, readAt: iso(x.readAt) })),
  };
}

async function visibleRow(db: DbLike, caller: Caller, id: string, lock = false): Promise<Row> {
  const q = db.select().from(bulletins).where(and(eq(bulletins.id, id), visibleTo(caller)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('通报');
  return row;
}

/** A draft the caller may edit, locked for the rest of the transaction; an issued bulletin answers 409. */
async function editableRow(tx: DbLike, caller: Caller, id: string, version?: number): Promise<Row> {
  const row = await visibleRow(tx, caller, id, true);
  if (!canWrite(caller) || !pathInScope(caller.scope, (await scopeUnitOf(tx, caller, row.scopeUnitId)).path)) throw notFound('通报');
  if (row.status !== 'draft') throw conflict('该通报已印发，内容和数据已固定，不能再修改');
  if (version !== undefined && row.version !== version) throw conflict();
  return row;
}

export async function listBulletins(db: DbLike, caller: Caller, q: z.output<typeof BulletinListQuery>) {
  const where: SQL[] = [visibleTo(caller)];
  if (q.template) where.push(eq(bulletins.template, q.template));
  if (q.status) where.push(eq(bulletins.status, q.status));
  if (q.year) where.push(eq(bulletins.year, q.year));
  if (q.q) where.push(or(like(bulletins.title, likeText(q.q)), like(bulletins.docNumber, likeText(q.q)))!);
  const cond = and(...where);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(bulletins)
      .where(cond)
      .orderBy(sql`${bulletins.status} = 'issued'`, desc(bulletins.year), desc(bulletins.number), desc(bulletins.updatedAt), desc(bulletins.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ total: sql<number>`count(*)::int` }).from(bulletins).where(cond),
  ]);
  return envelope(await present(db, caller, rows), total, q);
}

export async function getBulletin(db: DbLike, caller: Caller, id: string): Promise<Bulletin> {
  return presentFull(db, caller, await visibleRow(db, caller, id));
}

export async function createBulletin(tx: DbLike, caller: Caller, actor: Actor, body: z.output<typeof CreateBulletinBody>, today: string): Promise<string> {
  const scope = await scopeUnitOf(tx, caller, body.scopeUnitId);
  const filled = await fillTemplate(tx, body.template, scope, body.periodKey, { unitIds: body.unitIds, measure: body.measure, reason: body.reason, today, userId: caller.userId });
  const [row] = await tx
    .insert(bulletins)
    .values({
      template: body.template,
      title: filled.title,
      year: periodOfKey(body.periodKey).year,
      periodKey: body.periodKey,
      scopeUnitId: scope.id,
      addressee: filled.addressee,
      blocks: filled.blocks,
      data: { ...filled.data, namedUnitIds: filled.namedUnitIds, options: { unitIds: body.unitIds ?? [], measure: body.measure ?? null, reason: body.reason ?? null } },
      signatureIssuer: issuerName(scope),
      colophon: [{ label: '抄送', text: '部领导，部机关各科室' }],
      createdBy: caller.userId,
    })
    .returning();
  await audit(tx, actor, { entity: 'bulletin', entityId: row.id, action: 'create', after: row });
  return row.id;
}

export async function updateBulletin(tx: DbLike, caller: Caller, actor: Actor, id: string, body: z.output<typeof UpdateBulletinBody>) {
  const before = await editableRow(tx, caller, id, body.version);
  const [after] = await tx
    .update(bulletins)
    .set({
      title: body.title,
      addressee: body.addressee,
      blocks: body.blocks,
      signatureIssuer: body.signatureIssuer,
      signatureDate: body.signatureDate,
      colophon: body.colophon,
      updatedAt: new Date(),
      version: before.version + 1,
    })
    .where(eq(bulletins.id, id))
    .returning();
  await audit(tx, actor, { entity: 'bulletin', entityId: id, action: 'update', before, after });
}

/** Refills a draft from today's data: the figures, the title, 主送 and body are written afresh. */
export async function refreshBulletin(tx: DbLike, caller: Caller, actor: Actor, id: string, version: number, today: string) {
  const before = await editableRow(tx, caller, id, version);
  const scope = await scopeUnitOf(tx, caller, before.scopeUnitId);
  const opts = (before.data.options ?? {}) as { unitIds?: string[]; measure?: 'tasks' | 'points' | 'platform' | null; reason?: string | null };
  const filled = await fillTemplate(tx, before.template as BulletinTemplateCode, scope, before.periodKey, {
    unitIds: opts.unitIds?.length ? opts.unitIds : undefined,
    measure: opts.measure ?? undefined,
    reason: opts.reason ?? undefined,
    today,
    userId: caller.userId,
  });
  const [after] = await tx
    .update(bulletins)
    .set({
      title: filled.title,
      addressee: filled.addressee,
      blocks: filled.blocks,
      data: { ...filled.data, namedUnitIds: filled.namedUnitIds, options: opts },
      updatedAt: new Date(),
      version: before.version + 1,
    })
    .where(eq(bulletins.id, id))
    .returning();
  await audit(tx, actor, { entity: 'bulletin', entityId: id, action: 'refresh', before: { data: before.data, version: before.version }, after: { data: after.data, version: after.version } });
}

/** 发文字号 prefix: LUOSHI_BULLETIN_PREFIX, or derived from the top unit (青澜市委宣传部 → 青宣通). */
async function docPrefix(db: DbLike, scope: ScopeUnit): Promise<string> {
  const set = process.env.LUOSHI_BULLETIN_PREFIX?.trim();
  if (set) return set;
  const rootId = scope.path.split('/').filter(Boolean)[0];
  const [root] = await db.select({ name: units.name }).from(units).where(eq(units.id, rootId));
  const name = (root?.name ?? scope.name).replace(/^中共/, '');
  return `${name.slice(0, 1)}宣通`;
}

/**
 * 印发: the next number of the year under a transaction-level lock per year (max + 1, so concurrent issues wait for
 * each other and no number is skipped; an issued bulletin is never deleted), the signature date, and the recipients:
 * every enabled unit of the scope, and the units the bulletin names.
 */
export async function issueBulletin(tx: DbLike, caller: Caller, actor: Actor, id: string, body: { version: number; signatureDate?: string }, today: string) {
  const before = await editableRow(tx, caller, id, body.version);
  const scope = await scopeUnitOf(tx, caller, before.scopeUnitId);
  const signatureDate = body.signatureDate ?? before.signatureDate ?? today;
  const year = Number(signatureDate.slice(0, 4));
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`bulletin-number:${year}`}))`);
  const [{ number }] = await tx
    .select({ number: sql<number>`coalesce(max(${bulletins.number}), 0)::int + 1` })
    .from(bulletins)
    .where(eq(bulletins.year, year));
  const docNumber = `${await docPrefix(tx, scope)}〔${year}〕${number}号`;
  const [after] = await tx
    .update(bulletins)
    .set({
      status: 'issued',
      year,
      number,
      docNumber,
      signatureDate,
      signatureIssuer: before.signatureIssuer ?? issuerName(scope),
      issuedAt: new Date(),
      issuedBy: caller.userId,
      updatedAt: new Date(),
      version: before.version + 1,
    })
    .where(eq(bulletins.id, id))
    .returning();
  const inScope = await tx.select({ id: units.id }).from(units).where(and(like(units.path, `${scope.path}%`), eq(units.disabled, false)));
  const named = new Set(((before.data.namedUnitIds as string[] | undefined) ?? []).filter(Boolean));
  const ids = new Set([...inScope.map((u) => u.id), ...named]);
  const values = [...ids].map((unitId) => ({ bulletinId: id, unitId, named: named.has(unitId) }));
  for (let i = 0; i < values.length; i += 1000) await tx.insert(bulletinRecipients).values(values.slice(i, i + 1000));
  await notifyRecipients(tx, after, [...ids]);
  await audit(tx, actor, { entity: 'bulletin', entityId: id, action: 'issue', before: { status: before.status, version: before.version }, after: { status: 'issued', number, docNumber, year, signatureDate, recipients: ids.size } });
}

const noticeKey = (bulletinId: string) => `bulletin:${bulletinId}`;

/** The users of the recipient units who may read bulletins are told of it in the notification centre (and by e-mail if they asked). */
async function notifyRecipients(tx: DbLike, bulletin: Row, unitIds: string[]): Promise<void> {
  const userIds = await usersOfUnits(tx, unitIds, 'reports:bulletin:read');
  await notifyUsers(
    tx,
    userIds.map((userId) => ({
      userId,
      kind: 'bulletin',
      title: `通报：${bulletin.title}`,
      body: bulletin.docNumber ? `${bulletin.docNumber}，请查阅。` : '请查阅。',
      link: `/bulletins/${bulletin.id}`,
      dedupeKey: noticeKey(bulletin.id),
    })),
  );
}

export async function deleteBulletin(tx: DbLike, caller: Caller, actor: Actor, id: string, version: number) {
  const before = await editableRow(tx, caller, id, version);
  await tx.delete(bulletins).where(eq(bulletins.id, id));
  await audit(tx, actor, { entity: 'bulletin', entityId: id, action: 'delete', before });
}

/** A recipient unit's user marks the bulletin read (for the unit, once). */
export async function markRead(tx: DbLike, caller: Caller, actor: Actor, id: string) {
  await visibleRow(tx, caller, id);
  if (!caller.unitId) throw badRequest('当前账号未归属单位');
  const [r] = await tx
    .select()
    .from(bulletinRecipients)
    .where(and(eq(bulletinRecipients.bulletinId, id), eq(bulletinRecipients.unitId, caller.unitId)));
  if (!r) throw badRequest('本单位不是该通报的主送或抄送单位');
  await markNoticeRead(tx, caller.userId, noticeKey(id));
  if (r.readAt) return;
  await tx
    .update(bulletinRecipients)
    .set({ readAt: new Date() })
    .where(and(eq(bulletinRecipients.bulletinId, id), eq(bulletinRecipients.unitId, caller.unitId)));
  await audit(tx, actor, { entity: 'bulletin', entityId: id, action: 'read', after: { unitId: caller.unitId } });
}

/** The bulletin in GB/T 9704 layout: red 版头 of the issuing body, 发文字号, title, 主送, body, 落款, 版记. */
export async function bulletinDocx(db: DbLike, caller: Caller, id: string): Promise<{ buffer: Buffer; fileName: string }> {
  const r = await visibleRow(db, caller, id);
  const [scope] = await db.select({ id: units.id, name: units.name }).from(units).where(eq(units.id, r.scopeUnitId));
  const issuer = r.signatureIssuer ?? issuerName(scope);
  // a draft leaves the date blank, to be written when it is issued
  const date = r.signatureDate ? cnDate(r.signatureDate) : '　　年　月　日';
  const body = issuerName(scope);
  const buffer = await officialDocument({
    masthead: body,
    docNumber: r.docNumber ?? `${body.replace(/^中共/, '').slice(0, 1)}宣通〔${r.year}〕  号`,
    title: r.title,
    addressee: r.addressee ?? undefined,
    blocks: r.blocks as BulletinBlock[],
    signature: { issuer, date },
    colophon: { lines: r.colophon, printer: `${body.replace(/^中共/, '')}办公室`, printDate: r.signatureDate ? date : undefined },
  });
  const fileName = `${r.docNumber ? `${r.docNumber} ` : '（草稿）'}${r.title}.docx`.replace(/[\\/:*?"<>|]/g, '');
  return { buffer, fileName };
}

