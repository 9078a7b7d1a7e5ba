import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRuns } from '../db/schema/index.ts';
import { runJobsOnce } from '../jobs.ts';
import { makeCity, makeTestApp, type TestCtx } from '../test/harness.ts';
import { verifyArchive } from './archive.ts';
import { dailyBackupName, runDailyBackup } from './daily.ts';
import { existingKeyRing } from './keys.ts';

let ctx: TestCtx;
let dir: string;

beforeAll(async () => {
  ctx = await makeTestApp();
  await makeCity(ctx.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-daily-'));
});

afterAll(async () => {
  await ctx?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** 02:00 in Beijing on `day`. */
const at = (day: string) => new Date(`${day}T02:00:00+08:00`);

describe('the daily backup', () => {
  it('is named by Beijing time', () => {
    expect(dailyBackupName(new Date('2026-03-14T18:30:05Z'))).toBe('luoshi-20260315-023005.tar.gz');
  });

  it('does nothing without LUOSHI_BACKUP_DIR', async () => {
    expect(await runDailyBackup(ctx.db, '2026-03-01', { ...ctx.config, backupDir: undefined })).toBeNull();
    const r = await runJobsOnce(ctx.db, { only: ['backup'], config: { ...ctx.config, backupDir: undefined } });
    expect(r.failed).toEqual([]);
  });

  it('writes one backup a day, keeps the newest LUOSHI_BACKUP_KEEP, and leaves every other file in the folder alone', async () => {
    const config = { ...ctx.config, backupDir: dir, backupKeep: 2 };
    const foreign = ['notes.txt', 'luoshi-manual.tar.gz', 'luoshi-20200101-000000.tar.gz.bak', 'luoshi-2020-01-01.tar.gz'];
    for (const f of foreign) fs.writeFileSync(path.join(dir, f), 'mine');

    const first = await runDailyBackup(ctx.db, '2026-03-01', config, at('2026-03-01'));
    expect(path.basename(first!.file)).toBe('luoshi-20260301-020000.tar.gz');
    // A second run on the same day, as the hourly jobs make it, writes nothing more.
    expect(await runDailyBackup(ctx.db, '2026-03-01', config, new Date('2026-03-01T03:00:00+08:00'))).toBeNull();

    for (const day of ['2026-03-02', '2026-03-03', '2026-03-04']) await runDailyBackup(ctx.db, day, config, at(day));
    const kept = fs.readdirSync(dir).filter((n) => !foreign.includes(n)).sort();
    expect(kept).toEqual(['luoshi-20260303-020000.tar.gz', 'luoshi-20260304-020000.tar.gz']);
    for (const f of foreign) expect(fs.readFileSync(path.join(dir, f), 'utf8')).toBe('mine');

    const [ledger] = await ctx.db.select().from(jobRuns).where(eq(jobRuns.name, 'backup'));
    expect(ledger.lastDay).toBe('2026-03-04');
    const manifest = await verifyArchive(path.join(dir, kept[1]), existingKeyRing(ctx.config));
    expect(manifest.tables.find((t) => t.name === 'units')!.rows).toBeGreaterThan(0);
  });

  it('gives the day back when the backup fails, so the next hourly run tries again', async () => {
    const blocked = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocked, '');
    const config = { ...ctx.config, backupDir: blocked, backupKeep: 2 };
    await expect(runDailyBackup(ctx.db, '2026-03-05', config, at('2026-03-05'))).rejects.toThrow(/每日备份失败/);
    const [ledger] = await ctx.db.select().from(jobRuns).where(eq(jobRuns.name, 'backup'));
    expect(ledger.lastDay).not.toBe('2026-03-05');
  });
  it('runs among the hourly jobs', async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-daily-jobs-'));
    // Whatever day the clock says, it is a day not yet backed up.
    await ctx.db.delete(jobRuns).where(eq(jobRuns.name, 'backup'));
    try {
      const r = await runJobsOnce(ctx.db, { only: ['backup'], config: { ...ctx.config, backupDir: own, backupKeep: 3 } });
      expect(r.failed).toEqual([]);
      expect(fs.readdirSync(own).filter((n) => /^luoshi-\d{8}-\d{6}\.tar\.gz$/.test(n))).toHaveLength(1);
    } finally {
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

});
