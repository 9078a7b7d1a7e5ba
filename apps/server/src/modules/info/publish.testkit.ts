import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { infoAuthors, infoItems, infoVersions, users } from '../../db/schema/index.ts';
import type { Agent } from '../../test/harness.ts';

/**
 * County B's information records (an adopted item with proof, an instruction, an issued issue and one being compiled, a
 * media report, a target, a file in an item and one no record holds), for the scope walk.
 */

export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let seq = 0;

/** An item that went through review: approved, one version, optional authors. */
export async function makeApprovedItem(
  db: Db,
  opts: {
    unitId: string;
    createdBy?: string;
    title?: string;
    bodyText?: string;
    bodyHtml?: string;
    category?: string;
    submittedOn?: string;
    status?: 'draft' | 'reviewing' | 'returned' | 'approved' | 'rejected';
    authors?: { personId?: string | null; name: string }[];
  },
) {
  const createdBy = opts.createdBy ?? (await db.select({ id: users.id }).from(users).where(eq(users.username, 'admin')))[0].id;
  const n = ++seq;
  const title = opts.title ?? `测试信息${n}`;
  const bodyText = opts.bodyText ?? `这是第${n}条测试信息的正文第一段。\n这是正文第二段。`;
  const bodyHtml = opts.bodyHtml ?? bodyText.split('\n').map((p) => `<p>${p}</p>`).join('');
  const submittedOn = opts.submittedOn ?? '2026-03-10';
  const [item] = await db
    .insert(infoItems)
    .values({
      unitId: opts.unitId,
      title,
      bodyHtml,
      bodyText,
      category: opts.category ?? '动态信息',
      status: opts.status ?? 'approved',
      steps: [],
      submittedAt: new Date(`${submittedOn}T09:00:00+08:00`),
      submittedOn,
      decidedAt: new Date(`${submittedOn}T17:00:00+08:00`),
      latestVersion: 1,
      createdBy,
    })
    .returning();
  await db.insert(infoVersions).values({ itemId: item.id, seq: 1, title, bodyHtml, bodyText, stage: '作者', createdBy });
  if (opts.authors?.length) {
    await db.insert(infoAuthors).values(opts.authors.map((a, i) => ({ itemId: item.id, seq: i + 1, personId: a.personId ?? null, name: a.name })));
  }
  return item;
}

function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

export type InfoPublishWalk = {
  byResource: Record<string, string>;
  params: Record<string, string>;
  /** county B's unfinished records, with who may read them: the walk proves no one of county A reaches them */
  drafts: { resource: string; id: string; what: string; editor: Agent }[];
};

/**
 * `b` is a liaison of county B (info:item:submit, info:media:write) and `compilerB` compiles county B's issues
 * (info:item:adopt); the admin adopts for outlets and sets the target. County B has an issued issue (read by its
 * own people) and one still being compiled (read by its compilers only), each carrying county B's information.
 */
export async function infoPublishFixtures(db: Db, admin: Agent, b: Agent, compilerB: Agent, unitB: string): Promise<InfoPublishWalk> {
  const file = ok(await b.upload('/api/info/files', [{ name: '乙县配图.png', content: PNG, type: 'image/png' }]), 'info upload');
  const loose = ok(await b.upload('/api/info/files', [{ name: '乙县未用附件.png', content: PNG, type: 'image/png' }]), 'info upload, unattached');
  const item = await makeApprovedItem(db, {
    unitId: unitB,
    title: '乙县走查信息',
    bodyHtml: `<p>乙县走查信息正文</p><p><img src="/api/info/files/${file.id}"></p>`,
    bodyText: '乙县走查信息正文',
  });
  const adoption = ok(
    await admin.post(`/api/info/items/${item.id}/adoptions`, { kind: 'outlet', outlet: '省委宣传部《宣传工作》', level: '省级', adoptedOn: '2026-03-12', links: ['https://example.com/walk/1'] }),
    'adoption',
  );
  ok(
    await admin.post(`/api/info/items/${item.id}/instructions`, { leader: '市委书记', level: '市级', content: '乙县做法很好', instructedOn: '2026-03-13' }),
    'instruction',
  );
  const pubs = ok(await admin.get('/api/info/publications'), 'publications');
  const issueOf = async (editorNote: string, title: string) => {
    const issue = ok(await compilerB.post('/api/info/issues', { publicationId: pubs.data[0].id, issueDate: '2026-03-15', editorNote }), 'issue');
    const carried = await makeApprovedItem(db, { unitId: unitB, title, bodyText: `${title}正文` });
    ok(await compilerB.post(`/api/info/items/${carried.id}/adoptions`, { kind: 'issue', issueId: issue.id }), 'issue adoption');
    return ok(await compilerB.get(`/api/info/issues/${issue.id}`), 'issue read');
  };
  const issued = await issueOf('乙县走查编者按（已印发）', '乙县已印发专报稿');
  ok(await compilerB.post(`/api/info/issues/${issued.id}/issue`, { version: issued.version }), 'issue 印发');
  const compiling = await issueOf('乙县走查编者按（编辑中）', '乙县编辑中专报稿');
  const media = ok(
    await b.post('/api/info/media', { outlet: '乙县融媒体中心', level: '县级', title: '乙县走查报道', publishedOn: '2026-03-14', idempotencyKey: 'walk-media-b-1' }),
    'media',
  );
  const target = ok(await admin.put('/api/info/targets', { year: 2026, month: 3, subjectType: 'unit', subjectId: unitB, measure: 'media', target: 4 }), 'target');
  return {
    byResource: {
      'info/adoptions': adoption.id,
      'info/media': media.id,
      'info/targets': target.id,
      'info/files': file.id,
      'info/issues': issued.id,
      'info/publications': pubs.data[0].id,
    },
    params: {},
    drafts: [
      { resource: 'info/issues', id: compiling.id, what: '乙县编辑中的期刊', editor: compilerB },
      { resource: 'info/files', id: loose.id, what: '乙县未使用的上传文件', editor: b },
    ],
  };
}

/** Body fields the walk sends so that a write reaches the handler (and its scope check) instead of failing validation. */
export function publishWalkBody(url: string): Record<string, unknown> {
  if (url.startsWith('/api/info/media/')) return { outlet: '越权', level: '县级', publishedOn: '2026-03-01' };
  return {};
}
