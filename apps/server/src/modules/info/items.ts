import { and, asc, desc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import sanitizeHtml from 'sanitize-html';
import type { InfoItem, InfoItemSummary } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import {
  campaigns, infoActions, infoAdoptions, infoAuthors, infoInstructions, infoItems, infoVersions, persons,
  tasks, units, users,
} from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { addWorkdays, shanghaiDate } from '../../platform/calendar.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { pathInScope, unitInScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { htmlToText } from '../../platform/text.ts';
import { getUnitInScope } from '../org/units.ts';
import { authorSide, getVisibleItem, holdsStep, itemVisible, ownItem, type InfoItemRow } from './access.ts';
import { presentAdoptions, presentInstructions } from './adoption.ts';
import { dupText, findNearDuplicates, indexItem, presentMatches } from './dup.ts';
import { loadSettings, reviewerNames } from './settings.ts';

// 信息报送: an item is written (草稿), submitted into the review chain, and every saved text is a version.

const IMAGE_SRC = /^\/api\/info\/files\/[0-9a-f-]{36}$/;

/** The rich text we keep: paragraphs, emphasis, lists, headings, tables and images from our own file store. */
export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
    allowedAttributes: { img: ['src', 'alt'] },
    allowedSchemes: [],
    allowProtocolRelative: false,
    exclusiveFilter: (frame) => frame.tag === 'img' && !IMAGE_SRC.test(frame.attribs.src ?? ''),
  }).trim();
}

/** Characters of a text without whitespace: what a department counts as 字数. */
export const wordCount = (text: string) => text.replace(/\s+/g, '').length;

const plainBody = (html: string) => htmlToText(html).replace(/\n{3,}/g, '\n\n').trim();

export type SaveItemInput = {
  unitId?: string;
  title: string;
  bodyHtml: string;
  category: string;
  campaignId?: string | null;
  taskId?: string | null;
  authors: { personId?: string | null; name: string }[];
  contact: string | null;
  submit: boolean;
  idempotencyKey?: string;
};

async function checkRefs(tx: DbLike, unit: { path: string }, input: SaveItemInput, categories: string[]) {
  if (!categories.includes(input.category)) throw badRequest(`类别“${input.category}”不在类别字典中`, [{ field: 'body.category', message: '请选择类别' }]);
  if (input.campaignId) {
    const [c] = await tx.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, input.campaignId));
    if (!c) throw badRequest('关联的专项行动不存在');
  }
  if (input.taskId) {
    const [t] = await tx.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, input.taskId));
    if (!t) throw badRequest('关联的任务不存在');
  }
  const ids = input.authors.map((a) => a.personId).filter((x): x is string => !!x);
  if (new Set(ids).size !== ids.length) throw badRequest('作者重复');
  if (ids.length) {
    const rows = await tx
      .select({ id: persons.id, path: units.path })
      .from(persons)
      .innerJoin(units, eq(units.id, persons.unitId))
      .where(inArray(persons.id, ids));
    const ok = new Set(rows.filter((r) => r.path.startsWith(unit.path)).map((r) => r.id));
    const bad = ids.find((id) => !ok.has(id));
    if (bad) throw badRequest('作者须为报送单位（或其下级单位）的人员', [{ field: 'body.authors', message: '作者须为本单位人员' }]);
  }
}

/** Authors in order; one who is a person of the unit is named as the person record names them. */
async function writeAuthors(tx: DbLike, itemId: string, authors: SaveItemInput['authors']) {
  await tx.delete(infoAuthors).where(eq(infoAuthors.itemId, itemId));
  if (!authors.length) return;
  const ids = authors.map((a) => a.personId).filter((x): x is string => !!x);
  const names = new Map(ids.length ? (await tx.select({ id: persons.id, name: persons.name }).from(persons).where(inArray(persons.id, ids))).map((p) => [p.id, p.name]) : []);
  await tx
    .insert(infoAuthors)
    .values(authors.map((a, i) => ({ itemId, seq: i + 1, personId: a.personId ?? null, name: (a.personId && names.get(a.personId)) || a.name })));
}

/** 新建信息 (草稿, or submitted at once). The idempotency key makes a double click one item. */
export async function createItem(tx: DbLike, caller: Caller, actor: Actor, input: SaveItemInput): Promise<{ id: string; created: boolean }> {
  const replay = async () => {
    if (!input.idempotencyKey) return null;
    const [row] = await tx
      .select({ id: infoItems.id, title: infoItems.title })
      .from(infoItems)
      .where(and(eq(infoItems.createdBy, caller.userId), eq(infoItems.idempotencyKey, input.idempotencyKey)));
    if (!row) return null;
    if (row.title !== input.title) throw conflict('该提交标识已用于另一条信息');
    return { id: row.id, created: false };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const unitId = input.unitId ?? caller.unitId;
  if (!unitId) throw badRequest('请选择报送单位');
  const unit =
    caller.scope.kind === 'self'
      ? unitId === caller.unitId
        ? (await tx.select().from(units).where(eq(units.id, unitId)))[0]
        : undefined
      : await getUnitInScope(tx, caller.scope, unitId).catch(() => undefined);
  if (!unit) throw badRequest('只能以本单位（或下级单位）名义报送', [{ field: 'body.unitId', message: '报送单位不在权限范围内' }]);
  const settings = await loadSettings(tx);
  await checkRefs(tx, unit, input, settings.categories);
  const bodyHtml = sanitizeBody(input.bodyHtml);
  const bodyText = plainBody(bodyHtml);

  const [row] = await tx
    .insert(infoItems)
    .values({
      unitId,
      title: input.title,
      bodyHtml,
      bodyText,
      category: input.category,
      campaignId: input.campaignId ?? null,
      taskId: input.taskId ?? null,
      contact: input.contact,
      createdBy: caller.userId,
      idempotencyKey: input.idempotencyKey ?? null,
    })
    .onConflictDoNothing({ target: [infoItems.createdBy, infoItems.idempotencyKey] })
    .returning();
  if (!row) return (await replay())!;
  await writeAuthors(tx, row.id, input.authors);
  await tx.insert(infoVersions).values({ itemId: row.id, seq: 1, title: row.title, bodyHtml, bodyText, stage: '作者', createdBy: caller.userId });
  await audit(tx, actor, { action: 'info.item.create', entity: 'info_item', entityId: row.id, after: { title: row.title, unitId, category: row.category } });
  if (input.submit) await submitItem(tx, caller, actor, row.id);
  return { id: row.id, created: true };
}

async function unitCovers(tx: DbLike, caller: Caller, unitId: string): Promise<boolean> {
  const [u] = await tx.select({ path: units.path }).from(units).where(eq(units.id, unitId));
  return !!u && pathInScope(caller.scope, u.path);
}

async function isAuthor(tx: DbLike, caller: Caller, itemId: string): Promise<boolean> {
  if (!caller.personId) return false;
  const [a] = await tx
    .select({ seq: infoAuthors.seq })
    .from(infoAuthors)
    .where(and(eq(infoAuthors.itemId, itemId), eq(infoAuthors.personId, caller.personId)));
  return !!a;
}

/** What the caller may do with an item now. */
export async function abilities(tx: DbLike, caller: Caller, item: InfoItemRow) {
  const covered = await unitCovers(tx, caller, item.unitId);
  const author = authorSide(caller, item, await isAuthor(tx, caller, item.id), covered);
  const holds = holdsStep(caller, item, covered);
  const last = item.currentStep != null && item.currentStep === item.steps.length - 1;
  const editable = item.status === 'draft' || item.status === 'returned';
  return {
    edit: (author && editable) || holds,
    submit: author && editable,
    review: holds,
    approve: holds && last,
    adopt: item.status === 'approved' && caller.permissions.has('info:item:adopt') && (covered || caller.scope.kind === 'all'),
    delete: author && item.status === 'draft' && !item.submittedAt,
  };
}

/** 报送 / 修改后重新报送: into the chain at the first step, or back to the step that returned it. */
export async function submitItem(tx: DbLike, caller: Caller, actor: Actor, id: string): Promise<void> {
  const item = await getVisibleItem(tx, caller, id, true);
  const can = await abilities(tx, caller, item);
  if (!can.submit) {
    if (item.status === 'reviewing') throw conflict('该信息已在审核中');
    if (item.status === 'approved' || item.status === 'rejected') throw conflict('该信息已审定，不能重新报送');
    throw forbidden('只有报送单位的作者或联络员可以报送');
  }
  if (!item.bodyText.trim()) throw badRequest('正文为空，不能报送', [{ field: 'body.bodyHtml', message: '请填写正文' }]);
  const settings = await loadSettings(tx);
  const first = !item.submittedAt;
  const steps = item.steps.length ? item.steps : settings.steps;
  const stepIndex = item.status === 'returned' && item.currentStep != null ? item.currentStep : 0;
  const today = shanghaiDate();
  const { signature, matches } = await findNearDuplicates(tx, dupText(item.title, item.bodyText), {
    excludeId: item.id,
    windowDays: settings.dupWindowDays,
    threshold: settings.dupThreshold,
    today,
  });
  const submittedOn = item.submittedOn ?? today;
  await tx
    .update(infoItems)
    .set({
      status: 'reviewing',
      steps,
      currentStep: stepIndex,
      stepDeadline: addWorkdays(today, steps[stepIndex].deadlineDays),
      submittedAt: item.submittedAt ?? new Date(),
      submittedOn,
      signature,
      dupMatches: matches,
      dupTop: matches[0]?.similarity ?? 0,
      updatedAt: new Date(),
      version: sql`${infoItems.version} + 1`,
    })
    .where(eq(infoItems.id, id));
  await indexItem(tx, id, signature, submittedOn);
  await tx.insert(infoActions).values({
    itemId: id,
    action: first ? 'submit' : 'resubmit',
    stepIndex,
    stepName: steps[stepIndex].name,
    versionSeq: item.latestVersion,
    comment: matches.length ? `查重提示：与 ${matches.length} 条已报信息相似，最高 ${matches[0].similarity}%` : null,
    actorId: caller.userId,
  });
  await audit(tx, actor, { action: first ? 'info.item.submit' : 'info.item.resubmit', entity: 'info_item', entityId: id, after: { step: steps[stepIndex].name, dupTop: matches[0]?.similarity ?? 0 } });
}

export type UpdateItemInput = Omit<SaveItemInput, 'unitId' | 'idempotencyKey'> & { version: number; note: string | null };

/** 修改: by the author side (草稿, 退回修改) or by the step that holds it; each change of the text is a new version. */
export async function updateItem(tx: DbLike, caller: Caller, actor: Actor, id: string, input: UpdateItemInput): Promise<void> {
  const item = await getVisibleItem(tx, caller, id, true);
  if (item.version !== input.version) throw conflict();
  const can = await abilities(tx, caller, item);
  if (!can.edit) throw item.status === 'reviewing' ? conflict('该信息正在审核中，当前环节不由您办理') : conflict('该信息已审定，不能再修改');
  const [unit] = await tx.select().from(units).where(eq(units.id, item.unitId));
  const settings = await loadSettings(tx);
  // a reviewer keeps the category the author chose unless the dictionary still has the new one
  await checkRefs(tx, unit, input, settings.categories);
  const bodyHtml = sanitizeBody(input.bodyHtml);
  const bodyText = plainBody(bodyHtml);
  const textChanged = bodyHtml !== item.bodyHtml || input.title !== item.title;
  const stage = can.review ? item.steps[item.currentStep!].name : '作者';
  let seq = item.latestVersion;
  if (textChanged) {
    const [latest] = await tx.select().from(infoVersions).where(and(eq(infoVersions.itemId, id), eq(infoVersions.seq, item.latestVersion)));
    // a draft never submitted keeps one version while its author writes
    if (!item.submittedAt && latest?.stage === '作者' && latest.createdBy === caller.userId) {
      await tx.update(infoVersions).set({ title: input.title, bodyHtml, bodyText, note: input.note, createdAt: new Date() }).where(and(eq(infoVersions.itemId, id), eq(infoVersions.seq, seq)));
    } else {
      seq += 1;
      await tx.insert(infoVersions).values({ itemId: id, seq, title: input.title, bodyHtml, bodyText, stage, note: input.note, createdBy: caller.userId });
      if (can.review) {
        await tx.insert(infoActions).values({ itemId: id, action: 'edit', stepIndex: item.currentStep, stepName: stage, versionSeq: seq, comment: input.note, actorId: caller.userId });
      }
    }
  }
  const rows = await tx
    .update(infoItems)
    .set({
      title: input.title,
      bodyHtml,
      bodyText,
      category: input.category,
      campaignId: input.campaignId ?? null,
      taskId: input.taskId ?? null,
      contact: input.contact,
      latestVersion: seq,
      updatedAt: new Date(),
      version: sql`${infoItems.version} + 1`,
    })
    .where(and(eq(infoItems.id, id), eq(infoItems.version, input.version)))
    .returning({ id: infoItems.id });
  if (!rows.length) throw conflict();
  if (!can.review) await writeAuthors(tx, id, input.authors);
  await audit(tx, actor, {
    action: 'info.item.update',
    entity: 'info_item',
    entityId: id,
    before: { title: item.title, category: item.category, version: item.latestVersion },
    after: { title: input.title, category: input.category, version: seq, stage },
  });
  if (input.submit && can.submit) await submitItem(tx, caller, actor, id);
}

/** 审核 actions of the step that holds the item: pass on (the last step approves), return, or reject. */
export async function reviewItem(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  input: { action: 'pass' | 'return' | 'reject'; comment: string | null; version: number },
): Promise<void> {
  const item = await getVisibleItem(tx, caller, id, true);
  if (item.version !== input.version) throw conflict();
  const can = await abilities(tx, caller, item);
  if (!can.review) {
    if (item.status !== 'reviewing') throw conflict(`该信息${item.status === 'approved' ? '已审定' : item.status === 'returned' ? '已退回作者修改' : '不在审核中'}`);
    throw forbidden('该信息当前环节不由您办理');
  }
  const step = item.currentStep!;
  const last = step === item.steps.length - 1;
  const name = item.steps[step].name;
  const today = shanghaiDate();
  let set: Partial<typeof infoItems.$inferInsert>;
  let action: string;
  if (input.action === 'return') {
    if (!input.comment) throw badRequest('退回时请写明修改意见', [{ field: 'body.comment', message: '请填写退回意见' }]);
    set = { status: 'returned', stepDeadline: null };
    action = 'return';
  } else if (input.action === 'reject') {
    if (!last) throw badRequest(`只有最后一个环节（${item.steps[item.steps.length - 1].name}）可以决定不予采用`);
    if (!input.comment) throw badRequest('不予采用时请写明理由', [{ field: 'body.comment', message: '请填写理由' }]);
    set = { status: 'rejected', stepDeadline: null, decidedAt: new Date() };
    action = 'reject';
  } else if (last) {
    set = { status: 'approved', stepDeadline: null, decidedAt: new Date() };
    action = 'approve';
  } else {
    set = { currentStep: step + 1, stepDeadline: addWorkdays(today, item.steps[step + 1].deadlineDays) };
    action = 'pass';
  }
  await tx
    .update(infoItems)
    .set({ ...set, updatedAt: new Date(), version: sql`${infoItems.version} + 1` })
    .where(eq(infoItems.id, id));
  await tx.insert(infoActions).values({ itemId: id, action, stepIndex: step, stepName: name, comment: input.comment, versionSeq: item.latestVersion, actorId: caller.userId });
  await audit(tx, actor, { action: `info.item.${action}`, entity: 'info_item', entityId: id, before: { status: item.status, step: name }, after: { ...set, comment: input.comment } });
}

/** Deletes a draft that was never submitted. */
export async function deleteDraft(tx: DbLike, caller: Caller, actor: Actor, id: string): Promise<void> {
  const item = await getVisibleItem(tx, caller, id, true);
  const can = await abilities(tx, caller, item);
  if (!can.delete) throw conflict('只能删除从未报送过的草稿');
  await tx.delete(infoItems).where(eq(infoItems.id, id));
  await audit(tx, actor, { action: 'info.item.delete', entity: 'info_item', entityId: id, before: { title: item.title } });
}

// ---- reading ----

/** Items whose current step is routed to the caller (待我审核). */
export function todoFor(caller: Caller): SQL {
  const reviewers = sql`((${infoItems.steps} -> ${infoItems.currentStep}) -> 'reviewerIds')`;
  return and(
    eq(infoItems.status, 'reviewing'),
    caller.permissions.has('info:item:review') ? sql`true` : sql`false`,
    or(
      sql`${reviewers} @> ${JSON.stringify([caller.userId])}::jsonb`,
      and(sql`jsonb_array_length(${reviewers}) = 0`, unitInScope(caller.scope, infoItems.unitId)),
    ),
  )!;
}

export type ItemQuery = ListParams & {
  q?: string;
  status?: InfoItemRow['status'];
  category?: string;
  unitId?: string;
  todo?: boolean;
  mine?: boolean;
  from?: string;
  to?: string;
  adopted?: boolean;
};

export async function listItems(db: DbLike, caller: Caller, q: ItemQuery) {
  const adoptedSql = sql`exists (select 1 from ${infoAdoptions} ad where ad.item_id = ${infoItems.id})`;
  const where = and(
    itemVisible(caller),
    q.q ? or(sql`${infoItems.title} like ${likeText(q.q)}`, sql`${infoItems.bodyText} like ${likeText(q.q)}`) : undefined,
    q.status ? eq(infoItems.status, q.status) : undefined,
    q.category ? eq(infoItems.category, q.category) : undefined,
    q.unitId ? sql`${infoItems.unitId} in (select u.id from ${units} u where u.path like (select p.path from ${units} p where p.id = ${q.unitId}) || '%')` : undefined,
    q.todo ? todoFor(caller) : undefined,
    q.mine ? ownItem(caller) : undefined,
    q.from ? gte(infoItems.submittedOn, q.from) : undefined,
    q.to ? lte(infoItems.submittedOn, q.to) : undefined,
    q.adopted === true ? adoptedSql : q.adopted === false ? sql`not ${adoptedSql}` : undefined,
  );
  const { limit, offset } = pageOf(q);
  const order = orderOf(q.sort, { submittedOn: infoItems.submittedOn, updatedAt: infoItems.updatedAt, title: infoItems.title, dupTop: infoItems.dupTop }, [desc(infoItems.updatedAt)]);
  const [rows, [{ total }]] = await Promise.all([
    db.select().from(infoItems).where(where).orderBy(...order, asc(infoItems.id)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(infoItems).where(where),
  ]);
  return envelope(await presentSummaries(db, rows), total, q);
}

async function presentSummaries(db: DbLike, rows: InfoItemRow[]): Promise<InfoItemSummary[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [unitRows, authorRows, adoptionRows, instructionRows, creators] = await Promise.all([
    db.select({ id: units.id, name: units.name, path: units.path }).from(units).where(inArray(units.id, [...new Set(rows.map((r) => r.unitId))])),
    db.select().from(infoAuthors).where(inArray(infoAuthors.itemId, ids)).orderBy(infoAuthors.itemId, infoAuthors.seq),
    db
      .select({ itemId: infoAdoptions.itemId, level: infoAdoptions.level, outlet: infoAdoptions.outlet })
      .from(infoAdoptions)
      .where(inArray(infoAdoptions.itemId, ids))
      .orderBy(infoAdoptions.adoptedOn),
    db.select({ itemId: infoInstructions.itemId, n: sql<number>`count(*)::int` }).from(infoInstructions).where(inArray(infoInstructions.itemId, ids)).groupBy(infoInstructions.itemId),
    reviewerNames(db, [...new Set([...rows.map((r) => r.createdBy), ...rows.flatMap((r) => r.steps.flatMap((s) => s.reviewerIds))])]),
  ]);
  const unitById = new Map(unitRows.map((u) => [u.id, u]));
  const group = <T extends { itemId: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(x.itemId, [...(m.get(x.itemId) ?? []), x]);
    return m;
  };
  const authors = group(authorRows);
  const adoptions = group(adoptionRows);
  const instructed = new Map(instructionRows.map((r) => [r.itemId, r.n]));
  const today = shanghaiDate();
  const paths = await unitPathNames(db, unitRows.map((u) => u.path));
  return rows.map((r) => {
    const unit = unitById.get(r.unitId);
    const step = r.currentStep != null ? r.steps[r.currentStep] : undefined;
    const holder =
      r.status === 'reviewing' && step
        ? step.reviewerIds.length
          ? `${step.name}：${step.reviewerIds.map((id) => creators.get(id) ?? '').join('、')}`
          : `${step.name}：${unit?.name ?? ''}的上级信息编审`
        : r.status === 'draft' || r.status === 'returned'
          ? `作者：${creators.get(r.createdBy) ?? ''}`
          : null;
    return {
      id: r.id,
      title: r.title,
      category: r.category,
      unitId: r.unitId,
      unitName: unit?.name ?? '',
      unitPath: paths.get(unit?.path ?? '') ?? unit?.name ?? '',
      status: r.status,
      stepName: (r.status === 'reviewing' || r.status === 'returned') && step ? step.name : null,
      stepDeadline: r.stepDeadline,
      overdue: r.status === 'reviewing' && !!r.stepDeadline && today > r.stepDeadline,
      holder,
      authors: (authors.get(r.id) ?? []).map((a) => ({ personId: a.personId, name: a.name })),
      submittedOn: r.submittedOn,
      dupTop: r.dupTop,
      adoptions: (adoptions.get(r.id) ?? []).map((a) => ({ level: a.level, outlet: a.outlet })),
      instructed: instructed.get(r.id) ?? 0,
      wordCount: wordCount(r.bodyText),
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}

/** "青澜市委宣传部 / 临溪县委宣传部 / 机关党支部" for unit paths. */
export async function unitPathNames(db: DbLike, paths: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))];
  if (!ids.length) return new Map();
  const rows = await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ids));
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return new Map(paths.map((p) => [p, p.split('/').filter(Boolean).map((id) => names.get(id) ?? '').join(' / ')]));
}

export async function presentItem(db: DbLike, caller: Caller, id: string): Promise<InfoItem> {
  const item = await getVisibleItem(db, caller, id);
  const [summary] = await presentSummaries(db, [item]);
  const [can, actionRows, adoptionRows, instructionRows, ref, matches, names] = await Promise.all([
    abilities(db, caller, item),
    db
      .select({ a: infoActions, actorName: sql<string | null>`(select coalesce(p.name, u.username) from ${users} u left join ${persons} p on p.id = u.person_id where u.id = ${infoActions.actorId})` })
      .from(infoActions)
      .where(eq(infoActions.itemId, id))
      .orderBy(asc(infoActions.at)),
    presentAdoptions(db, { itemId: id }),
    presentInstructions(db, { itemId: id }),
    db
      .select({ campaignName: campaigns.name, taskTitle: tasks.title })
      .from(infoItems)
      .leftJoin(campaigns, eq(campaigns.id, infoItems.campaignId))
      .leftJoin(tasks, eq(tasks.id, infoItems.taskId))
      .where(eq(infoItems.id, id)),
    presentMatches(db, caller, item.dupMatches),
    reviewerNames(db, item.steps.flatMap((s) => s.reviewerIds)),
  ]);
  return {
    ...summary,
    bodyHtml: item.bodyHtml,
    bodyText: item.bodyText,
    campaignId: item.campaignId,
    campaignName: ref[0]?.campaignName ?? null,
    taskId: item.taskId,
    taskTitle: ref[0]?.taskTitle ?? null,
    contact: item.contact,
    steps: item.steps.map((s) => ({ name: s.name, deadlineDays: s.deadlineDays, reviewers: s.reviewerIds.map((rid) => ({ id: rid, name: names.get(rid) ?? '' })) })),
    currentStep: item.currentStep,
    dupMatches: matches,
    latestVersion: item.latestVersion,
    actions: actionRows.map(({ a, actorName }) => ({
      id: a.id,
      action: a.action,
      stepName: a.stepName,
      comment: a.comment,
      versionSeq: a.versionSeq,
      actorName,
      at: a.at.toISOString(),
    })),
    adoptionList: adoptionRows,
    instructions: instructionRows,
    can,
    version: item.version,
  };
}

export async function listVersions(db: DbLike, caller: Caller, id: string) {
  await getVisibleItem(db, caller, id);
  const rows = await db
    .select({ v: infoVersions, authorName: sql<string | null>`(select coalesce(p.name, u.username) from ${users} u left join ${persons} p on p.id = u.person_id where u.id = ${infoVersions.createdBy})` })
    .from(infoVersions)
    .where(eq(infoVersions.itemId, id))
    .orderBy(asc(infoVersions.seq));
  return {
    data: rows.map(({ v, authorName }) => ({
      seq: v.seq,
      title: v.title,
      bodyText: v.bodyText,
      bodyHtml: v.bodyHtml,
      stage: v.stage,
      note: v.note,
      authorName,
      createdAt: v.createdAt.toISOString(),
    })),
  };
}

export async function versionPair(db: DbLike, caller: Caller, id: string, fromSeq?: number, toSeq?: number) {
  const item = await getVisibleItem(db, caller, id);
  const from = fromSeq ?? 1;
  const to = toSeq ?? item.latestVersion;
  const rows = await db
    .select()
    .from(infoVersions)
    .where(and(eq(infoVersions.itemId, id), inArray(infoVersions.seq, [from, to])));
  const a = rows.find((r) => r.seq === from);
  const b = rows.find((r) => r.seq === to);
  if (!a || !b) throw notFound('版本');
  return { a, b };
}

