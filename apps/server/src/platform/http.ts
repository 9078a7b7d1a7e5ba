import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { AppError, forbidden } from './errors.ts';

/** One refused field: where it is ("body.items.0.title") and why, in Chinese. */
export type FieldProblem = { field: string; message: string };

// Every integer column is int4, and no request number is meant for anything wider: a larger one would
// reach PostgreSQL and fail there instead of here.
export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;
const MAX_DEPTH = 32;
const MAX_PROBLEMS = 20;

const NUL_MESSAGE = '不能包含空字符（\\0）';
const RANGE_MESSAGE = `数值超出范围（${INT4_MIN} 至 ${INT4_MAX}）`;
/**
 * PostgreSQL refuses NUL in text and jsonb, so it never gets that far. A string that carries the JSON escape
 * of NUL is refused too: text that is JSON inside JSON turns back into a NUL when it is parsed.
 */
const hasNul = (s: string) => s.includes('\0') || /\\u0000/i.test(s);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * What PostgreSQL would refuse in a request's input, found before it gets there: NUL in any string or key,
 * numbers outside int4 (and the Infinity that a JSON 1e400 becomes), nesting deeper than any form has.
 * Walks without recursion, so a hostile depth cannot overflow the stack.
 */
export function inputProblems(value: unknown, root: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length && out.length < MAX_PROBLEMS) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasNul(v)) out.push({ field: path, message: NUL_MESSAGE });
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v) || v > INT4_MAX || v < INT4_MIN) out.push({ field: path, message: RANGE_MESSAGE });
    } else if (typeof v === 'bigint') {
      if (v > BigInt(INT4_MAX) || v < BigInt(INT4_MIN)) out.push({ field: path, message: RANGE_MESSAGE });
    } else if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
      if (depth >= MAX_DEPTH) {
        out.push({ field: path, message: '嵌套层级过深' });
        continue;
      }
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
      for (const [key, child] of entries) {
        if (hasNul(key)) out.push({ field: path || root, message: `字段名${NUL_MESSAGE}` });
        else stack.push([child, join(path, key), depth + 1]);
      }
    }
  }
  return out.reverse();
}

export function validationError(problems: FieldProblem[]): AppError {
  const first = problems[0];
  return new AppError(400, 'VALIDATION', `请求参数有误：${first.field} ${first.message}`, problems);
}

function refuseHostile(value: unknown, root: string) {
  const problems = inputProblems(value, root);
  if (problems.length) throw validationError(problems);
}

/**
 * Wraps the contract's validator: after the schema has parsed (coerced query numbers, transformed strings),
 * the result is walked once more, so a coerced "2147483648" is refused like a JSON 2147483648.
 */
export function guardedValidatorCompiler<S>(inner: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (route) => {
    const validate = inner(route);
    return (data: unknown) => {
      const result = validate(data);
      if (typeof result === 'object' && result && 'value' in result && !result.error) {
        const problems = inputProblems(result.value, route.httpPart ?? '');
        if (problems.length) return { error: validationError(problems) };
      }
      return result;
    };
  };
}

/** Names that a file may not carry: NUL and the other control characters never belong in a file name. */
const badFileName = (name: string) => /[\u0000-\u001f\u007f]/.test(name) || /\\u0000/i.test(name);

type Part = Multipart | { type: 'field'; fieldname: string; value: unknown };

function checkPart(part: Part) {
  const name = `body.${part.fieldname.replace(/\0/g, '')}`;
  if (hasNul(part.fieldname)) throw validationError([{ field: 'body', message: `字段名${NUL_MESSAGE}` }]);
  if (part.type === 'file') {
    if (badFileName(part.filename ?? '')) {
      part.file.resume();
      throw validationError([{ field: name, message: '文件名不能包含控制字符或空字符' }]);
    }
  } else {
    refuseHostile(part.value, name);
  }
}

/**
 * Multipart bodies are read by the handlers, after validation: every part they read (file names, form fields,
 * JSON fields) passes the same check as a JSON body on its way out of req.parts() and req.file().
 */
function guardMultipart(req: FastifyRequest) {
  const parts = req.parts.bind(req);
  const checked = async function* (options?: Parameters<typeof parts>[0]) {
    for await (const part of parts(options)) {
      checkPart(part as Part);
      yield part;
    }
  };
  Object.assign(req, {
    parts: checked,
    file: async (options?: Parameters<typeof parts>[0]) => {
      for await (const part of checked(options)) if (part.type === 'file') return part;
      return undefined;
    },
  });
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The request's own origin as the browser sees it: through a trusted proxy, its scheme and host. */
function ownOrigin(req: FastifyRequest): string | null {
  try {
    return new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    return null;
  }
}

function sameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).origin === ownOrigin(req);
  } catch {
    return false;
  }
}

/**
 * The edge of every request: cross-site writes are refused (a browser always says where a request comes from;
 * a request that says nothing is a script or a tool, which holds no victim's cookie), API answers are never
 * cached, HSTS goes only over HTTPS (a browser ignores it on http, and it must not pin a plain-http install),
 * and input PostgreSQL would refuse is a 400 before it gets there.
 *
 * Registered after the session guard, so a caller without a session or the permission learns nothing from a 400.
 */
export function registerHttpEdge(app: FastifyInstance) {
  app.addHook('onRequest', async (req) => {
    if (UNSAFE.has(req.method) && !sameOrigin(req)) {
      // Behind a TLS proxy that is not listed in LUOSHI_TRUST_PROXY every write lands here: the line says why.
      req.log.warn({ origin: req.headers.origin, site: req.headers['sec-fetch-site'], own: ownOrigin(req) }, 'cross-site request refused');
      throw forbidden('跨站请求已拒绝：请从本系统的页面提交');
    }
  });
  app.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    refuseHostile(req.params, 'params');
    refuseHostile(req.query, 'querystring');
    if (req.isMultipart()) guardMultipart(req);
    else refuseHostile(req.body, 'body');
  });
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}
