/** 安全审计: the keyed chain, checkpoints outside the database, retention, what is audited, and the audit page's API. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, createHmac } from 'node:crypto';
import ExcelJS from 'exceljs';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditArchives, auditLog } from '../db/schema/index.ts';
import { loginAdmin, loginAs, loginDuty, makeCity, makeTestApp, makeTestDb, TEST_AUDIT_KEY, type Agent, type TestCtx } from '../test/harness.ts';
import { archiveExpiredAudit, audit, SYSTEM_ACTOR, verifyAuditChain, writeCheckpoint } from './audit.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let shenji: Agent;
let checkpoints: string;
beforeAll(async () => {
  checkpoints = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-cp-'));
  ctx = await makeTestApp({ auditCheckpointDir: checkpoints });
  city = await makeCity(ctx.db);
  shenji = await loginDuty(ctx, 'audit');
});
afterAll(async () => {
  await ctx.close();
  fs.rmSync(checkpoints, { recursive: true, force: true });
});

/** Edits rows as someone with database access would: the append-only trigger set aside for the moment. */
async function asDbOwner(statement: ReturnType<typeof sql>) {
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
  });
}

/** The canonical JSON the chain covers (sorted keys), to re-compute hashes as a forger would. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Rebuilds the chain from `fromId` on with a hash function of the forger's choosing. */
async function rechain(fromId: number, hash: (prev: string, row: Record<string, unknown>) => string) {
  const rows = await ctx.db.select().from(auditLog).where(sql`${auditLog.id} >= ${fromId - 1}`).orderBy(asc(auditLog.id));
  let prev = rows[0].id === fromId ? '0'.repeat(64) : rows[0].hash;
  for (const r of rows.filter((x) => x.id >= fromId)) {
    const fields = { at: r.at.toISOString(), userId: r.userId, username: r.username, ip: r.ip, route: r.route, entity: r.entity, entityId: r.entityId, action: r.action, before: r.before, after: r.after, module: r.module, result: r.result };
    const h = hash(prev, fields);
    await asDbOwner(sql`update audit_log set prev_hash = ${prev}, hash = ${h} where id = ${r.id}`);
    prev = h;
  }
}

describe('the keyed chain', () => {
  it('tells an edited row, a chain re-computed without the key, and deleted newest rows', async () => {
    const admin = await loginAdmin(ctx);
    for (let i = 0; i < 3; i++) await admin.post('/api/org/units', { parentId: city.city.id, name: `链测试单位${i}`, type: 'bureau' });
    expect((await verifyAuditChain(ctx.db, checkpoints)).intact).toBe(true);
    const [target] = await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'create')).orderBy(desc(auditLog.id)).limit(1);

    // 1. An edited row.
    await asDbOwner(sql`update audit_log set after = jsonb_set(after, '{name}', '"篡改后的名称"') where id = ${target.id}`);
    let v = await verifyAuditChain(ctx.db, checkpoints);
    expect(v).toMatchObject({ intact: false, firstBrokenId: target.id });
    expect(v.problem).toContain('被修改');

    // 2. The forger re-computes the chain with plain SHA-256, then with an HMAC under a key of their own: both fail.
    await rechain(target.id, (prev, row) => createHash('sha256').update(prev).update(canonical(row)).digest('hex'));
    expect((await verifyAuditChain(ctx.db, checkpoints)).firstBrokenId).toBe(target.id);
    await rechain(target.id, (prev, row) => createHmac('sm3', Buffer.alloc(32, 1)).update(prev).update(canonical(row)).digest('hex'));
    v = await verifyAuditChain(ctx.db, checkpoints);
    expect(v.firstBrokenId).toBe(target.id);
    expect(v.problem).toContain('不持有审计密钥');
    // With the key (which lives outside the database) the chain is whole again: the test proves the forger's only lack.
    await rechain(target.id, (prev, row) => createHmac('sm3', Buffer.from(TEST_AUDIT_KEY, 'base64')).update(prev).update(canonical(row)).digest('hex'));
    expect((await verifyAuditChain(ctx.db, checkpoints)).intact).toBe(true);

    // 3. Deleting the newest rows keeps the chain consistent, but not with the signed checkpoint written outside.
    const cp = await writeCheckpoint(ctx.db, checkpoints);
    expect(JSON.parse(fs.readFileSync(cp.file, 'utf8'))).toMatchObject({ count: cp.count, lastId: cp.lastId, sig: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await asDbOwner(sql`delete from audit_log where id >= ${cp.lastId - 1}`);
    v = await verifyAuditChain(ctx.db, checkpoints);
    expect(v.intact).toBe(false);
    expect(v.problem).toContain('最新的记录被删除');

    // 4. A forged checkpoint is refused by its signature.
    const forged = { ...JSON.parse(fs.readFileSync(cp.file, 'utf8')), lastId: cp.lastId - 2 };
    fs.writeFileSync(cp.file, JSON.stringify(forged));
    expect((await verifyAuditChain(ctx.db, checkpoints)).problem).toContain('检查点');
    fs.rmSync(cp.file);
  });
});

describe('retention', () => {
  it('archives rows past the retention period to a signed file, purges them, and the chain still verifies', async () => {
    // An empty database, so the year-old rows come first as they would in a log kept for a year.
    const t = await makeTestDb();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-archive-'));
    try {
      const old = new Date(Date.now() - 400 * 86_400_000);
      await t.db.transaction(async (tx) => {
        for (let i = 0; i < 5; i++) await audit(tx, SYSTEM_ACTOR, { entity: 'test', entityId: String(i), action: 'old', after: { phone: '13812345678' } }, old);
      });
      await t.db.transaction((tx) => audit(tx, SYSTEM_ACTOR, { entity: 'test', entityId: 'new', action: 'recent' }));
      const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n;
      // A recent row cannot be deleted, even by the database owner's own statement.
      await expect(t.db.execute(sql`delete from audit_log where action = 'recent'`)).rejects.toThrow();

      const record = await archiveExpiredAudit(t.db, dir, 365);
      expect(record).not.toBeNull();
      const [{ n: left }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.action, 'old'));
      expect(left).toBe(0);
      const file = path.join(dir, record!.file);
      const { gunzipSync } = await import('node:zlib');
      const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.action === 'old')).toHaveLength(5);
      expect(lines.length).toBe(record!.rows);
      // Phone numbers were masked before they ever reached the log, so the archive holds none either.
      expect(fs.readFileSync(file).length).toBeGreaterThan(0);
      expect(JSON.stringify(lines)).not.toContain('13812345678');
      expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(record!.fileSha256);
      const v = await verifyAuditChain(t.db);
      expect(v).toMatchObject({ intact: true, archives: 1 });
      expect(v.rows).toBe(before - record!.rows + 1);

      // Forging the archive record to hide more deleted rows breaks its signature.
      await t.db.execute(sql`update audit_archives set rows = rows + 10`);
      expect((await verifyAuditChain(t.db)).problem).toContain('归档记录');
      await t.db.execute(sql`update audit_archives set rows = rows - 10`);
      expect((await verifyAuditChain(t.db)).intact).toBe(true);
      expect(await archiveExpiredAudit(t.db, dir, 365)).toBeNull();
      expect(await t.db.select().from(auditArchives)).toHaveLength(1);
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what is audited', () => {
  it('records refusals: a missing permission (403) and another county’s record (404)', async () => {
    const staff = await loginAs(ctx, 'staff', city.countyA);
    const liaisonA = await loginAs(ctx, 'liaison', city.countyA);
    expect((await staff.agent.post('/api/org/units', { parentId: city.countyA.id, name: '越权', type: 'branch' })).statusCode).toBe(403);
    expect((await liaisonA.agent.get(`/api/org/units/${city.countyB.id}`)).statusCode).toBe(404);
    const denied = await ctx.db.select().from(auditLog).where(eq(auditLog.result, 'denied')).orderBy(asc(auditLog.id));
    expect(denied.find((r) => r.username === staff.username)).toMatchObject({ action: 'forbidden', route: 'POST /api/org/units', module: 'org' });
    expect(denied.find((r) => r.username === liaisonA.username)).toMatchObject({ action: 'not_found', entityId: city.countyB.id, route: 'GET /api/org/units/:id' });
  });
});

describe('the audit page', () => {
  it('filters by person, action, module and result, shows one row, verifies, exports — and logs its own reading', async () => {
    const liaison = await loginAs(ctx, 'liaison', city.countyA);
    await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: liaison.username, password: 'Wrong-Pass-2026' } });
    const failed = (await shenji.get(`/api/audit/logs?username=${liaison.username}&result=failure`)).json();
    expect(failed.data.map((r: { action: string }) => r.action)).toEqual(['login_failed']);
    const logins = (await shenji.get(`/api/audit/logs?username=${liaison.username}&action=login&module=auth`)).json();
    expect(logins.total).toBe(1);
    const one = await shenji.get(`/api/audit/logs/${logins.data[0].id}`);
    expect(one.json()).toMatchObject({ action: 'login', result: 'success', username: liaison.username });
    expect((await shenji.get('/api/audit/logs/999999999')).statusCode).toBe(404);
    const facets = (await shenji.get('/api/audit/facets')).json();
    expect(facets.modules).toEqual(expect.arrayContaining(['auth', 'org']));
    expect(facets.actions).toEqual(expect.arrayContaining(['login', 'login_failed']));

    expect((await shenji.get('/api/audit/verify')).json()).toMatchObject({ intact: true, firstBrokenId: null, problem: null });
    // Verifying signs the state it found outside the database: the next verification holds the log against it.
    const v = (await shenji.get('/api/audit/verify')).json();
    expect(v.checkpoint).toMatchObject({ lastId: expect.any(Number) });
    expect(v.intact).toBe(true);

    const x = await shenji.get(`/api/audit/logs/export?username=${liaison.username}`);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const actions = wb.worksheets[0].getColumn(9).values.slice(2);
    expect(actions).toEqual(expect.arrayContaining(['login', 'login_failed']));

    const own = (await ctx.db.select().from(auditLog).where(eq(auditLog.username, 'shenji'))).map((r) => r.action);
    expect(own).toEqual(expect.arrayContaining(['read', 'verify', 'export']));
  });
});
