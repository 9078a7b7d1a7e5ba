import { addDays, cyclePeriods, effectiveDeadline, isWorkday, shanghaiDate, type ReportCycle } from '../../platform/calendar.ts';

/**
 * "Today" in Asia/Shanghai for every overdue and missing-report computation of this module.
 * Tests replace `today` so that results do not depend on the clock.
 */
export const clock = { today: (): string => shanghaiDate() };

/**
 * The latest deadline that is overdue on `today`: the last working day before today. A deadline d is overdue
 * exactly when d <= cutoff, because effectiveDeadline is monotone and only moves d forward across non-working
 * days. This turns the holiday calendar into one comparable date that SQL can filter and count with.
 */
export function overdueCutoff(today: string): string {
  let d = addDays(today, -1);
  for (let i = 0; i < 60 && !isWorkday(d); i++) d = addDays(d, -1);
  return d;
}

export type TaskDates = {
  effectiveDeadline: string;
  overdue: boolean;
  missingReports: { periodKey: string; label: string; dueDate: string }[];
};

/** Deadline, overdue flag and missing cycle reports of one task, as seen on `today`. */
export function taskDates(
  t: { deadline: string; startDate: string; reportCycle: string; status: string },
  reportedPeriods: Set<string>,
  today: string,
): TaskDates {
  const eff = effectiveDeadline(t.deadline);
  const done = t.status === 'done';
  const missingReports = done
    ? []
    : cyclePeriods(t.reportCycle as ReportCycle, t.startDate, t.deadline)
        .filter((p) => today > p.dueDate && !reportedPeriods.has(p.key))
        .map((p) => ({ periodKey: p.key, label: p.label, dueDate: p.dueDate }));
  return { effectiveDeadline: eff, overdue: !done && today > eff, missingReports };
}
