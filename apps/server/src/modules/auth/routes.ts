import { and, desc, eq, ne, sql } from 'drizzle-orm';
import {
  ChangePasswordBody, LoginBody, Me, MySessionList, Ok, RecoveryCodes, SessionIdParams, TotpConfirmBody, TotpEnableBody, TotpSetup,
  TotpSetupBody, TotpStatus, type Me as MeT, type SecurityPolicy,
} from '@luoshi/contract';
import { passwordHistory, persons, recoveryCodes, sessions, units, users } from '../../db/schema/index.ts';
import { audit, auditNow, type Actor } from '../../platform/audit.ts';
import { AppError, badRequest, notFound } from '../../platform/errors.ts';
import { dummyHash, hashPassword, needsRehash, passwordProblem, verifyPassword } from '../../platform/password.ts';
import { securityPolicy } from '../../platform/policy.ts';
import {
  actorOf, callerOf, createSession, endSessions, endSessionsOf, loadCaller, SESSION_COOKIE, sessionExpired, setSessionCookie, tokenId, type Caller,
} from '../../platform/session.ts';
import type { Db, DbLike } from '../../db/client.ts';
import type { Module } from '../../platform/types.ts';
import { newEnrolment, newRecoveryCodes, proveSecondFactor, recoveryCodesLeft } from './totp.ts';

const tags = ['auth'];

export async function presentMe(db: Db, caller: Caller): Promise<MeT> {
  const [person] = caller.personId
    ? await db.select({ id: persons.id, name: persons.name, post: persons.post }).from(persons).where(eq(persons.id, caller.personId))
    : [];
  const [unit] = caller.unitId
    ? await db.select({ id: units.id, name: units.name, path: units.path }).from(units).where(eq(units.id, caller.unitId))
    : [];
  const policy = await securityPolicy(db);
  const expires = caller.security.passwordExpiresAt;
  const daysLeft = expires ? Math.ceil((expires.getTime() - Date.now()) / 86_400_000) : null;
  return {
    user: { id: caller.userId, username: caller.username },
    person: person ?? null,
    unit: unit ?? null,
    roles: caller.roles.map(({ duty: _d, ...r }) => r),
    permissions: [...caller.permissions].sort(),
    scope: caller.scope.kind,
    security: {
      duty: caller.duty,
      mustChangePassword: caller.security.mustChangePassword,
      passwordExpiresAt: expires?.toISOString() ?? null,
      passwordExpiresInDays: daysLeft !== null && daysLeft > 0 && daysLeft <= policy.warnDays ? daysLeft : null,
      totpEnabled: caller.security.totpEnabled,
      totpRequired: caller.security.totpRequired,
    },
  };
}

/** The one answer to every failed login, whether the username exists, the password is wrong or the account is locked. */
const badCredentials = (policy: SecurityPolicy) =>
  new AppError(401, 'BAD_CREDENTIALS', `用户名或密码不正确（连续输错 ${policy.lockoutThreshold} 次将锁定 ${policy.lockoutMinutes} 分钟）`, []);

type UserRow = typeof users.$inferSelect;

/**
 * A wrong password or code counts toward the lockout, wherever it was typed (login, change of password, second
 * factor). At the threshold the account locks for the policy's minutes and its sessions end.
 */
async function countFailure(db: Db, user: UserRow, policy: SecurityPolicy, actor: Actor, action: string) {
  await db.transaction(async (tx) => {
    const [u] = await tx
      .update(users)
      .set({ failedAttempts: sql`${users.failedAttempts} + 1` })
      .where(eq(users.id, user.id))
      .returning({ failed: users.failedAttempts });
    const locks = u.failed >= policy.lockoutThreshold;
    if (locks) {
      await tx.update(users).set({ failedAttempts: 0, lockedUntil: new Date(Date.now() + policy.lockoutMinutes * 60_000) }).where(eq(users.id, user.id));
    }
    await audit(tx, actor, { entity: 'user', entityId: user.id, action, result: 'failure', after: { failedAttempts: u.failed } });
    if (locks) {
      await audit(tx, actor, { entity: 'user', entityId: user.id, action: 'login_locked', result: 'failure', after: { minutes: policy.lockoutMinutes } });
      await endSessionsOf(tx, [user.id], actor, 'session_ended_locked');
    }
  });
}

const isLocked = (u: UserRow) => !!u.lockedUntil && u.lockedUntil.getTime() > Date.now();

/** The account's own password, asked again before its second factor changes. Wrong ones count toward the lockout. */
async function confirmPassword(db: Db, caller: Caller, password: string, actor: Actor, policy: SecurityPolicy) {
  const [u] = await db.select().from(users).where(eq(users.id, caller.userId));
  if (!(await verifyPassword(password, u.passwordHash)) || isLocked(u)) {
    await countFailure(db, u, policy, actor, 'confirm_password_failed');
    throw new AppError(400, 'VALIDATION', '密码不正确', [{ field: 'body.password', message: '密码不正确' }]);
  }
  return u;
}

async function confirmSecondFactor(db: Db, u: UserRow, code: string, actor: Actor, policy: SecurityPolicy) {
  const how = await db.transaction((tx) => proveSecondFactor(tx, u, code));
  if (!how) {
    await countFailure(db, u, policy, actor, 'totp_failed');
    throw new AppError(400, 'VALIDATION', '动态验证码不正确', [{ field: 'body.code', message: '动态验证码不正确' }]);
  }
  return how;
}

export const authModule: Module = {
  name: 'auth',
  register(app, { db, config }) {
    app.post(
      '/api/auth/login',
      {
        config: { public: true, rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
        schema: { tags, summary: '登录（已绑定动态口令的账号同时提交 code）', body: LoginBody, response: { 200: Me } },
      },
      async (req, reply) => {
        const { username, password, code } = req.body;
        const policy = await securityPolicy(db);
        const [u] = await db.select().from(users).where(eq(users.username, username));
        // The password is checked whatever else is wrong, so the answer takes as long for every kind of failure.
        const ok = await verifyPassword(password, u?.passwordHash ?? (await dummyHash()));
        const actor = { ...actorOf(req), userId: u?.id ?? null, username: u?.username ?? null };
        if (!u) {
          await auditNow(db, actor, { entity: 'user', entityId: null, action: 'login_unknown_user', result: 'failure', after: { username: username.slice(0, 64) } });
          throw badCredentials(policy);
        }
        if (u.disabled) {
          await auditNow(db, actor, { entity: 'user', entityId: u.id, action: 'login_disabled', result: 'failure' });
          throw badCredentials(policy);
        }
        if (isLocked(u)) {
          await auditNow(db, actor, { entity: 'user', entityId: u.id, action: 'login_while_locked', result: 'failure' });
          throw badCredentials(policy);
        }
        if (!ok) {
          await countFailure(db, u, policy, actor, 'login_failed');
          throw badCredentials(policy);
        }
        let method: 'password' | 'totp' | 'recovery' = 'password';
        if (u.totpEnabledAt) {
          if (!code) throw new AppError(401, 'TOTP_REQUIRED', '请输入动态口令应用中的 6 位验证码', []);
          const how = await db.transaction((tx) => proveSecondFactor(tx, u, code));
          if (!how) {
            await countFailure(db, u, policy, actor, 'login_totp_failed');
            throw new AppError(401, 'TOTP_INVALID', '动态验证码不正确或已使用过，请输入新的验证码', []);
          }
          method = how;
        }
        const caller = await loadCaller(db, u.id, { policy });
        if (!caller) throw badCredentials(policy);
        // A hash written under older parameters (or scrypt) is replaced now that the password is known to be right.
        const rehash = needsRehash(u.passwordHash) ? await hashPassword(password) : null;
        const token = await db.transaction(async (tx) => {
          await tx
            .update(users)
            .set({ failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date(), ...(rehash ? { passwordHash: rehash } : {}) })
            .where(eq(users.id, u.id));
          await audit(tx, actor, { entity: 'user', entityId: u.id, action: 'login', after: { method, ...(rehash ? { rehashed: true } : {}) } });
          return createSession(tx, u.id, req, policy, actor);
        });
        setSessionCookie(reply, token, config.secureCookie);
        return presentMe(db, { ...caller, sessionId: tokenId(token) });
      },
    );

    app.post(
      '/api/auth/logout',
      { config: { public: true }, schema: { tags, summary: '退出登录', response: { 200: Ok } } },
      async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        if (token) {
          const [s] = await db.select({ id: sessions.id, userId: sessions.userId }).from(sessions).where(eq(sessions.id, tokenId(token)));
          if (s) await endSessions(db, [s], actorOf(req), 'logout');
        }
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/auth/me',
      { schema: { tags, summary: '当前用户、单位、角色、权限、数据范围与须先完成的安全事项', response: { 200: Me } } },
      async (req) => presentMe(db, callerOf(req)),
    );

    app.post(
      '/api/auth/password',
      { schema: { tags, summary: '修改本人密码', body: ChangePasswordBody, response: { 200: Ok } } },
      async (req) => {
        const caller = callerOf(req);
        const actor = actorOf(req);
        const policy = await securityPolicy(db);
        const [u] = await db.select().from(users).where(eq(users.id, caller.userId));
        if (!(await verifyPassword(req.body.oldPassword, u.passwordHash))) {
          await countFailure(db, u, policy, actor, 'change_password_failed');
          throw new AppError(400, 'VALIDATION', '原密码不正确', [{ field: 'body.oldPassword', message: '原密码不正确' }]);
        }
        const problem = passwordProblem(req.body.newPassword, policy, u.username);
        if (problem) throw new AppError(400, 'VALIDATION', problem, [{ field: 'body.newPassword', message: problem }]);
        const recent = await db
          .select({ hash: passwordHistory.passwordHash })
          .from(passwordHistory)
          .where(eq(passwordHistory.userId, u.id))
          .orderBy(desc(passwordHistory.createdAt))
          .limit(Math.max(0, policy.historyCount - 1));
        for (const h of [u.passwordHash, ...recent.map((r) => r.hash)].slice(0, Math.max(1, policy.historyCount))) {
          if (await verifyPassword(req.body.newPassword, h)) {
            const message = `新密码不能与最近 ${Math.max(1, policy.historyCount)} 次使用过的密码相同`;
            throw new AppError(400, 'VALIDATION', message, [{ field: 'body.newPassword', message }]);
          }
        }
        const newHash = await hashPassword(req.body.newPassword);
        await db.transaction(async (tx) => {
          const [changed] = await tx
            .update(users)
            .set({ passwordHash: newHash, passwordChangedAt: new Date(), mustChangePassword: false, failedAttempts: 0, updatedAt: new Date(), version: sql`${users.version} + 1` })
            .where(and(eq(users.id, u.id), eq(users.passwordHash, u.passwordHash)))
            .returning({ id: users.id });
          if (!changed) throw new AppError(409, 'CONFLICT', '密码刚被修改过，请刷新后重试', []);
          await tx.insert(passwordHistory).values({ userId: u.id, passwordHash: u.passwordHash });
          await tx.execute(sql`delete from ${passwordHistory} where ${passwordHistory.userId} = ${u.id} and ${passwordHistory.id} not in (
            select ${passwordHistory.id} from ${passwordHistory} where ${passwordHistory.userId} = ${u.id} order by ${passwordHistory.createdAt} desc limit ${Math.max(1, policy.historyCount)})`);
          // Other sessions of this account end: a changed password should lock out whoever else knew the old one.
          const others = await tx.select({ id: sessions.id, userId: sessions.userId }).from(sessions).where(and(eq(sessions.userId, u.id), ne(sessions.id, caller.sessionId ?? '')));
          if (others.length) {
            await tx.delete(sessions).where(and(eq(sessions.userId, u.id), ne(sessions.id, caller.sessionId ?? '')));
            for (const o of others) await audit(tx, actor, { entity: 'session', entityId: u.id, action: 'session_ended', after: { session: o.id.slice(0, 12), why: 'password_changed' } });
          }
          await audit(tx, actor, { entity: 'user', entityId: u.id, action: 'change_password', after: { forced: caller.security.mustChangePassword } });
        });
        return { ok: true as const };
      },
    );

    // ---- 双因素认证: TOTP with recovery codes ----
    app.get(
      '/api/auth/totp',
      { schema: { tags, summary: '本人的动态口令状态', response: { 200: TotpStatus } } },
      async (req) => {
        const caller = callerOf(req);
        const [u] = await db.select({ enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, caller.userId));
        return { enabled: !!u.enabledAt, enabledAt: u.enabledAt?.toISOString() ?? null, required: caller.security.totpRequired, recoveryCodesLeft: await recoveryCodesLeft(db, caller.userId) };
      },
    );
    app.post(
      '/api/auth/totp/setup',
      { schema: { tags, summary: '开始绑定动态口令：生成密钥与二维码（确认前不生效）', body: TotpSetupBody, response: { 200: TotpSetup } } },
      async (req) => {
        const caller = callerOf(req);
        const policy = await securityPolicy(db);
        const u = await confirmPassword(db, caller, req.body.password, actorOf(req), policy);
        if (u.totpEnabledAt) throw badRequest('已绑定动态口令；如需更换手机，请先解除绑定', []);
        const e = await newEnrolment(u.username);
        await db.transaction(async (tx) => {
          await tx.update(users).set({ totpPendingSecret: e.sealed }).where(eq(users.id, u.id));
          await audit(tx, actorOf(req), { entity: 'user', entityId: u.id, action: 'totp_setup' });
        });
        return { secret: e.secret, otpauthUrl: e.otpauthUrl, qrDataUrl: e.qrDataUrl };
      },
    );
    app.post(
      '/api/auth/totp/enable',
      { schema: { tags, summary: '确认绑定动态口令：输入应用显示的验证码，返回 10 个一次性恢复码（只显示这一次）', body: TotpEnableBody, response: { 200: RecoveryCodes } } },
      async (req) => {
        const caller = callerOf(req);
        const policy = await securityPolicy(db);
        const [u] = await db.select().from(users).where(eq(users.id, caller.userId));
        if (u.totpEnabledAt) throw badRequest('已绑定动态口令', []);
        if (!u.totpPendingSecret) throw badRequest('请先生成二维码', []);
        const codes = await db.transaction(async (tx) => {
          const how = await proveSecondFactor(tx, { id: u.id, totpSecret: u.totpPendingSecret, totpLastStep: null }, req.body.code);
          if (how !== 'totp') return null;
          await tx.update(users).set({ totpSecret: u.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: new Date() }).where(eq(users.id, u.id));
          const fresh = await newRecoveryCodes(tx, u.id);
          await audit(tx, actorOf(req), { entity: 'user', entityId: u.id, action: 'totp_enabled' });
          return fresh;
        });
        if (!codes) {
          await countFailure(db, u, policy, actorOf(req), 'totp_failed');
          throw new AppError(400, 'VALIDATION', '验证码不正确，请核对手机时间后输入最新的验证码', [{ field: 'body.code', message: '验证码不正确' }]);
        }
        return { codes };
      },
    );
    app.post(
      '/api/auth/totp/recovery-codes',
      { schema: { tags, summary: '重新生成恢复码（旧的全部作废）', body: TotpConfirmBody, response: { 200: RecoveryCodes } } },
      async (req) => {
        const caller = callerOf(req);
        const policy = await securityPolicy(db);
        const u = await confirmPassword(db, caller, req.body.password, actorOf(req), policy);
        if (!u.totpEnabledAt) throw badRequest('尚未绑定动态口令', []);
        await confirmSecondFactor(db, u, req.body.code, actorOf(req), policy);
        const codes = await db.transaction(async (tx) => {
          const fresh = await newRecoveryCodes(tx, u.id);
          await audit(tx, actorOf(req), { entity: 'user', entityId: u.id, action: 'totp_recovery_codes' });
          return fresh;
        });
        return { codes };
      },
    );
    app.post(
      '/api/auth/totp/disable',
      { schema: { tags, summary: '解除绑定动态口令（安全策略要求时不可解除）', body: TotpConfirmBody, response: { 200: Ok } } },
      async (req) => {
        const caller = callerOf(req);
        if (caller.security.totpRequired) throw badRequest('安全策略要求本账号启用动态口令，不能解除；更换手机请联系安全管理员重置', []);
        const policy = await securityPolicy(db);
        const u = await confirmPassword(db, caller, req.body.password, actorOf(req), policy);
        if (!u.totpEnabledAt) throw badRequest('尚未绑定动态口令', []);
        await confirmSecondFactor(db, u, req.body.code, actorOf(req), policy);
        await db.transaction(async (tx) => {
          await clearSecondFactor(tx, u.id);
          await audit(tx, actorOf(req), { entity: 'user', entityId: u.id, action: 'totp_disabled' });
        });
        return { ok: true as const };
      },
    );

    // ---- 我的会话 ----
    app.get(
      '/api/auth/sessions',
      { schema: { tags, summary: '本人当前登录的会话', response: { 200: MySessionList } } },
      async (req) => {
        const caller = callerOf(req);
        const policy = await securityPolicy(db);
        const rows = await db.select().from(sessions).where(eq(sessions.userId, caller.userId)).orderBy(desc(sessions.lastSeenAt));
        return {
          data: rows
            .filter((s) => !sessionExpired(s, config.sessionIdleMinutes, policy))
            .map((s) => ({ ...presentSession(s, policy), current: s.id === caller.sessionId })),
        };
      },
    );
    app.delete(
      '/api/auth/sessions/:id',
      { schema: { tags, summary: '结束本人的一个会话（结束当前会话即退出登录）', params: SessionIdParams, response: { 200: Ok } } },
      async (req, reply) => {
        const caller = callerOf(req);
        const [s] = await db.select({ id: sessions.id, userId: sessions.userId }).from(sessions).where(and(eq(sessions.id, req.params.id), eq(sessions.userId, caller.userId)));
        if (!s) throw notFound('会话');
        await endSessions(db, [s], actorOf(req), s.id === caller.sessionId ? 'logout' : 'session_ended');
        if (s.id === caller.sessionId) reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );
  },
};

/** A session as its owner or the security administrator sees it: when it began, was last used, and will end. */
export function presentSession(s: typeof sessions.$inferSelect, policy: Pick<SecurityPolicy, 'sessionMaxHours'>) {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: new Date(s.createdAt.getTime() + policy.sessionMaxHours * 3600_000).toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
  };
}

/** Removes an account's second factor and its recovery codes (the owner's choice, or the security admin's reset). */
export async function clearSecondFactor(tx: DbLike, userId: string) {
  await tx.update(users).set({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, userId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}
