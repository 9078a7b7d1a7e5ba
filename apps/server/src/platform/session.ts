import { createHash, randomBytes } from 'node:crypto';
import { desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DataScopeKind, Duty, Permission, SecurityPolicy } from '@luoshi/contract';
import type { Db, DbLike } from '../db/client.ts';
import { roles, sessions, units, userRoles, users } from '../db/schema/index.ts';
import { audit, SYSTEM_ACTOR, type Actor } from './audit.ts';
import { AppError, forbidden, unauthorized } from './errors.ts';
import { passwordExpiry, securityPolicy, totpRequiredFor } from './policy.ts';
import { widestScope, type DataScope } from './scope.ts';

export const SESSION_COOKIE = 'luoshi_sid';

/** The signed-in caller, as every route sees it. */
export type Caller = {
  userId: string;
  username: string;
  personId: string | null;
  unitId: string | null;
  unitPath: string | null;
  roles: { id: string; code: string; name: string; scope: DataScopeKind; duty: Duty | null }[];
  permissions: Set<string>;
  scope: DataScope;
  /** 三员分立: the separated admin duty this account holds, if any (it then holds nothing else) */
  duty: Duty | null;
  /** the session of this request (the hash of its cookie), null for a caller loaded outside a request */
  sessionId: string | null;
  /** what the account must do before anything else: change its password, or enrol a second factor */
  restriction: 'password' | 'totp' | null;
  security: { mustChangePassword: boolean; passwordExpiresAt: Date | null; totpEnabled: boolean; totpRequired: boolean };
};

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** the permission a route requires; routes without one need only a session */
    permission?: Permission;
    /** reachable without a session (login, health, the OpenAPI document) */
    public?: boolean;
  }
}

export const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export async function loadCaller(db: DbLike, userId: string, opts: { policy?: SecurityPolicy; sessionId?: string | null } = {}): Promise<Caller | null> {
  const [u] = await db
    .select({
      id: users.id, username: users.username, personId: users.personId, unitId: users.unitId, disabled: users.disabled, unitPath: units.path,
      mustChangePassword: users.mustChangePassword, passwordChangedAt: users.passwordChangedAt, totpEnabledAt: users.totpEnabledAt,
    })
    .from(users)
    .leftJoin(units, eq(units.id, users.unitId))
    .where(eq(users.id, userId));
  if (!u || u.disabled) return null;
  const rs = await db
    .select({ id: roles.id, code: roles.code, name: roles.name, scope: roles.scope, permissions: roles.permissions, duty: roles.duty })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(eq(userRoles.userId, userId));
  const policy = opts.policy ?? (await securityPolicy(db));
  const permissions = new Set(rs.flatMap((r) => r.permissions));
  const kind = widestScope(rs.map((r) => r.scope));
  const passwordExpiresAt = passwordExpiry(policy, u.passwordChangedAt);
  const mustChangePassword = u.mustChangePassword || (passwordExpiresAt !== null && passwordExpiresAt.getTime() <= Date.now());
  const totpEnabled = u.totpEnabledAt !== null;
  const totpRequired = totpRequiredFor(policy, rs);
  return {
    userId: u.id,
    username: u.username,
    personId: u.personId,
    unitId: u.unitId,
    unitPath: u.unitPath,
    roles: rs.map(({ permissions: _p, ...r }) => r),
    permissions: kind ? permissions : new Set(),
    // No role: no rows. A self scope without a person sees nothing either.
    scope: { kind: kind ?? 'self', unitId: u.unitId, unitPath: u.unitPath, personId: u.personId, userId: u.id },
    duty: rs.find((r) => r.duty)?.duty ?? null,
    sessionId: opts.sessionId ?? null,
    restriction: mustChangePassword ? 'password' : totpRequired && !totpEnabled ? 'totp' : null,
    security: { mustChangePassword, passwordExpiresAt, totpEnabled, totpRequired },
  };
}

/**
 * Opens a session in the login's transaction. An account holds at most the policy's number of sessions at once:
 * the oldest beyond it end, on the audit log, so a forgotten session on another computer does not live on.
 */
export async function createSession(tx: DbLike, userId: string, req: FastifyRequest, policy: Pick<SecurityPolicy, 'maxSessions'>, actor: Actor): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.insert(sessions).values({
    id: tokenId(token),
    userId,
    ip: req.ip,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300),
  });
  const beyond = await tx
    .select({ id: sessions.id, userId: sessions.userId })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .offset(policy.maxSessions);
  if (beyond.length) {
    await tx.delete(sessions).where(inArray(sessions.id, beyond.map((b) => b.id)));
    for (const b of beyond) await audit(tx, actor, { entity: 'session', entityId: userId, action: 'session_evicted', after: { session: b.id.slice(0, 12) } });
  }
  return token;
}

/**
 * Secure when the request came over HTTPS (directly, or through a proxy listed in LUOSHI_TRUST_PROXY);
 * `forceSecure` (LUOSHI_SECURE_COOKIE=true) makes it Secure regardless.
 */
export function setSessionCookie(reply: FastifyReply, token: string, forceSecure = false) {
  const secure = forceSecure || reply.request.protocol === 'https';
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** What an account that must first change its password or enrol a second factor may still call. */
const RESTRICTED_ALLOWED = /^\/api\/auth\/(me|logout|password|totp(\/.*)?|sessions(\/.*)?)$/;

/** Whether a session has outlived the idle limit or the policy's absolute lifetime. */
export function sessionExpired(s: { createdAt: Date; lastSeenAt: Date }, idleMinutes: number, policy: Pick<SecurityPolicy, 'sessionMaxHours'>, now = Date.now()) {
  return now - s.lastSeenAt.getTime() > idleMinutes * 60_000 || now - s.createdAt.getTime() > policy.sessionMaxHours * 3600_000;
}

/** Resolves the session cookie on every /api request and enforces the route's permission. */
export function registerSessionGuard(app: FastifyInstance, db: Db, idleMinutes: number) {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const id = tokenId(token);
    const [s] = await db.select().from(sessions).where(eq(sessions.id, id));
    if (!s) return;
    const policy = await securityPolicy(db);
    const now = Date.now();
    if (sessionExpired(s, idleMinutes, policy, now)) {
      await endSessions(db, [s], { ...actorOf(req), userId: s.userId, username: null }, 'session_expired');
      return;
    }
    // Touch at most once a minute so that reads do not turn into writes.
    if (now - s.lastSeenAt.getTime() > 60_000) {
      await db.update(sessions).set({ lastSeenAt: new Date(now) }).where(eq(sessions.id, id));
    }
    req.caller = await loadCaller(db, s.userId, { policy, sessionId: id });
  });
  // Before validation: a caller without a session or the permission learns nothing from a 400.
  app.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const config = req.routeOptions.config;
    if (config?.public || !req.routeOptions.url) return;
    if (!req.caller) throw unauthorized();
    if (req.caller.restriction && !RESTRICTED_ALLOWED.test(req.routeOptions.url)) {
      throw req.caller.restriction === 'password'
        ? new AppError(403, 'PASSWORD_CHANGE_REQUIRED', '请先修改密码（首次登录、管理员重置或密码已过期）')
        : new AppError(403, 'TOTP_ENROLMENT_REQUIRED', '请先绑定动态口令（双因素认证）');
    }
    if (config?.permission && !req.caller.permissions.has(config.permission)) throw forbidden();
  });
  // 安全审计: every refusal of a signed-in caller is on the log — a missing permission (403), and a record of
  // another scope, which answers 404 exactly like one that does not exist, so the log names the id that was asked for.
  app.addHook('onError', async (req, _reply, err) => {
    if (!req.caller || !(err instanceof AppError)) return;
    const denied = err.status === 403 && err.code === 'FORBIDDEN';
    const hidden = err.status === 404 && err.code === 'NOT_FOUND' && !!req.routeOptions.url?.includes(':');
    if (!denied && !hidden) return;
    try {
      await db.transaction((tx) =>
        audit(tx, actorOf(req), {
          entity: 'access',
          entityId: Object.values((req.params ?? {}) as Record<string, string>).join('/').slice(0, 200) || null,
          action: denied ? 'forbidden' : 'not_found',
          result: 'denied',
          after: { status: err.status, message: err.message },
        }),
      );
    } catch (e) {
      req.log.error({ err: e }, 'audit of a denial failed');
    }
  });
}

/** Ends sessions and puts each on the audit log with why: logout, ended by its owner or the security admin, expired. */
export async function endSessions(db: Db, rows: { id: string; userId: string }[], actor: Actor, action: string) {
  if (!rows.length) return;
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(inArray(sessions.id, rows.map((r) => r.id)));
    for (const r of rows) await audit(tx, actor, { entity: 'session', entityId: r.userId, action, after: { session: r.id.slice(0, 12) } });
  });
}

/** Ends every session of these accounts, in the caller's transaction (a disabled account, a new password). */
export async function endSessionsOf(tx: DbLike, userIds: string[], actor: Actor, action = 'session_ended') {
  if (!userIds.length) return;
  const ended = await tx.delete(sessions).where(inArray(sessions.userId, userIds)).returning({ id: sessions.id, userId: sessions.userId });
  for (const r of ended) await audit(tx, actor, { entity: 'session', entityId: r.userId, action, after: { session: r.id.slice(0, 12) } });
}

/** The job that ends sessions past their idle or absolute limit, whether or not anyone comes back with them. */
export async function purgeExpiredSessions(db: Db, idleMinutes: number) {
  const policy = await securityPolicy(db);
  const stale = await db
    .select({ id: sessions.id, userId: sessions.userId })
    .from(sessions)
    .where(
      or(
        lt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${idleMinutes})`),
        lt(sessions.createdAt, sql`now() - make_interval(hours => ${policy.sessionMaxHours})`),
      ),
    );
  await endSessions(db, stale, SYSTEM_ACTOR, 'session_expired');
  return stale.length;
}

/** The caller of a route that requires a session (the guard has already refused anonymous calls). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw unauthorized();
  return req.caller;
}

export function actorOf(req: FastifyRequest): Actor {
  return {
    userId: req.caller?.userId ?? null,
    username: req.caller?.username ?? null,
    ip: req.ip,
    route: `${req.method} ${req.routeOptions.url ?? req.url}`,
  };
}
