import type { Db } from './db/client.ts';
import { emitTaskEvents } from './modules/campaigns/events.ts';
import { clock } from './modules/campaigns/dates.ts';
import { purgeStaleImports } from './modules/org/imports.ts';
import { syncPointEvents } from './modules/points/ledger.ts';
import { purgeStaleScoreImports } from './modules/study/scores.ts';

/**
 * Periodic work of the running product. Each job is idempotent (its facts are keyed), so a run missed while
 * the server was down is caught up by the next, and several processes on one PostgreSQL record each fact once.
 */
export const JOBS: { name: string; run: (db: Db) => Promise<unknown> }[] = [
  { name: 'task-events', run: (db) => emitTaskEvents(db, clock.today()) },
  // after the jobs that emit facts, so their points follow in the same run
  { name: 'point-events', run: (db) => syncPointEvents(db) },
  { name: 'purge-stale-imports', run: (db) => purgeStaleImports(db) },
  { name: 'purge-stale-score-imports', run: (db) => purgeStaleScoreImports(db) },
];

export function startJobs(db: Db, log: (msg: string) => void, everyMs = 60 * 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    for (const job of JOBS) {
      try {
        await job.run(db);
      } catch (err) {
        log(`定时任务 ${job.name} 失败：${(err as Error).message}`);
      }
    }
    running = false;
  };
  void tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
