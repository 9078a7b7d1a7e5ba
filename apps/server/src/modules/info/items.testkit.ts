import type { Agent } from '../../test/harness.ts';

/** County B's information item (submitted, so it has a chain, a version and a 查重 record), for the scope walk. */

function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

export async function infoItemFixtures(b: Agent): Promise<Record<string, string>> {
  const item = ok(
    await b.post('/api/info/items', {
      title: '乙县信息报送走查稿',
      bodyHtml: '<p>乙县委宣传部组织开展新闻业务培训，全县通讯员参加。</p>',
      category: '动态信息',
      authors: [],
      submit: true,
      idempotencyKey: 'walk-info-item-b-1',
    }),
    'info item',
  );
  return { 'info/items': item.id };
}

/** The bodies the walk sends to the item routes: valid in shape, so only scope can refuse them. */
export function infoWalkBody(url: string): Record<string, unknown> {
  if (!url.startsWith('/api/info/items/')) return {};
  return { title: '越权', bodyHtml: '<p>越权</p>', category: '动态信息', authors: [], action: 'pass' };
}
