import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeCity, makeTestApp, type Agent, type TestCtx } from '../../test/harness.ts';
import { newCampaign, ok } from './testkit.ts';

describe('upload size limit', () => {
  let ctx: TestCtx;
  let admin: Agent;
  let unitId: string;
  beforeAll(async () => {
    ctx = await makeTestApp({ uploadMaxBytes: 1024 });
    const city = await makeCity(ctx.db);
    unitId = city.city.id;
    admin = (await loginAs(ctx, 'dept_admin', city.city)).agent;
  });
  afterAll(() => ctx.close());

  it('answers 413 for a file over the limit and keeps nothing', async () => {
    const c = await newCampaign(admin, unitId);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 0x20)]);
    const res = await admin.upload(`/api/campaigns/${c.id}/documents`, [{ name: '大文件.pdf', content: big }], { kind: 'plan' });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('TOO_LARGE');
    expect(await ok(admin.get(`/api/campaigns/${c.id}/documents`))).toEqual([]);
    const evidence = await admin.upload('/api/campaigns/uploads', [{ name: '大文件.pdf', content: big }]);
    expect(evidence.statusCode).toBe(413);
  });
});
