import { describe, expect, it } from 'vitest';
import { addWorkdays, cyclePeriods, effectiveDeadline, isPastDue, periodOf, shanghaiDate } from './calendar.ts';

describe('Chinese working-day calendar', () => {
  it('moves a deadline in the National Day holiday to the first working day after it', () => {
    // 2026: 10-01..10-07 off; the package knows the State Council's calendar.
    expect(effectiveDeadline('2026-10-01')).toBe('2026-10-08');
    expect(isPastDue('2026-10-01', '2026-10-08')).toBe(false);
    expect(isPastDue('2026-10-01', '2026-10-09')).toBe(true);
  });

  it('moves a Saturday deadline to Monday and keeps a working day as it is', () => {
    expect(effectiveDeadline('2026-03-14')).toBe('2026-03-16');
    expect(effectiveDeadline('2026-03-16')).toBe('2026-03-16');
  });

  it('treats a 调休 make-up Saturday as a working day', () => {
    // 2026-01-04 (Sunday) is worked in exchange for the New Year holiday.
    expect(effectiveDeadline('2026-01-04')).toBe('2026-01-04');
  });

  it('counts a review deadline in working days across the National Day holiday', () => {
    // 2026-09-30 is a Wednesday before the holiday (10-01..10-07): two working days later is 10-09.
    expect(addWorkdays('2026-09-30', 2)).toBe('2026-10-09');
    // a Friday plus one working day is the Monday
    expect(addWorkdays('2026-03-13', 1)).toBe('2026-03-16');
  });

  it('dates "today" in Asia/Shanghai, not UTC', () => {
    expect(shanghaiDate(new Date('2026-05-31T17:30:00Z'))).toBe('2026-06-01');
  });

  it('splits a task into monthly report periods due on the last working day rule', () => {
    const periods = cyclePeriods('monthly', '2026-01-15', '2026-03-10');
    expect(periods.map((p) => p.key)).toEqual(['2026-01', '2026-02', '2026-03']);
    // 2026-02-28 is a Saturday: due the next working day.
    expect(periods[1].dueDate).toBe(effectiveDeadline('2026-02-28'));
    // The last period ends with the task.
    expect(periods[2].end).toBe('2026-03-10');
  });

  it('names weeks, quarters and half years the way reports do', () => {
    expect(periodOf('weekly', '2026-03-18')).toMatchObject({ key: '2026-W12', start: '2026-03-16', end: '2026-03-22' });
    expect(periodOf('quarterly', '2026-08-01')).toMatchObject({ key: '2026-Q3', label: '2026年第三季度' });
    expect(periodOf('half_yearly', '2026-08-01')).toMatchObject({ key: '2026-H2', label: '2026年下半年' });
  });
});
