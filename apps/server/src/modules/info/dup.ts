import { and, desc, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import type { DbLike } from '../../db/client.ts';
import { infoBands, infoItems, units, type InfoDupMatch } from '../../db/schema/index.ts';
import { addDays, shanghaiDate } from '../../platform/calendar.ts';
import type { Caller } from '../../platform/session.ts';
import { estimateSimilarity, lshBandKeys, minhashSignature } from '../../platform/text.ts';
import { itemVisible } from './access.ts';
import { loadSettings } from './settings.ts';

// 查重: MinHash signatures of the bodies with LSH banding. Candidates are the earlier items (all units) within the
// window that share a band with the new text; their stored signatures give the similarity. One indexed lookup
// of 32 keys, whatever the number of items; candidates are ranked by the bands they share before the cap.

/** Title and body are compared together: a re-submitted item often keeps its title. */
export const dupText = (title: string, body: string) => `${title}\n${body}`;

export async function findNearDuplicates(
  db: DbLike,
  text: string,
  opts: { excludeId?: string | null; windowDays: number; threshold: number; today?: string; limit?: number },
): Promise<{ signature: number[]; matches: InfoDupMatch[] }> {
  const signature = minhashSignature(text);
  const bands = lshBandKeys(signature);
  const since = addDays(opts.today ?? shanghaiDate(), -opts.windowDays);
  // the items sharing the most bands first: a formulaic text can share a band with thousands of items, and the
  // near-duplicates are the ones that share many
  const shared = db
    .select({ itemId: infoBands.itemId, bands: sql<number>`count(*)`.as('bands') })
    .from(infoBands)
    .where(and(inArray(infoBands.band, bands), gte(infoBands.submittedOn, since), opts.excludeId ? ne(infoBands.itemId, opts.excludeId) : undefined))
    .groupBy(infoBands.itemId)
    .orderBy(desc(sql`count(*)`))
    .limit(500)
    .as('shared');
  const candidates = await db
    .select({ id: infoItems.id, signature: infoItems.signature })
    .from(shared)
    .innerJoin(infoItems, eq(infoItems.id, shared.itemId));
  const matches = candidates
    .map((c) => ({ id: c.id, similarity: Math.round(estimateSimilarity(signature, c.signature ?? []) * 100) }))
    .filter((m) => m.similarity >= opts.threshold)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, opts.limit ?? 5);
  return { signature, matches };
}

/** Stores an item's signature and band keys at submission, so later items are compared with it. */
export async function indexItem(tx: DbLike, itemId: string, signature: number[], submittedOn: string): Promise<void> {
  await tx.delete(infoBands).where(eq(infoBands.itemId, itemId));
  const bands = [...new Set(lshBandKeys(signature))];
  await tx.insert(infoBands).values(bands.map((band) => ({ band, itemId, submittedOn }))).onConflictDoNothing();
}

/** Runs 查重 for a text with the configured window and threshold. */
export async function checkText(db: DbLike, text: string, excludeId?: string | null) {
  const s = await loadSettings(db);
  return { ...(await findNearDuplicates(db, text, { excludeId, windowDays: s.dupWindowDays, threshold: s.dupThreshold })), threshold: s.dupThreshold };
}

/** The matches as a user sees them: the earlier item's title and unit when the caller may open it. */
export async function presentMatches(db: DbLike, caller: Caller, matches: InfoDupMatch[]) {
  if (!matches.length) return [];
  const rows = await db
    .select({
      id: infoItems.id,
      title: infoItems.title,
      unitName: units.name,
      submittedOn: infoItems.submittedOn,
      visible: sql<boolean>`${itemVisible(caller)}`,
    })
    .from(infoItems)
    .innerJoin(units, eq(units.id, infoItems.unitId))
    .where(inArray(infoItems.id, matches.map((m) => m.id)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return matches.flatMap((m) => {
    const r = byId.get(m.id);
    if (!r) return [];
    // an item of another county is named by its unit and date only: the warning, not the text
    return [{ id: m.id, similarity: m.similarity, title: r.visible ? r.title : '（其他单位的信息）', unitName: r.unitName, submittedOn: r.submittedOn, visible: !!r.visible }];
  });
}
