import type { Agent } from '../../test/harness.ts';

/** County B's study sessions, supervisions and checked week, for the repository-wide scope walk. */

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

export type StudySessionWalk = {
  /** ids by the route's first two segments after /api */
  byResource: Record<string, string>;
  /** ids by "<resource>:<parameter name>", for parameters that are not the resource's own id */
  params: Record<string, string>;
};

export async function studySessionFixtures(admin: Agent, b: Agent, unitB: string, personB: string): Promise<StudySessionWalk> {
  const file = ok(await b.upload('/api/study/uploads', [{ name: '乙县学习材料.pdf', content: PDF, type: 'application/pdf' }]), 'study upload');
  const session = ok(
    await b.post('/api/study/sessions', {
      unitId: unitB,
      typeCode: 'collective',
      topic: '乙县集中学习',
      plannedStart: '2026-03-03T09:00:00+08:00',
      plannedEnd: '2026-03-03T13:00:00+08:00',
      materialFileIds: [file.id],
    }),
    'study session',
  );
  ok(await admin.post(`/api/study/sessions/${session.id}/comments`, { content: '乙县点评' }), 'study comment');
  const supervision = ok(await admin.post('/api/study/supervisions', { supervisorPersonId: personB, unitId: unitB, fromDate: '2026-01-01' }), 'supervision');
  const types = ok(await admin.get('/api/study/session-types'), 'session types');
  ok(await admin.post('/api/study/coverage/weeks/2026-W10/check'), 'week check');
  return {
    byResource: {
      'study/sessions': session.id,
      'study/supervisions': supervision.id,
      'study/session-types': types[0].id,
    },
    params: { 'study/sessions:fileId': file.id, 'study/coverage:week': '2026-W10' },
  };
}

/** The week's 未学通报 is one list for everyone, filtered by scope: county A reads its own rows (checked in coverage.test.ts). */
export const STUDY_SHARED_ROUTES = ['GET /api/study/coverage/weeks/:week', 'GET /api/study/coverage/weeks/:week/export.xlsx'];

/** Fields the session routes require, so that a walker's request passes validation and meets the scope check. */
export function sessionsWalkBody(url: string): Record<string, unknown> {
  if (!url.startsWith('/api/study/sessions/')) return {};
  return { actualStart: '2026-03-03T09:00:00+08:00', actualEnd: '2026-03-03T13:00:00+08:00', attendance: [], reason: '越权' };
}
