import { and, eq, ne, sql } from 'drizzle-orm';
import { ChangePasswordBody, LoginBody, Me, Ok, type Me as MeT } from '@luoshi/contract';
import { persons, sessions, units, users } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/password.ts';
import { actorOf, callerOf, createSession, loadCaller, SESSION_COOKIE, setSessionCookie, tokenId, type Caller } from '../../platform/session.ts';
import type { Db } from '../../db/client.ts';
import type { Module } from '../../platform/types.ts';

const MAX_FAILED = 5;
const LOCK_MINUTES = 15;
/** A hash to compare against when the user does not exist, so timing does not reveal which usernames exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function presentMe(db: Db, caller: Caller): Promise<MeT> {
  const [person] = caller.personId
    ? await db.select({ id: persons.id, name: persons.name, post: persons.post }).from(persons).where(eq(persons.id, caller.personId))
    : [];
  const [unit] = caller.unitId
    ? await db.select({ id: units.id, name: units.name, path: units.path }).from(units).where(eq(units.id, caller.unitId))
    : [];
  return {
    user: { id: caller.userId, username: caller.username },
    person: person ?? null,
    unit: unit ?? null,
    roles: caller.roles,
    permissions: [...caller.permissions].sort(),
    scope: caller.scope.kind,
  };
}

export const authModule: Module = {
  name: 'auth',
  register(app, { db, config }) {
    app.post(
      '/api/auth/login',
      {
        config: { public: true, rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
        schema: { tags: ['auth'], summary: '登录', body: LoginBody, response: { 200: Me } },
      },
      async (req, reply) => {
        const { username, password } = req.body;
        const [u] = await db.select().from(users).where(eq(users.username, username));
        const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
        if (u && u.lockedUntil && u.lockedUntil.getTime() > Date.now()) {
          throw new AppError(423, 'LOCKED', `连续登录失败次数过多，账号已锁定，请 ${LOCK_MINUTES} 分钟后再试`);
        }
        if (!u || !ok || u.disabled) {
          if (u && !u.disabled) {
            const failed = u.failedAttempts + 1;
            await db.transaction(async (tx) => {
              await tx
                .update(users)
                .set({
                  failedAttempts: failed >= MAX_FAILED ? 0 : failed,
                  lockedUntil: failed >= MAX_FAILED ? new Date(Date.now() + LOCK_MINUTES * 60_000) : u.lockedUntil,
                })
                .where(eq(users.id, u.id));
              await audit(tx, { ...actorOf(req), userId: u.id, username: u.username }, {
                entity: 'user',
                entityId: u.id,
                action: failed >= MAX_FAILED ? 'login_locked' : 'login_failed',
              });
            });
          }
          throw new AppError(401, 'BAD_CREDENTIALS', '用户名或密码不正确');
        }
        const caller = await loadCaller(db, u.id);
        if (!caller) throw new AppError(401, 'BAD_CREDENTIALS', '用户名或密码不正确');
        const token = await db.transaction(async (tx) => {
          await tx.update(users).set({ failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date() }).where(eq(users.id, u.id));
          await audit(tx, { ...actorOf(req), userId: u.id, username: u.username }, { entity: 'user', entityId: u.id, action: 'login' });
          return createSession(tx as unknown as Db, u.id, req);
        });
        setSessionCookie(reply, token, config.secureCookie);
        return presentMe(db, caller);
      },
    );

    app.post(
      '/api/auth/logout',
      { config: { public: true }, schema: { tags: ['auth'], summary: '退出登录', response: { 200: Ok } } },
      async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        if (token) await db.delete(sessions).where(eq(sessions.id, tokenId(token)));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/auth/me',
      { schema: { tags: ['auth'], summary: '当前用户、单位、角色、权限与数据范围', response: { 200: Me } } },
      async (req) => presentMe(db, callerOf(req)),
    );

    app.post(
      '/api/auth/password',
      { schema: { tags: ['auth'], summary: '修改本人密码', body: ChangePasswordBody, response: { 200: Ok } } },
      async (req) => {
        const caller = callerOf(req);
        const problem = passwordProblem(req.body.newPassword);
        if (problem) throw new AppError(400, 'VALIDATION', problem, [{ field: 'body.newPassword', message: problem }]);
        const [u] = await db.select().from(users).where(eq(users.id, caller.userId));
        if (!(await verifyPassword(req.body.oldPassword, u.passwordHash))) {
          throw new AppError(400, 'VALIDATION', '原密码不正确', [{ field: 'body.oldPassword', message: '原密码不正确' }]);
        }
        await db.transaction(async (tx) => {
          await tx
            .update(users)
            .set({ passwordHash: await hashPassword(req.body.newPassword), updatedAt: new Date(), version: sql`${users.version} + 1` })
            .where(eq(users.id, u.id));
          // Other sessions of this account end: a changed password should lock out whoever else knew the old one.
          const current = tokenId(req.cookies[SESSION_COOKIE] ?? '');
          await tx.delete(sessions).where(and(eq(sessions.userId, u.id), ne(sessions.id, current)));
          await audit(tx, actorOf(req), { entity: 'user', entityId: u.id, action: 'change_password' });
        });
        return { ok: true as const };
      },
    );
  },
};
