import { and, asc, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { CreateInfoIssueBody, InfoIssue, SaveInfoPublicationBody, UpdateInfoIssueBody } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { infoAdoptions, infoAuthors, infoIssues, infoItems, infoPublications, units, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { officialDocument, type OfficialBlock } from '../../platform/docx.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { unitInScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { itemVisible } from './access.ts';
import { emitAdoptionEvents } from './adoption.ts';
import { ensurePublications } from './settings.ts';

// 期刊: our own numbered publications (信息专报 第 N 期).
//
// Who sees an issue. It belongs to the unit of the account that opened it, kept on the issue (编发单位; an account
// above every unit, such as the first administrator, opens issues for the whole tree). While it is compiled it is a working paper:
// only its editors see it — whoever opened it, and whoever may compile issues (info:item:adopt) with the owning
// unit in scope. Once 印发 it is a document sent out, like a 通报: to the units under the owning unit and to the
// units whose information it carries, read by their people and by those whose scope covers the owning unit or one
// of those units, as issued, text included. Everyone else gets 404, and the list, the detail, the Word and the PDF
// all apply the same rule. Items of an issue that the reader may not open on their own are marked, not linked.

/**
 * The owning unit of the issue (null when opened above every unit) and its path. For WHERE clauses only:
 * drizzle writes a lone table's columns unqualified in a select list, where a subquery would misread them.
 */
const ownerUnit = sql`${infoIssues.unitId}`;
const ownerPath = sql`(select ow.path from ${units} ow where ow.id = ${infoIssues.unitId})`;

/** The caller compiles the issue: opened it, or may compile issues with its owning unit in scope. */
export function compiles(caller: Caller): SQL {
  if (!caller.permissions.has('info:item:adopt')) return sql`false`;
  return or(eq(infoIssues.createdBy, caller.userId), unitInScope(caller.scope, ownerUnit))!;
}

/** The issue, once issued, was sent to the caller: see the top of this file. */
function sentTo(caller: Caller): SQL {
  const below = caller.unitPath ? sql`${caller.unitPath}::text like (${ownerPath} || '%')` : sql`false`;
  const ownUnit = caller.unitId ? sql`a.unit_id = ${caller.unitId}` : sql`false`;
  const carried = sql`exists (select 1 from ${infoAdoptions} a where a.issue_id = ${infoIssues.id} and (${ownUnit} or ${unitInScope(caller.scope, sql`a.unit_id`)}))`;
  return or(sql`${ownerPath} is null`, below, unitInScope(caller.scope, ownerUnit), carried)!;
}

export function issueVisible(caller: Caller): SQL {
  return or(compiles(caller), and(eq(infoIssues.status, 'issued'), sentTo(caller)))!;
}

type IssueRow = typeof infoIssues.$inferSelect;
type PublicationRow = typeof infoPublications.$inferSelect;

export const issueLabel = (pubName: string, i: Pick<IssueRow, 'year' | 'number' | 'totalNumber'>) =>
  `${pubName} ${i.year}年第${i.number}期（总第${i.totalNumber}期）`;

/** '2026-11-25' → '2026年11月25日', as official documents write dates. */
export const chineseDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

const presentPublication = (p: PublicationRow, nextNumber: number) => ({
  id: p.id,
  name: p.name,
  level: p.level,
  issuer: p.issuer,
  colophon: p.colophon,
  disabled: p.disabled,
  nextNumber,
  version: p.version,
});

/**
 * The number a new issue of this year takes, by publication, counted over every issue, seen or not: a compiler
 * who sees only some issues is still told the right number.
 */
async function nextNumbers(db: DbLike): Promise<Map<string, number>> {
  const rows = await db
    .select({ id: infoIssues.publicationId, next: sql<number>`max(${infoIssues.number})::int + 1` })
    .from(infoIssues)
    .where(eq(infoIssues.year, Number(shanghaiDate().slice(0, 4))))
    .groupBy(infoIssues.publicationId);
  return new Map(rows.map((r) => [r.id, r.next]));
}

async function presentOne(db: DbLike, p: PublicationRow) {
  return presentPublication(p, (await nextNumbers(db)).get(p.id) ?? 1);
}

export async function listPublications(db: DbLike) {
  await ensurePublications(db);
  const [rows, next] = await Promise.all([db.select().from(infoPublications).orderBy(asc(infoPublications.createdAt), asc(infoPublications.name)), nextNumbers(db)]);
  return { data: rows.map((p) => presentPublication(p, next.get(p.id) ?? 1)) };
}

type PublicationBody = z.output<typeof SaveInfoPublicationBody>;

export async function savePublication(tx: DbLike, actor: Actor, id: string | null, body: PublicationBody) {
  const values = { name: body.name, level: body.level, issuer: body.issuer, colophon: body.colophon, disabled: body.disabled };
  const [clash] = await tx
    .select({ id: infoPublications.id })
    .from(infoPublications)
    .where(and(eq(infoPublications.name, body.name), id ? sql`${infoPublications.id} <> ${id}` : undefined));
  if (clash) throw conflict(`期刊“${body.name}”已存在`);
  if (!id) {
    const [row] = await tx.insert(infoPublications).values(values).returning();
    await audit(tx, actor, { entity: 'info_publication', entityId: row.id, action: 'create', after: row });
    return presentOne(tx, row);
  }
  const [before] = await tx.select().from(infoPublications).where(eq(infoPublications.id, id)).for('update');
  if (!before) throw notFound('期刊');
  if (before.version !== body.version) throw conflict();
  const [row] = await tx
    .update(infoPublications)
    .set({ ...values, version: before.version + 1 })
    .where(eq(infoPublications.id, id))
    .returning();
  await audit(tx, actor, { entity: 'info_publication', entityId: id, action: 'update', before, after: row });
  return presentOne(tx, row);
}

/**
 * An issue the caller compiles and that is still being compiled, locked for the rest of the transaction. One the
 * caller does not see answers 404, one they only read 403, an issued one 409.
 */
export async function lockOpenIssue(tx: DbLike, caller: Caller, id: string): Promise<IssueRow> {
  const [row] = await tx
    .select()
    .from(infoIssues)
    .where(and(eq(infoIssues.id, id), issueVisible(caller)))
    .for('update');
  if (!row) throw notFound('期刊期次');
  const [editor] = await tx.select({ id: infoIssues.id }).from(infoIssues).where(and(eq(infoIssues.id, id), compiles(caller)));
  if (!editor) throw forbidden('只有编辑本期的人员可以修改该期');
  if (row.status !== 'compiling') throw conflict('该期已印发，不能再修改');
  return row;
}

/**
 * 新开一期: the next number of the publication in the issue date's year, and the next running number over all
 * years, without gaps. Both are max + 1 under one transaction-level lock per publication (which covers the year's
 * numbers and the running numbers at once), so two openings at once wait for each other; an issue once numbered is
 * never deleted, so no number is ever lost.
 */
export async function openIssue(
  tx: DbLike,
  actor: Actor,
  userId: string,
  input: { publicationId: string; issueDate?: string; editorNote?: string | null },
): Promise<IssueRow> {
  const [pub] = await tx.select().from(infoPublications).where(eq(infoPublications.id, input.publicationId));
  if (!pub) throw notFound('期刊');
  if (pub.disabled) throw badRequest(`期刊“${pub.name}”已停用`);
  const issueDate = input.issueDate ?? shanghaiDate();
  const year = Number(issueDate.slice(0, 4));
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`info-issue:${pub.id}`}))`);
  const [{ number, total }] = await tx
    .select({
      number: sql<number>`coalesce(max(${infoIssues.number}) filter (where ${infoIssues.year} = ${year}), 0)::int + 1`,
      total: sql<number>`coalesce(max(${infoIssues.totalNumber}), 0)::int + 1`,
    })
    .from(infoIssues)
    .where(eq(infoIssues.publicationId, pub.id));
  const [row] = await tx
    .insert(infoIssues)
    .values({
      publicationId: pub.id,
      year,
      number,
      totalNumber: total,
      issueDate,
      editorNote: input.editorNote ?? null,
      colophon: pub.colophon,
      // Fixed when opened: the issue stays with its unit if the opener later moves.
      unitId: sql`(select ${users.unitId} from ${users} where ${users.id} = ${userId})`,
      createdBy: userId,
    })
    .returning();
  await audit(tx, actor, { entity: 'info_issue', entityId: row.id, action: 'create', after: row });
  return row;
}

export async function createIssue(tx: DbLike, actor: Actor, userId: string, body: z.output<typeof CreateInfoIssueBody>) {
  return openIssue(tx, actor, userId, body);
}

const itemCount = sql<number>`(select count(*)::int from ${infoAdoptions} a where a.issue_id = ${infoIssues.id})`;

function selectIssues(db: DbLike) {
  return db
    .select({ i: infoIssues, pubName: infoPublications.name, itemCount })
    .from(infoIssues)
    .innerJoin(infoPublications, eq(infoPublications.id, infoIssues.publicationId));
}
type IssueJoined = Awaited<ReturnType<ReturnType<typeof selectIssues>['where']>>[number];

const presentIssueHead = ({ i, pubName, itemCount: n }: IssueJoined) => ({
  id: i.id,
  publicationId: i.publicationId,
  publicationName: pubName,
  year: i.year,
  number: i.number,
  totalNumber: i.totalNumber,
  label: issueLabel(pubName, i),
  issueDate: i.issueDate,
  editorNote: i.editorNote,
  colophon: i.colophon,
  status: i.status,
  itemCount: n,
  version: i.version,
});

export async function listIssues(db: DbLike, caller: Caller, q: ListParams & { publicationId?: string; year?: number }) {
  const where: SQL[] = [issueVisible(caller)];
  if (q.publicationId) where.push(eq(infoIssues.publicationId, q.publicationId));
  if (q.year) where.push(eq(infoIssues.year, q.year));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectIssues(db)
      .where(cond)
      .orderBy(...orderOf(q.sort, { number: infoIssues.number, issueDate: infoIssues.issueDate }, [desc(infoIssues.year), desc(infoIssues.number), asc(infoIssues.id)]))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(infoIssues).where(cond),
  ]);
  return envelope(rows.map(presentIssueHead), total, q);
}

type IssueItemRow = {
  adoptionId: string;
  itemId: string;
  position: number;
  title: string;
  unitName: string;
  authors: string[];
  editorNote: string | null;
  wordCount: number;
  bodyText: string;
  readable: boolean;
};

/** The items of an issue in order; `readable` tells whether the caller may also open the item on its own. */
async function issueItems(db: DbLike, caller: Caller, issueId: string): Promise<IssueItemRow[]> {
  const rows = await db
    .select({
      readable: sql<boolean>`${itemVisible(caller)}`,
      adoptionId: infoAdoptions.id,
      itemId: infoItems.id,
      position: infoAdoptions.position,
      title: infoItems.title,
      unitName: units.name,
      authors: sql<string[]>`coalesce((select array_agg(au.name order by au.seq) from ${infoAuthors} au where au.item_id = ${infoItems.id}), '{}')`,
      editorNote: infoAdoptions.editorNote,
      wordCount: sql<number>`char_length(regexp_replace(${infoItems.bodyText}, '\\s', '', 'g'))::int`,
      bodyText: infoItems.bodyText,
    })
    .from(infoAdoptions)
    .innerJoin(infoItems, eq(infoItems.id, infoAdoptions.itemId))
    .innerJoin(units, eq(units.id, infoItems.unitId))
    .where(eq(infoAdoptions.issueId, issueId))
    .orderBy(asc(infoAdoptions.position), asc(infoAdoptions.createdAt));
  return rows.map((r) => ({ ...r, position: r.position ?? 0 }));
}

/** The issue with its publication's name, or 404 when the caller may not see it. */
async function visibleIssue(db: DbLike, caller: Caller, id: string): Promise<IssueJoined> {
  const [head] = await selectIssues(db).where(and(eq(infoIssues.id, id), issueVisible(caller)));
  if (!head) throw notFound('期刊期次');
  return head;
}

export async function getIssue(db: DbLike, caller: Caller, id: string): Promise<InfoIssue> {
  const head = await visibleIssue(db, caller, id);
  const items = await issueItems(db, caller, id);
  return { ...presentIssueHead(head), items: items.map(({ bodyText: _b, ...r }) => r) };
}

/** 编排: the order of the items, their 按语, the issue date, 编者按 and 版记; only while compiling. */
export async function updateIssue(tx: DbLike, caller: Caller, actor: Actor, id: string, body: z.output<typeof UpdateInfoIssueBody>) {
  const before = await lockOpenIssue(tx, caller, id);
  if (before.version !== body.version) throw conflict();
  if (Number(body.issueDate.slice(0, 4)) !== before.year) throw badRequest(`印发日期应在 ${before.year} 年内（期号按年编排）`);
  const current = await tx.select({ id: infoAdoptions.id }).from(infoAdoptions).where(eq(infoAdoptions.issueId, id));
  const given = body.items.map((i) => i.adoptionId);
  const known = new Set(current.map((c) => c.id));
  if (new Set(given).size !== given.length || given.length !== known.size || given.some((g) => !known.has(g))) {
    throw conflict('本期的信息已有变动，请刷新后重新编排');
  }
  for (const [index, it] of body.items.entries()) {
    await tx
      .update(infoAdoptions)
      .set({ position: index + 1, editorNote: it.editorNote, adoptedOn: body.issueDate })
      .where(eq(infoAdoptions.id, it.adoptionId));
  }
  const [after] = await tx
    .update(infoIssues)
    .set({ issueDate: body.issueDate, editorNote: body.editorNote, colophon: body.colophon, version: before.version + 1 })
    .where(eq(infoIssues.id, id))
    .returning();
  await audit(tx, actor, { entity: 'info_issue', entityId: id, action: 'update', before, after: { ...after, items: body.items } });
}

/** 印发: the issue is final, and its adoptions become facts that score, dated on the issue date. */
export async function issueIssue(tx: DbLike, caller: Caller, actor: Actor, id: string, version: number) {
  const before = await lockOpenIssue(tx, caller, id);
  if (before.version !== version) throw conflict();
  const adoptions = await tx.select().from(infoAdoptions).where(eq(infoAdoptions.issueId, id)).orderBy(asc(infoAdoptions.position));
  if (!adoptions.length) throw badRequest('本期还没有编入信息，不能印发');
  const [after] = await tx
    .update(infoIssues)
    .set({ status: 'issued', issuedAt: new Date(), version: before.version + 1 })
    .where(eq(infoIssues.id, id))
    .returning();
  for (const a of adoptions) {
    if (a.adoptedOn !== before.issueDate) await tx.update(infoAdoptions).set({ adoptedOn: before.issueDate }).where(eq(infoAdoptions.id, a.id));
    await emitAdoptionEvents(tx, { ...a, adoptedOn: before.issueDate });
  }
  await audit(tx, actor, { entity: 'info_issue', entityId: id, action: 'issue', before, after });
}

/** Paragraphs of a plain-text body: one per non-empty line. */
const paragraphs = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The issue as a Word document in the GB/T 9704 layout; with its file name. */
export async function issueDocx(db: DbLike, caller: Caller, id: string): Promise<{ buffer: Buffer; fileName: string }> {
  const head = await visibleIssue(db, caller, id);
  const [pub] = await db.select().from(infoPublications).where(eq(infoPublications.id, head.i.publicationId));
  const items = await issueItems(db, caller, id);
  const date = chineseDate(head.i.issueDate);
  const blocks: OfficialBlock[] = [];
  if (head.i.editorNote) blocks.push({ kind: 'note', label: '编者按：', text: head.i.editorNote });
  for (const it of items) {
    if (it.editorNote) blocks.push({ kind: 'note', label: '【按语】', text: it.editorNote });
    blocks.push({ kind: 'itemTitle', text: it.title });
    for (const p of paragraphs(it.bodyText)) blocks.push({ kind: 'paragraph', text: p });
    blocks.push({ kind: 'source', text: `（${[it.unitName, it.authors.join('、')].filter(Boolean).join(' ')}）` });
  }
  const buffer = await officialDocument({
    masthead: pub.name,
    issue: { number: `第 ${head.i.number} 期（总第 ${head.i.totalNumber} 期）`, issuer: `${pub.issuer}编`, date },
    blocks,
    colophon: { lines: head.i.colophon, printer: `${pub.issuer}办公室`, printDate: date },
  });
  return { buffer, fileName: `${pub.name}第${head.i.number}期.docx` };
}
