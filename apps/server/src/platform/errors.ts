import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isResponseSerializationError } from 'fastify-type-provider-zod';

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

/** Every error body carries `details`: the fields or rows concerned, an empty list when there is nothing to name. */
function body(code: string, message: string, details?: unknown) {
  return { error: { code, message, details: details === undefined ? [] : Array.isArray(details) ? details : [details] } };
}

/** Fastify's and its plugins' own refusals (parsers, limits, multipart), in words a user reads. */
const CLIENT_ERRORS: Record<string, [string, string]> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: ['BAD_REQUEST', '请求格式不正确'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['BAD_REQUEST', '请求格式不正确'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', '不支持的请求内容类型'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['TOO_LARGE', '上传内容超过大小限制'],
  FST_REQ_FILE_TOO_LARGE: ['TOO_LARGE', '上传内容超过大小限制'],
  FST_PARTS_LIMIT: ['TOO_LARGE', '上传的文件或字段过多'],
  FST_FILES_LIMIT: ['TOO_LARGE', '上传的文件过多'],
  FST_FIELDS_LIMIT: ['TOO_LARGE', '上传的字段过多'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['UNSUPPORTED_MEDIA_TYPE', '请以文件上传（multipart/form-data）的方式提交'],
  FST_INVALID_JSON_FIELD_ERROR: ['BAD_REQUEST', '上传表单中的 JSON 字段格式不正确'],
  FST_PROTO_VIOLATION: ['BAD_REQUEST', '上传表单的字段名不允许使用'],
  FST_MP_PREMATURE_CLOSE: ['BAD_REQUEST', '上传未完成，连接已中断'],
};

function clientErrorBody(err: FastifyError): { code: string; message: string } {
  const known = CLIENT_ERRORS[err.code];
  if (known) return { code: known[0], message: known[1] };
  const status = err.statusCode ?? 400;
  if (status === 413) return { code: 'TOO_LARGE', message: '上传内容超过大小限制' };
  if (status === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的请求内容类型' };
  if (status === 429) return { code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试' };
  return { code: 'BAD_REQUEST', message: '请求格式不正确' };
}

/**
 * The router's own refusals, before any route is found (a path parameter over the length limit, a malformed
 * percent-encoding): Fastify answers them outside the error handler unless given this, as its `frameworkErrors`.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  if (req.url?.startsWith('/api/')) reply.header('cache-control', 'no-store');
  return reply
    .code(tooLong ? 414 : 400)
    .send(body(tooLong ? 'URI_TOO_LONG' : 'BAD_REQUEST', tooLong ? '请求地址中的参数过长' : '请求地址格式不正确'));
}

/** Maps every failure onto `{error:{code,message,details}}` with a Chinese message. */
export function registerErrorHandling(app: FastifyInstance, spaIndex: Buffer | null = null) {
  app.setErrorHandler((err: FastifyError & { cause?: unknown }, req, reply) => {
    if (err instanceof AppError) return reply.code(err.status).send(body(err.code, err.message, err.details));
    if (Array.isArray(err.validation)) {
      const fields = err.validation.map((v) => ({
        field: [err.validationContext, ...String(v.instancePath ?? '').split('/').filter(Boolean)]
          .filter(Boolean)
          .join('.'),
        message: v.message ?? '格式不正确',
      }));
      const first = fields[0];
      return reply
        .code(400)
        .send(body('VALIDATION', `请求参数有误${first ? `：${first.field} ${first.message}` : ''}`, fields));
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })) }, 'response does not match its schema');
      return reply.code(500).send(body('INTERNAL', '服务器内部错误'));
    }
    const pgCode = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
    if (pgCode === '23505') return reply.code(409).send(body('DUPLICATE', '记录已存在，不能重复'));
    if (pgCode === '23503') return reply.code(409).send(body('IN_USE', '关联的记录不存在或仍被引用'));
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const { code, message } = clientErrorBody(err);
      // The multipart plugin says 406 for a body that is not a form; it is the request's type that is wrong.
      return reply.code(code === 'UNSUPPORTED_MEDIA_TYPE' ? 415 : err.statusCode).send(body(code, message));
    }
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
