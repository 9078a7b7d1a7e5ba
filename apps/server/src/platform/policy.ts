import { eq } from 'drizzle-orm';
import { DEFAULT_SECURITY_POLICY, SecurityPolicy, type Duty } from '@luoshi/contract';
import type { DbLike } from '../db/client.ts';
import { securitySettings } from '../db/schema/index.ts';

/** The one row of the security administrator's policy; defaults until it is first saved. */
export async function securityPolicy(db: DbLike): Promise<SecurityPolicy & { version: number; updatedAt: Date | null }> {
  const [row] = await db.select().from(securitySettings).where(eq(securitySettings.id, 1));
  if (!row) return { ...DEFAULT_SECURITY_POLICY, version: 0, updatedAt: null };
  // A field added to the policy later takes its default until the administrator sets it.
  const parsed = SecurityPolicy.safeParse({ ...DEFAULT_SECURITY_POLICY, ...row.policy });
  return { ...(parsed.success ? parsed.data : DEFAULT_SECURITY_POLICY), version: row.version, updatedAt: row.updatedAt };
}

/** Whether the policy requires a second factor of an account with these roles. */
export function totpRequiredFor(policy: Pick<SecurityPolicy, 'totp'>, roles: { code: string; duty: Duty | null }[]): boolean {
  if (policy.totp === 'everyone') return true;
  if (policy.totp === 'optional') return false;
  return roles.some((r) => r.duty !== null || r.code === 'dept_admin');
}

/** When a password changed at `changedAt` expires under the policy, or null when passwords do not expire. */
export function passwordExpiry(policy: Pick<SecurityPolicy, 'maxAgeDays'>, changedAt: Date): Date | null {
  return policy.maxAgeDays > 0 ? new Date(changedAt.getTime() + policy.maxAgeDays * 86_400_000) : null;
}
