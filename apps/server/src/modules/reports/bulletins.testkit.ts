import type { Db } from '../../db/client.ts';
import { roles } from '../../db/schema/index.ts';
import type { Agent } from '../../test/harness.ts';

/** County B's 通报 and 工作总结 records (a draft, an issued bulletin, a summary), for the repository-wide scope walk. */

function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

/**
 * A role that drafts and issues the bulletins of its own subtree (the built-in roles give it only to the department's
 * administrators, whose scope is everything): what a county department's writer holds.
 */
export async function ensureCountyWriterRole(db: Db): Promise<string> {
  const code = 'county_bulletin_writer';
  await db
    .insert(roles)
    .values({
      code,
      name: '县级通报起草',
      scope: 'subtree',
      permissions: ['org:unit:read', 'reports:bulletin:read', 'reports:bulletin:write', 'reports:summary:write', 'reports:dashboard:read'],
    })
    .onConflictDoNothing();
  return code;
}

export type BulletinsWalk = {
  byResource: Record<string, string>;
  draftId: string;
  /** county B's unfinished documents, with who may read them: the walk proves no one of county A reaches them */
  drafts: { resource: string; id: string; what: string; editor: Agent }[];
};

/**
 * `admin` drafts two bulletins over county B and issues one; `b` (a liaison of county B) writes a summary, which is
 * county B's working paper (a summary is never sent anywhere: only the scopes over its unit read it).
 */
export async function bulletinsFixtures(admin: Agent, b: Agent, unitB: string): Promise<BulletinsWalk> {
  const body = { template: 'commendation', periodKey: 'M2026-03', scopeUnitId: unitB, unitIds: [unitB], reason: '乙县走查表扬理由' };
  const issued = ok(await admin.post('/api/bulletins', body), 'bulletin draft');
  ok(await admin.post(`/api/bulletins/${issued.id}/issue`, { version: issued.version }), 'bulletin issue');
  const draft = ok(await admin.post('/api/bulletins', { ...body, template: 'criticism', reason: '乙县走查批评理由' }), 'bulletin draft 2');
  const summary = ok(await b.put('/api/summaries', { unitId: unitB, periodKey: 'M2026-03', text: '乙县三月工作总结', version: 0 }), 'summary');
  return {
    byResource: { 'bulletins/:id': issued.id, 'summaries/:id': summary.id },
    draftId: draft.id,
    drafts: [
      { resource: 'bulletins/:id', id: draft.id, what: '乙县通报草稿', editor: admin },
      { resource: 'summaries/:id', id: summary.id, what: '乙县工作总结', editor: b },
    ],
  };
}

/** A body every bulletin and summary route accepts in shape, so that only the scope can refuse it. */
export function bulletinsWalkBody(url: string): Record<string, unknown> {
  if (!url.startsWith('/api/bulletins') && !url.startsWith('/api/summaries')) return {};
  return { title: '越权修改', addressee: '越权', blocks: [{ kind: 'paragraph', text: '越权' }], signatureIssuer: null, signatureDate: null, colophon: [] };
}
