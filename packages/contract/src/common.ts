import { z } from 'zod';

/** The one error shape every failing request answers with. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Id = z.uuid({ message: '编号格式不正确' });
export const IdParams = z.object({ id: Id });

/** Business dates are plain calendar days in Asia/Shanghai. */
export const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
export const Timestamp = z.string();

/** Records people edit carry a version; a stale one is refused with 409. */
export const Versioned = z.object({ version: z.number().int().min(1) });

export const MAX_PAGE_SIZE = 200;

/** The list envelope request: page, pageSize, sort ("field" or "-field"); filters are the other query keys. */
export function listQuery<S extends readonly [string, ...string[]], F extends z.ZodRawShape>(
  sortFields: S,
  filters: F,
) {
  return z.object({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
    sort: z
      .enum([...sortFields, ...sortFields.map((f) => `-${f}`)] as [string, ...string[]])
      .optional(),
    ...filters,
  });
}

export function listResponse<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}
export type ListResponse<T> = { data: T[]; total: number; page: number; pageSize: number };

/** Query-string booleans: "true"/"1" and "false"/"0". */
export const QueryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const Ok = z.object({ ok: z.literal(true) });
