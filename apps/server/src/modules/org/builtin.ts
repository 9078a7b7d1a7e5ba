import { eq } from 'drizzle-orm';
import { PERMISSIONS, type DataScopeKind, type Duty, type Permission } from '@luoshi/contract';
import type { DbLike } from '../../db/client.ts';
import { roles } from '../../db/schema/index.ts';

const ALL = Object.keys(PERMISSIONS) as Permission[];
/** Permissions that belong to a separated admin duty alone: no business role may hold them. */
export const DUTY_ONLY = (p: string) => p.startsWith('audit:') || p.startsWith('security:');
const BUSINESS = ALL.filter((p) => !DUTY_ONLY(p));
const READ = BUSINESS.filter((p) => p.endsWith(':read'));

/** The roles of PRODUCT.md; an admin may add more. Built-ins are refreshed at start so new permissions reach them. */
export const BUILTIN_ROLES: { code: string; name: string; scope: DataScopeKind; permissions: Permission[]; duty?: Duty }[] = [
  { code: 'dept_admin', name: '部机关管理员', scope: 'all', permissions: BUSINESS },
  {
    code: 'liaison',
    name: '单位联络员',
    scope: 'subtree',
    permissions: [
      ...READ,
      // 一级抓一级: a county keeps its own branches and people in order.
      'org:unit:write',
      'org:person:write',
      'org:group:write',
      // Edits only the tasks its own side handed down (the service checks the assigning unit).
      'campaigns:task:write',
      'campaigns:task:breakdown',
      'campaigns:report:submit',
      'campaigns:report:review',
      'campaigns:meeting:write',
      'study:session:write',
      'study:reflection:write',
      'study:reflection:review',
      'study:reading:write',
      'study:score:import',
      'points:claim:submit',
      'points:appeal:submit',
      'info:item:submit',
      'info:media:write',
      'reports:summary:write',
      'notify:webhook:write',
    ],
  },
  {
    code: 'branch_secretary',
    name: '支部书记',
    scope: 'unit',
    permissions: [
      ...READ,
      'campaigns:task:breakdown',
      'campaigns:report:submit',
      'campaigns:report:review',
      'campaigns:meeting:write',
      'study:session:write',
      'study:reflection:write',
      'study:reflection:review',
      'study:reading:write',
      'points:claim:submit',
      'points:appeal:submit',
      'info:item:submit',
      'reports:summary:write',
    ],
  },
  {
    code: 'staff',
    name: '干部职工',
    scope: 'self',
    // org:person:read under a self scope shows a staff member their own record only.
    permissions: [
      'org:unit:read',
      'org:person:read',
      'campaigns:campaign:read',
      'campaigns:task:read',
      'campaigns:report:submit',
      'campaigns:meeting:read',
      'study:session:read',
      'study:reflection:write',
      'study:reading:write',
      'study:score:read',
      // 积分制: their own points and the rules behind them
      'points:rule:read',
      'points:ledger:read',
      'points:appeal:submit',
      // 记者 and other staff write items and register their media reports; they see their own
      'info:item:read',
      'info:item:submit',
      'info:media:write',
      // their own dashboard, and the bulletins sent to their unit
      'reports:dashboard:read',
      'reports:bulletin:read',
    ],
  },
  {
    // 信息科 / 融媒体中心: 编辑、校对、审核 the items routed to them, adopt and compile the issues
    code: 'info_reviewer',
    name: '信息编审（编辑/校对/审核）',
    scope: 'subtree',
    permissions: [
      'org:unit:read',
      'org:person:read',
      'campaigns:campaign:read',
      'campaigns:task:read',
      'points:rule:read',
      'points:ledger:read',
      'info:item:read',
      'info:item:review',
      'info:item:adopt',
      'info:media:write',
    ],
  },
  {
    // 督导员 (包联): sees the branches assigned to them through the assignment, not through a unit scope.
    code: 'supervisor',
    name: '督导员',
    scope: 'self',
    permissions: ['org:unit:read', 'study:session:read', 'study:session:comment', 'points:supervision:view'],
  },
  // 三员分立: three separated admin duties, each held alone (see modules/org/accounts.ts).
  {
    code: 'sys_admin',
    name: '系统管理员',
    scope: 'all',
    duty: 'system',
    // accounts, roles, units and settings — not the business records of the units
    permissions: ['org:unit:read', 'org:unit:write', 'org:person:read', 'org:person:write', 'org:role:read', 'org:role:write', 'system:calendar:write'],
  },
  {
    code: 'security_admin',
    name: '安全管理员',
    scope: 'all',
    duty: 'security',
    // password and login policy, unlocks, sessions, second-factor resets; key rotation is its duty on the server
    permissions: ['security:policy:write', 'security:account:manage'],
  },
  { code: 'audit_admin', name: '审计管理员', scope: 'all', duty: 'audit', permissions: ['audit:log:read'] },
];

export async function ensureBuiltinRoles(db: DbLike) {
  for (const r of BUILTIN_ROLES) {
    const [existing] = await db.select().from(roles).where(eq(roles.code, r.code));
    const values = { name: r.name, scope: r.scope, permissions: r.permissions, duty: r.duty ?? null };
    if (!existing) await db.insert(roles).values({ code: r.code, ...values, builtin: true });
    else await db.update(roles).set(values).where(eq(roles.id, existing.id));
  }
}
