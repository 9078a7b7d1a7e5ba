import path from 'node:path';
import { z } from 'zod';

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

const Env = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LUOSHI_DATA: z.string().default('./data'),
  DATABASE_URL: z.preprocess(unsetIfEmpty, z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL 应以 postgres:// 开头').optional()),
  LUOSHI_ADMIN_PASSWORD: z.preprocess(unsetIfEmpty, z.string().min(8, 'LUOSHI_ADMIN_PASSWORD 至少 8 位').optional()),
  /** minutes of inactivity after which a session ends */
  LUOSHI_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
  /** login attempts per minute from one address */
  LUOSHI_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  LUOSHI_UPLOAD_MAX_MB: z.coerce.number().min(1).default(20),
  LUOSHI_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** secure cookies behind HTTPS */
  LUOSHI_SECURE_COOKIE: z.enum(['true', 'false']).default('false'),
  LUOSHI_WEB_DIST: z.string().optional(),
});

export type Config = {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  adminPassword?: string;
  sessionIdleMinutes: number;
  uploadMaxBytes: number;
  loginRatePerMinute: number;
  logLevel: string;
  secureCookie: boolean;
  webDist: string;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`配置有误：\n${lines}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.LUOSHI_DATA),
    databaseUrl: e.DATABASE_URL,
    adminPassword: e.LUOSHI_ADMIN_PASSWORD,
    sessionIdleMinutes: e.LUOSHI_SESSION_IDLE_MINUTES,
    loginRatePerMinute: e.LUOSHI_LOGIN_RATE_PER_MINUTE,
    uploadMaxBytes: Math.round(e.LUOSHI_UPLOAD_MAX_MB * 1024 * 1024),
    logLevel: e.LUOSHI_LOG_LEVEL,
    secureCookie: e.LUOSHI_SECURE_COOKIE === 'true',
    webDist: path.resolve(e.LUOSHI_WEB_DIST ?? new URL('../../web/dist', import.meta.url).pathname),
    ...overrides,
  };
}
