import { and, asc, count, desc, eq, gt, ilike, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import {
  Ok, SecurityAccountList, SecurityAccountListQuery, SecurityPolicyRecord, SecuritySessionList, SecuritySessionListQuery, SessionIdParams,
  UpdateSecurityPolicyBody, UserIdParams,
} from '@luoshi/contract';
import { securitySettings, sessions, users } from '../../db/schema/index.ts';
import { audit, auditNow } from '../../platform/audit.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import { envelope, likeText, orderOf, pageOf } from '../../platform/list.ts';
import { passwordExpiry, securityPolicy, totpRequiredFor } from '../../platform/policy.ts';
import { actorOf, callerOf, endSessions, endSessionsOf, sessionExpired } from '../../platform/session.ts';
import type { Module } from '../../platform/types.ts';
import { clearSecondFactor, presentSession } from '../auth/routes.ts';
import { accountPage, holdsDuty } from '../org/accounts.ts';

const tags = ['security'];

/**
 * 安全管理员: the password, login and session policy; unlocking accounts, resetting second factors and ending
 * sessions. It sees accounts and their login state only — never business data, never the audit log.
 */
export const securityModule: Module = {
  name: 'security',
  register(app, { db, config }) {
    const presentPolicy = (p: Awaited<ReturnType<typeof securityPolicy>>) => {
      const { version, updatedAt, ...policy } = p;
      return { ...policy, version: Math.max(version, 1), updatedAt: (updatedAt ?? new Date(0)).toISOString() };
    };
    app.get(
      '/api/security/policy',
      { config: { permission: 'security:policy:write' }, schema: { tags, summary: '密码、登录与会话策略', response: { 200: SecurityPolicyRecord } } },
      async () => presentPolicy(await securityPolicy(db)),
    );
    app.put(
      '/api/security/policy',
      { config: { permission: 'security:policy:write' }, schema: { tags, summary: '修改安全策略', body: UpdateSecurityPolicyBody, response: { 200: SecurityPolicyRecord } } },
      async (req) => {
        const { version, ...policy } = req.body;
        if (policy.warnDays > 0 && policy.maxAgeDays > 0 && policy.warnDays >= policy.maxAgeDays) {
          throw badRequest('提前提醒天数应小于密码有效期', [{ field: 'body.warnDays', message: '应小于密码有效期' }]);
        }
        await db.transaction(async (tx) => {
          const before = await securityPolicy(tx);
          if (Math.max(before.version, 1) !== version) throw conflict();
          const { version: _v, updatedAt: _u, ...old } = before;
          if (before.version === 0) await tx.insert(securitySettings).values({ id: 1, policy, version: 2 });
          else await tx.update(securitySettings).set({ policy, version: before.version + 1, updatedAt: new Date() }).where(eq(securitySettings.id, 1));
          await audit(tx, actorOf(req), { entity: 'security_policy', entityId: '1', action: 'update', before: old, after: policy });
        });
        return presentPolicy(await securityPolicy(db));
      },
    );

    app.get(
      '/api/security/accounts',
      {
        config: { permission: 'security:account:manage' },
        schema: { tags, summary: '账号登录状态（锁定、动态口令、密码有效期、会话数）', querystring: SecurityAccountListQuery, response: { 200: SecurityAccountList } },
      },
      async (req) => {
        const q = req.query;
        const policy = await securityPolicy(db);
        const where: SQL[] = [];
        if (q.state === 'locked') where.push(gt(users.lockedUntil, sql`now()`));
        if (q.state === 'no_totp') where.push(isNull(users.totpEnabledAt));
        if (q.state === 'expired' && policy.maxAgeDays > 0) where.push(sql`${users.passwordChangedAt} < now() - make_interval(days => ${policy.maxAgeDays})`);
        if (q.state === 'duty') where.push(holdsDuty());
        const { rows, total } = await accountPage(db, q, where, { sorts: { username: users.username, lastLoginAt: users.lastLoginAt }, fallback: [asc(users.username)] });
        const ids = rows.map((r) => r.u.id);
        const live = ids.length ? await db.select().from(sessions).where(inArray(sessions.userId, ids)) : [];
        await auditNow(db, actorOf(req), { entity: 'security', entityId: null, action: 'read_accounts', after: { q: q.q ?? null, state: q.state ?? null, rows: rows.length } });
        return envelope(
          rows.map(({ u, personName, unitName, roles: rs, duty }) => {
            const expires = passwordExpiry(policy, u.passwordChangedAt);
            return {
              userId: u.id,
              username: u.username,
              personName,
              unitName,
              roles: rs.map((r) => ({ code: r.code, name: r.name })),
              duty,
              disabled: u.disabled,
              lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? u.lockedUntil.toISOString() : null,
              failedAttempts: u.failedAttempts,
              totpEnabled: !!u.totpEnabledAt,
              totpRequired: totpRequiredFor(policy, rs),
              mustChangePassword: u.mustChangePassword,
              passwordChangedAt: u.passwordChangedAt.toISOString(),
              passwordExpired: !!expires && expires.getTime() <= Date.now(),
              lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
              sessions: live.filter((s) => s.userId === u.id && !sessionExpired(s, config.sessionIdleMinutes, policy)).length,
            };
          }),
          total,
          q,
        );
      },
    );

    const accountOf = async (userId: string) => {
      const [u] = await db.select().from(users).where(eq(users.id, userId));
      if (!u) throw notFound('账号');
      return u;
    };
    app.post(
      '/api/security/accounts/:userId/unlock',
      { config: { permission: 'security:account:manage' }, schema: { tags, summary: '解锁账号（清除连续失败次数）', params: UserIdParams, response: { 200: Ok } } },
      async (req) => {
        const u = await accountOf(req.params.userId);
        await db.transaction(async (tx) => {
          await tx.update(users).set({ lockedUntil: null, failedAttempts: 0 }).where(eq(users.id, u.id));
          await audit(tx, actorOf(req), { entity: 'user', entityId: u.id, action: 'unlock', before: { lockedUntil: u.lockedUntil?.toISOString() ?? null, failedAttempts: u.failedAttempts }, after: { username: u.username } });
        });
        return { ok: true as const };
      },
    );
    app.post(
      '/api/security/accounts/:userId/totp-reset',
      {
        config: { permission: 'security:account:manage' },
        schema: { tags, summary: '重置动态口令（手机丢失或更换）：解除绑定并作废恢复码，结束其会话', params: UserIdParams, response: { 200: Ok } },
      },
      async (req) => {
        const caller = callerOf(req);
        const u = await accountOf(req.params.userId);
        if (u.id === caller.userId) throw badRequest('不能重置本人的动态口令', []);
        if (!u.totpEnabledAt && !u.totpPendingSecret) throw badRequest(`账号 ${u.username} 尚未绑定动态口令`, []);
        await db.transaction(async (tx) => {
          await clearSecondFactor(tx, u.id);
          await endSessionsOf(tx, [u.id], actorOf(req), 'session_ended_totp_reset');
          await audit(tx, actorOf(req), { entity: 'user', entityId: u.id, action: 'totp_reset', after: { username: u.username } });
        });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/security/sessions',
      { config: { permission: 'security:account:manage' }, schema: { tags, summary: '所有账号的会话', querystring: SecuritySessionListQuery, response: { 200: SecuritySessionList } } },
      async (req) => {
        const q = req.query;
        const policy = await securityPolicy(db);
        const where: SQL[] = [
          sql`${sessions.lastSeenAt} > now() - make_interval(mins => ${config.sessionIdleMinutes})`,
          sql`${sessions.createdAt} > now() - make_interval(hours => ${policy.sessionMaxHours})`,
        ];
        if (q.userId) where.push(eq(sessions.userId, q.userId));
        if (q.q) where.push(ilike(users.username, likeText(q.q)));
        const cond = and(...where);
        const { limit, offset } = pageOf(q);
        const [rows, [{ total }]] = await Promise.all([
          db
            .select({ s: sessions, username: users.username })
            .from(sessions)
            .innerJoin(users, eq(users.id, sessions.userId))
            .where(cond)
            .orderBy(...orderOf(q.sort, { lastSeenAt: sessions.lastSeenAt, createdAt: sessions.createdAt }, [desc(sessions.lastSeenAt), asc(sessions.id)]))
            .limit(limit)
            .offset(offset),
          db.select({ total: count() }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(cond),
        ]);
        await auditNow(db, actorOf(req), { entity: 'session', entityId: q.userId ?? null, action: 'read_sessions', after: { q: q.q ?? null, rows: rows.length } });
        return envelope(rows.map(({ s, username }) => ({ ...presentSession(s, policy), userId: s.userId, username })), total, q);
      },
    );
    app.delete(
      '/api/security/sessions/:id',
      { config: { permission: 'security:account:manage' }, schema: { tags, summary: '结束某个会话', params: SessionIdParams, response: { 200: Ok } } },
      async (req) => {
        const [s] = await db.select({ id: sessions.id, userId: sessions.userId }).from(sessions).where(eq(sessions.id, req.params.id));
        if (!s) throw notFound('会话');
        await endSessions(db, [s], actorOf(req), 'session_ended');
        return { ok: true as const };
      },
    );
  },
};
