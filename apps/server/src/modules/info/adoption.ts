import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { AdoptInfoBody, InfoAdoption, InstructInfoBody } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { files, infoActions, infoAdoptions, infoAuthors, infoInstructions, infoIssues, infoItems, infoPublications } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { emitEvent } from '../../platform/events.ts';
import { ownUnattachedFiles, presentFile } from '../../platform/files.ts';
import type { Caller } from '../../platform/session.ts';
import { getVisibleItem, itemVisible, type InfoItemRow } from './access.ts';
import { issueLabel, lockOpenIssue, openIssue } from './issues.ts';

// 采用 and 领导批示. Both score points through domain events (info.adopted / info.instructed) that the points
// module turns into ledger rows: one event for the item's unit and one per author who is a person.
//
// When the events are emitted: an adoption by an outside outlet is a fact when it is registered, so its events go
// out at once. An adoption into one of our own issues only becomes a fact when the issue is 印发: placing an item
// into an issue being compiled emits nothing, so it can be taken out again freely, and 印发 emits the events of
// every adoption of the issue, dated on the issue date.

type AdoptionRow = typeof infoAdoptions.$inferSelect;
type InstructionRow = typeof infoInstructions.$inferSelect;
type AdoptBody = z.output<typeof AdoptInfoBody>;
type InstructBody = z.output<typeof InstructInfoBody>;

const field = (name: string, message: string) => badRequest(message, [{ field: `body.${name}`, message }]);

/** People among an item's authors: they score as persons. */
async function authorPersons(tx: DbLike, itemId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ personId: infoAuthors.personId })
    .from(infoAuthors)
    .where(and(eq(infoAuthors.itemId, itemId), isNotNull(infoAuthors.personId)));
  return rows.map((r) => r.personId!).sort();
}

async function emitForItem(
  tx: DbLike,
  type: 'info.adopted' | 'info.instructed',
  keyBase: string,
  item: Pick<InfoItemRow, 'id' | 'unitId'>,
  payload: Record<string, unknown>,
) {
  await emitEvent(tx, { type, key: `${keyBase}:unit`, unitId: item.unitId, payload });
  for (const personId of await authorPersons(tx, item.id)) {
    await emitEvent(tx, { type, key: `${keyBase}:person:${personId}`, personId, payload });
  }
}

/** The info.adopted events of one adoption, dated on its adoption day. */
export async function emitAdoptionEvents(tx: DbLike, adoption: Pick<AdoptionRow, 'id' | 'itemId' | 'unitId' | 'outlet' | 'level' | 'adoptedOn'>) {
  const [item] = await tx.select({ id: infoItems.id, unitId: infoItems.unitId, title: infoItems.title }).from(infoItems).where(eq(infoItems.id, adoption.itemId));
  await emitForItem(tx, 'info.adopted', `adoption:${adoption.id}`, item, {
    level: adoption.level,
    date: adoption.adoptedOn,
    sourceType: 'info',
    sourceId: item.id,
    label: `信息《${item.title}》被${adoption.outlet}采用（${adoption.level}）`,
    adoptionId: adoption.id,
  });
}

/** Proof scans and instruction scans: the caller's own uploads that no adoption or instruction holds yet. */
const ownFreeFiles = (tx: DbLike, userId: string, ids: string[]) =>
  ownUnattachedFiles(tx, userId, ids, [
    sql`exists (select 1 from ${infoAdoptions} a where a.file_ids @> jsonb_build_array(${files.id}::text))`,
    sql`exists (select 1 from ${infoInstructions} i where i.file_ids @> jsonb_build_array(${files.id}::text))`,
  ]);

async function recordAction(tx: DbLike, caller: Caller, itemId: string, action: 'adopt' | 'instruct', comment: string) {
  await tx.insert(infoActions).values({ itemId, action, comment, actorId: caller.userId });
}

/** 采用: into an issue being compiled (or a new issue of a publication), or by an outside outlet with proof. */
export async function adoptItem(tx: DbLike, caller: Caller, actor: Actor, itemId: string, body: AdoptBody): Promise<string> {
  const item = await getVisibleItem(tx, caller, itemId, true);
  if (item.status !== 'approved') throw conflict('只有已审定的信息才能采用');
  let row: AdoptionRow;
  if (body.kind === 'issue') {
    let issue: typeof infoIssues.$inferSelect;
    if (body.issueId) issue = await lockOpenIssue(tx, caller, body.issueId);
    else if (body.publicationId) issue = await openIssue(tx, actor, caller.userId, { publicationId: body.publicationId, issueDate: body.adoptedOn });
    else throw field('publicationId', '请选择期刊，或选择正在编辑的一期');
    const [pub] = await tx.select().from(infoPublications).where(eq(infoPublications.id, issue.publicationId));
    const [dup] = await tx
      .select({ id: infoAdoptions.id })
      .from(infoAdoptions)
      .where(and(eq(infoAdoptions.issueId, issue.id), eq(infoAdoptions.itemId, item.id)));
    if (dup) throw conflict(`该信息已编入${issueLabel(pub.name, issue)}，不能重复编入`);
    const [{ last }] = await tx
      .select({ last: sql<number>`coalesce(max(${infoAdoptions.position}), 0)::int` })
      .from(infoAdoptions)
      .where(eq(infoAdoptions.issueId, issue.id));
    [row] = await tx
      .insert(infoAdoptions)
      .values({
        itemId: item.id,
        unitId: item.unitId,
        kind: 'issue',
        issueId: issue.id,
        position: last + 1,
        editorNote: body.editorNote,
        outlet: pub.name,
        level: pub.level,
        adoptedOn: issue.issueDate,
        createdBy: caller.userId,
      })
      .returning();
    // the issue changed under whoever is arranging it
    await tx.update(infoIssues).set({ version: sql`${infoIssues.version} + 1` }).where(eq(infoIssues.id, issue.id));
  } else {
    if (!body.links.length && !body.fileIds.length) throw field('links', '请提供采用证明（链接或扫描件）');
    if (body.adoptedOn > shanghaiDate()) throw field('adoptedOn', '采用日期不能晚于今天');
    const fileIds = await ownFreeFiles(tx, caller.userId, body.fileIds);
    [row] = await tx
      .insert(infoAdoptions)
      .values({
        itemId: item.id,
        unitId: item.unitId,
        kind: 'outlet',
        outlet: body.outlet,
        level: body.level,
        adoptedOn: body.adoptedOn,
        links: body.links,
        fileIds,
        note: body.note,
        createdBy: caller.userId,
      })
      .returning();
    await emitAdoptionEvents(tx, row);
  }
  await recordAction(tx, caller, item.id, 'adopt', `${row.outlet} ${row.level}`);
  await audit(tx, actor, { entity: 'info_adoption', entityId: row.id, action: 'create', after: row });
  return row.id;
}

/** Takes an item out of an issue still being compiled; nothing was scored for it yet (see above). */
export async function removeAdoption(tx: DbLike, caller: Caller, actor: Actor, id: string): Promise<void> {
  const [row] = await tx.select().from(infoAdoptions).where(eq(infoAdoptions.id, id)).for('update');
  if (!row) throw notFound('采用记录');
  await getVisibleItem(tx, caller, row.itemId);
  if (row.kind !== 'issue' || !row.issueId) throw conflict('外部采用已计入积分，不能删除；如有错误请通过积分冲正处理');
  await lockOpenIssue(tx, caller, row.issueId);
  await tx.delete(infoAdoptions).where(eq(infoAdoptions.id, id));
  // close the gap so the issue's order stays 1..n
  await tx
    .update(infoAdoptions)
    .set({ position: sql`${infoAdoptions.position} - 1` })
    .where(and(eq(infoAdoptions.issueId, row.issueId), sql`${infoAdoptions.position} > ${row.position ?? 0}`));
  await tx.update(infoIssues).set({ version: sql`${infoIssues.version} + 1` }).where(eq(infoIssues.id, row.issueId));
  await audit(tx, actor, { entity: 'info_adoption', entityId: id, action: 'delete', before: row });
}

/** 领导批示 on an item that was approved (and possibly adopted). */
export async function instructItem(tx: DbLike, caller: Caller, actor: Actor, itemId: string, body: InstructBody): Promise<string> {
  const item = await getVisibleItem(tx, caller, itemId, true);
  if (item.status !== 'approved') {
    const [adopted] = await tx.select({ id: infoAdoptions.id }).from(infoAdoptions).where(eq(infoAdoptions.itemId, item.id)).limit(1);
    if (!adopted) throw conflict('只有已审定或已被采用的信息才能登记领导批示');
  }
  if (body.instructedOn > shanghaiDate()) throw field('instructedOn', '批示日期不能晚于今天');
  const fileIds = await ownFreeFiles(tx, caller.userId, body.fileIds);
  const [row] = await tx
    .insert(infoInstructions)
    .values({
      itemId: item.id,
      unitId: item.unitId,
      leader: body.leader,
      level: body.level,
      content: body.content,
      instructedOn: body.instructedOn,
      fileIds,
      createdBy: caller.userId,
    })
    .returning();
  await emitForItem(tx, 'info.instructed', `instruction:${row.id}`, item, {
    level: row.level,
    date: row.instructedOn,
    sourceType: 'info',
    sourceId: item.id,
    label: `信息《${item.title}》获${row.leader}批示（${row.level}）`,
    instructionId: row.id,
  });
  await recordAction(tx, caller, item.id, 'instruct', `${row.leader}（${row.level}）`);
  await audit(tx, actor, { entity: 'info_instruction', entityId: row.id, action: 'create', after: row });
  return row.id;
}

async function filesById(db: DbLike, ids: string[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map<string, ReturnType<typeof presentFile>>();
  const rows = await db.select().from(files).where(inArray(files.id, unique));
  return new Map(rows.map((f) => [f.id, presentFile(f)]));
}

/** The adoptions of items (in the order they were made), as the item page shows them. */
export async function presentAdoptions(db: DbLike, where: { itemId?: string; ids?: string[] }): Promise<InfoAdoption[]> {
  const rows = await db
    .select({ a: infoAdoptions, pubName: infoPublications.name, year: infoIssues.year, number: infoIssues.number, totalNumber: infoIssues.totalNumber })
    .from(infoAdoptions)
    .leftJoin(infoIssues, eq(infoIssues.id, infoAdoptions.issueId))
    .leftJoin(infoPublications, eq(infoPublications.id, infoIssues.publicationId))
    .where(where.itemId ? eq(infoAdoptions.itemId, where.itemId) : inArray(infoAdoptions.id, where.ids?.length ? where.ids : ['00000000-0000-0000-0000-000000000000']))
    .orderBy(asc(infoAdoptions.createdAt), asc(infoAdoptions.id));
  const byId = await filesById(db, rows.flatMap((r) => r.a.fileIds));
  return rows.map(({ a, ...r }) => ({
    id: a.id,
    kind: a.kind,
    issueId: a.issueId,
    issueLabel: a.issueId && r.pubName ? issueLabel(r.pubName, { year: r.year!, number: r.number!, totalNumber: r.totalNumber! }) : null,
    outlet: a.outlet,
    level: a.level,
    adoptedOn: a.adoptedOn,
    links: a.links,
    files: a.fileIds.flatMap((id) => byId.get(id) ?? []),
    editorNote: a.editorNote,
    note: a.note,
  }));
}

export async function presentInstructions(db: DbLike, where: { itemId?: string; ids?: string[] }) {
  const rows: InstructionRow[] = await db
    .select()
    .from(infoInstructions)
    .where(where.itemId ? eq(infoInstructions.itemId, where.itemId) : inArray(infoInstructions.id, where.ids?.length ? where.ids : ['00000000-0000-0000-0000-000000000000']))
    .orderBy(asc(infoInstructions.instructedOn), asc(infoInstructions.id));
  const byId = await filesById(db, rows.flatMap((r) => r.fileIds));
  return rows.map((r) => ({
    id: r.id,
    leader: r.leader,
    level: r.level,
    content: r.content,
    instructedOn: r.instructedOn,
    files: r.fileIds.flatMap((id) => byId.get(id) ?? []),
  }));
}

/**
 * A file of the information module the caller may fetch: one they uploaded, a proof scan of an adoption or a scan
 * of an instruction of an item they see, or an image in the body of an item (or of one of its versions) they see.
 *
 * An image is looked for first among the items its uploader wrote, authored or acted on (indexed lookups), and only
 * then among all visible items, so showing an item's pictures never scans every body.
 */
export async function visibleInfoFile(db: DbLike, caller: Caller, id: string) {
  const [file] = await db.select().from(files).where(eq(files.id, id));
  if (!file) throw notFound('文件');
  if (file.createdBy === caller.userId) return file;
  const holder = sql`jsonb_build_array(${id}::text)`;
  const ref = `%/api/info/files/${id}%`;
  const holds = sql`(exists (select 1 from ${infoAdoptions} a where a.item_id = ${infoItems.id} and a.file_ids @> ${holder})
    or exists (select 1 from ${infoInstructions} i where i.item_id = ${infoItems.id} and i.file_ids @> ${holder})
    or ${infoItems.bodyHtml} like ${ref}
    or exists (select 1 from info_versions v where v.item_id = ${infoItems.id} and v.body_html like ${ref}))`;
  const uploader = file.createdBy ?? '00000000-0000-0000-0000-000000000000';
  const near = sql`${infoItems.id} in (
    select it.id from ${infoItems} it where it.created_by = ${uploader}
    union select ac.item_id from ${infoActions} ac where ac.actor_id = ${uploader}
    union select au.item_id from ${infoAuthors} au join users up on up.person_id = au.person_id where up.id = ${uploader})`;
  for (const where of [and(near, itemVisible(caller), holds), and(itemVisible(caller), holds)]) {
    const [seen] = await db.select({ id: infoItems.id }).from(infoItems).where(where).limit(1);
    if (seen) return file;
  }
  throw notFound('文件');
}
