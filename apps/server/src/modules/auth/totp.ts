import { randomInt } from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { DbLike } from '../../db/client.ts';
import { recoveryCodes, users } from '../../db/schema/index.ts';
import { open, seal } from '../../platform/crypto.ts';
import { hashPassword, verifyPassword } from '../../platform/password.ts';

/** RFC 6238 with the authenticator apps' defaults (SHA-1, 30 s, 6 digits); a code of the previous step is still taken. */
const ISSUER = '落实';
const TOLERANCE = 30;

export async function newEnrolment(username: string) {
  const secret = generateSecret();
  const otpauthUrl = generateURI({ issuer: ISSUER, label: username, secret });
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  return { secret, otpauthUrl, qrDataUrl, sealed: seal(secret) };
}

/** The time step a code belongs to when it is good and newer than the last one accepted (each code works once), else null. */
export async function checkTotp(sealedSecret: string, code: string, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const r = await verify({ secret: open(sealedSecret), token: code, epochTolerance: TOLERANCE, ...(lastStep != null ? { afterTimeStep: lastStep } : {}) });
    return r.valid ? ((r as { timeStep?: number }).timeStep ?? null) : null;
  } catch {
    return null;
  }
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_CODE = /^[a-z2-9]{5}-[a-z2-9]{5}$/;

/** Ten new one-time recovery codes (about 49 bits each), replacing the old ones; only their hashes are kept. */
export async function newRecoveryCodes(tx: DbLike, userId: string): Promise<string[]> {
  const pick = () => Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const codes = Array.from({ length: 10 }, () => `${pick()}-${pick()}`);
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.insert(recoveryCodes).values(await Promise.all(codes.map(async (c) => ({ userId, codeHash: await hashPassword(c) }))));
  return codes;
}

/** Uses up a recovery code: true when it was one of the account's unused codes. */
export async function useRecoveryCode(tx: DbLike, userId: string, code: string): Promise<boolean> {
  const normal = code.trim().toLowerCase();
  if (!RECOVERY_CODE.test(normal)) return false;
  const unused = await tx.select().from(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  for (const r of unused) {
    if (await verifyPassword(normal, r.codeHash)) {
      const used = await tx
        .update(recoveryCodes)
        .set({ usedAt: new Date() })
        .where(and(eq(recoveryCodes.id, r.id), isNull(recoveryCodes.usedAt)))
        .returning({ id: recoveryCodes.id });
      return used.length === 1;
    }
  }
  return false;
}

export async function recoveryCodesLeft(db: DbLike, userId: string): Promise<number> {
  return (await db.select({ id: recoveryCodes.id }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))).length;
}

/**
 * A second factor presented at login or to confirm a change: a TOTP code (recorded as the last step used) or a
 * recovery code (used up). Returns how it was proven, or null.
 */
export async function proveSecondFactor(tx: DbLike, user: { id: string; totpSecret: string | null; totpLastStep: number | null }, code: string): Promise<'totp' | 'recovery' | null> {
  if (!user.totpSecret) return null;
  const step = await checkTotp(user.totpSecret, code.trim(), user.totpLastStep);
  if (step !== null) {
    // Conditional, so two logins racing with the same code cannot both take it.
    const taken = await tx
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return taken.length ? 'totp' : null;
  }
  return (await useRecoveryCode(tx, user.id, code)) ? 'recovery' : null;
}
