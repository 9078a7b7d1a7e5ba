import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { jobRuns } from '../db/schema/index.ts';
import { writeBackup, type BackupResult } from './archive.ts';

/**
 * The daily backup: the first run of the hourly jobs on each day (Asia/Shanghai) writes
 * `<LUOSHI_BACKUP_DIR>/luoshi-YYYYMMDD-HHmmss.tar.gz` and keeps the newest LUOSHI_BACKUP_KEEP of them. It deletes
 * only files named like the ones it writes, never anything else in the folder. Without LUOSHI_BACKUP_DIR it does
 * nothing. Several processes on one PostgreSQL database claim the day in job_runs, so one of them writes it.
 */

/** What the job reads of the configuration. */
export type BackupSchedule = { backupDir?: string; backupKeep: number; dataDir: string };

export const JOB_NAME = 'backup';
export const DAILY_NAME = /^luoshi-\d{8}-\d{6}\.tar\.gz$/;

/** luoshi-20260315-020000.tar.gz, in Beijing time. */
export function dailyBackupName(now: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `luoshi-${parts.year}${parts.month}${parts.day}-${parts.hour}${parts.minute}${parts.second}.tar.gz`;
}

/** Deletes the oldest daily backups beyond `keep`; returns the names deleted. */
export function pruneDailyBackups(dir: string, keep: number): string[] {
  const ours = fs
    .readdirSync(dir)
    .filter((n) => DAILY_NAME.test(n) && fs.statSync(path.join(dir, n)).isFile())
    .sort();
  const old = ours.slice(0, Math.max(0, ours.length - keep));
  for (const n of old) fs.rmSync(path.join(dir, n));
  return old;
}

export type DailyBackup = BackupResult & { removed: string[] };

/** Today's backup, unless it was written already (by this process or another). */
export async function runDailyBackup(db: Db, today: string, config: BackupSchedule | undefined, now = new Date()): Promise<DailyBackup | null> {
  if (!config?.backupDir) return null;
  const dir = path.resolve(config.backupDir);
  const keep = Math.max(1, config.backupKeep);
  await db.insert(jobRuns).values({ name: JOB_NAME }).onConflictDoNothing();
  const claim = (await db.execute(sql`
    with prev as (select last_day from job_runs where name = ${JOB_NAME} for update)
    update job_runs j set last_day = ${today}::date, last_started_at = now(), last_error = null
    from prev where j.name = ${JOB_NAME} and (prev.last_day is null or prev.last_day < ${today}::date)
    returning prev.last_day::text as previous`)) as unknown as { rows: { previous: string | null }[] };
  if (!claim.rows.length) return null;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const result = await writeBackup(db, { file: path.join(dir, dailyBackupName(now)), dataDir: config.dataDir });
    const removed = pruneDailyBackups(dir, keep);
    await db.execute(sql`update job_runs set last_finished_at = now() where name = ${JOB_NAME}`);
    return { ...result, removed };
  } catch (err) {
    // The day is given back, so the next hourly run tries again.
    await db.execute(sql`update job_runs set last_day = ${claim.rows[0].previous}::date where name = ${JOB_NAME} and last_day = ${today}::date`);
    throw new Error(`每日备份失败：${(err as Error).message}`);
  }
}
