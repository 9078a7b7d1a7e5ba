import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The secrets that live outside the database: the audit key (HMAC of the audit chain, its checkpoints and archives)
 * and the data keys (SM4 encryption, HMAC-SM3 tags and blind indexes of personal data). Each comes from the
 * environment (LUOSHI_AUDIT_KEY, LUOSHI_DATA_KEY) or, when that is unset, from a file in `<data>/keys/` created
 * with mode 0600 on first start. Someone who can read the database but not these keys can neither read the
 * personal data nor re-compute the audit chain after editing it.
 */

export type DataKey = {
  /** 8 hex characters naming the key inside every ciphertext, so a value finds the key that sealed it */
  id: string;
  /** SM4 key, 16 bytes */
  enc: Buffer;
  /** HMAC-SM3 key of the ciphertexts (encrypt-then-MAC) */
  mac: Buffer;
  /** HMAC-SM3 key of the blind indexes */
  index: Buffer;
};

export type KeyRing = {
  audit: Buffer;
  /** the key new values are sealed with */
  data: DataKey;
  /** earlier keys, kept to open values (and backups) sealed before a rotation */
  retired: DataKey[];
  /** where the keys came from: files can be rotated by the application, the environment only by the deployer */
  source: { audit: 'env' | 'file'; data: 'env' | 'file' };
  dir: string;
  /** what the ring was loaded from, to load it again when a value names a key it lacks (a rotation by another process) */
  settings?: KeySettings;
};

export type KeySettings = { keysDir: string; auditKey?: string; dataKey?: string };

const MIN_BYTES = 32;

/** A key as written in the environment or a key file: base64 or hex of at least 32 bytes. */
export function parseSecret(text: string, name: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length < MIN_BYTES) throw new Error(`${name} 至少应为 ${MIN_BYTES} 字节的随机数（base64 或十六进制）`);
  return buf;
}

export function newSecret(): string {
  return randomBytes(MIN_BYTES).toString('base64');
}

export function deriveDataKey(master: Buffer): DataKey {
  const sub = (info: string, len: number) => Buffer.from(hkdfSync('sm3', master, 'luoshi', info, len));
  return {
    id: createHash('sm3').update(master).digest('hex').slice(0, 8),
    enc: sub('sm4-enc', 16),
    mac: sub('sm3-mac', 32),
    index: sub('sm3-index', 32),
  };
}

/** Reads a key file, or creates it (0600, in a 0700 folder) when it does not exist yet. */
function keyFile(dir: string, name: string): Buffer {
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, `${newSecret()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseSecret(fs.readFileSync(file, 'utf8'), file);
}

export const RETIRED_DIR = 'retired';
export const DATA_KEY_FILE = 'data.key';
/**
 * A rotation writes the new key here first and moves it over data.key only after the values are re-encrypted:
 * while it exists, values may be sealed with either key, so both open them.
 */
export const PENDING_DATA_KEY_FILE = 'data.key.new';

export const readKeyFile = (file: string) => parseSecret(fs.readFileSync(file, 'utf8'), file);

export function loadKeyRing(s: KeySettings): KeyRing {
  const audit = s.auditKey ? parseSecret(s.auditKey, 'LUOSHI_AUDIT_KEY') : keyFile(s.keysDir, 'audit.key');
  let data: DataKey;
  const retired: DataKey[] = [];
  if (s.dataKey) {
    // LUOSHI_DATA_KEY=<current>,<older>,…: the deployer rotates by putting a new key first.
    const [current, ...older] = s.dataKey.split(',').map((k) => deriveDataKey(parseSecret(k, 'LUOSHI_DATA_KEY')));
    data = current;
    retired.push(...older);
  } else {
    data = deriveDataKey(keyFile(s.keysDir, DATA_KEY_FILE));
    const pending = path.join(s.keysDir, PENDING_DATA_KEY_FILE);
    if (fs.existsSync(pending)) retired.push(deriveDataKey(readKeyFile(pending)));
  }
  const retiredDir = path.join(s.keysDir, RETIRED_DIR);
  if (fs.existsSync(retiredDir)) {
    for (const f of fs.readdirSync(retiredDir).sort()) {
      if (f.endsWith('.key')) retired.push(deriveDataKey(readKeyFile(path.join(retiredDir, f))));
    }
  }
  return {
    audit,
    data,
    retired: retired.filter((k, i) => k.id !== data.id && retired.findIndex((o) => o.id === k.id) === i),
    source: { audit: s.auditKey ? 'env' : 'file', data: s.dataKey ? 'env' : 'file' },
    dir: s.keysDir,
    settings: { keysDir: s.keysDir, auditKey: s.auditKey, dataKey: s.dataKey },
  };
}
