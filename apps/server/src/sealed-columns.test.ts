import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db/client.ts';
import { auditLog, notificationSettings, outbox, persons, unitWebhooks, users } from './db/schema/index.ts';
import { rotateDataKey } from './keys-cli.ts';
import { keyRing, open, openOrNull, sealedWith, useKeyRing } from './platform/crypto.ts';
import { loadKeyRing } from './platform/keys.ts';
import { SEALED_COLUMNS, sealedCounts, sealPlainValues } from './sealed-columns.ts';
import { loginAdmin, makeCity, makePerson, makeTestApp, TEST_AUDIT_KEY, TEST_DATA_KEY, type Agent, type TestCtx } from './test/harness.ts';

let ctx: TestCtx;
let admin: Agent;
let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
  ctx = await makeTestApp();
  admin = await loginAdmin(ctx);
  city = await makeCity(ctx.db);
});
afterAll(() => ctx.close());

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
/** Every stored value of every sealed column, as the database holds it. */
async function storedValues(): Promise<string[]> {
  const out: string[] = [];
  for (const c of SEALED_COLUMNS) {
    const r = await ctx.db.execute(
      sql`select ${sql.identifier(c.column)} as v from ${sql.identifier(c.table)} where ${sql.identifier(c.column)} is not null${c.rows ? sql` and ${c.rows}` : sql``}`,
    );
    out.push(...rowsOf<{ v: string }>(r).map((x) => x.v));
  }
  return out;
}
const findByPhone = async (phone: string) => (await admin.get(`/api/org/persons?q=${encodeURIComponent(phone)}`)).json().data.map((p: { id: string }) => p.id);

describe('the register of sealed columns 加密字段登记', () => {
  it('names columns that exist, with their keys and blind indexes', async () => {
    const cols = rowsOf<{ t: string; c: string }>(
      await ctx.db.execute(sql`select table_name as t, column_name as c from information_schema.columns where table_schema = 'public'`),
    );
    const has = (t: string, c: string) => cols.some((x) => x.t === t && x.c === c);
    for (const c of SEALED_COLUMNS) {
      expect(has(c.table, c.column), `${c.table}.${c.column}`).toBe(true);
      expect(has(c.table, c.key), `${c.table}.${c.key}`).toBe(true);
      if (c.index) expect(has(c.table, c.index.column), `${c.table}.${c.index.column}`).toBe(true);
    }
    expect(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`)).toEqual(
      expect.arrayContaining(['persons.phone', 'notification_settings.email', 'unit_webhooks.url', 'unit_webhooks.secret', 'users.totp_secret', 'users.totp_pending_secret']),
    );
  });
});

describe('sealing at start 存量数据加密', () => {
  it('seals the plain values of an upgraded database once, fills the blind index, and leaves sealed values alone', async () => {
    // Rows as a database written before encryption holds them.
    const person = await makePerson(ctx.db, city.countyA, { name: '旧数据' });
    await ctx.db.update(persons).set({ phone: '139 0000 1111', phoneIndex: null }).where(eq(persons.id, person.id));
    const [adminUser] = await ctx.db.select().from(users).where(eq(users.username, 'admin'));
    await ctx.db.insert(notificationSettings).values({ userId: adminUser.id, email: 'old@example.cn', emailEnabled: true });
    await ctx.db.update(users).set({ totpSecret: 'JBSWY3DPEHPK3PXP' }).where(eq(users.id, adminUser.id));
    const [hook] = await ctx.db
      .insert(unitWebhooks)
      .values({ unitId: city.countyA.id, kind: 'dingtalk', name: '旧机器人', url: 'https://oapi.dingtalk.com/robot/send?access_token=plain', secret: 'SECplain' })
      .returning();
    await ctx.db.insert(outbox).values([
      { channel: 'email', target: 'old@example.cn', subject: '旧邮件', body: '正文' },
      { channel: 'wecom', target: hook.id, subject: '旧机器人消息', body: '正文' },
    ]);
    const untouched = await makePerson(ctx.db, city.countyA, { name: '新数据', phone: '13900002222' });
    const [before] = await ctx.db.select({ phone: persons.phone }).from(persons).where(eq(persons.id, untouched.id));
    expect(await findByPhone('13900001111')).toEqual([]);

    const report = await sealPlainValues(ctx.db);
    const sealed = Object.fromEntries(report.map((r) => [`${r.table}.${r.column}`, r.sealed]));
    expect(sealed).toMatchObject({
      'persons.phone': 1, 'notification_settings.email': 1, 'outbox.target': 1, 'unit_webhooks.url': 1, 'unit_webhooks.secret': 1, 'users.totp_secret': 1,
    });
    const values = await storedValues();
    expect(values.every((v) => v.startsWith('sm4.'))).toBe(true);
    expect(values.join()).not.toMatch(/1390000|old@example|access_token|SECplain|JBSWY3/);
    // A robot message's target is the robot's id, not personal data: it stays as it was.
    expect((await ctx.db.select().from(outbox).where(eq(outbox.channel, 'wecom')))[0].target).toBe(hook.id);

    const [p] = await ctx.db.select().from(persons).where(eq(persons.id, person.id));
    expect(open(p.phone!)).toBe('139 0000 1111');
    expect(await findByPhone('13900001111')).toEqual([person.id]);
    const [s] = await ctx.db.select().from(notificationSettings).where(eq(notificationSettings.userId, adminUser.id));
    expect(openOrNull(s.email)).toBe('old@example.cn');
    expect((await admin.get('/api/notifications/settings')).json().email).toBe('old@example.cn');

    // Once done, nothing more to do: a value already sealed keeps its ciphertext.
    expect((await sealPlainValues(ctx.db)).every((r) => r.sealed === 0)).toBe(true);
    const [after] = await ctx.db.select({ phone: persons.phone }).from(persons).where(eq(persons.id, untouched.id));
    expect(after.phone).toBe(before.phone);
  });

  it('leaves no plain phone in the files of an embedded database', async (t) => {
    if (process.env.DATABASE_URL) t.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-sealfiles-'));
    const database = await openDatabase({ dataDir: dir });
    try {
      const id = crypto.randomUUID();
      await database.db.execute(sql`insert into units (id, name, type, path, depth) values (${id}, '旧单位', 'department', ${`/${id}/`}, 0)`);
      for (let i = 0; i < 20; i++) await database.db.insert(persons).values({ unitId: id, name: `旧${i}`, phone: `1397654${String(i).padStart(4, '0')}` });
      await sealPlainValues(database.db);
    } finally {
      await database.close();
    }
    // grep answers 1 when nothing matches, 0 with the files that do.
    const grep = spawnSync('grep', ['-rl', '13976540007', dir], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(grep.stdout.trim()).toBe('');
    expect(grep.status).toBe(1);
  }, 180_000);
});

describe('rotation with the key in the environment 环境变量密钥轮换', () => {
  it('re-encrypts under the first key of LUOSHI_DATA_KEY=<new>,<old>, and refuses when there is nothing to rotate to', async () => {
    const person = await makePerson(ctx.db, city.countyB, { name: '环境轮换', phone: '13700003333' });
    const single = await rotateDataKey({ ...ctx.config, dataKey: TEST_DATA_KEY }, ctx.db).catch((e: Error) => e);
    expect(single).toBeInstanceOf(Error);
    expect((single as Error).message).toContain('LUOSHI_DATA_KEY=<新密钥>,<旧密钥>');

    const fresh = Buffer.alloc(32, 11).toString('base64');
    const result = await rotateDataKey({ ...ctx.config, dataKey: `${fresh},${TEST_DATA_KEY}` }, ctx.db);
    expect(result).toMatchObject({ source: 'env', retired: null });
    expect(Object.keys(await sealedCounts(ctx.db))).toEqual([result.keyId]);
    // The new key alone opens everything.
    const onlyNew = loadKeyRing({ keysDir: path.join(ctx.config.dataDir, 'no-keys'), auditKey: TEST_AUDIT_KEY, dataKey: fresh });
    for (const v of await storedValues()) expect(() => open(v, onlyNew)).not.toThrow();
    expect(sealedWith((await ctx.db.select().from(persons).where(eq(persons.id, person.id)))[0].phone!)).toBe(onlyNew.data.id);
    expect(keyRing().data.id).toBe(onlyNew.data.id);
    expect(await findByPhone('13700003333')).toEqual([person.id]);
    const [row] = await ctx.db.select().from(auditLog).where(eq(auditLog.entity, 'keys'));
    expect(row).toMatchObject({ action: 'rotate', entityId: result.keyId });
    expect(JSON.stringify(row.after)).not.toMatch(/13700003333|sm4\./);
    // The running app keeps working under the new ring.
    useKeyRing(loadKeyRing({ ...ctx.config, dataKey: `${fresh},${TEST_DATA_KEY}` }));
    expect((await admin.get(`/api/org/persons/${person.id}/phone`)).json()).toEqual({ phone: '13700003333' });
  });
});
