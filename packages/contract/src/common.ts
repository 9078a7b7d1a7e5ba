import { z } from 'zod';

/** One field a request got wrong: its path ("body.items.0.title") and why, in Chinese. */
export const FieldDetail = z.object({ field: z.string(), message: z.string() });
export type FieldDetail = z.infer<typeof FieldDetail>;

/**
 * The one error shape every failing request answers with. `details` is always a list: the fields concerned
 * (FieldDetail) or, for an import, the rows; empty when there is nothing to name.
 */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.unknown()),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Id = z.uuid({ message: '编号格式不正确' });
export const IdParams = z.object({ id: Id });

/** Is "YYYY-MM-DD" a day of the calendar (no 2 月 30 日)? */
const realDay = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/**
 * Business dates are plain calendar days in Asia/Shanghai, between 1900 (birth dates) and 2100: a year outside
 * that is a typing error, and the calendar arithmetic behind deadlines and periods is not meant for it.
 */
export const DateOnly = z
  .string()
  .regex(/^(19\d{2}|20\d{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: '日期格式应为 YYYY-MM-DD（1900 至 2100 年）', abort: true })
  .refine(realDay, '日期不存在');
export const Timestamp = z.string();
/** A moment with its offset ("2026-03-02T09:00:00+08:00"), in the same years as DateOnly. */
export const DateTimeInput = (message = '时间格式不正确') =>
  z.iso.datetime({ offset: true, error: message, abort: true }).refine((s) => /^(19\d{2}|20\d{2}|2100)-/.test(s), '时间应在 1900 至 2100 年之间');

/** The range of an int4 column: a number beyond it is refused here rather than by PostgreSQL. */
export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;
/** An integer that fits an int4 column. */
export const Int = () => z.number().int().min(INT4_MIN).max(INT4_MAX);

/** Records people edit carry a version; a stale one is refused with 409. */
export const Versioned = z.object({ version: Int().min(1) });

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
