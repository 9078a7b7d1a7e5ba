import type { Db } from '../../db/client.ts';
import { notifications } from '../../db/schema/index.ts';
import type { Agent } from '../../test/harness.ts';

/** County B's notification (of county B's liaison) and county B's group robot, for the scope walk. */

function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

export async function notifyFixtures(db: Db, b: Agent, countyBId: string): Promise<Record<string, string>> {
  const me = ok(await b.get('/api/auth/me'), 'me');
  const userId: string = me.user.id;
  const [n] = await db
    .insert(notifications)
    .values({ userId, kind: 'reminder', title: '乙县任务将到期', body: '乙县的提醒', link: '/notifications', dedupeKey: 'walk:notify:b' })
    .returning();
  const hook = ok(
    // a name under .invalid never resolves, so saving it asks nothing of the network
    await b.post('/api/notify/webhooks', { unitId: countyBId, kind: 'wecom', name: '乙县工作群', url: 'https://robot-b.invalid/send?key=walk' }),
    'webhook',
  );
  return { 'notifications/:id': String(n.id), 'notify/webhooks': hook.id };
}

/** The holiday calendar is the same for everyone: its date parameter is no county record, and a liaison lacks system:calendar:write (403). */
export const NOTIFY_PARAMS: Record<string, string> = { 'system/calendar:date': '2027-01-04' };

/** The bodies the walk sends to the robot routes: valid in shape, so only scope can refuse them. */
export function notifyWalkBody(url: string): Record<string, unknown> {
  if (!url.startsWith('/api/notify/webhooks/')) return {};
  return { kind: 'wecom', name: '越权', url: 'https://robot-x.invalid/send?key=walk', enabled: true };
}
