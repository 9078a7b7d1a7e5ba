import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import {
  CalendarAdjustmentBody, CalendarDateParams, CalendarYear, CalendarYearQuery, CreateWebhookBody, IdParams, NotificationIdParams,
  NotificationList, NotificationListQuery, NotificationSettings, Ok, ReadAllResult, UnitWebhook, UnitWebhookList, UnreadCount,
  UpdateWebhookBody, WebhookTestResult,
} from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { calendarAdjustments, notifications, notificationSettings, unitWebhooks, units } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { calendarAdjustmentsOf, calendarKnowsYear, officialDaysOf, refreshCalendarAdjustments } from '../../platform/calendar.ts';
import { maskEmail, maskUrl, openOrNull, seal, sealOrNull } from '../../platform/crypto.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, orderOf, pageOf } from '../../platform/list.ts';
import { OUTBOUND_FAILED, OutboundError, outboundPolicy, vetOutboundUrl, type OutboundPolicy } from '../../platform/outbound.ts';
import { unitInScope } from '../../platform/scope.ts';
import { actorOf, callerOf, type Caller } from '../../platform/session.ts';
import type { App, Deps, Module } from '../../platform/types.ts';
import { robotOf, sendRobot } from './channels.ts';

const tags = ['notify'];

function presentNotification(n: typeof notifications.$inferSelect) {
  return { id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link, createdAt: n.createdAt.toISOString(), readAt: n.readAt?.toISOString() ?? null };
}

/** A robot's URL as anyone but the sender sees it: its access key masked. */
const shownUrl = (h: typeof unitWebhooks.$inferSelect) => maskUrl(openOrNull(h.url)!);

function presentWebhook(h: typeof unitWebhooks.$inferSelect, unitName: string) {
  // URL and secret stay on the server: the page shows the URL masked and whether a secret is set.
  return {
    id: h.id, unitId: h.unitId, unitName, kind: h.kind, name: h.name, maskedUrl: shownUrl(h), hasSecret: !!h.secret, enabled: h.enabled,
    updatedAt: h.updatedAt.toISOString(), version: h.version,
  };
}

/** A robot's URL as it is saved: refused with the reason under the field, else sealed for the table. */
async function sealedWebhookUrl(url: string, policy: OutboundPolicy): Promise<string> {
  const problem = await vetOutboundUrl(url, policy);
  if (problem) throw badRequest(`机器人地址不可用：${problem}`, [{ field: 'body.url', message: problem }]);
  return seal(url);
}

async function visibleWebhook(db: DbLike, caller: Caller, id: string) {
  const [row] = await db
    .select({ hook: unitWebhooks, unitName: units.name })
    .from(unitWebhooks)
    .innerJoin(units, eq(units.id, unitWebhooks.unitId))
    .where(and(eq(unitWebhooks.id, id), unitInScope(caller.scope, unitWebhooks.unitId)));
  if (!row) throw notFound('群机器人');
  return row;
}

async function unitInCallerScope(db: DbLike, caller: Caller, unitId: string) {
  const [u] = await db.select({ id: units.id, name: units.name }).from(units).where(and(eq(units.id, unitId), unitInScope(caller.scope, units.id)));
  if (!u) throw notFound('单位');
  return u;
}

const auditedWebhook = (h: typeof unitWebhooks.$inferSelect) => ({ unitId: h.unitId, kind: h.kind, name: h.name, url: shownUrl(h), hasSecret: !!h.secret, enabled: h.enabled });

function registerNotifyRoutes(app: App, { db, config }: Deps) {
  const policy = outboundPolicy(config);
  // ---- 通知中心: only the caller's own notifications; no permission beyond a session ----
  app.get(
    '/api/notifications',
    { schema: { tags, summary: '我的通知（unread=true 只列未读）', querystring: NotificationListQuery, response: { 200: NotificationList } } },
    async (req) => {
      const caller = callerOf(req);
      const q = req.query;
      const where = and(eq(notifications.userId, caller.userId), q.unread ? isNull(notifications.readAt) : undefined);
      const [rows, [{ total }]] = await Promise.all([
        db.select().from(notifications).where(where).orderBy(...orderOf(q.sort, { createdAt: notifications.createdAt }, [desc(notifications.createdAt), desc(notifications.id)])).limit(pageOf(q).limit).offset(pageOf(q).offset),
        db.select({ total: count() }).from(notifications).where(where),
      ]);
      return envelope(rows.map(presentNotification), total, q);
    },
  );
  app.get(
    '/api/notifications/unread-count',
    { schema: { tags, summary: '我的未读通知数', response: { 200: UnreadCount } } },
    async (req) => {
      const [{ n }] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, callerOf(req).userId), isNull(notifications.readAt)));
      return { unread: n };
    },
  );
  app.post(
    '/api/notifications/:id/read',
    { schema: { tags, summary: '标记一条通知为已读', params: NotificationIdParams, response: { 200: Ok } } },
    async (req) => {
      const caller = callerOf(req);
      const [row] = await db
        .update(notifications)
        .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
        .where(and(eq(notifications.id, req.params.id), eq(notifications.userId, caller.userId)))
        .returning({ id: notifications.id });
      if (!row) throw notFound('通知');
      return { ok: true as const };
    },
  );
  app.post(
    '/api/notifications/read-all',
    { schema: { tags, summary: '全部标记为已读', response: { 200: ReadAllResult } } },
    async (req) => {
      const rows = await db
        .update(notifications)
        .set({ readAt: new Date() })
        .where(and(eq(notifications.userId, callerOf(req).userId), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      return { updated: rows.length };
    },
  );
  app.get(
    '/api/notifications/settings',
    { schema: { tags, summary: '我的通知设置', response: { 200: NotificationSettings } } },
    async (req) => {
      const [s] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, callerOf(req).userId));
      // The address is sealed at rest and shown only to its owner.
      return { email: openOrNull(s?.email), emailEnabled: s?.emailEnabled ?? false, digestEnabled: s?.digestEnabled ?? true, remindDays: s?.remindDays ?? 2 };
    },
  );
  app.put(
    '/api/notifications/settings',
    { schema: { tags, summary: '修改我的通知设置', body: NotificationSettings, response: { 200: NotificationSettings } } },
    async (req) => {
      const caller = callerOf(req);
      const values = { ...req.body, email: req.body.email || null, emailEnabled: req.body.emailEnabled && !!req.body.email, updatedAt: new Date() };
      const stored = { ...values, email: sealOrNull(values.email) };
      await db.transaction(async (tx) => {
        await tx.insert(notificationSettings).values({ userId: caller.userId, ...stored }).onConflictDoUpdate({ target: notificationSettings.userId, set: stored });
        await audit(tx, actorOf(req), { entity: 'notification_settings', entityId: caller.userId, action: 'notify.settings.update', after: { ...values, email: maskEmail(values.email) } });
      });
      const { updatedAt: _u, ...out } = values;
      return out;
    },
  );

  // ---- 群机器人: a unit's WeCom / DingTalk robots, within the caller's units ----
  app.get(
    '/api/notify/webhooks',
    { config: { permission: 'notify:webhook:write' }, schema: { tags, summary: '单位群机器人', response: { 200: UnitWebhookList } } },
    async (req) => {
      const rows = await db
        .select({ hook: unitWebhooks, unitName: units.name })
        .from(unitWebhooks)
        .innerJoin(units, eq(units.id, unitWebhooks.unitId))
        .where(unitInScope(callerOf(req).scope, unitWebhooks.unitId))
        .orderBy(units.path, unitWebhooks.name);
      return { data: rows.map((r) => presentWebhook(r.hook, r.unitName)) };
    },
  );
  app.post(
    '/api/notify/webhooks',
    { config: { permission: 'notify:webhook:write' }, schema: { tags, summary: '新增群机器人', body: CreateWebhookBody, response: { 201: UnitWebhook } } },
    async (req, reply) => {
      const caller = callerOf(req);
      // checked before the transaction: resolving the host may take a moment
      const url = await sealedWebhookUrl(req.body.url, policy);
      const out = await db.transaction(async (tx) => {
        const unit = await unitInCallerScope(tx, caller, req.body.unitId);
        const [h] = await tx.insert(unitWebhooks).values({ ...req.body, url, secret: sealOrNull(req.body.secret), createdBy: caller.userId }).returning();
        await audit(tx, actorOf(req), { entity: 'unit_webhook', entityId: h.id, action: 'notify.webhook.create', after: auditedWebhook(h) });
        return presentWebhook(h, unit.name);
      });
      return reply.code(201).send(out);
    },
  );
  app.put(
    '/api/notify/webhooks/:id',
    { config: { permission: 'notify:webhook:write' }, schema: { tags, summary: '修改群机器人（url 不传或传空串保留原地址；secret 不传保留原密钥，传空串清除）', params: IdParams, body: UpdateWebhookBody, response: { 200: UnitWebhook } } },
    async (req) => {
      const caller = callerOf(req);
      const { version, secret, url, ...rest } = req.body;
      const sealedUrl = url ? await sealedWebhookUrl(url, policy) : undefined;
      return db.transaction(async (tx) => {
        const { hook, unitName } = await visibleWebhook(tx, caller, req.params.id);
        const [h] = await tx
          .update(unitWebhooks)
          .set({
            ...rest,
            ...(sealedUrl ? { url: sealedUrl } : {}),
            ...(secret === undefined ? {} : { secret: sealOrNull(secret) }),
            updatedAt: new Date(),
            version: hook.version + 1,
          })
          .where(and(eq(unitWebhooks.id, hook.id), eq(unitWebhooks.version, version)))
          .returning();
        if (!h) throw conflict();
        await audit(tx, actorOf(req), { entity: 'unit_webhook', entityId: h.id, action: 'notify.webhook.update', before: auditedWebhook(hook), after: auditedWebhook(h) });
        return presentWebhook(h, unitName);
      });
    },
  );
  app.delete(
    '/api/notify/webhooks/:id',
    { config: { permission: 'notify:webhook:write' }, schema: { tags, summary: '删除群机器人', params: IdParams, response: { 200: Ok } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction(async (tx) => {
        const { hook } = await visibleWebhook(tx, caller, req.params.id);
        await tx.delete(unitWebhooks).where(eq(unitWebhooks.id, hook.id));
        await audit(tx, actorOf(req), { entity: 'unit_webhook', entityId: hook.id, action: 'notify.webhook.delete', before: auditedWebhook(hook) });
      });
      return { ok: true as const };
    },
  );
  app.post(
    '/api/notify/webhooks/:id/test',
    { config: { permission: 'notify:webhook:write' }, schema: { tags, summary: '立即发送一条测试消息', params: IdParams, response: { 200: WebhookTestResult } } },
    async (req) => {
      const { hook, unitName } = await visibleWebhook(db, callerOf(req), req.params.id);
      let error: string | null = null;
      try {
        // checked again here: the address may have been saved before these rules, or its name may resolve elsewhere now
        await sendRobot(robotOf(hook), '落实：测试消息', `${unitName}的群机器人「${hook.name}」已接通。`, policy, req.log);
      } catch (err) {
        // only the guard's uniform words reach the page; anything else (a key that cannot open the URL) is the log's
        if (!(err instanceof OutboundError)) req.log.warn({ err, webhook: hook.id }, 'robot test failed before sending');
        error = err instanceof OutboundError ? err.message : OUTBOUND_FAILED;
      }
      // a message sent to an outside group is on record, whether it arrived or not
      await db.transaction((tx) => audit(tx, actorOf(req), { entity: 'unit_webhook', entityId: hook.id, action: 'notify.webhook.test', after: { ok: !error, error } }));
      return { ok: !error, error };
    },
  );

  // ---- 节假日调整: the calendar every deadline is computed with ----
  app.get(
    '/api/system/calendar',
    { schema: { tags, summary: '某年的节假日与调休上班日（官方与调整）', querystring: CalendarYearQuery, response: { 200: CalendarYear } } },
    async (req) => {
      const { year } = req.query;
      await refreshCalendarAdjustments(db);
      const days = new Map<string, { date: string; kind: 'holiday' | 'workday'; name: string; source: 'official' | 'adjusted' }>(
        officialDaysOf(year).map((d) => [d.date, { ...d, source: 'official' }]),
      );
      for (const a of calendarAdjustmentsOf(year)) days.set(a.date, { ...a, source: 'adjusted' as const });
      return { year, known: calendarKnowsYear(year), days: [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1)) };
    },
  );
  app.put(
    '/api/system/calendar/adjustments',
    { config: { permission: 'system:calendar:write' }, schema: { tags, summary: '新增或替换一天的调整（放假或调休上班）', body: CalendarAdjustmentBody, response: { 200: Ok } } },
    async (req) => {
      const caller = callerOf(req);
      await db.transaction(async (tx) => {
        const [before] = await tx.select().from(calendarAdjustments).where(eq(calendarAdjustments.date, req.body.date));
        const set = { kind: req.body.kind, name: req.body.name, createdBy: caller.userId, createdAt: new Date() };
        await tx.insert(calendarAdjustments).values({ date: req.body.date, ...set }).onConflictDoUpdate({ target: calendarAdjustments.date, set });
        await audit(tx, actorOf(req), { entity: 'calendar_adjustment', entityId: req.body.date, action: 'system.calendar.adjust', before: before ?? null, after: req.body });
      });
      await refreshCalendarAdjustments(db);
      return { ok: true as const };
    },
  );
  app.delete(
    '/api/system/calendar/adjustments/:date',
    { config: { permission: 'system:calendar:write' }, schema: { tags, summary: '删除一天的调整', params: CalendarDateParams, response: { 200: Ok } } },
    async (req) => {
      await db.transaction(async (tx) => {
        const [before] = await tx.delete(calendarAdjustments).where(eq(calendarAdjustments.date, req.params.date)).returning();
        if (!before) throw notFound('调整');
        await audit(tx, actorOf(req), { entity: 'calendar_adjustment', entityId: req.params.date, action: 'system.calendar.unadjust', before });
      });
      await refreshCalendarAdjustments(db);
      return { ok: true as const };
    },
  );
}

/** 通知与提醒: the notification centre, reminders, e-mail and robot channels, holiday adjustments. */
export const notifyModule: Module = {
  name: 'notify',
  async register(app, deps) {
    // isWorkday is synchronous: the adjustments are held in memory from the start.
    await refreshCalendarAdjustments(deps.db);
    registerNotifyRoutes(app, deps);
  },
};
