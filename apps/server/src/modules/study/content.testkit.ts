import type { Agent } from '../../test/harness.ts';

async function ok(res: Promise<{ statusCode: number; body: string }>, what: string) {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
  return JSON.parse(r.body);
}

/** A CSV of platform scores as a platform exports it. */
export const scoresCsv = (rows: string[][]) => Buffer.from(`\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`);

/**
 * County B's reflection, designated reader, reading log and score import, made by county B's liaison (who has a
 * person) for the repository-wide scope walk. Returns the ids keyed by the routes' resource segments.
 */
export async function studyContentFixtures(b: Agent, campaignId: string): Promise<Record<string, string>> {
  const reflection = await ok(b.post('/api/study/reflections', { title: '乙县心得体会', bodyHtml: '<p>乙县学习心得</p>' }), 'reflection');
  await ok(b.post(`/api/study/reflections/${reflection.id}/submit`, { version: reflection.version }), 'submit');
  const reader = await ok(b.post('/api/study/readers', { campaignId, title: '乙县指定读本', targetBooks: 5 }), 'reader');
  const log = await ok(b.post('/api/study/reading-logs', { bookTitle: '乙县读本', designatedReaderId: reader.id, finishDate: '2026-03-01' }), 'reading log');
  const scores = await ok(
    b.upload('/api/study/scores/imports', [{ name: '乙县积分.csv', content: scoresCsv([['姓名', '单位', '积分'], ['乙县干部', '乙县委宣传部', '80']]) }], { platform: '学习强国', month: '2026-03', ruleVersion: '2026版' }),
    'score import',
  );
  return { 'study/reflections': reflection.id, 'study/readers': reader.id, 'study/reading-logs': log.id, 'study/scores': scores.id };
}

/** Body fields the walk's changes need so that they pass validation and reach the scope check. */
export function studyWalkBody(method: string, url: string): Record<string, unknown> {
  if (method === 'POST' && url === '/api/study/reflections/:id/review') return { decision: 'pass' };
  if (method === 'POST' && url === '/api/study/scores/imports/:id/mapping') return { nameColumn: '姓名', unitColumn: '单位', scoreColumn: '积分' };
  return {};
}
