import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/** An error a user should read: status, stable code, Chinese message, optional details. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what = '记录') => new AppError(404, 'NOT_FOUND', `${what}不存在或无权访问`);
export const badRequest = (message: string, details?: unknown) => new AppError(400, 'BAD_REQUEST', message, details);
export const forbidden = (message = '没有执行此操作的权限') => new AppError(403, 'FORBIDDEN', message);
export const conflict = (message = '记录已被他人修改，请刷新后重试', details?: unknown) =>
  new AppError(409, 'CONFLICT', message, details);
export const unauthorized = (message = '请先登录') => new AppError(401, 'UNAUTHORIZED', message);

function body(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Maps every failure onto `{error:{code,message,details}}` with a Chinese message. */
export function registerErrorHandling(app: FastifyInstance, spaIndex: Buffer | null = null) {
  app.setErrorHandler((err: FastifyError & { cause?: unknown }, req, reply) => {
    if (err instanceof AppError) return reply.code(err.status).send(body(err.code, err.message, err.details));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => ({
        field: [err.validationContext, ...String(v.instancePath ?? '').split('/').filter(Boolean)]
          .filter(Boolean)
          .join('.'),
        message: v.message,
      }));
      const first = fields[0];
      return reply
        .code(400)
        .send(body('VALIDATION', `请求参数有误${first ? `：${first.field} ${first.message}` : ''}`, fields));
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
      return reply.code(500).send(body('INTERNAL', '服务器内部错误'));
    }
    const pgCode = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
    if (pgCode === '23505') return reply.code(409).send(body('DUPLICATE', '记录已存在，不能重复'));
    if (pgCode === '23503') return reply.code(409).send(body('IN_USE', '关联的记录不存在或仍被引用'));
    if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.statusCode === 413)
      return reply.code(413).send(body('TOO_LARGE', '上传内容超过大小限制'));
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415)
      return reply.code(415).send(body('UNSUPPORTED_MEDIA_TYPE', '不支持的请求内容类型'));
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.statusCode === 400)
      return reply.code(400).send(body('BAD_REQUEST', '请求格式不正确'));
    if (err.statusCode === 429) return reply.code(429).send(body('TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试'));
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(body('INTERNAL', '服务器内部错误'));
  });
  // One not-found handler: unknown API routes answer JSON; with a built web app, other GETs get its index page.
  app.setNotFoundHandler((req, reply) => {
    if (spaIndex && req.method === 'GET' && !req.url.startsWith('/api/')) {
      return reply.type('text/html; charset=utf-8').send(spaIndex);
    }
    return reply.code(404).send(body('NOT_FOUND', `接口不存在：${req.method} ${req.url.split('?')[0]}`));
  });
}
