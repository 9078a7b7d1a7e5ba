import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { pointInterviews, pointRules } from '../../db/schema/index.ts';
import type { Agent } from '../../test/harness.ts';
import { openInterviews } from './interviews.ts';
import { ensurePeriods } from './ledger.ts';

/** County B's points records (a claim with evidence, its ledger row, an appeal, a 约谈), for the repository-wide scope walk. */

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

export type PointsWalk = { byResource: Record<string, string>; params: Record<string, string> };

export async function pointsFixtures(db: Db, admin: Agent, b: Agent, unitB: string): Promise<PointsWalk> {
  const [rule] = await db
    .insert(pointRules)
    .values({ year: 2026, code: 'WALK-1', effectiveFrom: '2026-01-01', category: '走查', item: '走查评分项', subjectType: 'unit', points: 200 })
    .returning();
  const file = ok(await b.upload('/api/points/claims/files', [{ name: '乙县加分佐证.pdf', content: PDF, type: 'application/pdf' }]), 'claim upload');
  const claim = ok(
    await b.post('/api/points/claims', { ruleId: rule.id, subjectId: unitB, occurredOn: '2026-03-05', reason: '乙县加分申请', fileIds: [file.id], idempotencyKey: 'walk-claim-b-1' }),
    'claim',
  );
  const approved = ok(await admin.post(`/api/points/claims/${claim.id}/decide`, { approve: true, version: 1 }), 'claim decision');
  const appeal = ok(await b.post('/api/points/appeals', { eventId: approved.eventId, reason: '乙县申诉理由' }), 'appeal');
  await ensurePeriods(db, 2026);
  await openInterviews(db, 'M2026-03', [{ unitId: unitB, grade: '差', total: -100 }]);
  const [interview] = await db.select({ id: pointInterviews.id }).from(pointInterviews).where(eq(pointInterviews.unitId, unitB));
  return {
    byResource: {
      'points/rules': rule.id,
      'points/events': String(approved.eventId),
      'points/claims': claim.id,
      'points/appeals': appeal.id,
      'points/interviews': interview.id,
    },
    params: { 'points/claims:fileId': file.id, 'points/periods:key': 'M2026-03', 'points/grade-schemes:subjectType': 'unit' },
  };
}

/** The rule catalogue is one for the whole city: every reader reads the same rule. */
export const POINTS_SHARED_ROUTES = ['GET /api/points/rules/:id'];
