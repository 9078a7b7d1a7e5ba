import { and, asc, desc, eq, ilike, inArray, isNotNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Reflection, ReflectionMatch } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { persons, studyReadingLogs, studyReflections, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { emitEvent } from '../../platform/events.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { ownedBy, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { callerPerson, toIso, unitAtOrBelow } from './content.access.ts';
import { getVisibleSession } from './sessions.ts';
import { bigrams, countWords, fingerprint, FLAG_AT, sanitizeRichText, similarity } from './content.text.ts';

type ReflectionRow = typeof studyReflections.$inferSelect;

/** A reflection: the author's own, or one of a unit in scope once it has left the drafts. */
export function reflectionVisible(scope: DataScope): SQL {
  return or(ownedBy(scope, studyReflections.personId), and(unitInScope(scope, studyReflections.unitId), ne(studyReflections.status, 'draft')))!;
}

/** On a unit's wall: published, and of a unit in scope or of the caller's own unit (colleagues read their wall). */
function onWall(scope: DataScope): SQL {
  return and(
    isNotNull(studyReflections.publishedAt),
    or(unitInScope(scope, studyReflections.unitId), scope.unitId ? eq(studyReflections.unitId, scope.unitId) : sql`false`),
  )!;
}

const reviewerName = sql<string | null>`(select coalesce(p.name, u.username) from users u left join persons p on p.id = u.person_id where u.id = ${studyReflections.reviewedBy})`;

function selectReflections(db: DbLike) {
  return db
    .select({ r: studyReflections, authorName: persons.name, unitName: units.name, bookTitle: studyReadingLogs.bookTitle, reviewedByName: reviewerName })
    .from(studyReflections)
    .innerJoin(persons, eq(persons.id, studyReflections.personId))
    .innerJoin(units, eq(units.id, studyReflections.unitId))
    .leftJoin(studyReadingLogs, eq(studyReadingLogs.id, studyReflections.readingLogId));
}
type Joined = Awaited<ReturnType<ReturnType<typeof selectReflections>['where']>>[number];

/**
 * The matches of each reflection as the caller may see them: an earlier reflection the caller could open shows its
 * title and author; any other shows only the similarity, the date and the unit's name.
 */
async function matchesFor(db: DbLike, scope: DataScope, rows: ReflectionRow[]): Promise<Map<string, ReflectionMatch[]>> {
  const ids = [...new Set(rows.flatMap((r) => r.similarMatches.map((m) => m.reflectionId)))];
  const out = new Map<string, ReflectionMatch[]>();
  if (!ids.length) return out;
  const found = await db
    .select({
      id: studyReflections.id,
      title: studyReflections.title,
      submittedAt: studyReflections.submittedAt,
      unitName: units.name,
      authorName: persons.name,
      visible: sql<boolean>`(${reflectionVisible(scope)})`,
    })
    .from(studyReflections)
    .innerJoin(units, eq(units.id, studyReflections.unitId))
    .innerJoin(persons, eq(persons.id, studyReflections.personId))
    .where(inArray(studyReflections.id, ids));
  const byId = new Map(found.map((f) => [f.id, f]));
  for (const r of rows) {
    out.set(
      r.id,
      r.similarMatches.flatMap((m) => {
        const f = byId.get(m.reflectionId);
        if (!f) return [];
        const visible = f.visible === true || (f.visible as unknown) === 't';
        return [{
          similarity: m.similarity / 10000,
          submittedAt: toIso(f.submittedAt),
          unitName: f.unitName,
          reflectionId: visible ? f.id : null,
          title: visible ? f.title : null,
          authorName: visible ? f.authorName : null,
        }];
      }),
    );
  }
  return out;
}

async function presentReflections(db: DbLike, scope: DataScope, rows: Joined[]): Promise<Reflection[]> {
  const matches = await matchesFor(db, scope, rows.map((x) => x.r));
  return rows.map(({ r, authorName, unitName, bookTitle, reviewedByName }) => ({
    id: r.id,
    personId: r.personId,
    authorName,
    unitId: r.unitId,
    unitName,
    title: r.title,
    bodyHtml: r.bodyHtml,
    bodyText: r.bodyText,
    wordCount: r.wordCount,
    sessionId: r.sessionId,
    readingLogId: r.readingLogId,
    bookTitle: bookTitle ?? null,
    status: r.status as Reflection['status'],
    reviewComment: r.reviewComment,
    reviewedByName,
    reviewedAt: toIso(r.reviewedAt),
    submittedAt: toIso(r.submittedAt),
    publishedAt: toIso(r.publishedAt),
    similarity: r.similarity === null ? null : r.similarity / 10000,
    similarMatches: matches.get(r.id) ?? [],
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  }));
}

export async function presentReflection(db: DbLike, scope: DataScope, id: string): Promise<Reflection> {
  return (await presentReflections(db, scope, await selectReflections(db).where(eq(studyReflections.id, id))))[0];
}

export async function listReflections(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { mine?: boolean; unitId?: string; status?: string; flagged?: boolean; toReview?: boolean; q?: string },
) {
  const where: SQL[] = [reflectionVisible(scope)];
  if (q.mine) where.push(ownedBy(scope, studyReflections.personId));
  if (q.unitId) where.push(unitAtOrBelow(studyReflections.unitId, q.unitId));
  if (q.status) where.push(eq(studyReflections.status, q.status));
  if (q.flagged) where.push(isNotNull(studyReflections.similarity));
  if (q.toReview) {
    where.push(eq(studyReflections.status, 'submitted'), unitInScope(scope, studyReflections.unitId));
    if (scope.personId) where.push(ne(studyReflections.personId, scope.personId));
  }
  if (q.q) where.push(ilike(studyReflections.title, likeText(q.q)));
  return pageOfReflections(db, scope, and(...where)!, q, [desc(studyReflections.createdAt), asc(studyReflections.id)]);
}

export async function listWall(db: DbLike, scope: DataScope, q: ListParams & { unitId?: string }) {
  const where: SQL[] = [onWall(scope)];
  if (q.unitId) where.push(unitAtOrBelow(studyReflections.unitId, q.unitId));
  return pageOfReflections(db, scope, and(...where)!, q, [desc(studyReflections.publishedAt), asc(studyReflections.id)]);
}

async function pageOfReflections(db: DbLike, scope: DataScope, cond: SQL, q: ListParams, fallback: SQL[]) {
  const { limit, offset } = pageOf(q);
  const columns = {
    createdAt: studyReflections.createdAt,
    submittedAt: studyReflections.submittedAt,
    wordCount: studyReflections.wordCount,
    title: studyReflections.title,
    publishedAt: studyReflections.publishedAt,
  };
  const [rows, [{ total }]] = await Promise.all([
    selectReflections(db).where(cond).orderBy(...orderOf(q.sort, columns, fallback)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(studyReflections).where(cond),
  ]);
  return envelope(await presentReflections(db, scope, rows), total, q);
}

export async function getVisibleReflection(db: DbLike, scope: DataScope, id: string, lock = false): Promise<ReflectionRow> {
  const query = db.select().from(studyReflections).where(and(eq(studyReflections.id, id), reflectionVisible(scope)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('心得体会');
  return row;
}

async function checkReadingLog(db: DbLike, personId: string, logId: string | null | undefined) {
  if (!logId) return;
  const [log] = await db
    .select({ id: studyReadingLogs.id })
    .from(studyReadingLogs)
    .where(and(eq(studyReadingLogs.id, logId), eq(studyReadingLogs.personId, personId)));
  if (!log) throw badRequest('关联的读书记录不存在或不是本人的', [{ field: 'body.readingLogId', message: '读书记录不存在或不是本人的' }]);
}

/** A session the author may tie a reflection to: one the author sees (of their units, or one they attended). */
async function checkSession(db: DbLike, scope: DataScope, sessionId: string | null | undefined) {
  if (!sessionId) return;
  try {
    await getVisibleSession(db, scope, sessionId);
  } catch {
    throw badRequest('关联的学习活动不存在或无权访问', [{ field: 'body.sessionId', message: '学习活动不存在或无权访问' }]);
  }
}

function bodyOf(bodyHtml: string) {
  const { html, text } = sanitizeRichText(bodyHtml);
  if (!text.trim()) throw badRequest('请填写正文', [{ field: 'body.bodyHtml', message: '请填写正文' }]);
  return { bodyHtml: html, bodyText: text, wordCount: countWords(text) };
}

export async function createReflection(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: { title: string; bodyHtml: string; sessionId?: string | null; readingLogId?: string | null; idempotencyKey?: string },
): Promise<ReflectionRow> {
  const earlier = async () =>
    input.idempotencyKey
      ? (await tx.select().from(studyReflections).where(and(eq(studyReflections.createdBy, caller.userId), eq(studyReflections.idempotencyKey, input.idempotencyKey))))[0]
      : undefined;
  const replay = await earlier();
  if (replay) return replay;
  const me = await callerPerson(tx, caller, '撰写心得体会');
  await checkReadingLog(tx, me.id, input.readingLogId);
  await checkSession(tx, caller.scope, input.sessionId);
  const [row] = await tx
    .insert(studyReflections)
    .values({
      personId: me.id,
      unitId: me.unitId,
      title: input.title,
      ...bodyOf(input.bodyHtml),
      sessionId: input.sessionId ?? null,
      readingLogId: input.readingLogId ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      createdBy: caller.userId,
    })
    // A twin request racing this one waits here for it to commit, then writes nothing and answers with its row.
    .onConflictDoNothing({ target: [studyReflections.createdBy, studyReflections.idempotencyKey] })
    .returning();
  if (!row) return (await earlier())!;
  await audit(tx, actor, { entity: 'study_reflection', entityId: row.id, action: 'create', after: auditable(row) });
  return row;
}

/** The audit keeps the text, not the fingerprint. */
const auditable = ({ fingerprint: _f, ...r }: ReflectionRow) => r;

/** The author's own reflection, locked, in a state the author may still change. */
async function ownEditable(tx: DbLike, caller: Caller, id: string, version: number) {
  const row = await getVisibleReflection(tx, caller.scope, id, true);
  if (row.personId !== caller.personId) throw forbidden('只有作者本人可以修改或提交心得体会');
  if (row.version !== version) throw conflict();
  if (row.status !== 'draft' && row.status !== 'returned') throw conflict(`心得体会已${row.status === 'submitted' ? '提交，正在审阅' : '审阅'}，不能再修改`);
  return row;
}

export async function updateReflection(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  patch: { version: number; title?: string; bodyHtml?: string; sessionId?: string | null; readingLogId?: string | null },
) {
  const before = await ownEditable(tx, caller, id, patch.version);
  if (patch.readingLogId !== undefined) await checkReadingLog(tx, before.personId, patch.readingLogId);
  if (patch.sessionId !== undefined) await checkSession(tx, caller.scope, patch.sessionId);
  const [after] = await tx
    .update(studyReflections)
    .set({
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.bodyHtml !== undefined ? bodyOf(patch.bodyHtml) : {}),
      ...(patch.sessionId !== undefined ? { sessionId: patch.sessionId } : {}),
      ...(patch.readingLogId !== undefined ? { readingLogId: patch.readingLogId } : {}),
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(studyReflections.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_reflection', entityId: id, action: 'update', before: auditable(before), after: auditable(after) });
  return after;
}

const MAX_CANDIDATES = 50;
const MAX_MATCHES = 5;

/**
 * 查重: compares the text with earlier submitted reflections by anyone, in every unit. SQL narrows the field to
 * those sharing sampled 4-gram hashes (integer[] overlap on a GIN index, no extension needed); the exact bigram
 * containment is computed here. Matches at or above the threshold are kept, most similar first.
 */
export async function findSimilar(tx: DbLike, row: Pick<ReflectionRow, 'id' | 'bodyText'>) {
  const fp = fingerprint(row.bodyText);
  if (!fp.length) return { fp, matches: [] as { reflectionId: string; similarity: number }[] };
  const literal = `{${fp.join(',')}}`;
  const candidates = await tx
    .select({ id: studyReflections.id, bodyText: studyReflections.bodyText })
    .from(studyReflections)
    .where(
      and(
        ne(studyReflections.id, row.id),
        isNotNull(studyReflections.submittedAt),
        sql`${studyReflections.fingerprint} && ${literal}::integer[]`,
      ),
    )
    .orderBy(sql`(select count(*) from unnest(${studyReflections.fingerprint}) f where f = any(${literal}::integer[])) desc`, asc(studyReflections.submittedAt))
    .limit(MAX_CANDIDATES);
  const mine = bigrams(row.bodyText);
  const matches = candidates
    .map((c) => ({ reflectionId: c.id, similarity: Math.round(similarity(mine, bigrams(c.bodyText)) * 10000) }))
    .filter((m) => m.similarity >= FLAG_AT * 10000)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, MAX_MATCHES);
  return { fp, matches };
}

export async function submitReflection(tx: DbLike, caller: Caller, actor: Actor, id: string, version: number) {
  const before = await ownEditable(tx, caller, id, version);
  const { fp, matches } = await findSimilar(tx, before);
  const [after] = await tx
    .update(studyReflections)
    .set({
      status: 'submitted',
      submittedAt: new Date(),
      fingerprint: fp,
      similarity: matches.length ? matches[0].similarity : null,
      similarMatches: matches,
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(studyReflections.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_reflection', entityId: id, action: 'submit', before: auditable(before), after: auditable(after) });
  return after;
}

/** A reflection the caller may review or publish: its unit is in scope, and it is not the caller's own. */
async function forReviewer(tx: DbLike, caller: Caller, id: string, version: number) {
  const row = await getVisibleReflection(tx, caller.scope, id, true);
  const [inScope] = await tx
    .select({ id: studyReflections.id })
    .from(studyReflections)
    .where(and(eq(studyReflections.id, id), unitInScope(caller.scope, studyReflections.unitId)));
  if (!inScope) throw forbidden('只有作者所在单位的审阅人可以审阅');
  if (row.personId === caller.personId) throw forbidden('不能审阅自己的心得体会');
  if (row.version !== version) throw conflict();
  return row;
}

export async function reviewReflection(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  input: { version: number; decision: 'pass' | 'excellent' | 'return'; comment?: string | null },
) {
  const before = await forReviewer(tx, caller, id, input.version);
  if (before.status !== 'submitted') throw conflict('该心得体会不在待审阅状态');
  const status = input.decision === 'pass' ? 'passed' : input.decision === 'excellent' ? 'excellent' : 'returned';
  const now = new Date();
  const [after] = await tx
    .update(studyReflections)
    .set({ status, reviewComment: input.comment || null, reviewedBy: caller.userId, reviewedAt: now, version: before.version + 1, updatedAt: now })
    .where(eq(studyReflections.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_reflection', entityId: id, action: `review:${input.decision}`, before: auditable(before), after: auditable(after) });
  if (status === 'excellent') {
    // The points module awards an excellent reflection once: the key is the reflection.
    await emitEvent(tx, {
      type: 'study.reflection_excellent',
      key: id,
      unitId: after.unitId,
      personId: after.personId,
      payload: { reflectionId: id, title: after.title, wordCount: after.wordCount, reviewedBy: caller.userId, reviewedAt: now.toISOString() },
    });
  }
  return after;
}

export async function publishReflection(tx: DbLike, caller: Caller, actor: Actor, id: string, input: { version: number; published: boolean }) {
  const before = await forReviewer(tx, caller, id, input.version);
  if (before.status !== 'excellent') throw badRequest('只有评为优秀的心得体会可以发布到学习园地');
  const [after] = await tx
    .update(studyReflections)
    .set({ publishedAt: input.published ? (before.publishedAt ?? new Date()) : null, version: before.version + 1, updatedAt: new Date() })
    .where(eq(studyReflections.id, id))
    .returning();
  await audit(tx, actor, { entity: 'study_reflection', entityId: id, action: input.published ? 'publish' : 'unpublish', before: auditable(before), after: auditable(after) });
  return after;
}
