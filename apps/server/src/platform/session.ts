import { createHash, randomBytes } from 'node:crypto';
import { eq, inArray, lt, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DataScopeKind, Permission } from '@luoshi/contract';
import type { Db } from '../db/client.ts';
import { roles, sessions, units, userRoles, users } from '../db/schema/index.ts';
import type { Actor } from './audit.ts';
import { forbidden, unauthorized } from './errors.ts';
import { widestScope, type DataScope } from './scope.ts';

export const SESSION_COOKIE = 'luoshi_sid';

/** The signed-in caller, as every route sees it. */
export type Caller = {
  userId: string;
  username: string;
  personId: string | null;
  unitId: string | null;
  unitPath: string | null;
  roles: { id: string; code: string; name: string; scope: DataScopeKind }[];
  permissions: Set<string>;
  scope: DataScope;
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

export async function loadCaller(db: Db, userId: string): Promise<Caller | null> {
  const [u] = await db
    .select({ id: users.id, username: users.username, personId: users.personId, unitId: users.unitId, disabled: users.disabled, unitPath: units.path })
    .from(users)
    .leftJoin(units, eq(units.id, users.unitId))
    .where(eq(users.id, userId));
  if (!u || u.disabled) return null;
  const rs = await db
    .select({ id: roles.id, code: roles.code, name: roles.name, scope: roles.scope, permissions: roles.permissions })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(eq(userRoles.userId, userId));
  const permissions = new Set(rs.flatMap((r) => r.permissions));
  const kind = widestScope(rs.map((r) => r.scope));
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
  };
}

export async function createSession(db: Db, userId: string, req: FastifyRequest): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(sessions).values({
    id: tokenId(token),
    userId,
    ip: req.ip,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300),
  });
  return token;
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure });
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
    const idleMs = idleMinutes * 60_000;
    const now = Date.now();
    if (now - s.lastSeenAt.getTime() > idleMs) {
      await db.delete(sessions).where(eq(sessions.id, id));
      return;
    }
    // Touch at most once a minute so that reads do not turn into writes.
    if (now - s.lastSeenAt.getTime() > 60_000) {
      await db.update(sessions).set({ lastSeenAt: new Date(now) }).where(eq(sessions.id, id));
    }
    req.caller = await loadCaller(db, s.userId);
  });
  // Before validation: a caller without a session or the permission learns nothing from a 400.
  app.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const config = req.routeOptions.config;
    if (config?.public || !req.routeOptions.url) return;
    if (!req.caller) throw unauthorized();
    if (config?.permission && !req.caller.permissions.has(config.permission)) throw forbidden();
  });
}

export async function endSessionsOf(db: Db, userIds: string[]) {
  if (userIds.length) await db.delete(sessions).where(inArray(sessions.userId, userIds));
}

export async function purgeIdleSessions(db: Db, idleMinutes: number) {
  await db.delete(sessions).where(lt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${idleMinutes})`));
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
