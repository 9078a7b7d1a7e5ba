import { z } from 'zod';
import { MySecurity } from './security.ts';

export const DATA_SCOPES = ['all', 'subtree', 'unit', 'self'] as const;
export const DataScopeKind = z.enum(DATA_SCOPES);
export type DataScopeKind = z.infer<typeof DataScopeKind>;

export const DATA_SCOPE_LABELS: Record<DataScopeKind, string> = {
  all: '全部',
  subtree: '本单位及下级',
  unit: '本单位',
  self: '仅本人',
};

/**
 * Every permission string, `module:resource:action`. Routes declare one of these;
 * roles are sets of them; the web hides what a user may not do with the same strings.
 */
export const PERMISSIONS = {
  'org:unit:read': '查看单位',
  'org:unit:write': '维护单位',
  'org:person:read': '查看人员',
  'org:person:write': '维护人员',
  'org:role:read': '查看角色',
  'org:role:write': '维护角色与账号',
  'org:group:read': '查看工作小组',
  'org:group:write': '维护工作小组',
  'campaigns:campaign:read': '查看专项行动',
  'campaigns:campaign:write': '维护专项行动',
  'campaigns:task:read': '查看任务',
  'campaigns:task:write': '下达与维护任务',
  'campaigns:task:breakdown': '分解任务',
  'campaigns:report:submit': '报送进展',
  'campaigns:report:review': '审核进展',
  'campaigns:meeting:read': '查看会议',
  'campaigns:meeting:write': '维护会议',
  'study:session:read': '查看学习活动',
  'study:session:write': '报备与记录学习活动',
  'study:session:comment': '列席点评学习活动',
  'study:coverage:read': '查看未学通报',
  'study:coverage:confirm': '确认未学通报与学习规则',
  'study:reflection:write': '撰写心得体会',
  'study:reflection:review': '审阅心得体会',
  'study:reading:write': '维护指定读本与读书记录',
  'study:score:import': '导入学习平台积分',
  'study:score:read': '查看学习积分排名',
  'study:stats:read': '查看学习统计',
  'points:rule:read': '查看考核评分细则',
  'points:rule:write': '维护考核评分细则',
  'points:ledger:read': '查看积分与排名',
  'points:claim:submit': '申请加减分',
  'points:claim:approve': '审核加减分',
  'points:period:manage': '考核周期与等次设置',
  'points:interview:write': '记录约谈',
  'points:appeal:submit': '提出积分申诉',
  'points:appeal:decide': '裁定积分申诉',
  'points:supervision:view': '查看包联督导情况',
  'info:item:read': '查看信息报送',
  'info:item:submit': '报送信息',
  'info:item:review': '编辑、校对、审核信息',
  'info:item:adopt': '采用信息与编发期刊',
  'info:media:write': '登记媒体报道',
  'info:settings:write': '信息报送设置与目标任务',
  'reports:dashboard:read': '查看统计看板',
  'reports:bulletin:read': '查看通报',
  'reports:bulletin:write': '起草与印发通报',
  'reports:summary:write': '撰写工作总结',
  'notify:webhook:write': '维护单位群机器人',
  'system:calendar:write': '维护节假日调整',
  'security:policy:write': '设置密码与登录策略',
  'security:account:manage': '解锁账号、重置动态口令、结束会话',
  'audit:log:read': '查阅、校验与导出审计日志',
} as const;
export type Permission = keyof typeof PERMISSIONS;
export const PermissionName = z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]]);

export const LoginBody = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(256),
  /** the authenticator's 6-digit code or a recovery code, once the account has a second factor */
  code: z.string().trim().max(20).optional(),
});

export const Me = z.object({
  user: z.object({ id: z.string(), username: z.string() }),
  person: z.object({ id: z.string(), name: z.string(), post: z.string().nullable() }).nullable(),
  unit: z.object({ id: z.string(), name: z.string(), path: z.string() }).nullable(),
  roles: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), scope: DataScopeKind })),
  permissions: z.array(z.string()),
  scope: DataScopeKind,
  security: MySecurity,
});
export type Me = z.infer<typeof Me>;

export const ChangePasswordBody = z.object({
  oldPassword: z.string().min(1, '请输入原密码'),
  // the security policy decides the rest (length, classes, history), on the server
  newPassword: z.string().min(8, '新密码至少 8 位').max(128),
});
