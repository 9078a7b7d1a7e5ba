import { and, asc, eq, ilike, inArray, isNull, not, sql, type SQL } from 'drizzle-orm';
import { REPORT_CYCLES, TASK_STATUSES, type Task } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { campaigns, persons, taskCoUnits, taskReports, tasks, units } from '../../db/schema/index.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf, type ListParams } from '../../platform/list.ts';
import { pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';
import type { Caller } from '../../platform/session.ts';
import { excelDate, unitNamePaths, type XlsxColumn } from '../../platform/export.ts';
import { groupBy, isAtOrBelow, loadPerson, loadUnit, taskVisible, unitForAssignment } from './access.ts';
import { getCampaignForChange, getVisibleCampaign } from './campaigns.ts';
import { overdueCutoff, taskDates } from './dates.ts';

export type TaskRow = typeof tasks.$inferSelect;
type ReportCycle = keyof typeof REPORT_CYCLES;

const childCount = sql<number>`(select count(*)::int from tasks c where c.parent_id = ${tasks.id})`;

function selectTasks(db: DbLike) {
  return db
    .select({
      task: tasks,
      campaignName: campaigns.name,
      leadUnitName: units.name,
      responsiblePersonName: persons.name,
      childCount,
    })
    .from(tasks)
    .innerJoin(units, eq(units.id, tasks.leadUnitId))
    .leftJoin(campaigns, eq(campaigns.id, tasks.campaignId))
    .leftJoin(persons, eq(persons.id, tasks.responsiblePersonId));
}
type Joined = Awaited<ReturnType<ReturnType<typeof selectTasks>['where']>>[number];

/** Maps joined rows to the contract, with co-units and the periods already reported loaded for all of them at once. */
async function presentTasks(db: DbLike, rows: Joined[], today: string): Promise<Task[]> {
  const ids = rows.map((r) => r.task.id);
  const [co, reported] = ids.length
    ? await Promise.all([
        db
          .select({ taskId: taskCoUnits.taskId, id: units.id, name: units.name })
          .from(taskCoUnits)
          .innerJoin(units, eq(units.id, taskCoUnits.unitId))
          .where(inArray(taskCoUnits.taskId, ids))
          .orderBy(asc(units.path)),
        // A returned report does not count as reported.
        db
          .selectDistinct({ taskId: taskReports.taskId, periodKey: taskReports.periodKey })
          .from(taskReports)
          .where(and(inArray(taskReports.taskId, ids), inArray(taskReports.status, ['submitted', 'accepted']))),
      ])
    : [[], []];
  const coByTask = groupBy(co, (c) => c.taskId);
  const periodsByTask = groupBy(reported, (x) => x.taskId);
  return rows.map((r) => {
    const t = r.task;
    const periods = new Set((periodsByTask.get(t.id) ?? []).map((x) => x.periodKey));
    return {
      id: t.id,
      campaignId: t.campaignId,
      campaignName: r.campaignName,
      year: t.year,
      parentId: t.parentId,
      depth: t.depth,
      title: t.title,
      description: t.description,
      dimension: t.dimension,
      leadUnitId: t.leadUnitId,
      leadUnitName: r.leadUnitName,
      coUnits: (coByTask.get(t.id) ?? []).map((c) => ({ id: c.id, name: c.name })),
      assignedByUnitId: t.assignedByUnitId,
      responsiblePersonId: t.responsiblePersonId,
      responsiblePersonName: r.responsiblePersonName,
      startDate: t.startDate,
      deadline: t.deadline,
      evidenceRequired: t.evidenceRequired,
      reportCycle: t.reportCycle as ReportCycle,
      status: t.status as Task['status'],
      progress: t.progress,
      ...taskDates(t, periods, today),
      childCount: r.childCount,
      version: t.version,
    };
  });
}

export async function presentTask(db: DbLike, id: string, today: string): Promise<Task> {
  const rows = await selectTasks(db).where(eq(tasks.id, id));
  return (await presentTasks(db, rows, today))[0];
}

export type TaskFilters = {
  q?: string;
  campaignId?: string;
  year?: number;
  keyList?: boolean;
  leadUnitId?: string;
  status?: string;
  overdue?: boolean;
  mine?: boolean;
  rootOnly?: boolean;
};

function taskConditions(scope: DataScope, f: TaskFilters, today: string): SQL {
  const where: SQL[] = [taskVisible(scope)];
  if (f.q) where.push(ilike(tasks.title, likeText(f.q)));
  if (f.campaignId) where.push(eq(tasks.campaignId, f.campaignId));
  if (f.year !== undefined) where.push(eq(tasks.year, f.year));
  if (f.keyList === true) where.push(isNull(tasks.campaignId));
  if (f.keyList === false) where.push(sql`${tasks.campaignId} is not null`);
  if (f.leadUnitId) where.push(eq(tasks.leadUnitId, f.leadUnitId));
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.overdue !== undefined) {
    const overdue = and(sql`${tasks.status} <> 'done'`, sql`${tasks.deadline} <= ${overdueCutoff(today)}`)!;
    where.push(f.overdue ? overdue : not(overdue));
  }
  if (f.mine) where.push(scope.personId ? eq(tasks.responsiblePersonId, scope.personId) : sql`false`);
  if (f.rootOnly) where.push(isNull(tasks.parentId));
  return and(...where)!;
}

const TASK_SORT = { deadline: tasks.deadline, title: tasks.title, progress: tasks.progress, startDate: tasks.startDate };
const TASK_ORDER = [asc(tasks.deadline), asc(tasks.depth), asc(tasks.sort), asc(tasks.createdAt), asc(tasks.id)];

export async function listTasks(db: DbLike, scope: DataScope, q: ListParams & TaskFilters, today: string) {
  const cond = taskConditions(scope, q, today);
  const { limit, offset } = pageOf(q);
  const [rows, [{ total }]] = await Promise.all([
    selectTasks(db).where(cond).orderBy(...orderOf(q.sort, TASK_SORT, TASK_ORDER)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(tasks).where(cond),
  ]);
  return envelope(await presentTasks(db, rows, today), total, q);
}

/** Every task of a campaign (or of a year's key-task list) the caller sees, flat, parents before children. */
export async function taskTree(db: DbLike, scope: DataScope, q: { campaignId?: string; year?: number }, today: string) {
  const where: SQL[] = [taskVisible(scope)];
  if (q.campaignId) {
    await getVisibleCampaign(db, scope, q.campaignId);
    where.push(eq(tasks.campaignId, q.campaignId));
    if (q.year !== undefined) where.push(eq(tasks.year, q.year));
  } else {
    where.push(isNull(tasks.campaignId), eq(tasks.year, q.year!));
  }
  const rows = await selectTasks(db)
    .where(and(...where))
    .orderBy(asc(tasks.depth), asc(tasks.sort), asc(tasks.createdAt), asc(tasks.id));
  return presentTasks(db, rows, today);
}

/** A task the caller sees, or 404. */
export async function getVisibleTask(db: DbLike, scope: DataScope, id: string, lock = false): Promise<TaskRow> {
  const q = db.select().from(tasks).where(and(eq(tasks.id, id), taskVisible(scope)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('任务');
  return row;
}

/** 任务清单 columns; 牵头单位 and 配合单位 carry full unit paths, since names repeat across counties. */
export const TASK_EXPORT_COLUMNS: XlsxColumn[] = [
  { header: '序号', key: 'no', width: 6 },
  { header: '专项行动', key: 'campaign', width: 22 },
  { header: '年度', key: 'year', width: 8 },
  { header: '任务名称', key: 'title', width: 40 },
  { header: '层级', key: 'depth', width: 6 },
  { header: '维度', key: 'dimension', width: 8 },
  { header: '牵头单位', key: 'leadUnit', width: 36 },
  { header: '配合单位', key: 'coUnits', width: 36 },
  { header: '责任人', key: 'person', width: 10 },
  { header: '开始日期', key: 'start', width: 12, numFmt: 'yyyy-mm-dd' },
  { header: '截止日期', key: 'deadline', width: 12, numFmt: 'yyyy-mm-dd' },
  { header: '顺延后截止日期', key: 'effective', width: 14, numFmt: 'yyyy-mm-dd' },
  { header: '报送周期', key: 'cycle', width: 10 },
  { header: '进度(%)', key: 'progress', width: 9 },
  { header: '状态', key: 'status', width: 9 },
  { header: '逾期', key: 'overdue', width: 6 },
  { header: '缺报期次', key: 'missing', width: 30 },
];

/** One page of the task list with the name paths of its units, for the export. */
export async function taskExportPage(db: DbLike, scope: DataScope, q: ListParams & TaskFilters, today: string) {
  const page = await listTasks(db, scope, q, today);
  const paths = await unitNamePaths(db, [...new Set(page.data.flatMap((t) => [t.leadUnitId, ...t.coUnits.map((c) => c.id)]))]);
  return { data: page.data.map((task, i) => ({ task, paths, no: (q.page - 1) * q.pageSize + i + 1 })), total: page.total };
}

export function taskExportRow({ task: t, paths, no }: Awaited<ReturnType<typeof taskExportPage>>['data'][number]) {
  return {
    no,
    campaign: t.campaignName ?? '重点任务清单',
    year: t.year,
    title: t.title,
    depth: t.depth + 1,
    dimension: t.dimension ?? '',
    leadUnit: paths.get(t.leadUnitId) ?? t.leadUnitName,
    coUnits: t.coUnits.map((c) => paths.get(c.id) ?? c.name).join('；'),
    person: t.responsiblePersonName ?? '',
    start: excelDate(t.startDate),
    deadline: excelDate(t.deadline),
    effective: excelDate(t.effectiveDeadline),
    cycle: REPORT_CYCLES[t.reportCycle],
    progress: t.progress,
    status: TASK_STATUSES[t.status],
    overdue: t.overdue ? '是' : '否',
    missing: t.missingReports.map((m) => m.label).join('、'),
  };
}

// Writing tasks

/** A responsible person must work in the lead unit or below it. */
async function checkResponsible(db: DbLike, personId: string | null | undefined, leadUnit: { path: string; name: string }, field: string) {
  if (!personId) return null;
  const p = await loadPerson(db, personId);
  if (!p || p.disabled) return { field, message: '责任人不存在或已停用' };
  if (!isAtOrBelow(p.unitPath, leadUnit.path)) return { field, message: `责任人须为「${leadUnit.name}」或其下级单位的人员` };
  return null;
}

async function checkCoUnits(db: DbLike, scope: DataScope, ids: string[]) {
  for (const id of ids) {
    const u = await loadUnit(db, id);
    if (!u || !pathInScope(scope, u.path)) throw badRequest('配合单位不存在或无权访问', [{ field: 'body.coUnitIds', message: '配合单位不存在或无权访问' }]);
  }
}

export type CreateTaskInput = {
  campaignId: string | null;
  year?: number;
  title: string;
  description?: string | null;
  dimension?: string | null;
  leadUnitId: string;
  coUnitIds: string[];
  responsiblePersonId?: string | null;
  startDate: string;
  deadline: string;
  evidenceRequired?: string | null;
  reportCycle: ReportCycle;
};

/**
 * A top-level task of a campaign (assigned by the campaign's owning unit) or of a year's key-task list
 * (assigned by `keyListAssigner`, the caller's unit unless a meeting of another unit decided it).
 */
export async function createTask(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  input: CreateTaskInput,
  opts: { keyListAssigner?: string | null; sourceMeetingDecisionId?: string } = {},
): Promise<TaskRow> {
  let assignedByUnitId: string | null;
  let year: number;
  if (input.campaignId) {
    const campaign = await getCampaignForChange(tx, caller.scope, input.campaignId);
    if (campaign.status === 'closed') throw badRequest('专项行动已结束，不能再下达任务');
    assignedByUnitId = campaign.unitId;
    year = input.year ?? Number(input.startDate.slice(0, 4));
  } else {
    if (input.year === undefined) throw badRequest('重点任务需指定年度', [{ field: 'body.year', message: '重点任务需指定年度' }]);
    assignedByUnitId = opts.keyListAssigner !== undefined ? opts.keyListAssigner : caller.unitId;
    year = input.year;
  }
  if (input.startDate > input.deadline) throw badRequest('截止日期不能早于开始日期', [{ field: 'body.deadline', message: '截止日期不能早于开始日期' }]);
  const lead = await unitForAssignment(tx, caller.scope, input.leadUnitId, '牵头单位');
  const personProblem = await checkResponsible(tx, input.responsiblePersonId, lead, 'body.responsiblePersonId');
  if (personProblem) throw badRequest(personProblem.message, [personProblem]);
  await checkCoUnits(tx, caller.scope, input.coUnitIds);
  const [row] = await tx
    .insert(tasks)
    .values({
      campaignId: input.campaignId,
      year,
      title: input.title,
      description: input.description ?? null,
      dimension: input.dimension ?? null,
      leadUnitId: lead.id,
      assignedByUnitId,
      responsiblePersonId: input.responsiblePersonId ?? null,
      startDate: input.startDate,
      deadline: input.deadline,
      evidenceRequired: input.evidenceRequired ?? null,
      reportCycle: input.reportCycle,
      sourceMeetingDecisionId: opts.sourceMeetingDecisionId ?? null,
      createdBy: caller.userId,
    })
    .returning();
  const coUnitIds = [...new Set(input.coUnitIds.filter((id) => id !== lead.id))];
  if (coUnitIds.length) await tx.insert(taskCoUnits).values(coUnitIds.map((unitId) => ({ taskId: row.id, unitId })));
  await audit(tx, actor, { entity: 'task', entityId: row.id, action: 'create', after: { ...row, coUnitIds } });
  return row;
}

/** Sets a task's progress (and done at 100), audited, without touching its ancestors. */
async function writeProgress(tx: DbLike, actor: Actor, before: TaskRow, progress: number): Promise<TaskRow> {
  const reachesDone = progress >= 100 && before.status !== 'done';
  if (progress === before.progress && !reachesDone) return before;
  const [after] = await tx
    .update(tasks)
    .set({
      progress,
      ...(reachesDone ? { status: 'done', completedAt: new Date() } : {}),
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(tasks.id, before.id))
    .returning();
  await audit(tx, actor, {
    entity: 'task',
    entityId: before.id,
    action: 'progress',
    before: { progress: before.progress, status: before.status },
    after: { progress: after.progress, status: after.status },
  });
  return after;
}

/**
 * Rolls progress up the tree from `parentId`: each parent becomes the integer average of its children.
 * The parent row is locked before its children are read, so two sibling updates in parallel cannot both
 * compute from a stale view.
 */
export async function rollUp(tx: DbLike, actor: Actor, parentId: string | null): Promise<void> {
  let id = parentId;
  for (let guard = 0; id && guard < 50; guard++) {
    const [parent] = await tx.select().from(tasks).where(eq(tasks.id, id)).for('update');
    if (!parent) return;
    const [{ avg }] = await tx
      .select({ avg: sql<number | null>`floor(avg(${tasks.progress}))::int` })
      .from(tasks)
      .where(eq(tasks.parentId, id));
    await writeProgress(tx, actor, parent, avg ?? parent.progress);
    id = parent.parentId;
  }
}

/** A leaf's progress is the percent of its latest accepted report. */
export async function applyAcceptedReport(tx: DbLike, actor: Actor, taskId: string): Promise<void> {
  const [task] = await tx.select().from(tasks).where(eq(tasks.id, taskId)).for('update');
  const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(tasks).where(eq(tasks.parentId, taskId));
  if (n > 0) return;
  const [latest] = await tx
    .select({ percent: taskReports.percent })
    .from(taskReports)
    .where(and(eq(taskReports.taskId, taskId), eq(taskReports.status, 'accepted')))
    .orderBy(sql`${taskReports.createdAt} desc`, sql`${taskReports.id} desc`)
    .limit(1);
  if (!latest) return;
  await writeProgress(tx, actor, task, latest.percent);
  await rollUp(tx, actor, task.parentId);
}

/** A task the caller may change: visible, and the caller's side assigned it. */
async function getTaskForChange(tx: DbLike, scope: DataScope, id: string): Promise<TaskRow> {
  const task = await getVisibleTask(tx, scope, id, true);
  const [ok] = await tx
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.id, id), unitInScope(scope, tasks.assignedByUnitId)));
  if (!ok) throw forbidden('只有下达任务的单位可以修改该任务');
  return task;
}

export async function updateTask(
  tx: DbLike,
  scope: DataScope,
  actor: Actor,
  id: string,
  patch: Partial<Omit<CreateTaskInput, 'campaignId' | 'year'>> & { version: number; status?: 'in_progress' | 'done' },
): Promise<TaskRow> {
  const before = await getTaskForChange(tx, scope, id);
  if (before.version !== patch.version) throw conflict();
  const { version: _v, coUnitIds, status, ...fields } = patch;
  const [{ children }] = await tx.select({ children: sql<number>`count(*)::int` }).from(tasks).where(eq(tasks.parentId, id));

  let lead = await loadUnit(tx, before.leadUnitId);
  if (fields.leadUnitId && fields.leadUnitId !== before.leadUnitId) {
    if (children > 0) throw badRequest('任务已分解，不能更换牵头单位', [{ field: 'body.leadUnitId', message: '任务已分解，不能更换牵头单位' }]);
    if (before.parentId) {
      const [parent] = await tx.select().from(tasks).where(eq(tasks.id, before.parentId));
      const parentLead = await loadUnit(tx, parent.leadUnitId);
      lead = await loadUnit(tx, fields.leadUnitId);
      if (!lead || !parentLead || !isAtOrBelow(lead.path, parentLead.path) || lead.disabled) {
        throw badRequest('牵头单位须为上级任务牵头单位或其下级单位', [{ field: 'body.leadUnitId', message: '牵头单位须为上级任务牵头单位或其下级单位' }]);
      }
    } else {
      lead = await unitForAssignment(tx, scope, fields.leadUnitId, '牵头单位');
    }
  }
  const responsible = fields.responsiblePersonId !== undefined ? fields.responsiblePersonId : before.responsiblePersonId;
  const personProblem = await checkResponsible(tx, responsible, lead!, 'body.responsiblePersonId');
  if (personProblem) throw badRequest(personProblem.message, [personProblem]);
  if ((fields.startDate ?? before.startDate) > (fields.deadline ?? before.deadline)) {
    throw badRequest('截止日期不能早于开始日期', [{ field: 'body.deadline', message: '截止日期不能早于开始日期' }]);
  }

  const statusChange: Partial<TaskRow> = {};
  if (status === 'done' && before.status !== 'done') {
    statusChange.status = 'done';
    statusChange.completedAt = new Date();
    // Set done by hand: a leaf counts as complete in its parent's average.
    if (children === 0) statusChange.progress = 100;
  } else if (status === 'in_progress' && before.status === 'done') {
    statusChange.status = 'in_progress';
    statusChange.completedAt = null;
  }
  const [after] = await tx
    .update(tasks)
    .set({ ...fields, ...statusChange, version: before.version + 1, updatedAt: new Date() })
    .where(eq(tasks.id, id))
    .returning();
  let coAfter: string[] | undefined;
  if (coUnitIds) {
    await checkCoUnits(tx, scope, coUnitIds);
    coAfter = [...new Set(coUnitIds.filter((u) => u !== after.leadUnitId))];
    await tx.delete(taskCoUnits).where(eq(taskCoUnits.taskId, id));
    if (coAfter.length) await tx.insert(taskCoUnits).values(coAfter.map((unitId) => ({ taskId: id, unitId })));
  }
  await audit(tx, actor, { entity: 'task', entityId: id, action: 'update', before, after: { ...after, ...(coAfter ? { coUnitIds: coAfter } : {}) } });
  if (after.progress !== before.progress) await rollUp(tx, actor, after.parentId);
  return after;
}

export type BreakdownItem = {
  title: string;
  leadUnitId: string;
  responsiblePersonId?: string | null;
  deadline: string;
  reportCycle?: ReportCycle;
};

/**
 * 分解: the lead unit's people split a task into sub-tasks for their own unit or units below it, or for people
 * in them (分解到人). Every item is checked first; one bad item answers 400 naming each bad item, and nothing is written.
 */
export async function breakdownTask(
  tx: DbLike,
  caller: Caller,
  actor: Actor,
  id: string,
  items: BreakdownItem[],
  today: string,
): Promise<TaskRow[]> {
  const parent = await getVisibleTask(tx, caller.scope, id, true);
  const parentLead = (await loadUnit(tx, parent.leadUnitId))!;
  if (!pathInScope(caller.scope, parentLead.path)) throw forbidden('只有牵头单位可以分解该任务');
  if (parent.status === 'done') throw badRequest('任务已完成，不能再分解');

  const problems: { index: number; field: string; message: string }[] = [];
  const leads: (typeof parentLead)[] = [];
  for (const [i, item] of items.entries()) {
    const bad = (field: string, message: string) => problems.push({ index: i, field: `body.items.${i}.${field}`, message });
    const lead = await loadUnit(tx, item.leadUnitId);
    leads.push(lead!);
    if (!lead || !isAtOrBelow(lead.path, parentLead.path)) {
      bad('leadUnitId', `牵头单位须为「${parentLead.name}」或其下级单位`);
    } else if (lead.disabled) {
      bad('leadUnitId', `单位「${lead.name}」已停用`);
    } else {
      const p = await checkResponsible(tx, item.responsiblePersonId, lead, 'responsiblePersonId');
      if (p) bad(p.field, p.message);
    }
    if (item.deadline > parent.deadline) bad('deadline', `截止日期不能晚于上级任务的截止日期 ${parent.deadline}`);
    if (item.deadline < parent.startDate) bad('deadline', `截止日期不能早于上级任务的开始日期 ${parent.startDate}`);
  }
  if (problems.length) {
    const first = problems[0];
    throw badRequest(`分解有误，未保存任何子任务：第 ${first.index + 1} 项${first.message}`, problems);
  }

  const [{ siblings }] = await tx.select({ siblings: sql<number>`count(*)::int` }).from(tasks).where(eq(tasks.parentId, parent.id));
  const created: TaskRow[] = [];
  for (const [i, item] of items.entries()) {
    // A sub-task starts when it is handed down (or when its parent starts), never after its own deadline.
    let startDate = today > parent.startDate ? today : parent.startDate;
    if (startDate > item.deadline) startDate = item.deadline;
    const [row] = await tx
      .insert(tasks)
      .values({
        campaignId: parent.campaignId,
        year: parent.year,
        parentId: parent.id,
        depth: parent.depth + 1,
        sort: siblings + i,
        title: item.title,
        dimension: parent.dimension,
        leadUnitId: leads[i].id,
        assignedByUnitId: parent.leadUnitId,
        responsiblePersonId: item.responsiblePersonId ?? null,
        startDate,
        deadline: item.deadline,
        evidenceRequired: parent.evidenceRequired,
        reportCycle: item.reportCycle ?? parent.reportCycle,
        createdBy: caller.userId,
      })
      .returning();
    await audit(tx, actor, { entity: 'task', entityId: row.id, action: 'breakdown', after: row });
    created.push(row);
  }
  await rollUp(tx, actor, parent.id);
  return created;
}

/** Open and overdue tasks led by each of these units, as seen on `today` (for the 包联 report of the points module). */
export async function taskCountsByUnit(db: DbLike, unitIds: string[], today: string): Promise<Map<string, { open: number; overdue: number }>> {
  const out = new Map(unitIds.map((id) => [id, { open: 0, overdue: 0 }]));
  if (!unitIds.length) return out;
  const rows = await db
    .select({
      unitId: tasks.leadUnitId,
      open: sql<number>`count(*)::int`,
      overdue: sql<number>`(count(*) filter (where ${tasks.deadline} <= ${overdueCutoff(today)}))::int`,
    })
    .from(tasks)
    .where(and(inArray(tasks.leadUnitId, unitIds), sql`${tasks.status} <> 'done'`))
    .groupBy(tasks.leadUnitId);
  for (const r of rows) out.set(r.unitId, { open: r.open, overdue: r.overdue });
  return out;
}
