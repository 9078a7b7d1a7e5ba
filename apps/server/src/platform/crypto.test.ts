import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blindIndex,
  blindIndexes,
  isSealed,
  keyRing,
  maskEmail,
  maskPhone,
  normalPhone,
  open,
  openOrNull,
  seal,
  sealedWith,
  sealOrNull,
  useKeyRing,
} from './crypto.ts';
import { deriveDataKey, loadKeyRing, newSecret, PENDING_DATA_KEY_FILE, RETIRED_DIR, type KeyRing } from './keys.ts';

const secret = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const ringOf = (dataKey: string): KeyRing => loadKeyRing({ keysDir: path.join(os.tmpdir(), 'luoshi-unused-keys'), auditKey: secret(1), dataKey });
const dirs: string[] = [];
const tempKeys = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-keys-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const current = ringOf(secret(2));
useKeyRing(current);

/** The parts of a sealed value: sm4 . key id . iv . ciphertext . tag */
const parts = (v: string) => v.split('.');
const flip = (b64: string) => {
  const buf = Buffer.from(b64, 'base64url');
  buf[0] ^= 1;
  return buf.toString('base64url');
};

describe('seal and open 加密与解密', () => {
  it('opens what it sealed, Chinese and all, with a fresh IV every time', () => {
    const a = seal('13812341234');
    const b = seal('13812341234');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^sm4\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('13812341234');
    expect(open(a)).toBe('13812341234');
    expect(open(b)).toBe('13812341234');
    expect(open(seal('张三 zhang@example.cn'))).toBe('张三 zhang@example.cn');
    expect(open(seal(''))).toBe('');
    expect(sealedWith(a)).toBe(keyRing().data.id);
    expect(isSealed(a)).toBe(true);
    expect(isSealed('13812341234')).toBe(false);
  });

  it('refuses a value whose ciphertext, IV, tag or key id was altered', () => {
    const v = seal('13812341234');
    const [p, id, iv, ct, tag] = parts(v);
    for (const altered of [
      [p, id, iv, flip(ct), tag],
      [p, id, flip(iv), ct, tag],
      [p, id, iv, ct, flip(tag)],
      [p, id, iv, ct, tag.slice(0, -2)],
    ]) {
      expect(() => open(altered.join('.'))).toThrow('加密字段校验失败，数据可能被篡改');
    }
    // A ciphertext moved under another key's id does not open either.
    const other = ringOf(secret(3));
    expect(() => open([p, other.data.id, iv, ct, tag].join('.'), { ...current, retired: [other.data] })).toThrow('校验失败');
    expect(() => open('sm4.zz')).toThrow('不是加密字段');
  });

  it('cannot open with a ring that lacks the key, and opens with a retired key after a rotation', () => {
    const old = ringOf(secret(4));
    const sealedOld = seal('0931-8123456', old.data);
    expect(() => open(sealedOld, current)).toThrow(`缺少密钥 ${old.data.id}`);
    // LUOSHI_DATA_KEY=<new>,<old>: the new key seals, the old one still opens.
    const rotated = ringOf(`${secret(5)},${secret(4)}`);
    expect(rotated.data.id).not.toBe(old.data.id);
    expect(rotated.retired.map((k) => k.id)).toEqual([old.data.id]);
    expect(open(sealedOld, rotated)).toBe('0931-8123456');
    expect(sealedWith(seal('x', rotated.data))).toBe(rotated.data.id);
  });

  it('reads retired key files and a rotation’s pending key from the key folder', () => {
    const dir = tempKeys();
    const first = loadKeyRing({ keysDir: dir, auditKey: secret(1) });
    expect(first.source.data).toBe('file');
    expect((fs.statSync(path.join(dir, 'data.key')).mode & 0o777).toString(8)).toBe('600');
    const sealedFirst = seal('13800000001', first.data);

    const pendingText = newSecret();
    fs.writeFileSync(path.join(dir, PENDING_DATA_KEY_FILE), pendingText, { mode: 0o600 });
    const pending = deriveDataKey(Buffer.from(pendingText, 'base64'));
    const during = loadKeyRing({ keysDir: dir, auditKey: secret(1) });
    expect(during.data.id).toBe(first.data.id);
    expect(during.retired.map((k) => k.id)).toContain(pending.id);
    expect(open(seal('13800000002', pending), during)).toBe('13800000002');

    fs.mkdirSync(path.join(dir, RETIRED_DIR));
    fs.copyFileSync(path.join(dir, 'data.key'), path.join(dir, RETIRED_DIR, `2026-01-01-${first.data.id}.key`));
    fs.renameSync(path.join(dir, PENDING_DATA_KEY_FILE), path.join(dir, 'data.key'));
    const after = loadKeyRing({ keysDir: dir, auditKey: secret(1) });
    expect(after.data.id).toBe(pending.id);
    expect(after.retired.map((k) => k.id)).toEqual([first.data.id]);
    expect(open(sealedFirst, after)).toBe('13800000001');
  });

  it('leaves empty values empty and reads a value written before sealing as it is', () => {
    expect(sealOrNull(null)).toBeNull();
    expect(sealOrNull('')).toBeNull();
    expect(openOrNull(null)).toBeNull();
    expect(openOrNull('13800000000')).toBe('13800000000');
    expect(openOrNull(sealOrNull('a@b.cn'))).toBe('a@b.cn');
  });
});

describe('blind index 检索索引', () => {
  it('is stable for one key, differs between keys, and never shows the value', () => {
    const a = blindIndex('13812341234');
    expect(blindIndex('13812341234')).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(blindIndex('13812341235')).not.toBe(a);
    const other = ringOf(secret(6));
    expect(blindIndex('13812341234', other.data)).not.toBe(a);
    // A search looks under every key of the ring, the current one first.
    const both = ringOf(`${secret(6)},${secret(2)}`);
    expect(blindIndexes('13812341234', both)).toEqual([blindIndex('13812341234', other.data), a]);
  });

  it('normalises phone numbers to their digits, without +86', () => {
    expect(normalPhone('138 1234 1234')).toBe('13812341234');
    expect(normalPhone('+86 138-1234-1234')).toBe('13812341234');
    expect(normalPhone('0931-8123456')).toBe('09318123456');
    expect(blindIndex(normalPhone('+86 13812341234'))).toBe(blindIndex(normalPhone('138-1234-1234')));
  });
});

describe('masks 脱敏', () => {
  it('masks phones as 138****1234 and landlines as 0931-****456', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
    expect(maskPhone('0931-8123456')).toBe('0931-****456');
    expect(maskPhone('010-87654321')).toBe('010-****321');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('ext-98765432')).toBe('ex****32');
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone('')).toBe('');
    // Masking a masked value changes nothing: the audit log masks again what a module masked.
    expect(maskPhone('138****1234')).toBe('138****1234');
  });

  it('masks e-mail addresses as z***@example.cn', () => {
    expect(maskEmail('zhangsan@example.cn')).toBe('z***@example.cn');
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('z***@example.cn')).toBe('z***@example.cn');
    expect(maskEmail(null)).toBeNull();
  });
});
