import { z } from 'zod';
import { DateTimeInput, Id, listQuery, listResponse } from './common.ts';

/** 三员分立: the three separated admin duties. A duty role is held alone: no second duty, no business role. */
export const DUTIES = { system: '系统管理员', security: '安全管理员', audit: '审计管理员' } as const;
export type Duty = keyof typeof DUTIES;
export const Duty = z.enum(Object.keys(DUTIES) as [Duty, ...Duty[]]);

export const TOTP_MODES = {
  optional: '自愿启用',
  privileged: '三员与部机关管理员必须启用',
  everyone: '所有账号必须启用',
} as const;
export type TotpMode = keyof typeof TOTP_MODES;
export const TotpMode = z.enum(Object.keys(TOTP_MODES) as [TotpMode, ...TotpMode[]]);

/** The security administrator's password, login and session policy. */
export const SecurityPolicy = z.object({
  /** minimum password length */
  minLength: z.number().int().min(8).max(64),
  /** how many of lower case, upper case, digits and symbols a password must mix */
  minClasses: z.number().int().min(2).max(4),
  /** a new password may not be one of the last N */
  historyCount: z.number().int().min(0).max(24),
  /** days a password lasts (0: never expires) */
  maxAgeDays: z.number().int().min(0).max(365),
  /** days before expiry that the user is warned */
  warnDays: z.number().int().min(0).max(30),
  /** wrong passwords or codes in a row before the account locks */
  lockoutThreshold: z.number().int().min(3).max(10),
  lockoutMinutes: z.number().int().min(5).max(1440),
  totp: TotpMode,
  /** a session ends this many hours after login however active it is */
  sessionMaxHours: z.number().int().min(1).max(72),
  /** sessions an account may hold at once; a new login ends the oldest beyond it */
  maxSessions: z.number().int().min(1).max(20),
});
export type SecurityPolicy = z.infer<typeof SecurityPolicy>;

export const DEFAULT_SECURITY_POLICY: SecurityPolicy = {
  minLength: 10,
  minClasses: 3,
  historyCount: 5,
  maxAgeDays: 90,
  warnDays: 7,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
  totp: 'privileged',
  sessionMaxHours: 12,
  maxSessions: 3,
};

export const SecurityPolicyRecord = SecurityPolicy.extend({ version: z.number().int(), updatedAt: z.string() });
export const UpdateSecurityPolicyBody = SecurityPolicy.extend({ version: z.number().int().min(1) });

/** What the signed-in user must do before anything else, and what the app should warn about. */
export const MySecurity = z.object({
  duty: Duty.nullable(),
  /** first login, an administrator's reset, or an expired password: only changing the password is allowed */
  mustChangePassword: z.boolean(),
  passwordExpiresAt: z.string().nullable(),
  /** days left when within the warning days, else null */
  passwordExpiresInDays: z.number().int().nullable(),
  totpEnabled: z.boolean(),
  /** the policy requires a second factor for this account: until enrolled, only enrolment is allowed */
  totpRequired: z.boolean(),
});
export type MySecurity = z.infer<typeof MySecurity>;

/** A 6-digit code from the authenticator app, or a one-time recovery code (xxxx-xxxx). */
export const OtpCode = z.string().trim().min(6, '请输入 6 位动态验证码').max(20);
const Password = z.string().min(1, '请输入密码').max(256);

export const TotpStatus = z.object({ enabled: z.boolean(), enabledAt: z.string().nullable(), required: z.boolean(), recoveryCodesLeft: z.number().int() });
export const TotpSetupBody = z.object({ password: Password });
export const TotpSetup = z.object({
  /** base32, for typing into an app that cannot scan */
  secret: z.string(),
  otpauthUrl: z.string(),
  /** the otpauth URL as a QR code, a data: URL of a PNG */
  qrDataUrl: z.string(),
});
export const TotpEnableBody = z.object({ code: OtpCode });
export const TotpConfirmBody = z.object({ password: Password, code: OtpCode });
export const RecoveryCodes = z.object({ codes: z.array(z.string()) });

export const MySession = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  /** the absolute end, however active the session */
  expiresAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export const MySessionList = z.object({ data: z.array(MySession) });
export const SessionIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, '会话编号格式不正确') });

export const SecuritySession = MySession.omit({ current: true }).extend({ userId: z.string(), username: z.string() });
export const SecuritySessionListQuery = listQuery(['lastSeenAt', 'createdAt'] as const, { userId: Id.optional(), q: z.string().trim().max(64).optional() });
export const SecuritySessionList = listResponse(SecuritySession);

/** An account as the security administrator sees it: its login state, never its secrets. */
export const SecurityAccount = z.object({
  userId: z.string(),
  username: z.string(),
  personName: z.string().nullable(),
  unitName: z.string().nullable(),
  roles: z.array(z.object({ code: z.string(), name: z.string() })),
  duty: Duty.nullable(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  failedAttempts: z.number().int(),
  totpEnabled: z.boolean(),
  totpRequired: z.boolean(),
  mustChangePassword: z.boolean(),
  passwordChangedAt: z.string(),
  passwordExpired: z.boolean(),
  lastLoginAt: z.string().nullable(),
  sessions: z.number().int(),
});
export const SECURITY_ACCOUNT_STATES = { locked: '已锁定', no_totp: '未启用动态口令', expired: '密码已过期', duty: '三员账号' } as const;
export const SecurityAccountListQuery = listQuery(['username', 'lastLoginAt'] as const, {
  q: z.string().trim().max(64).optional(),
  state: z.enum(Object.keys(SECURITY_ACCOUNT_STATES) as [keyof typeof SECURITY_ACCOUNT_STATES]).optional(),
});
export const SecurityAccountList = listResponse(SecurityAccount);
export const UserIdParams = z.object({ userId: Id });

/** Accounts the system administrator keeps: every account in scope, including those without a person (admin and the 三员). */
export const SystemAccount = z.object({
  userId: z.string(),
  username: z.string(),
  personName: z.string().nullable(),
  unitName: z.string().nullable(),
  roles: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })),
  duty: Duty.nullable(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  version: z.number().int(),
});
export const SystemAccountListQuery = listQuery(['username'] as const, { q: z.string().trim().max(64).optional(), duty: z.enum(['any', 'none', 'system', 'security', 'audit']).optional() });
export const SystemAccountList = listResponse(SystemAccount);
export const UpdateSystemAccountBody = z.object({
  version: z.number().int().min(1),
  disabled: z.boolean().optional(),
  /** a new initial password: the holder must change it at the next login */
  password: z.string().min(8, '密码至少 8 位').max(128).optional(),
});

// ---- 审计日志 ----

export const AUDIT_RESULTS = { success: '成功', failure: '失败', denied: '拒绝' } as const;
export type AuditResult = keyof typeof AUDIT_RESULTS;
export const AuditResult = z.enum(Object.keys(AUDIT_RESULTS) as [AuditResult, ...AuditResult[]]);

export const AuditRow = z.object({
  id: z.number().int(),
  at: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  ip: z.string().nullable(),
  route: z.string().nullable(),
  module: z.string().nullable(),
  entity: z.string(),
  entityId: z.string().nullable(),
  action: z.string(),
  result: AuditResult,
  /** personal data masked */
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditRow = z.infer<typeof AuditRow>;
export const AuditListQuery = listQuery(['at'] as const, {
  username: z.string().trim().max(64).optional(),
  from: DateTimeInput().optional(),
  to: DateTimeInput().optional(),
  action: z.string().trim().max(64).optional(),
  module: z.string().trim().max(32).optional(),
  entity: z.string().trim().max(50).optional(),
  entityId: z.string().trim().max(64).optional(),
  result: AuditResult.optional(),
});
export const AuditExportQuery = AuditListQuery.omit({ page: true, pageSize: true });
export const AuditList = listResponse(AuditRow);
export const AuditIdParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
/** The values the filters offer: modules and actions that occur in the log. */
export const AuditFacets = z.object({ modules: z.array(z.string()), actions: z.array(z.string()) });

export const AuditVerify = z.object({
  intact: z.boolean(),
  /** the first row that fails, or null */
  firstBrokenId: z.number().int().nullable(),
  /** what is wrong, in Chinese: an altered row, a chain re-computed without the key, rows missing since a checkpoint */
  problem: z.string().nullable(),
  rows: z.number().int(),
  checkpoint: z.object({ at: z.string(), count: z.number().int(), lastId: z.number().int() }).nullable(),
  archives: z.number().int(),
  checkedAt: z.string(),
});
