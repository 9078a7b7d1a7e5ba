import { and, eq, gte, inArray, lte, ne } from 'drizzle-orm';
import { notifyUsers, queueMessages } from './notices.ts';
import type { DbLike } from '../../db/client.ts';
import {
  infoItems, notifications, notificationSettings, outbox, roles, studySessions, taskReports, tasks, unitWebhooks, units, userRoles, users,
} from '../../db/schema/index.ts';
import { addDays, cyclePeriods, effectiveDeadline, isWorkday, shanghaiDate, subtractWorkdays, type ReportCycle } from '../../platform/calendar.ts';
import type { DataScopeKind } from '@luoshi/contract';

/**
 * 到期提醒 and 逾期提醒 in the working-day calendar, and the daily digest 每日汇总.
 *
 * A fact is one deadline of one record (a task's deadline, a report period of a task, the 学前报备 of a planned
 * study session, the current review step of an information item). On a day T, a person is reminded of a fact when
 * T lies between the N-th working day before its (effective) deadline and the deadline itself (N from their
 * settings, 2 by default), and told once it is overdue on the first day after the deadline. Each fact has a
 * dedupe key, and the unique index (userId, dedupeKey) makes every reminder once however often the job runs.
 *
 * Who gets a unit's reminders: the users whose widest role scope covers the unit (all; subtree of their unit;
 * their unit) and who hold the permission of the work: campaigns:report:submit for a task and its reports (plus
 * the task's responsible person), study:session:write for 学前报备, info:item:review for a review step (the
 * reviewers named on the step when there are any).
 */

const DEFAULT_REMIND_DAYS = 2;
/** Overdue notices are not sent for deadlines older than this (a new installation does not replay a year). */
const OVERDUE_HORIZON_DAYS = 14;
/** Facts further ahead than this can never fall into a reminder window (remindDays ≤ 15 working days). */
const AHEAD_DAYS = 40;

type Recipient = {
  userId: string;
  personId: string | null;
  unitId: string | null;
  unitPath: string | null;
  scope: DataScopeKind | null;
  permissions: Set<string>;
};

type Fact = {
  key: string;
  unitId: string;
  deadline: string;
  label: string;
  what: string;
  link: string;
  /** robots of the unit get it too */
  robots: boolean;
  permission: string;
  /** named people (user ids) instead of everyone holding the permission in scope */
  userIds?: string[];
  extraPersonId?: string | null;
};

const WIDTH: Record<DataScopeKind, number> = { self: 0, unit: 1, subtree: 2, all: 3 };

async function loadRecipients(db: DbLike): Promise<Recipient[]> {
  const rows = await db
    .select({ userId: users.id, personId: users.personId, unitId: users.unitId, unitPath: units.path, scope: roles.scope, permissions: roles.permissions })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .leftJoin(units, eq(units.id, users.unitId))
    .where(eq(users.disabled, false));
  const byUser = new Map<string, Recipient>();
  for (const r of rows) {
    const u = byUser.get(r.userId) ?? { userId: r.userId, personId: r.personId, unitId: r.unitId, unitPath: r.unitPath, scope: null, permissions: new Set<string>() };
    if (u.scope === null || WIDTH[r.scope] > WIDTH[u.scope]) u.scope = r.scope;
    for (const p of r.permissions) u.permissions.add(p);
    byUser.set(r.userId, u);
  }
  return [...byUser.values()];
}

function covers(u: Recipient, unit: { id: string; path: string }): boolean {
  switch (u.scope) {
    case 'all':
      return true;
    case 'subtree':
      return !!u.unitPath && unit.path.startsWith(u.unitPath);
    case 'unit':
      return u.unitId === unit.id;
    default:
      return false;
  }
}

/** The facts whose deadline lies within [T − horizon, T + ahead], as they stand now. */
async function loadFacts(db: DbLike, day: string): Promise<Fact[]> {
  const from = addDays(day, -OVERDUE_HORIZON_DAYS - 10);
  const to = addDays(day, AHEAD_DAYS);
  const facts: Fact[] = [];

  const taskRows = await db
    .select({ id: tasks.id, title: tasks.title, unitId: tasks.leadUnitId, deadline: tasks.deadline, startDate: tasks.startDate, cycle: tasks.reportCycle, personId: tasks.responsiblePersonId })
    .from(tasks)
    .where(and(ne(tasks.status, 'done'), gte(tasks.deadline, from)));
  const cycled = taskRows.filter((t) => t.cycle !== 'none');
  const reported = new Set<string>();
  if (cycled.length) {
    const rs = await db
      .selectDistinct({ taskId: taskReports.taskId, periodKey: taskReports.periodKey })
      .from(taskReports)
      .where(and(inArray(taskReports.taskId, cycled.map((t) => t.id)), inArray(taskReports.status, ['submitted', 'accepted'])));
    for (const r of rs) reported.add(`${r.taskId}|${r.periodKey}`);
  }
  for (const t of taskRows) {
    if (t.deadline <= to) {
      facts.push({
        key: `task:${t.id}:due:${t.deadline}`, unitId: t.unitId, deadline: effectiveDeadline(t.deadline), label: t.title,
        what: '任务办结期限', link: `/tasks/${t.id}`, robots: true, permission: 'campaigns:report:submit', extraPersonId: t.personId,
      });
    }
    for (const p of cyclePeriods(t.cycle as ReportCycle, t.startDate, t.deadline)) {
      if (p.dueDate < from || p.dueDate > to || reported.has(`${t.id}|${p.key}`)) continue;
      facts.push({
        key: `task:${t.id}:report:${p.key}:due:${p.dueDate}`, unitId: t.unitId, deadline: p.dueDate, label: `${t.title}（${p.label}进展）`,
        what: '进展报送', link: `/tasks/${t.id}`, robots: true, permission: 'campaigns:report:submit',
      });
    }
  }

  // 学前报备: a planned session must be filed before it starts (its planned day in Asia/Shanghai).
  const sessions = await db
    .select({ id: studySessions.id, topic: studySessions.topic, unitId: studySessions.unitId, plannedStart: studySessions.plannedStart })
    .from(studySessions)
    .where(and(eq(studySessions.status, 'planned'), gte(studySessions.plannedStart, new Date(`${from}T00:00:00+08:00`)), lte(studySessions.plannedStart, new Date(`${to}T23:59:59+08:00`))));
  for (const s of sessions) {
    const planned = shanghaiDate(s.plannedStart);
    facts.push({
      key: `study:${s.id}:prefile:${planned}`, unitId: s.unitId, deadline: planned, label: s.topic,
      what: '学前报备', link: `/study/sessions/${s.id}`, robots: true, permission: 'study:session:write',
    });
  }

  const items = await db
    .select({ id: infoItems.id, title: infoItems.title, unitId: infoItems.unitId, step: infoItems.currentStep, steps: infoItems.steps, deadline: infoItems.stepDeadline })
    .from(infoItems)
    .where(and(eq(infoItems.status, 'reviewing'), gte(infoItems.stepDeadline, from), lte(infoItems.stepDeadline, to)));
  for (const i of items) {
    const step = i.step === null ? undefined : i.steps[i.step];
    if (!step || !i.deadline) continue;
    facts.push({
      key: `info:${i.id}:step${i.step}:due:${i.deadline}`, unitId: i.unitId, deadline: i.deadline, label: i.title,
      what: `信息${step.name}`, link: `/info/items/${i.id}`, robots: false, permission: 'info:item:review',
      userIds: step.reviewerIds.length ? step.reviewerIds : undefined,
    });
  }
  return facts;
}

type Settings = { email: string | null; emailEnabled: boolean; digestEnabled: boolean; remindDays: number };
const DEFAULT_SETTINGS: Settings = { email: null, emailEnabled: false, digestEnabled: true, remindDays: DEFAULT_REMIND_DAYS };

/** The moment a notification of `day` is dated: now for today, 09:00 of that day for a day caught up later. */
function stampOf(day: string): Date {
  return day === shanghaiDate() ? new Date() : new Date(`${day}T09:00:00+08:00`);
}

type Open = { fact: Fact; overdue: boolean };

/**
 * Writes the reminders, overdue notices and digests of `day`, and queues their e-mails and robot messages in
 * the same transaction. Returns how many notifications were new.
 */
export async function runReminders(db: DbLike, day: string): Promise<{ created: number; queued: number }> {
  // One after another: inside the job's transaction they share one connection.
  const recipients = await loadRecipients(db);
  const facts = await loadFacts(db, day);
  const settingRows = await db.select().from(notificationSettings);
  const unitRows = await db.select({ id: units.id, path: units.path }).from(units);
  const hooks = await db.select().from(unitWebhooks).where(eq(unitWebhooks.enabled, true));
  const settings = new Map<string, Settings>(settingRows.map((s) => [s.userId, s]));
  const unitPath = new Map(unitRows.map((u) => [u.id, u.path]));
  const byId = new Map(recipients.map((r) => [r.userId, r]));
  const byPerson = new Map(recipients.filter((r) => r.personId).map((r) => [r.personId!, r]));
  const stamp = stampOf(day);

  const rows: (typeof notifications.$inferInsert)[] = [];
  const open = new Map<string, Open[]>();
  const robotFacts: Open[] = [];
  for (const f of facts) {
    const path = unitPath.get(f.unitId);
    if (!path) continue;
    const overdue = day > f.deadline;
    if (overdue && f.deadline < addDays(day, -OVERDUE_HORIZON_DAYS)) continue;
    let who = f.userIds
      ? f.userIds.map((id) => byId.get(id)).filter((u): u is Recipient => !!u && u.permissions.has(f.permission))
      : recipients.filter((u) => u.permissions.has(f.permission) && covers(u, { id: f.unitId, path }));
    if (f.extraPersonId) {
      const p = byPerson.get(f.extraPersonId);
      if (p && !who.includes(p)) who = [...who, p];
    }
    if (f.robots && (overdue || day >= subtractWorkdays(f.deadline, DEFAULT_REMIND_DAYS))) robotFacts.push({ fact: f, overdue });
    for (const u of who) {
      const s = settings.get(u.userId) ?? DEFAULT_SETTINGS;
      if (!overdue && day < subtractWorkdays(f.deadline, s.remindDays)) continue;
      const list = open.get(u.userId) ?? [];
      list.push({ fact: f, overdue });
      open.set(u.userId, list);
      rows.push({
        userId: u.userId,
        kind: overdue ? 'overdue' : 'reminder',
        title: overdue ? `已逾期：${f.what}「${f.label}」` : `${f.what}将到期：「${f.label}」`,
        body: overdue ? `期限 ${f.deadline}，已逾期，请尽快办理。` : `期限 ${f.deadline}，请在期限前办理。`,
        link: f.link,
        dedupeKey: overdue ? `${f.key}:overdue` : f.key,
        createdAt: stamp,
      });
    }
  }

  // 每日汇总: on working days, one notice per person with open items, listing them.
  if (isWorkday(day)) {
    for (const [userId, items] of open) {
      if (!(settings.get(userId) ?? DEFAULT_SETTINGS).digestEnabled) continue;
      items.sort((a, b) => (a.fact.deadline < b.fact.deadline ? -1 : 1));
      const lines = items.slice(0, 30).map((o) => `${o.overdue ? '【逾期】' : ''}${o.fact.deadline} ${o.fact.what}：${o.fact.label}`);
      if (items.length > 30) lines.push(`……共 ${items.length} 项`);
      rows.push({
        userId, kind: 'digest', title: `${day} 待办汇总：${items.length} 项`, body: lines.join('\n'),
        link: '/notifications', dedupeKey: `digest:${day}`, createdAt: stamp,
      });
    }
  }

  const told = await notifyUsers(db, rows);

  const robotMessages: (typeof outbox.$inferInsert)[] = [];
  for (const { fact: f, overdue } of robotFacts) {
    for (const h of hooks.filter((x) => x.unitId === f.unitId)) {
      robotMessages.push({
        channel: h.kind, target: h.id,
        subject: overdue ? `已逾期：${f.what}` : `${f.what}将到期`,
        body: `**${f.label}**\n> 期限：${f.deadline}${overdue ? '（已逾期）' : ''}`,
        dedupeKey: overdue ? `${f.key}:overdue` : f.key,
      });
    }
  }
  return { created: told.created, queued: told.queued + (await queueMessages(db, robotMessages)) };
}
