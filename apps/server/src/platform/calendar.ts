import chineseDays from 'chinese-days';

/**
 * Business dates in Asia/Shanghai and the Chinese working-day calendar (holidays and 调休 make-up days),
 * from the maintained `chinese-days` package. Dates are 'YYYY-MM-DD' strings throughout.
 */
const TZ = 'Asia/Shanghai';
const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

export function shanghaiDate(at: Date = new Date()): string {
  return fmt.format(at);
}

export function isWorkday(date: string): boolean {
  return chineseDays.isWorkday(date);
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
