import { and, inArray, ne, sql } from 'drizzle-orm';
import type { Db, DbLike } from '../../db/client.ts';
import { taskReports, tasks } from '../../db/schema/index.ts';
import { emitEvent } from '../../platform/events.ts';
import { overdueCutoff, taskDates } from './dates.ts';

/**
 * Records `task.overdue` for every open task past its effective deadline and `task.report_missing` for every
 * cycle report past its due day, as seen on `today`. The event keys name the fact, so running this every
 * hour (or twice after a restart) records each fact once; the points module consumes them.
 */
export async function emitTaskEvents(db: Db, today: string): Promise<{ overdue: number; missing: number }> {
  const cutoff = overdueCutoff(today);
  const open = await db
    .select({
      id: tasks.id,
      leadUnitId: tasks.leadUnitId,
      responsiblePersonId: tasks.responsiblePersonId,
      startDate: tasks.startDate,
      deadline: tasks.deadline,
      reportCycle: tasks.reportCycle,
      status: tasks.status,
    })
    .from(tasks)
    .where(and(ne(tasks.status, 'done'), sql`(${tasks.deadline} <= ${cutoff} or ${tasks.reportCycle} <> 'none')`));
  let overdue = 0;
  let missing = 0;
  for (let i = 0; i < open.length; i += 500) {
    const batch = open.slice(i, i + 500);
    const reported = await db
      .selectDistinct({ taskId: taskReports.taskId, periodKey: taskReports.periodKey })
      .from(taskReports)
      .where(and(inArray(taskReports.taskId, batch.map((t) => t.id)), inArray(taskReports.status, ['submitted', 'accepted'])));
    await db.transaction(async (tx) => {
      for (const t of batch) {
        const periods = new Set(reported.filter((r) => r.taskId === t.id).map((r) => r.periodKey));
        const d = taskDates(t, periods, today);
        const subject = { unitId: t.leadUnitId, personId: t.responsiblePersonId };
        if (d.overdue && (await emitEvent(tx, { type: 'task.overdue', key: t.id, ...subject, payload: { taskId: t.id, deadline: t.deadline, effectiveDeadline: d.effectiveDeadline } }))) overdue++;
        for (const m of d.missingReports) {
          if (await emitEvent(tx, { type: 'task.report_missing', key: `${t.id}:${m.periodKey}`, ...subject, payload: { taskId: t.id, ...m } })) missing++;
        }
      }
    });
  }
  return { overdue, missing };
}

/** Task titles by id, for the modules that point at tasks (the points ledger names the task it scored). */
export async function taskTitles(db: DbLike, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: tasks.id, title: tasks.title }).from(tasks).where(inArray(tasks.id, ids));
  return new Map(rows.map((r) => [r.id, r.title]));
}
