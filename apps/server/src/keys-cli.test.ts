import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, persons } from './db/schema/index.ts';
import { installKey, prepareRotation, reencrypt, rotateDataKey } from './keys-cli.ts';
import { blindIndexes, keyRing, normalPhone, open, seal, useKeyRing } from './platform/crypto.ts';
import { DATA_KEY_FILE, loadKeyRing, PENDING_DATA_KEY_FILE, RETIRED_DIR, type KeyRing } from './platform/keys.ts';
import { SEALED_COLUMNS, sealedCounts } from './sealed-columns.ts';
import { loginAdmin, makeCity, makeTestApp, TEST_AUDIT_KEY, type Agent, type TestCtx } from './test/harness.ts';

// The data key comes from <data>/keys/data.key here, as on a server without LUOSHI_DATA_KEY.
let ctx: TestCtx;
let admin: Agent;
let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
  ctx = await makeTestApp({ dataKey: undefined });
  admin = await loginAdmin(ctx);
  city = await makeCity(ctx.db);
});
afterAll(() => ctx.close());

const keysDir = () => ctx.config.keysDir;
const keyText = (name: string) => fs.readFileSync(path.join(keysDir(), name), 'utf8').trim();
/** What a server starting now would load: the key files as they are on disk. */
const ringOnDisk = () => loadKeyRing({ keysDir: keysDir(), auditKey: ctx.config.auditKey });
/** A ring holding one key only, with no retired ones. */
const onlyKey = (text: string): KeyRing => loadKeyRing({ keysDir: path.join(ctx.config.dataDir, 'none'), auditKey: TEST_AUDIT_KEY, dataKey: text });

async function storedValues(): Promise<string[]> {
  const out: string[] = [];
  for (const c of SEALED_COLUMNS) {
    const r = await ctx.db.execute(
      sql`select ${sql.identifier(c.column)} as v from ${sql.identifier(c.table)} where ${sql.identifier(c.column)} is not null${c.rows ? sql` and ${c.rows}` : sql``}`,
    );
    out.push(...(r as unknown as { rows: { v: string }[] }).rows.map((x) => x.v));
  }
  return out;
}
/** The person found by their phone through the blind index, as the search of a server with this ring does. */
async function foundWith(ring: KeyRing, phone: string) {
  const ids = blindIndexes(normalPhone(phone), ring);
  const rows = await ctx.db.select({ id: persons.id }).from(persons).where(sql`${persons.phoneIndex} in ${ids}`);
  return rows.map((r) => r.id);
}
const opensAll = async (ring: KeyRing) => (await storedValues()).every((v) => {
  try {
    open(v, ring);
    return true;
  } catch {
    return false;
  }
});

async function addPerson(name: string, phone: string): Promise<string> {
  const res = await admin.post('/api/org/persons', { unitId: city.countyA.id, name, phone });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

describe('npm run keys:rotate 数据密钥轮换', () => {
  it('re-encrypts every value and index under a new key, keeps the old key for backups, and the search still finds people', async () => {
    const id = await addPerson('轮换甲', '13800110011');
    await admin.put('/api/notifications/settings', { email: 'rotate@example.cn', emailEnabled: true, digestEnabled: true, remindDays: 2 });
    const oldText = keyText(DATA_KEY_FILE);
    const oldId = onlyKey(oldText).data.id;

    const result = await rotateDataKey(ctx.config, ctx.db);
    expect(result.source).toBe('file');
    expect(result.keyId).not.toBe(oldId);
    expect(result.values).toBeGreaterThanOrEqual(2);

    // The files: the new key in place, the old one retired (0600), nothing pending.
    const newText = keyText(DATA_KEY_FILE);
    expect(onlyKey(newText).data.id).toBe(result.keyId);
    expect(fs.existsSync(path.join(keysDir(), PENDING_DATA_KEY_FILE))).toBe(false);
    const retired = fs.readdirSync(path.join(keysDir(), RETIRED_DIR));
    expect(retired).toEqual([expect.stringMatching(new RegExp(`-${oldId}\\.key$`))]);
    expect(fs.readFileSync(path.join(keysDir(), RETIRED_DIR, retired[0]), 'utf8').trim()).toBe(oldText);
    expect((fs.statSync(path.join(keysDir(), RETIRED_DIR, retired[0])).mode & 0o777).toString(8)).toBe('600');

    // Every value opens with the new key alone, none with the old one alone.
    expect(Object.keys(await sealedCounts(ctx.db))).toEqual([result.keyId]);
    expect(await opensAll(onlyKey(newText))).toBe(true);
    expect((await storedValues()).some((v) => { try { open(v, onlyKey(oldText)); return true; } catch { return false; } })).toBe(false);
    expect(await foundWith(onlyKey(newText), '138 0011 0011')).toEqual([id]);

    // The running app: search, reveal, own e-mail, and new values sealed with the new key.
    expect((await admin.get('/api/org/persons?q=13800110011')).json().data.map((p: { id: string }) => p.id)).toEqual([id]);
    expect((await admin.get(`/api/org/persons/${id}/phone`)).json()).toEqual({ phone: '13800110011' });
    expect((await admin.get('/api/notifications/settings')).json().email).toBe('rotate@example.cn');
    const later = await addPerson('轮换乙', '13800110022');
    const [row] = await ctx.db.select({ phone: persons.phone }).from(persons).where(eq(persons.id, later));
    expect(row.phone!.split('.')[1]).toBe(result.keyId);

    const [logged] = await ctx.db.select().from(auditLog).where(eq(auditLog.entity, 'keys'));
    expect(logged).toMatchObject({ action: 'rotate', entityId: result.keyId, username: 'system' });
    expect(logged.after).toMatchObject({ to: result.keyId, from: [oldId] });
    expect(JSON.stringify(logged)).not.toContain(newText);
  });

  it('leaves the data readable and searchable when it dies between steps, and a second run finishes the same rotation', async () => {
    const id = await addPerson('轮换丙', '13800110033');
    const before = keyText(DATA_KEY_FILE);

    // Dies after writing the new key: nothing re-encrypted yet, both keys open everything.
    const prepared = prepareRotation(ctx.config);
    expect(fs.existsSync(path.join(keysDir(), PENDING_DATA_KEY_FILE))).toBe(true);
    expect(ringOnDisk().data.id).toBe(onlyKey(before).data.id);
    expect(await opensAll(ringOnDisk())).toBe(true);

    // Dies after the commit, before the key files moved: a restart still opens every value and finds the person.
    await reencrypt(ctx.db, prepared);
    expect(Object.keys(await sealedCounts(ctx.db))).toEqual([prepared.target.id]);
    expect(keyText(DATA_KEY_FILE)).toBe(before);
    const restarted = ringOnDisk();
    expect(await opensAll(restarted)).toBe(true);
    expect(await foundWith(restarted, '13800110033')).toEqual([id]);
    // A value the restarted server seals with its (older) current key stays readable too.
    useKeyRing(restarted);
    const meanwhile = await addPerson('轮换丁', '13800110044');

    // The second run takes up the pending key rather than making another.
    const finished = await rotateDataKey(ctx.config, ctx.db);
    expect(finished.keyId).toBe(prepared.target.id);
    expect(onlyKey(keyText(DATA_KEY_FILE)).data.id).toBe(prepared.target.id);
    expect(fs.existsSync(path.join(keysDir(), PENDING_DATA_KEY_FILE))).toBe(false);
    expect(Object.keys(await sealedCounts(ctx.db))).toEqual([prepared.target.id]);
    expect(await opensAll(onlyKey(keyText(DATA_KEY_FILE)))).toBe(true);
    expect(await foundWith(onlyKey(keyText(DATA_KEY_FILE)), '13800110044')).toEqual([meanwhile]);
    // Backups from before either rotation can still be opened with the retired keys.
    expect(fs.readdirSync(path.join(keysDir(), RETIRED_DIR))).toHaveLength(2);
    expect(ringOnDisk().retired).toHaveLength(2);
    // Installing again changes nothing.
    expect(installKey(ctx.config, prepared)).toEqual({ retired: null });
    expect(onlyKey(keyText(DATA_KEY_FILE)).data.id).toBe(prepared.target.id);
  });

  it('changes nothing when one value cannot be opened: one transaction, and the key files stay as they were', async () => {
    const id = await addPerson('轮换戊', '13800110055');
    const good = await addPerson('轮换己', '13800110066');
    const [row] = await ctx.db.select({ phone: persons.phone }).from(persons).where(eq(persons.id, good));
    // A value sealed with a key nobody has any more.
    const lost = onlyKey(Buffer.alloc(32, 99).toString('base64')).data;
    await ctx.db.update(persons).set({ phone: seal('13800110055', lost) }).where(eq(persons.id, id));
    const current = keyText(DATA_KEY_FILE);
    const rotations = async () => (await ctx.db.select().from(auditLog).where(eq(auditLog.entity, 'keys'))).length;
    const rotationsBefore = await rotations();

    await expect(rotateDataKey(ctx.config, ctx.db)).rejects.toThrow(`缺少密钥 ${lost.id}`);
    const [still] = await ctx.db.select({ phone: persons.phone }).from(persons).where(eq(persons.id, good));
    expect(still.phone).toBe(row.phone);
    expect(keyText(DATA_KEY_FILE)).toBe(current);
    expect(await rotations()).toBe(rotationsBefore);
    // The operator sees which key is missing before anything else.
    expect((await sealedCounts(ctx.db))[lost.id]).toBe(1);
    await ctx.db.update(persons).set({ phone: null, phoneIndex: null }).where(eq(persons.id, id));
    fs.rmSync(path.join(keysDir(), PENDING_DATA_KEY_FILE), { force: true });
    useKeyRing(ringOnDisk());
  });

  it('refuses an embedded data folder that a running server holds, before writing any key', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-held-'));
    fs.writeFileSync(path.join(dataDir, 'luoshi.lock'), String(process.ppid));
    const config = { ...ctx.config, dataDir, databaseUrl: undefined, keysDir: path.join(dataDir, 'keys'), dataKey: undefined };
    await expect(rotateDataKey(config)).rejects.toThrow(/正在使用数据目录.*请先停止服务/);
    expect(fs.existsSync(path.join(dataDir, 'keys'))).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(keyRing().data.id).toBe(onlyKey(keyText(DATA_KEY_FILE)).data.id);
  });
});
