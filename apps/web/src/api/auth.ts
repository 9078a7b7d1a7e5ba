import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from './client';
import type { Me } from './types';

export const meKey = ['me'] as const;

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

export const login = (username: string, password: string) => api.post<Me>('/api/auth/login', { username, password });
export const logout = () => api.post<{ ok: true }>('/api/auth/logout');
export const changePassword = (oldPassword: string, newPassword: string) =>
  api.post<{ ok: true }>('/api/auth/password', { oldPassword, newPassword });
