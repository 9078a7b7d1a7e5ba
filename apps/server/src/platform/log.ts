import type { FastifyRequest } from 'fastify';

const HIDDEN = '[已隐去]';

/** Keys whose values never reach a log line, at any depth: credentials, personal data, session material. */
const SECRET_KEY = /pass(word)?|secret|token|phone|mobile|cookie|authori[sz]ation|totp|recovery|id_?card|email|smtp/i;

/** Header paths pino removes before writing (the deep scrub below catches the same keys anywhere else). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  // Errors, requests and replies have serializers of their own; only plain data is walked.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? HIDDEN : scrub(v, depth + 1);
  return out;
}

/** A URL whose query values under secret keys (?phone=…, ?token=…) are hidden. */
export function scrubUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_KEY.test(key)) params.set(key, HIDDEN);
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** Strings that were a failed query's parameters, anywhere along the error's chain of causes. */
function queryParams(err: unknown, seen = new Set<unknown>()): string[] {
  if (!err || typeof err !== 'object' || seen.has(err)) return [];
  seen.add(err);
  const own = Array.isArray((err as { params?: unknown }).params) ? ((err as { params: unknown[] }).params) : [];
  const values = own
    .map((p) => (p === null || p === undefined ? '' : typeof p === 'object' ? JSON.stringify(p) : String(p)))
    .filter((s) => s.length >= 3);
  return [...values, ...queryParams((err as { cause?: unknown }).cause, seen)];
}

/** Fields of an error (and of a PostgreSQL error) that say what failed without carrying the data. */
const SAFE_FIELDS = ['code', 'statusCode', 'severity', 'routine', 'table', 'column', 'constraint', 'schema', 'dataType', 'query', 'validationContext'];

/**
 * The error serializer of every log line. A failed query (drizzle's DrizzleQueryError, the driver's error)
 * carries its SQL parameters in `params`, in its message and stack ("params: …"), and PostgreSQL repeats values
 * in its message and `detail` ("Key (phone)=(…)"): the parameters are dropped, the text keeps the SQL with its
 * placeholders, and every parameter value left in a message is replaced, so a logged error never holds the
 * password or the phone number of the request that failed.
 */
type SerializedError = { type: string; message: string; stack: string; [key: string]: unknown };

export function serializeError(err: unknown, secrets: string[] = queryParams(err), depth = 0): SerializedError {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err), stack: '' };
  const clean = (text: string | undefined): string => {
    if (!text) return '';
    let t = text.replace(/\nparams: [^\n]*/g, '');
    for (const s of secrets) t = t.split(s).join(HIDDEN);
    return t;
  };
  const out: SerializedError = {
    type: err.constructor?.name ?? err.name,
    message: clean(err.message),
    stack: clean(err.stack),
  };
  for (const key of SAFE_FIELDS) {
    const v = (err as unknown as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) out[key] = typeof v === 'string' ? clean(v) : v;
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < 4) out.cause = serializeError(cause, secrets, depth + 1);
  return out;
}

/**
 * Logger options of the server (pino, as Fastify creates it): the error serializer above, request lines whose
 * query strings hide secret values, header redaction, and a scrub of secret keys in every logged object.
 */
export function loggerOptions(level: string) {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: HIDDEN },
    serializers: {
      err: (err: unknown) => serializeError(err),
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: scrubUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
    formatters: {
      log: (obj: Record<string, unknown>) => scrub(obj) as Record<string, unknown>,
    },
  };
}
