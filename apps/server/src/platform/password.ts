import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import type { SecurityPolicy } from '@luoshi/contract';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** argon2id (the package's default algorithm) with OWASP's second recommended setting (19 MiB, two passes); the encoded hash carries its parameters. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2);
}

/**
 * Checks a password against a stored hash: argon2id, or the scrypt hashes written before
 * (`scrypt$N$r$p$salt$hash`), which `needsRehash` reports so the login that proves the password replaces them.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) {
    try {
      return await argon2Verify(stored, password);
    } catch {
      return false;
    }
  }
  const [alg, n, rr, pp, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
    maxmem: 128 * Number(n) * Number(rr) * 2,
  });
  return timingSafeEqual(key, expected);
}

export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`);
}

/**
 * A hash of nothing anyone knows, with today's parameters: an unknown username is checked against it,
 * so answering takes as long as for a real account.
 */
let dummy: Promise<string> | null = null;
export const dummyHash = () => (dummy ??= hashPassword(randomBytes(24).toString('base64')));

/** zxcvbn with its list of common passwords and keyboard patterns; built once, on first use. */
let strength: ZxcvbnFactory | null = null;
function estimator() {
  return (strength ??= new ZxcvbnFactory({ dictionary: { ...zxcvbnCommon.dictionary }, graphs: zxcvbnCommon.adjacencyGraphs }));
}

/**
 * What is wrong with a new password under the policy, or null. History (the last N passwords) is checked by the
 * caller, which holds the hashes.
 */
export function passwordProblem(password: string, policy: Pick<SecurityPolicy, 'minLength' | 'minClasses'>, username?: string): string | null {
  if (password.length < policy.minLength) return `密码至少 ${policy.minLength} 位`;
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (kinds < policy.minClasses) return `密码须包含大写字母、小写字母、数字、符号中的至少${'零一二三四'[policy.minClasses]}类`;
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  // Score 3 of 4: "safely unguessable" against an online attack; a common password or a keyboard walk with a suffix scores lower.
  if (estimator().check(password).score < 3) return '密码过于常见或容易猜测（如常用密码、键盘顺序、单词加年份），请换一个';
  return null;
}

/** A random initial password that satisfies any policy the contract allows (length ≤ 64, all four classes). */
export function randomPassword(): string {
  return `Ls-${randomBytes(12).toString('base64url')}#9a`;
}
