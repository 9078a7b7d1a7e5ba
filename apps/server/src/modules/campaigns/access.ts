import { eq, or, sql, type SQL } from 'drizzle-orm';
import type { DbLike } from '../../db/client.ts';
import { campaigns, meetingAttendees, meetings, persons, taskCoUnits, taskReports, tasks, units } from '../../db/schema/index.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { ownedBy, pathInScope, unitInScope, type DataScope } from '../../platform/scope.ts';

/**
 * Who sees what in this module, as SQL predicates built only from the session's scope.
 * A task: its lead unit or a co-unit is in scope, or the caller is its responsible person.
 */
export function taskVisible(scope: DataScope): SQL {
  if (scope.kind === 'all') return sql`true`;
  // One indexed lookup per way of seeing a task, united, rather than an OR the planner can only scan for.
  // Inside each subquery "tasks" is the subquery's own table, so the outer row is matched by id alone.
  return sql`${tasks.id} in (
    select ${tasks.id} from ${tasks} where ${unitInScope(scope, tasks.leadUnitId)}
    union all
    select ${taskCoUnits.taskId} from ${taskCoUnits} where ${unitInScope(scope, taskCoUnits.unitId)}
    union all
    select ${tasks.id} from ${tasks} where ${ownedBy(scope, tasks.responsiblePersonId)})`;
}

/** A campaign: its owning unit is in scope, or it holds a task the caller sees (read-only for them). */
export function campaignVisible(scope: DataScope): SQL {
  return or(
    unitInScope(scope, campaigns.unitId),
    sql`exists (select 1 from ${tasks} where ${tasks.campaignId} = ${campaigns.id} and ${taskVisible(scope)})`,
  )!;
}

/**
 * A report: its task is visible, or the caller's side assigned the task (and so reviews it).
 * Used as `exists` over the report's task.
 */
export function reportVisible(scope: DataScope): SQL {
  return sql`exists (select 1 from ${tasks} where ${tasks.id} = ${taskReports.taskId} and (${taskVisible(scope)} or ${unitInScope(scope, tasks.assignedByUnitId)}))`;
}

/** A meeting: its unit is in scope, or the caller attended it (so a staff member finds the meetings they sat in). */
export function meetingVisible(scope: DataScope): SQL {
  return or(
    unitInScope(scope, meetings.unitId),
    scope.personId
      ? sql`exists (select 1 from ${meetingAttendees} where ${meetingAttendees.meetingId} = ${meetings.id} and ${meetingAttendees.personId} = ${scope.personId})`
      : sql`false`,
  )!;
}

export type UnitRow = typeof units.$inferSelect;

/** A unit by id, or null. */
export async function loadUnit(db: DbLike, id: string): Promise<UnitRow | null> {
  const [u] = await db.select().from(units).where(eq(units.id, id));
  return u ?? null;
}

/** A unit the caller may hand work to: in scope and not disabled; otherwise 404/400 naming the role it plays. */
export async function unitForAssignment(db: DbLike, scope: DataScope, id: string, what: string): Promise<UnitRow> {
  const u = await loadUnit(db, id);
  if (!u || !pathInScope(scope, u.path)) throw notFound(what);
  if (u.disabled) throw badRequest(`${what}「${u.name}」已停用`);
  return u;
}

/** A person with the path of their unit, or null. */
export async function loadPerson(db: DbLike, id: string) {
  const [p] = await db
    .select({ id: persons.id, name: persons.name, unitId: persons.unitId, disabled: persons.disabled, unitPath: units.path })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(eq(persons.id, id));
  return p ?? null;
}

export const isAtOrBelow = (path: string, ancestorPath: string) => path.startsWith(ancestorPath);

/** Rows grouped by a key, for presenting a page of records with their children loaded in one query. */
export function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
