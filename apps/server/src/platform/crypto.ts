import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { loadKeyRing, type DataKey, type KeyRing } from './keys.ts';

/**
 * Personal data at rest (phone numbers, e-mail addresses, robot URLs and secrets, TOTP secrets): SM4-CBC with a
 * random IV, then an HMAC-SM3 over key id, IV and ciphertext (encrypt-then-MAC), all with Node's own OpenSSL.
 * A sealed value reads `sm4.<key id>.<iv>.<ciphertext>.<tag>` (base64url); exact search goes through a blind
 * index, the HMAC-SM3 of the normalised value, so the database never holds the value itself.
 */

let ring: KeyRing | null = null;

/** Set once at start (and by each test app) before anything is sealed or opened. */
export function useKeyRing(keys: KeyRing) {
  ring = keys;
}

export function keyRing(): KeyRing {
  if (!ring) throw new Error('密钥尚未加载');
  return ring;
}

const PREFIX = 'sm4.';

export const isSealed = (v: string) => v.startsWith(PREFIX);

function tag(key: DataKey, iv: Buffer, ct: Buffer): Buffer {
  return createHmac('sm3', key.mac).update(key.id).update(iv).update(ct).digest();
}

export function seal(plain: string, key: DataKey = keyRing().data): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('sm4-cbc', key.enc, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [PREFIX + key.id, iv.toString('base64url'), ct.toString('base64url'), tag(key, iv, ct).toString('base64url')].join('.');
}

let reloadedAt = 0;
/**
 * A value sealed with a key this process does not hold: another process (keys:rotate against a shared PostgreSQL)
 * has rotated the key files since the start. Reads them again, at most every ten seconds.
 */
function reloadFor(id: string): DataKey | undefined {
  if (!ring?.settings || ring.source.data !== 'file' || Date.now() - reloadedAt < 10_000) return undefined;
  reloadedAt = Date.now();
  ring = loadKeyRing(ring.settings);
  return [ring.data, ...ring.retired].find((k) => k.id === id);
}

/** A sealed value opened; throws when no key of the ring sealed it or its tag does not match (the value was altered). */
export function open(sealed: string, keys: KeyRing = keyRing()): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== 'sm4') throw new Error('不是加密字段');
  const [, id, ivText, ctText, tagText] = parts;
  const key = [keys.data, ...keys.retired].find((k) => k.id === id) ?? (keys === ring ? reloadFor(id) : undefined);
  if (!key) throw new Error(`缺少密钥 ${id}，无法解密`);
  const iv = Buffer.from(ivText, 'base64url');
  const ct = Buffer.from(ctText, 'base64url');
  const expected = tag(key, iv, ct);
  const given = Buffer.from(tagText, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('加密字段校验失败，数据可能被篡改');
  const decipher = createDecipheriv('sm4-cbc', key.enc, iv);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
}

/** For nullable columns. A value written before encryption was introduced is read as it is (sealing at start moves it). */
export const sealOrNull = (v: string | null | undefined) => (v == null || v === '' ? null : seal(v));
export const openOrNull = (v: string | null | undefined) => (v == null ? null : isSealed(v) ? open(v) : v);

/** The key id a sealed value was sealed with. */
export const sealedWith = (v: string) => v.split('.')[1];

/** HMAC-SM3 blind index of a normalised value, for exact search without the value. */
export function blindIndex(normalised: string, key: DataKey = keyRing().data): string {
  return createHmac('sm3', key.index).update(normalised).digest('hex');
}

/**
 * The blind indexes of a value under every key of the ring, current first: a search matches rows indexed before a
 * rotation finished (or by a process still holding the older key) as well as those indexed since.
 */
export function blindIndexes(normalised: string, keys: KeyRing = keyRing()): string[] {
  return [keys.data, ...keys.retired].map((k) => blindIndex(normalised, k));
}

/** Phone numbers compare by their digits: spaces, dashes and a +86 country code do not matter. */
export function normalPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/**
 * 138****1234; a landline 0971-****567 keeps its area code and last three digits; anything else its first and last
 * two characters. A value already masked is returned as it is, so masking twice (a module, then the audit log) is
 * harmless.
 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  const p = phone.trim();
  if (p.includes('*')) return p;
  const digits = normalPhone(p);
  if (/^1\d{10}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  const landline = /^(0\d{2,3})[-\s]?(\d{7,8})$/.exec(p);
  if (landline) return `${landline[1]}-****${landline[2].slice(-3)}`;
  if (p.length <= 6) return '*'.repeat(p.length);
  return `${p.slice(0, 2)}****${p.slice(-2)}`;
}

/** z***@example.com */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return email ?? null;
  const at = email.indexOf('@');
  if (email.includes('***')) return email;
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

const maskToken = (v: string) => (v.length >= 12 ? `****${v.slice(-4)}` : '****');

/**
 * A user-given URL as lists, logs and audit rows show it: scheme, host and path, with every query value and every
 * long path segment (the robot's access key) masked: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****3f2a
 */
export function maskUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '****';
  }
  const path = url.pathname
    .split('/')
    .map((s) => (s.length >= 16 ? maskToken(s) : s))
    .join('/');
  const query = [...url.searchParams.keys()].length
    ? `?${[...url.searchParams.entries()].map(([k, v]) => `${k}=${maskToken(v)}`).join('&')}`
    : '';
  return `${url.protocol}//${url.host}${path}${query}`;
}
