import type { ListResponse } from '@luoshi/contract';
import i18n from '../i18n';

export type FieldError = { field: string; message: string };

/** A failed request, carrying the server's Chinese message and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

let onUnauthorized: (() => void) | null = null;
/** Called when a request answers 401: the session ended, go to the login page. */
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

let onSecurityStep: ((code: string) => void) | null = null;
/** Called when the server refuses a request until the user changes the password or enrols the second factor. */
export function setSecurityStepHandler(fn: (code: string) => void) {
  onSecurityStep = fn;
}
const SECURITY_STEP_CODES = new Set(['PASSWORD_CHANGE_REQUIRED', 'TOTP_ENROLMENT_REQUIRED']);

type Query = Record<string, string | number | boolean | undefined | null>;

export function qs(query?: Query): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function parseError(res: Response): Promise<ApiError> {
  let code = 'HTTP_' + res.status;
  let message = '';
  let fields: FieldError[] = [];
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? '';
      if (Array.isArray(body.error.details)) {
        fields = body.error.details
          .filter((d): d is FieldError => !!d && typeof d === 'object' && 'field' in d && 'message' in d)
          .map((d) => ({ field: String(d.field).replace(/^(body|querystring|params)\./, ''), message: String(d.message) }));
      }
    }
  } catch {
    // not JSON: keep the generic message below
  }
  if (!message) {
    message =
      res.status === 404
        ? i18n.t('errors.notFound')
        : res.status === 403
          ? i18n.t('errors.forbidden')
          : res.status === 413
            ? i18n.t('errors.tooLarge')
            : res.status >= 500
              ? i18n.t('errors.server')
              : i18n.t('errors.http', { status: res.status });
  }
  return new ApiError(res.status, code, message, fields);
}

async function request<T>(method: string, url: string, body?: unknown, opts: { raw?: boolean } = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'NETWORK', i18n.t('errors.network'));
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && !url.startsWith('/api/auth/login')) onUnauthorized?.();
    if (res.status === 403 && SECURITY_STEP_CODES.has(err.code)) onSecurityStep?.(err.code);
    throw err;
  }
  if (opts.raw) return res as unknown as T;
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(url: string, query?: Query) => request<T>('GET', url + qs(query)),
  list: <T>(url: string, query?: Query) => request<ListResponse<T>>('GET', url + qs(query)),
  post: <T>(url: string, body?: unknown) => request<T>('POST', url, body ?? {}),
  patch: <T>(url: string, body: unknown) => request<T>('PATCH', url, body),
  put: <T>(url: string, body: unknown) => request<T>('PUT', url, body),
  del: <T>(url: string) => request<T>('DELETE', url),
  upload: <T>(url: string, file: File, fields: Record<string, string> = {}) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    fd.append('file', file);
    return request<T>('POST', url, fd);
  },
};

/** Downloads a file the server generates (XLSX export, attachments), keeping the session cookie. */
export async function download(url: string, fallbackName: string) {
  const res = await request<Response>('GET', url, undefined, { raw: true });
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd) ?? /filename="?([^";]+)"?/i.exec(cd);
  saveBlob(blob, m ? decodeURIComponent(m[1]) : fallbackName);
}

/** Saves a blob as a file on the user's device under `name`. */
export function saveBlob(blob: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A key for one opening of a form: sending it twice (a double click, a retry) makes one record. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
