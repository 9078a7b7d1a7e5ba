import { createHash } from 'node:crypto';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Config } from './config.ts';
import type { Db, DbLike } from './db/client.ts';
import { jobRuns } from './db/schema/index.ts';
import { emitTaskEvents } from './modules/campaigns/events.ts';
import { clock } from './modules/campaigns/dates.ts';
import { deliverOutbox } from './modules/notify/channels.ts';
import { runReminders } from './modules/notify/reminders.ts';
import { purgeStaleImports } from './modules/org/imports.ts';
import { syncPointEvents } from './modules/points/ledger.ts';
import { purgeStaleScoreImports } from './modules/study/scores.ts';
import { runDailyBackup } from './backup/daily.ts';
import { addDays, refreshCalendarAdjustments } from './platform/calendar.ts';
import { archiveExpiredAudit, writeCheckpoint } from './platform/audit.ts';
import { purgeExpiredSessions } from './platform/session.ts';

/** What a job may need beyond the database: the configuration (absent in tests that run only database jobs). */
export type JobContext = { config?: Config };

/**
 * Periodic work of the running product. Each job runs inside a transaction that first takes a transaction-level
 * advisory lock named after the job: a second process (or a second runner in this one) skips a job another is
 * running. Daily jobs keep a ledger in job_runs: a run finds the last day done and runs each missed day in turn
 * (at most CATCH_UP_DAYS back), so a server that was down catches up the reminders those days should have had.
 * Each job is idempotent besides (its facts are keyed).
 */
type Job =
  | { name: string; daily?: false; run: (db: DbLike, ctx: JobContext) => Promise<unknown>; locked?: boolean }
  | { name: string; daily: true; run: (db: DbLike, day: string, ctx: JobContext) => Promise<unknown>; locked?: boolean };

export const CATCH_UP_DAYS = 7;

export const JOBS: Job[] = [
  { name: 'task-events', run: (db) => emitTaskEvents(db as Db, clock.today()) },
  // after the jobs that emit facts, so their points follow in the same run
  { name: 'point-events', run: (db) => syncPointEvents(db as Db) },
  { name: 'purge-stale-imports', run: (db) => purgeStaleImports(db as Db) },
  { name: 'purge-stale-score-imports', run: (db) => purgeStaleScoreImports(db as Db) },
  { name: 'reminders', daily: true, run: (db, day) => runReminders(db, day) },
  // Sending talks to outside servers: it claims messages in short transactions of its own instead of one lock.
  { name: 'outbox', locked: false, run: (db, ctx) => deliverOutbox(db as Db, { config: ctx.config }) },
  // 安全审计: the day's signed checkpoint of the audit chain, written outside the database.
  { name: 'audit-checkpoint', daily: true, run: async (db, _day, ctx) => ctx.config && writeCheckpoint(db, ctx.config.auditCheckpointDir) },
  // Rows past the retention period go to a signed archive file; it takes the chain lock in a transaction of its own.
  { name: 'audit-retention', locked: false, run: async (db, ctx) => ctx.config && archiveExpiredAudit(db as Db, path.join(ctx.config.dataDir, 'audit-archive'), ctx.config.auditRetentionDays) },
  // Sessions past their idle or absolute limit end on the audit log even if no one comes back with them.
  { name: 'purge-sessions', locked: false, run: async (db, ctx) => ctx.config && purgeExpiredSessions(db as Db, ctx.config.sessionIdleMinutes) },
  // The backup reads in a snapshot transaction of its own, and claims its day in job_runs instead of a lock.
  { name: 'backup', locked: false, run: (db, ctx) => runDailyBackup(db as Db, clock.today(), ctx.config) },
];

/** A stable 64-bit advisory lock key per job name. */
export function jobLockKey(name: string): bigint {
  return createHash('sha256').update(`luoshi-job:${name}`).digest().readBigInt64BE(0);
}

export type TickResult = { ran: string[]; skipped: string[]; failed: { name: string; error: string }[]; days: Record<string, string[]> };

/** One pass over the jobs. `today` (Asia/Shanghai) is the clock's unless given; `only` limits the jobs. */
export async function runJobsOnce(db: Db, opts: { today?: string; only?: string[]; config?: Config } = {}): Promise<TickResult> {
  const today = opts.today ?? clock.today();
  const ctx: JobContext = { config: opts.config };
  const result: TickResult = { ran: [], skipped: [], failed: [], days: {} };
  await refreshCalendarAdjustments(db);
  for (const job of JOBS) {
    if (opts.only && !opts.only.includes(job.name)) continue;
    try {
      if (job.locked === false) {
        await (job.run as (db: DbLike, ctx: JobContext) => Promise<unknown>)(db, ctx);
        result.ran.push(job.name);
        continue;
      }
      const ran = await db.transaction(async (tx) => {
        const got = await tx.execute(sql`select pg_try_advisory_xact_lock(${jobLockKey(job.name).toString()}::bigint) as ok`);
        const ok = (got as unknown as { rows: { ok: boolean }[] }).rows[0]?.ok;
        if (!ok) return false;
        const [ledger] = await tx.select().from(jobRuns).where(eq(jobRuns.name, job.name));
        const startedAt = new Date();
        if (job.daily) {
          let first = ledger?.lastDay ? addDays(ledger.lastDay, 1) : today;
          if (first < addDays(today, -CATCH_UP_DAYS)) first = addDays(today, -CATCH_UP_DAYS);
          const days: string[] = [];
          for (let d = first; d <= today; d = addDays(d, 1)) days.push(d);
          if (!days.length) return false;
          for (const d of days) await job.run(tx, d, ctx);
          result.days[job.name] = days;
        } else {
          await job.run(tx, ctx);
        }
        const values = { lastStartedAt: startedAt, lastFinishedAt: new Date(), lastError: null, ...(job.daily ? { lastDay: today } : {}) };
        await tx.insert(jobRuns).values({ name: job.name, ...values }).onConflictDoUpdate({ target: jobRuns.name, set: values });
        return true;
      });
      (ran ? result.ran : result.skipped).push(job.name);
    } catch (err) {
      const error = (err as Error).message;
      result.failed.push({ name: job.name, error });
      await db
        .insert(jobRuns)
        .values({ name: job.name, lastError: error.slice(0, 500) })
        .onConflictDoUpdate({ target: jobRuns.name, set: { lastError: error.slice(0, 500) } })
        .catch(() => {});
    }
  }
  return result;
}

export function startJobs(db: Db, log: (msg: string) => void, config?: Config, everyMs = 60 * 60_000, outboxEveryMs = 60_000): () => void {
  let running = false;
  const tick = async (only?: string[]) => {
    if (running) return;
    running = true;
    try {
      const r = await runJobsOnce(db, { only, config });
      for (const f of r.failed) log(`定时任务 ${f.name} 失败：${f.error}`);
    } catch (err) {
      log(`定时任务失败：${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  // Messages wait at most a minute, not an hour.
  const outboxTimer = setInterval(() => void tick(['outbox']), outboxEveryMs);
  timer.unref();
  outboxTimer.unref();
  return () => {
    clearInterval(timer);
    clearInterval(outboxTimer);
  };
}
