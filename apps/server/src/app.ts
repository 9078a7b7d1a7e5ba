import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import '@luoshi/contract';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import { frameworkErrors, registerErrorHandling } from './platform/errors.ts';
import { guardedValidatorCompiler, registerHttpEdge } from './platform/http.ts';
import { loggerOptions } from './platform/log.ts';
import { useKeyRing } from './platform/crypto.ts';
import { loadKeyRing } from './platform/keys.ts';
import { registerSessionGuard } from './platform/session.ts';
import type { App, Module } from './platform/types.ts';
import { authModule } from './modules/auth/routes.ts';
import { orgModule } from './modules/org/routes.ts';
import { campaignsModule } from './modules/campaigns/routes.ts';
import { auditModule } from './modules/audit/routes.ts';
import { studyModule } from './modules/study/routes.ts';
import { pointsModule } from './modules/points/routes.ts';
import { infoModule } from './modules/info/routes.ts';
import { reportsModule } from './modules/reports/routes.ts';
import { notifyModule } from './modules/notify/routes.ts';
import { securityModule } from './modules/security/routes.ts';

/** Every /api route as registered: the scope walk in the tests visits each one. */
export type RouteEntry = {
  method: string;
  url: string;
  permission?: string;
  public: boolean;
  /** the contract's schemas of the route's input (zod), for tests that generate requests from them */
  schema: { body?: unknown; querystring?: unknown; params?: unknown; multipart: boolean };
};
declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export const MODULES: Module[] = [authModule, orgModule, campaignsModule, studyModule, pointsModule, infoModule, reportsModule, notifyModule, securityModule, auditModule];

export const MODULE_TAGS = [
  { name: 'auth', description: '登录与会话' },
  { name: 'org', description: '组织：单位、人员、角色、工作小组' },
  { name: 'campaigns', description: '专项行动与重点任务' },
  { name: 'study', description: '学习：学习活动、每周覆盖、心得体会、读书、学习平台积分' },
  { name: 'points', description: '考核积分' },
  { name: 'info', description: '信息报送与三审三校：报送、清理、查重、审核、采用、期刊、媒体报道、统计' },
  { name: 'reports', description: '统计与通报：统计看板、通报、工作总结' },
  { name: 'notify', description: '通知与提醒：通知中心、到期提醒、邮件与群机器人、节假日调整' },
  { name: 'security', description: '安全管理：密码与登录策略、账号解锁、动态口令重置、会话' },
  { name: 'audit', description: '安全审计' },
  { name: 'system', description: '系统' },
];

export async function buildApp(deps: { db: Db; config: Config; logger?: boolean | object }): Promise<App> {
  const { db, config } = deps;
  useKeyRing(loadKeyRing(config));
  const app = Fastify({
    // Tests may pass their own stream or level; the redaction and the error serializer always apply.
    logger: deps.logger === false ? false : { ...loggerOptions(config.logLevel), ...(typeof deps.logger === 'object' ? deps.logger : {}) },
    bodyLimit: 2 * 1024 * 1024,
    // X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies the deployer lists: otherwise any
    // client could pick the address the rate limits count and the audit records.
    trustProxy: config.trustProxy.length ? config.trustProxy : false,
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(guardedValidatorCompiler(validatorCompiler));
  app.setSerializerCompiler(serializerCompiler);
  const index = path.join(config.webDist, 'index.html');
  const spaIndex = fs.existsSync(index) ? fs.readFileSync(index) : null;
  registerErrorHandling(app, spaIndex);

  await app.register(helmet, {
    // Sent by registerHttpEdge, only over HTTPS.
    hsts: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 10, fields: 20 } });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: '落实 API', version: '0.1.0', description: '宣传文化系统工作平台' },
      tags: MODULE_TAGS,
    },
    transform: jsonSchemaTransform,
  });
  registerSessionGuard(app, db, config.sessionIdleMinutes);
  registerHttpEdge(app);
  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/')) return;
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      const schema = (r.schema ?? {}) as { body?: unknown; querystring?: unknown; params?: unknown; consumes?: string[] };
      routeTable.push({
        method,
        url: r.url,
        permission: r.config?.permission,
        public: !!r.config?.public,
        schema: {
          body: schema.body,
          querystring: schema.querystring,
          params: schema.params,
          multipart: !!schema.consumes?.some((c) => c.startsWith('multipart/')),
        },
      });
    }
  });
  app.decorate('routeTable', routeTable);

  app.get(
    '/api/health',
    { config: { public: true }, schema: { tags: ['system'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  for (const m of MODULES) await app.register(async (scoped) => m.register(scoped as App, { db, config }));

  if (spaIndex) {
    await app.register(fastifyStatic, { root: config.webDist, wildcard: false, index: false, serve: true });
  }
  return app;
}
