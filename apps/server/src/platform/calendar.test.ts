import { describe, expect, it } from 'vitest';
import { addWorkdays, calendarAdjustmentsOf, calendarKnowsYear, cyclePeriods, effectiveDeadline, isPastDue, isWorkday, officialDaysOf, periodOf, setCalendarAdjustments, shanghaiDate, subtractWorkdays } from './calendar.ts';

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

describe('holiday adjustments', () => {
  it('knows the announced years and falls back to weekends plus adjustments for the others', () => {
    expect(calendarKnowsYear(2026)).toBe(true);
    // chinese-days answers by weekday alone for a year it does not know: 2027-10-01 is a plain Friday to it.
    expect(calendarKnowsYear(2027)).toBe(false);
    expect(isWorkday('2027-10-01')).toBe(true);
    expect(isWorkday('2027-10-02')).toBe(false);
    setCalendarAdjustments([
      { date: '2027-10-01', kind: 'holiday', name: '国庆节' },
      { date: '2027-09-26', kind: 'workday', name: '国庆节' },
    ]);
    try {
      expect(isWorkday('2027-10-01')).toBe(false);
      expect(isWorkday('2027-09-26')).toBe(true);
      expect(effectiveDeadline('2027-10-01')).toBe('2027-10-04');
      expect(calendarAdjustmentsOf(2027).map((a) => a.date)).toEqual(['2027-09-26', '2027-10-01']);
      // An adjustment also wins over the package in a known year.
      setCalendarAdjustments([{ date: '2026-10-08', kind: 'holiday', name: '临时调整' }]);
      expect(effectiveDeadline('2026-10-01')).toBe('2026-10-09');
    } finally {
      setCalendarAdjustments([]);
    }
  });

  it('counts working days backwards over a holiday', () => {
    // 2026-04-04..06 are 清明: one working day before Tuesday 04-07 is Friday 04-03.
    expect(subtractWorkdays('2026-04-07', 1)).toBe('2026-04-03');
    expect(subtractWorkdays('2026-10-09', 2)).toBe('2026-09-30');
    expect(subtractWorkdays('2026-10-09', 0)).toBe('2026-10-09');
  });

  it('lists the official holidays and 调休 working days of a year', () => {
    const days = officialDaysOf(2026);
    expect(days).toContainEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节' });
    expect(days).toContainEqual({ date: '2026-04-06', kind: 'holiday', name: '清明' });
    expect(officialDaysOf(2027)).toEqual([]);
  });
});
