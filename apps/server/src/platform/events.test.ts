import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestCtx } from '../test/harness.ts';
import { consumeEvents, emitEvent, type DomainEvent } from './events.ts';

let ctx: TestCtx;
beforeAll(async () => {
  ctx = await makeTestApp();
});
afterAll(() => ctx.close());

describe('domain events', () => {
  it('stores the same fact once and hands each event to a consumer once, in order', async () => {
    const fact = { type: 'study.week_missed' as const, key: 'branch-1:2026-W12', payload: { week: '2026-W12' } };
    expect(await ctx.db.transaction((tx) => emitEvent(tx, fact))).toBe(true);
    expect(await ctx.db.transaction((tx) => emitEvent(tx, fact))).toBe(false);
    await ctx.db.transaction((tx) => emitEvent(tx, { ...fact, key: 'branch-2:2026-W12' }));
    await ctx.db.transaction((tx) => emitEvent(tx, { type: 'task.overdue', key: 'task-1', payload: {} }));

    const seen: DomainEvent[] = [];
    const handled = await consumeEvents(ctx.db, 'points-test', ['study.week_missed'], async (_tx, e) => {
      seen.push(e);
    });
    expect(handled).toBe(2);
    expect(seen.map((e) => e.key)).toEqual(['branch-1:2026-W12', 'branch-2:2026-W12']);
    expect(await consumeEvents(ctx.db, 'points-test', ['study.week_missed'], async () => {})).toBe(0);
  });

  it('does not move the cursor when a handler fails, so the event is handled again', async () => {
    await ctx.db.transaction((tx) => emitEvent(tx, { type: 'info.adopted', key: 'item-1', payload: {} }));
    await expect(
      consumeEvents(ctx.db, 'flaky', ['info.adopted'], async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const keys: string[] = [];
    await consumeEvents(ctx.db, 'flaky', ['info.adopted'], async (_tx, e) => {
      keys.push(e.key);
    });
    expect(keys).toEqual(['item-1']);
  });
});
