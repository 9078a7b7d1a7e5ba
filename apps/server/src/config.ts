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
  /** proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: addresses or CIDRs, comma-separated; off when empty */
  LUOSHI_TRUST_PROXY: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** intranet robot gateways (host or host:port, comma-separated) that webhooks may reach over plain http and at a private address; https to public addresses otherwise (platform/outbound.ts) */
  LUOSHI_OUTBOUND_HTTP_HOSTS: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** HMAC key of the audit chain (base64 or hex, ≥ 32 bytes); a key file in <data>/keys when unset */
  LUOSHI_AUDIT_KEY: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** SM4 data keys, current first (base64 or hex, ≥ 32 bytes each, comma-separated); a key file in <data>/keys when unset */
  LUOSHI_DATA_KEY: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** where the daily signed audit checkpoints are written: outside the database, ideally on another disk */
  LUOSHI_AUDIT_CHECKPOINT_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** audit rows older than this are archived to a signed file and purged (at least 180 days) */
  LUOSHI_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180, '审计日志至少保留 180 天').default(365),
  /** daily backups: the folder (none when unset) and how many to keep */
  LUOSHI_BACKUP_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  LUOSHI_BACKUP_KEEP: z.coerce.number().int().min(1).default(7),
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
  /** trusted proxy addresses or CIDRs; empty: the peer address is the client */
  trustProxy: string[];
  outboundHttpHosts: string[];
  /**
   * Exact address:port pairs the outbound guard lets through whatever their class. Only code sets it (tests, for
   * their receivers on 127.0.0.1): no environment variable maps to it, so no deployment can open the guard.
   */
  outboundTestReceivers?: { address: string; port: number }[];
  keysDir: string;
  auditKey?: string;
  dataKey?: string;
  auditCheckpointDir: string;
  auditRetentionDays: number;
  backupDir?: string;
  backupKeep: number;
};

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

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
    trustProxy: list(e.LUOSHI_TRUST_PROXY),
    outboundHttpHosts: list(e.LUOSHI_OUTBOUND_HTTP_HOSTS).map((h) => h.toLowerCase()),
    keysDir: path.join(path.resolve(e.LUOSHI_DATA), 'keys'),
    auditKey: e.LUOSHI_AUDIT_KEY,
    dataKey: e.LUOSHI_DATA_KEY,
    auditCheckpointDir: path.resolve(e.LUOSHI_AUDIT_CHECKPOINT_DIR ?? path.join(e.LUOSHI_DATA, 'audit-checkpoints')),
    auditRetentionDays: e.LUOSHI_AUDIT_RETENTION_DAYS,
    backupDir: e.LUOSHI_BACKUP_DIR ? path.resolve(e.LUOSHI_BACKUP_DIR) : undefined,
    backupKeep: e.LUOSHI_BACKUP_KEEP,
    ...overrides,
  };
}
