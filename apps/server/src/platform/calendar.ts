import chineseDays from 'chinese-days';
import type { DbLike } from '../db/client.ts';
import { calendarAdjustments } from '../db/schema/reports.ts';

/**
 * Business dates in Asia/Shanghai and the Chinese working-day calendar (holidays and 调休 make-up days),
 * from the maintained `chinese-days` package. Dates are 'YYYY-MM-DD' strings throughout.
 */
const TZ = 'Asia/Shanghai';
const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

export function shanghaiDate(at: Date = new Date()): string {
  return fmt.format(at);
}

/**
 * 节假日调整 an admin entered (a year the package does not know yet, or a late change). Kept in memory so that
 * isWorkday stays synchronous; the notify module loads them at start, after each change and on each job tick.
 */
export type CalendarAdjustment = { date: string; kind: 'holiday' | 'workday'; name: string };
let adjustments = new Map<string, CalendarAdjustment>();

export function setCalendarAdjustments(list: CalendarAdjustment[]): void {
  adjustments = new Map(list.map((a) => [a.date, a]));
}

export function calendarAdjustmentsOf(year: number): CalendarAdjustment[] {
  return [...adjustments.values()].filter((a) => a.date.startsWith(`${year}-`)).sort((a, b) => (a.date < b.date ? -1 : 1));
}

/**
 * Whether chinese-days carries the State Council's calendar for `year`. For a year it does not know, the package
 * answers by weekday alone (2027-10-01 is a plain Friday to it), so such a year is weekends plus adjustments.
 * 元旦 is a holiday in every announced year, which tells the two apart.
 */
export function calendarKnowsYear(year: number): boolean {
  return chineseDays.getDayDetail(`${year}-01-01`).name.includes(',');
}

/** The official holidays and 调休 working days of `year` as chinese-days has them. */
export function officialDaysOf(year: number): CalendarAdjustment[] {
  const out: CalendarAdjustment[] = [];
  for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) {
    const detail = chineseDays.getDayDetail(d);
    if (!detail.name.includes(',')) continue;
    out.push({ date: d, kind: detail.work ? 'workday' : 'holiday', name: detail.name.split(',')[1] ?? detail.name });
  }
  return out;
}

export function isWorkday(date: string): boolean {
  const adjusted = adjustments.get(date);
  if (adjusted) return adjusted.kind === 'workday';
  return chineseDays.isWorkday(date);
}

/** The working day `n` working days before `date` (n = 0: `date` itself). */
export function subtractWorkdays(date: string, n: number): string {
  let d = date;
  for (let left = n, guard = 0; left > 0 && guard < 400; guard++) {
    d = addDays(d, -1);
    if (isWorkday(d)) left--;
  }
  return d;
}

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A deadline on a weekend or holiday moves to the next working day. */
export function effectiveDeadline(date: string): string {
  let d = date;
  for (let i = 0; i < 40 && !isWorkday(d); i++) d = addDays(d, 1);
  return d;
}

/** The working day `n` working days after `date` (holidays and 调休 make-up days counted as the calendar says). */
export function addWorkdays(date: string, n: number): string {
  let d = date;
  for (let left = n, guard = 0; left > 0 && guard < 400; guard++) {
    d = addDays(d, 1);
    if (isWorkday(d)) left--;
  }
  return d;
}

/** Past its (effective) deadline on `today`. */
export function isPastDue(deadline: string, today: string): boolean {
  return today > effectiveDeadline(deadline);
}

/** Monday of the ISO week that holds `date`. */
function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  return addDays(date, 1 - dow);
}

function isoWeek(date: string): { year: number; week: number } {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return { year: d.getUTCFullYear(), week: Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7) };
}

export type ReportCycle = 'none' | 'weekly' | 'monthly' | 'quarterly' | 'half_yearly' | 'yearly';
export type CyclePeriod = { key: string; label: string; start: string; end: string; dueDate: string };

const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(2, '0');

/** The period of `cycle` that holds `date`. */
export function periodOf(cycle: Exclude<ReportCycle, 'none'>, date: string): Omit<CyclePeriod, 'dueDate'> {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  switch (cycle) {
    case 'weekly': {
      const start = mondayOf(date);
      const { year, week } = isoWeek(date);
      return { key: `${year}-W${pad(week)}`, label: `${year}年第${week}周`, start, end: addDays(start, 6) };
    }
    case 'monthly':
      return { key: `${y}-${pad(m)}`, label: `${y}年${m}月`, start: `${y}-${pad(m)}-01`, end: lastDayOfMonth(y, m) };
    case 'quarterly': {
      const q = Math.ceil(m / 3);
      return {
        key: `${y}-Q${q}`,
        label: `${y}年第${'一二三四'[q - 1]}季度`,
        start: `${y}-${pad(q * 3 - 2)}-01`,
        end: lastDayOfMonth(y, q * 3),
      };
    }
    case 'half_yearly': {
      const h = m <= 6 ? 1 : 2;
      return {
        key: `${y}-H${h}`,
        label: `${y}年${h === 1 ? '上' : '下'}半年`,
        start: h === 1 ? `${y}-01-01` : `${y}-07-01`,
        end: h === 1 ? `${y}-06-30` : `${y}-12-31`,
      };
    }
    case 'yearly':
      return { key: `${y}`, label: `${y}年`, start: `${y}-01-01`, end: `${y}-12-31` };
  }
}

/**
 * The reporting periods of a task from its start to its deadline. Each period's report is due on its
 * last day, moved to the next working day when that is a weekend or holiday.
 */
export function cyclePeriods(cycle: ReportCycle, start: string, deadline: string): CyclePeriod[] {
  if (cycle === 'none') return [];
  const out: CyclePeriod[] = [];
  let cursor = start;
  for (let i = 0; i < 1000 && cursor <= deadline; i++) {
    const p = periodOf(cycle, cursor);
    const end = p.end < deadline ? p.end : deadline;
    out.push({ ...p, start: p.start < start ? start : p.start, end, dueDate: effectiveDeadline(end) });
    cursor = addDays(p.end, 1);
  }
  return out;
}

/** The key a report without a cycle files under. */
export const ONCE_PERIOD = 'once';

export { addDays };

/** Reloads the adjustments from the database (at start, after a change, on each job tick for other processes' changes). */
export async function refreshCalendarAdjustments(db: DbLike): Promise<void> {
  const rows = await db.select({ date: calendarAdjustments.date, kind: calendarAdjustments.kind, name: calendarAdjustments.name }).from(calendarAdjustments);
  setCalendarAdjustments(rows);
}
