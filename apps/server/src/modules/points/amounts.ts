import { PERIOD_KINDS, type PeriodKind } from '@luoshi/contract';
import { badRequest } from '../../platform/errors.ts';
import { periodOf } from '../../platform/calendar.ts';

// Points are integer hundredths ("cents") in the database and decimal strings at the edge; no float ever
// carries a point value.

/** "2.5" → 250, "-0.05" → -5; exact, by string arithmetic. */
export function toCents(text: string): number {
  const m = /^([+-])?(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw badRequest(`分值格式不正确：${text}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/** 250 → "2.5", -5 → "-0.05", 300 → "3". */
export function fromCents(cents: number | bigint | string): string {
  const n = BigInt(cents);
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** points per unit × quantity, both in hundredths, rounded half away from zero to a hundredth. */
export function timesQuantity(pointsCents: number, quantityText: string): number {
  const q = BigInt(toCents(quantityText));
  const product = BigInt(pointsCents) * q;
  const sign = product < 0n ? -1n : 1n;
  const abs = product * sign;
  return Number(sign * ((abs + 50n) / 100n));
}

export type PeriodInfo = { key: string; kind: PeriodKind; year: number; seq: number; label: string; start: string; end: string };

const CYCLE = { month: 'monthly', quarter: 'quarterly', half: 'half_yearly', year: 'yearly' } as const;
const PREFIX = { month: 'M', quarter: 'Q', half: 'H', year: 'Y' } as const;

/** The period of a kind holding a date. */
export function periodFor(kind: PeriodKind, date: string): PeriodInfo {
  const p = periodOf(CYCLE[kind], date);
  const year = Number(date.slice(0, 4));
  const seq = kind === 'month' ? Number(date.slice(5, 7)) : kind === 'quarter' ? Math.ceil(Number(date.slice(5, 7)) / 3) : kind === 'half' ? (Number(date.slice(5, 7)) <= 6 ? 1 : 2) : 1;
  const key = kind === 'month' ? `M${date.slice(0, 7)}` : kind === 'year' ? `Y${year}` : `${PREFIX[kind]}${year}-${seq}`;
  return { key, kind, year, seq, label: kind === 'year' ? `${year}年度` : p.label, start: p.start, end: p.end };
}

/** Every period (month, quarter, half year, year) a date is counted in. */
export function periodsOfDate(date: string): PeriodInfo[] {
  return (Object.keys(PERIOD_KINDS) as PeriodKind[]).map((k) => periodFor(k, date));
}

/** A period from its key ("Q2026-1"). */
export function periodByKey(key: string): PeriodInfo {
  const kind = ({ M: 'month', Q: 'quarter', H: 'half', Y: 'year' } as const)[key[0] as 'M' | 'Q' | 'H' | 'Y'];
  const year = Number(key.slice(1, 5));
  if (!kind || !year) throw badRequest(`考核周期格式不正确：${key}`);
  const seq = kind === 'year' ? 1 : Number(key.slice(6));
  const month = kind === 'month' ? seq : kind === 'quarter' ? seq * 3 - 2 : kind === 'half' ? seq * 6 - 5 : 1;
  return periodFor(kind, `${year}-${String(month).padStart(2, '0')}-01`);
}

/** All the periods of a year, year first, then halves, quarters and months. */
export function periodsOfYear(year: number): PeriodInfo[] {
  const keys = [`Y${year}`, `H${year}-1`, `H${year}-2`, ...[1, 2, 3, 4].map((q) => `Q${year}-${q}`)];
  for (let m = 1; m <= 12; m++) keys.push(`M${year}-${String(m).padStart(2, '0')}`);
  return keys.map(periodByKey);
}
