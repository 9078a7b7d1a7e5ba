import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadKeyRing, type KeyRing, type KeySettings } from '../platform/keys.ts';
import { BackupError } from './snapshot.ts';

/**
 * A backup never holds the keys: the personal data in it stays sealed, and whoever steals an archive reads no phone
 * number. The manifest names the keys instead — the data key ids and a fingerprint of the audit key — so that a
 * restore can tell, before it writes anything, whether the keys at the target are the ones the data needs; and it is
 * signed with a key derived from the audit key, so a changed archive cannot be passed off by re-computing its hashes.
 */

/** First 8 hex of the SM3 of the audit key: names the key without revealing it. */
export const auditKeyFingerprint = (key: Buffer) => createHash('sm3').update(key).digest('hex').slice(0, 8);

function signingKey(auditKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sm3', auditKey, 'luoshi', 'backup-manifest', 32));
}

export const signManifest = (manifest: Buffer, auditKey: Buffer) => createHmac('sm3', signingKey(auditKey)).update(manifest).digest('hex');

export function manifestSignatureValid(manifest: Buffer, sig: string, auditKey: Buffer): boolean {
  const expected = Buffer.from(signManifest(manifest, auditKey), 'hex');
  const given = Buffer.from(sig.trim(), /^[0-9a-f]+$/i.test(sig.trim()) ? 'hex' : 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The keys of a data folder, read as they are: unlike at the server's start, a missing key file is not created —
 * a backup or a restore with a fresh key would seal nothing it could later open.
 */
export function existingKeyRing(s: KeySettings): KeyRing {
  const missing: string[] = [];
  if (!s.auditKey && !fs.existsSync(path.join(s.keysDir, 'audit.key'))) missing.push(`审计密钥（环境变量 LUOSHI_AUDIT_KEY，或文件 ${path.join(s.keysDir, 'audit.key')}）`);
  if (!s.dataKey && !fs.existsSync(path.join(s.keysDir, 'data.key'))) missing.push(`数据密钥（环境变量 LUOSHI_DATA_KEY，或文件 ${path.join(s.keysDir, 'data.key')}）`);
  if (missing.length) {
    throw new BackupError(`找不到${missing.join('和')}。请设置与服务器相同的密钥环境变量，或把单独保管的 keys 目录复制到 ${s.keysDir}。`);
  }
  return loadKeyRing(s);
}

export type ManifestKeys = {
  /** fingerprint of the audit key */
  audit: string;
  /** id of the data key new values were sealed with at the time of the backup: the blind indexes are keyed with it */
  data: string;
  /** ids of every data key that sealed a value in the backup */
  sealedWith: string[];
};

/** Refuses keys that cannot open this backup, naming what is missing. */
export function checkKeys(expected: ManifestKeys, ring: KeyRing) {
  const have = auditKeyFingerprint(ring.audit);
  if (have !== expected.audit) {
    throw new BackupError(
      `目标的审计密钥（指纹 ${have}）不是写出此备份时的审计密钥（指纹 ${expected.audit}）：审计链将无法校验。` +
        `请把备份来源单独保管的 keys/audit.key 复制到 ${ring.dir}，或设置相同的 LUOSHI_AUDIT_KEY。未写入任何数据。`,
    );
  }
  const ids = new Set([ring.data.id, ...ring.retired.map((k) => k.id)]);
  const lacking = [...new Set([expected.data, ...expected.sealedWith])].filter((id) => !ids.has(id));
  if (lacking.length) {
    throw new BackupError(
      `目标缺少此备份所需的数据密钥 ${lacking.join('、')}（目标现有 ${[...ids].join('、')}）：个人信息将无法解密。` +
        `请把备份来源单独保管的 keys/data.key（及 keys/retired/）复制到 ${ring.dir}，或设置相同的 LUOSHI_DATA_KEY。未写入任何数据。`,
    );
  }
}
