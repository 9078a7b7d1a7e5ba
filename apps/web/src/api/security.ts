import type { z } from 'zod';
import type {
  SecurityAccount as SecurityAccountS,
  SecurityPolicyRecord as SecurityPolicyRecordS,
  SecuritySession as SecuritySessionS,
  SystemAccount as SystemAccountS,
  UpdateSecurityPolicyBody,
  UpdateSystemAccountBody,
} from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import { api } from './client';

export type SecurityPolicyRecord = z.infer<typeof SecurityPolicyRecordS>;
export type SecurityAccount = z.infer<typeof SecurityAccountS>;
export type SecuritySession = z.infer<typeof SecuritySessionS>;
export type SystemAccount = z.infer<typeof SystemAccountS>;
export type SecurityAccountState = 'locked' | 'no_totp' | 'expired' | 'duty';
export type DutyFilter = 'any' | 'none' | 'system' | 'security' | 'audit';

export const securityUrls = {
  policy: '/api/security/policy',
  accounts: '/api/security/accounts',
  unlock: (userId: string) => `/api/security/accounts/${userId}/unlock`,
  totpReset: (userId: string) => `/api/security/accounts/${userId}/totp-reset`,
  sessions: '/api/security/sessions',
  session: (id: string) => `/api/security/sessions/${id}`,
  systemAccounts: '/api/org/accounts',
  systemAccount: (userId: string) => `/api/org/accounts/${userId}`,
};

export const securityKeys = {
  all: ['security'] as const,
  policy: ['security', 'policy'] as const,
  accounts: ['security', 'accounts'] as const,
  sessions: ['security', 'sessions'] as const,
  systemAccounts: ['security', 'system-accounts'] as const,
};

export const securityApi = {
  policy: () => api.get<SecurityPolicyRecord>(securityUrls.policy),
  savePolicy: (b: z.infer<typeof UpdateSecurityPolicyBody>) => api.put<SecurityPolicyRecord>(securityUrls.policy, b),
  unlock: (userId: string) => api.post<{ ok: true }>(securityUrls.unlock(userId)),
  totpReset: (userId: string) => api.post<{ ok: true }>(securityUrls.totpReset(userId)),
  sessionsOf: (userId: string) => api.list<SecuritySession>(securityUrls.sessions, { userId, pageSize: 200 }),
  endSession: (id: string) => api.del<{ ok: true }>(securityUrls.session(id)),
  updateSystemAccount: (userId: string, b: z.infer<typeof UpdateSystemAccountBody>) => api.patch<SystemAccount>(securityUrls.systemAccount(userId), b),
};

export function useSecurityPolicy() {
  return useQuery({ queryKey: securityKeys.policy, queryFn: securityApi.policy });
}

/** A password the holder will type once and change at once: letters of four classes, no look-alikes (0/O, 1/l/I). */
export function generatePassword(length = 14): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#$%^&*-_=+?'];
  const all = sets.join('');
  const pick = (s: string) => s[crypto.getRandomValues(new Uint32Array(1))[0] % s.length];
  const chars = sets.map(pick);
  while (chars.length < length) chars.push(pick(all));
  // Fisher–Yates, so the four classes are not always first
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0] % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
