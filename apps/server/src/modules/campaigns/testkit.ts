import { ok, type Agent } from '../../test/harness.ts';

/** Small request helpers for this module's API tests: each asserts the status so a failing step names itself. */
export { ok };

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

export async function newCampaign(agent: Agent, unitId: string, extra: Record<string, unknown> = {}) {
  return ok(agent.post('/api/campaigns', { unitId, name: '四大专项行动', dimensions: ['学', '比', '转', '提'], startDate: '2026-01-01', endDate: '2026-12-31', ...extra }), 201);
}

export async function newTask(agent: Agent, body: Record<string, unknown>) {
  return ok(agent.post('/api/tasks', { title: '开展理论学习', startDate: '2026-01-01', deadline: '2026-12-31', ...body }), 201);
}

let key = 0;
export const idem = () => `key-${Date.now()}-${++key}-${Math.random().toString(36).slice(2)}`;
