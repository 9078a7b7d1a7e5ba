import type { z } from 'zod';
import type {
  MySecurity as MySecurityS,
  MySession as MySessionS,
  RecoveryCodes as RecoveryCodesS,
  TotpSetup as TotpSetupS,
  TotpStatus as TotpStatusS,
} from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from './client';
import type { Me } from './types';

export type MySecurity = z.infer<typeof MySecurityS>;
export type TotpStatus = z.infer<typeof TotpStatusS>;
export type TotpSetup = z.infer<typeof TotpSetupS>;
export type RecoveryCodes = z.infer<typeof RecoveryCodesS>;
export type MySession = z.infer<typeof MySessionS>;

export const meKey = ['me'] as const;

export const authKeys = {
  totp: ['auth', 'totp'] as const,
  sessions: ['auth', 'sessions'] as const,
};

export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        return await api.get<Me>('/api/auth/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Whether the signed-in user holds a permission string (`module:resource:action`), the same string the server checks. */
export function useCan(...permissions: string[]): boolean {
  const { data } = useMe();
  if (!data) return false;
  return permissions.some((p) => data.permissions.includes(p));
}

/**
 * What the signed-in user must do before anything else: change the password (first login, an administrator's
 * reset, an expired password), then enrol the second factor when the policy requires it. Null when nothing.
 */
export function pendingStep(me: Me | null | undefined): 'password' | 'totp' | null {
  if (!me) return null;
  if (me.security.mustChangePassword) return 'password';
  if (me.security.totpRequired && !me.security.totpEnabled) return 'totp';
  return null;
}

/** The full-screen page of each pending step. */
export const PENDING_PATHS = { password: '/change-password', totp: '/enrol-totp' } as const;

/** The answer codes of the login's second step and of the forced steps. */
export const AUTH_CODES = {
  totpRequired: 'TOTP_REQUIRED',
  totpInvalid: 'TOTP_INVALID',
  passwordChangeRequired: 'PASSWORD_CHANGE_REQUIRED',
  totpEnrolmentRequired: 'TOTP_ENROLMENT_REQUIRED',
} as const;

export const login = (username: string, password: string, code?: string) =>
  api.post<Me>('/api/auth/login', { username, password, ...(code ? { code } : {}) });
export const logout = () => api.post<{ ok: true }>('/api/auth/logout');
export const changePassword = (oldPassword: string, newPassword: string) =>
  api.post<{ ok: true }>('/api/auth/password', { oldPassword, newPassword });

export const authApi = {
  totpStatus: () => api.get<TotpStatus>('/api/auth/totp'),
  totpSetup: (password: string) => api.post<TotpSetup>('/api/auth/totp/setup', { password }),
  totpEnable: (code: string) => api.post<RecoveryCodes>('/api/auth/totp/enable', { code }),
  totpRecoveryCodes: (password: string, code: string) => api.post<RecoveryCodes>('/api/auth/totp/recovery-codes', { password, code }),
  totpDisable: (password: string, code: string) => api.post<{ ok: true }>('/api/auth/totp/disable', { password, code }),
  sessions: async () => (await api.get<{ data: MySession[] }>('/api/auth/sessions')).data,
  endSession: (id: string) => api.del<{ ok: true }>(`/api/auth/sessions/${id}`),
};

export function useTotpStatus() {
  return useQuery({ queryKey: authKeys.totp, queryFn: authApi.totpStatus });
}

export function useMySessions() {
  return useQuery({ queryKey: authKeys.sessions, queryFn: authApi.sessions });
}
