import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { TaskReport } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { campaignDocuments, files, persons, taskReportFiles, taskReports, tasks, users } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { cyclePeriods, ONCE_PERIOD, periodOf, type ReportCycle } from '../../platform/calendar.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { ownUnattachedFiles, presentFile } from '../../platform/files.ts';
import { envelope, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { groupBy, reportVisible } from './access.ts';
import { applyAcceptedReport, getVisibleTask, type TaskRow } from './tasks.ts';

type ReportRow = typeof taskReports.$inferSelect;


function periodLabel(task: Pick<TaskRow, 'reportCycle' | 'startDate' | 'deadline'>, key: string): string {
  if (key === ONCE_PERIOD) return '不定期';
  return cyclePeriods(task.reportCycle as ReportCycle, task.startDate, task.deadline).find((p) => p.key === key)?.label ?? key;
}

const submitter = {
  name: sql<string>`coalesce((select ${persons.name} from ${persons} where ${persons.id} = ${users.personId}), ${users.username})`,
};
const reviewerName = sql<string | null>`(select coalesce(p.name, u.username) from users u left join persons p on p.id = u.person_id where u.id = ${taskReports.reviewedBy})`;

function selectReports(db: DbLike) {
  return db
    .select({ report: taskReports, task: tasks, submittedByName: submitter.name, reviewedByName: reviewerName })
    .from(taskReports)
    .innerJoin(tasks, eq(tasks.id, taskReports.taskId))
    .innerJoin(users, eq(users.id, taskReports.submittedBy));
}
type Joined = Awaited<ReturnType<ReturnType<typeof selectReports>['where']>>[number];

async function presentReports(db: DbLike, rows: Joined[]): Promise<TaskReport[]> {
  const ids = rows.map((r) => r.report.id);
  const attached = ids.length
    ? await db
        .select({ reportId: taskReportFiles.reportId, file: files })
        .from(taskReportFiles)
        .innerJoin(files, eq(files.id, taskReportFiles.fileId))
        .where(inArray(taskReportFiles.reportId, ids))
        .orderBy(asc(files.createdAt))
    : [];
  const filesByReport = groupBy(attached, (a) => a.reportId);
  return rows.map(({ report: r, task, submittedByName, reviewedByName }) => ({
    id: r.id,
    taskId: r.taskId,
    taskTitle: task.title,
    periodKey: r.periodKey,
    periodLabel: periodLabel(task, r.periodKey),
    content: r.content,
    percent: r.percent,
    status: r.status as TaskReport['status'],
    reviewComment: r.reviewComment,
    reviewedByName,
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    submittedByName,
    submittedAt: r.createdAt.toISOString(),
    files: (filesByReport.get(r.id) ?? []).map((a) => presentFile(a.file)),
    version: r.version,
  }));
}

export async function presentReport(db: DbLike, id: string): Promise<TaskReport> {
  return (await presentReports(db, await selectReports(db).where(eq(taskReports.id, id))))[0];
}

export async function listReports(
  db: DbLike,
  scope: DataScope,
  q: ListParams & { taskId?: string; status?: string; toReview?: boolean },
) {
  const where: SQL[] = [reportVisible(scope)];
  if (q.taskId) where.push(eq(taskReports.taskId, q.taskId));
  if (q.status) where.push(eq(taskReports.status, q.status));
  if (q.toReview) where.push(eq(taskReports.status, 'submitted'), unitInScope(scope, tasks.assignedByUnitId));
  const cond = and(...where);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectReports(db)
      .where(cond)
      .orderBy(...orderOf(q.sort, { submittedAt: taskReports.createdAt }, [desc(taskReports.createdAt), asc(taskReports.id)]))
      .limit(limit)
      .offset(offset),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(taskReports)
      .innerJoin(tasks, eq(tasks.id, taskReports.taskId))
      .where(cond),
  ]);
  return envelope(await presentReports(db, rows), total, q);
}

export async function getVisibleReport(db: DbLike, scope: DataScope, id: string, lock = false): Promise<ReportRow> {
  const q = db.select().from(taskReports).where(and(eq(taskReports.id, id), reportVisible(scope)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('进展报送');
  return row;
}


function resolvePeriod(task: TaskRow, requested: string | undefined, today: string): string {
  const cycle = task.reportCycle as ReportCycle;
  if (cycle === 'none') {
    if (requested && requested !== ONCE_PERIOD) {
      throw badRequest('该任务不定期报送，无需选择报送周期', [{ field: 'body.periodKey', message: '该任务不定期报送' }]);
    }
    return ONCE_PERIOD;
  }
  const periods = cyclePeriods(cycle, task.startDate, task.deadline);
  const key = requested ?? periodOf(cycle, today).key;
  if (!periods.some((p) => p.key === key)) {
    const message = requested ? `报送周期 ${requested} 不在任务的报送周期内` : '今天不在任务的报送周期内，请选择报送周期';
    throw badRequest(message, [{ field: 'body.periodKey', message }]);
  }
  return key;
}

/**
 * 进展报送. The idempotency key makes a double click harmless: the second call returns the first report
 * (created = false) and writes nothing. The unique index on (submitter, key) settles two calls racing.
 */
export async function submitReport(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  taskId: string,
  input: { periodKey?: string; content: string; percent: number; fileIds: string[]; idempotencyKey: string },
  today: string,
): Promise<{ id: string; created: boolean }> {
  const task = await getVisibleTask(tx, caller.scope, taskId);
  const replay = async () => {
    const [existing] = await tx
      .select({ id: taskReports.id, taskId: taskReports.taskId })
      .from(taskReports)
      .where(and(eq(taskReports.submittedBy, caller.userId), eq(taskReports.idempotencyKey, input.idempotencyKey)));
    if (existing && existing.taskId !== taskId) throw conflict('该提交标识已用于其他任务的报送');
    return existing ? { id: existing.id, created: false } : null;
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await writeReport(tx, caller, actor, task, input, today, replay);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // A twin request may have committed between our first look and now: it wins, and we answer with its report.
    const twin = await replay();
    if (twin) return twin;
    throw err;
  }
}

async function writeReport(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  task: TaskRow,
  input: { periodKey?: string; content: string; percent: number; fileIds: string[]; idempotencyKey: string },
  today: string,
  replay: () => Promise<{ id: string; created: boolean } | null>,
): Promise<{ id: string; created: boolean }> {
  const taskId = task.id;

  const isResponsible = !!caller.personId && task.responsiblePersonId === caller.personId;
  if (!isResponsible) {
    const [inLead] = await tx.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.id, taskId), unitInScope(caller.scope, tasks.leadUnitId)));
    if (!inLead) throw forbidden('只有牵头单位或责任人可以报送该任务的进展');
  }
  if (task.status === 'done') throw badRequest('任务已完成，无需再报送');
  const periodKey = resolvePeriod(task, input.periodKey, today);
  const fileIds = await ownUnattachedFiles(tx, caller.userId, input.fileIds, [taskReportFiles.fileId, campaignDocuments.fileId]);
  const [pending] = await tx
    .select({ id: taskReports.id })
    .from(taskReports)
    .where(and(eq(taskReports.taskId, taskId), eq(taskReports.periodKey, periodKey), eq(taskReports.status, 'submitted')));
  if (pending) throw conflict('本期已有待审核的进展报送，请等待审核后再报');

  const [row] = await tx
    .insert(taskReports)
    .values({
      taskId,
      periodKey,
      content: input.content,
      percent: input.percent,
      submittedBy: caller.userId,
      idempotencyKey: input.idempotencyKey,
    })
    .onConflictDoNothing({ target: [taskReports.submittedBy, taskReports.idempotencyKey] })
    .returning();
  if (!row) return (await replay())!;
  if (fileIds.length) await tx.insert(taskReportFiles).values(fileIds.map((fileId) => ({ reportId: row.id, fileId })));
  await audit(tx, actor, { entity: 'task_report', entityId: row.id, action: 'submit', after: { ...row, fileIds } });
  return { id: row.id, created: true };
}

/** 审核: only the unit that assigned the task (its side of the tree) accepts or returns a report. */
export async function reviewReport(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  input: { version: number; decision: 'accept' | 'return'; comment?: string | null },
): Promise<void> {
  const before = await getVisibleReport(tx, caller.scope, id, true);
  const [reviewer] = await tx
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.id, before.taskId), unitInScope(caller.scope, tasks.assignedByUnitId)));
  if (!reviewer) throw forbidden('只有下达任务的单位可以审核该报送');
  if (before.submittedBy === caller.userId) throw forbidden('不能审核本人提交的报送');
  if (before.version !== input.version) throw conflict();
  if (before.status !== 'submitted') throw conflict('该报送已审核，不能重复审核');
  if (input.decision === 'return' && !input.comment) {
    throw badRequest('退回时请填写意见', [{ field: 'body.comment', message: '退回时请填写意见' }]);
  }
  const [after] = await tx
    .update(taskReports)
    .set({
      status: input.decision === 'accept' ? 'accepted' : 'returned',
      reviewComment: input.comment ?? null,
      reviewedBy: caller.userId,
      reviewedAt: new Date(),
      version: before.version + 1,
    })
    .where(eq(taskReports.id, id))
    .returning();
  await audit(tx, actor, { entity: 'task_report', entityId: id, action: input.decision, before, after });
  if (input.decision === 'accept') await applyAcceptedReport(tx, actor, before.taskId);
}

/** An evidence file of a report the caller sees, or 404. */
export async function reportFile(db: DbLike, scope: DataScope, reportId: string, fileId: string) {
  await getVisibleReport(db, scope, reportId);
  const [row] = await db
    .select({ file: files })
    .from(taskReportFiles)
    .innerJoin(files, eq(files.id, taskReportFiles.fileId))
    .where(and(eq(taskReportFiles.reportId, reportId), eq(taskReportFiles.fileId, fileId)));
  if (!row) throw notFound('附件');
  return row.file;
}
