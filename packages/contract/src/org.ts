import { z } from 'zod';
import { DataScopeKind, PermissionName } from './auth.ts';
import { Duty } from './security.ts';
import { DateOnly, Id, listQuery, listResponse, QueryBool } from './common.ts';

export const UNIT_TYPES = {
  department: '宣传部',
  county_department: '县（区）宣传部',
  directly_led: '直属单位',
  bureau: '局委办',
  media_center: '融媒体中心',
  branch: '党支部',
  practice_center: '新时代文明实践中心',
  practice_institute: '新时代文明实践所',
  practice_station: '新时代文明实践站',
  other: '其他',
} as const;
export type UnitType = keyof typeof UNIT_TYPES;
export const UnitType = z.enum(Object.keys(UNIT_TYPES) as [UnitType, ...UnitType[]]);

export const Unit = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  type: UnitType,
  path: z.string(),
  depth: z.number().int(),
  sort: z.number().int(),
  disabled: z.boolean(),
  version: z.number().int(),
});
export type Unit = z.infer<typeof Unit>;

const UnitName = z.string().trim().min(1, '请输入单位名称').max(100, '单位名称不超过 100 字');
export const CreateUnitBody = z.object({
  parentId: Id.nullable(),
  name: UnitName,
  type: UnitType,
  sort: z.number().int().min(0).default(0),
});
export const UpdateUnitBody = z.object({
  version: z.number().int().min(1),
  name: UnitName.optional(),
  type: UnitType.optional(),
  sort: z.number().int().min(0).optional(),
  disabled: z.boolean().optional(),
});
export const MoveUnitBody = z.object({ version: z.number().int().min(1), parentId: Id });

export const UnitListQuery = listQuery(['name', 'sort', 'path'] as const, {
  q: z.string().trim().max(50).optional(),
  parentId: Id.optional(),
  includeDisabled: QueryBool.optional(),
});
export const UnitList = listResponse(Unit);
export const UnitExportQuery = UnitListQuery.omit({ page: true, pageSize: true });

/** The login of a person, as an administrator sees it: never the password hash. */
export const Account = z.object({
  userId: z.string(),
  username: z.string(),
  disabled: z.boolean(),
  roles: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), scope: DataScopeKind })),
});
export type Account = z.infer<typeof Account>;

export const Person = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  /** full name path of the unit: 市委宣传部/甲县委宣传部 */
  unitPath: z.string(),
  name: z.string(),
  gender: z.enum(['男', '女']).nullable(),
  post: z.string().nullable(),
  birthDate: z.string().nullable(),
  /** masked (138****1234); the whole number comes from GET /api/org/persons/:id/phone, which is audited */
  phone: z.string().nullable(),
  /** the caller may see the whole number: the person themself, or org:person:write over the person's unit */
  phoneRevealable: z.boolean(),
  partyMember: z.boolean(),
  disabled: z.boolean(),
  username: z.string().nullable(),
  account: Account.nullable(),
  version: z.number().int(),
});
export type Person = z.infer<typeof Person>;

export const PersonPhone = z.object({ phone: z.string().nullable() });
export type PersonPhone = z.infer<typeof PersonPhone>;

export const Phone = z
  .string()
  .trim()
  .regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, '手机号应为 11 位手机号或带区号的固定电话');
const PersonFields = {
  unitId: Id,
  name: z.string().trim().min(1, '请输入姓名').max(50, '姓名不超过 50 字'),
  gender: z.enum(['男', '女']).nullable().optional(),
  post: z.string().trim().max(100).nullable().optional(),
  birthDate: DateOnly.nullable().optional(),
  phone: Phone.nullable().optional(),
  partyMember: z.boolean(),
};
export const CreatePersonBody = z.object({ ...PersonFields, partyMember: PersonFields.partyMember.default(false) });
// Built from the fields without defaults: a partial update must not reset what it does not mention.
export const UpdatePersonBody = z
  .object({ version: z.number().int().min(1), disabled: z.boolean().optional() })
  .extend(z.object(PersonFields).partial().shape);

export const PersonListQuery = listQuery(['name', 'birthDate', 'unit'] as const, {
  q: z.string().trim().max(50).optional(),
  unitId: Id.optional(),
  /** only people in the unit itself, not those below */
  direct: QueryBool.optional(),
  partyMember: QueryBool.optional(),
  /** people born after this date: "35 岁以下" audiences */
  bornAfter: DateOnly.optional(),
});
export const PersonList = listResponse(Person);
/** An export takes the list's filters and sort, without paging. */
export const PersonExportQuery = PersonListQuery.omit({ page: true, pageSize: true });

export const Role = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  permissions: z.array(z.string()),
  scope: DataScopeKind,
  builtin: z.boolean(),
  /** 三员分立: the separated admin duty of a built-in role, null for business roles */
  duty: Duty.nullable(),
  version: z.number().int(),
});
export type Role = z.infer<typeof Role>;
export const RoleBody = z.object({
  code: z.string().trim().regex(/^[a-z][a-z0-9_]{1,39}$/, '角色代码应为小写字母、数字或下划线'),
  name: z.string().trim().min(1, '请输入角色名称').max(50),
  permissions: z.array(PermissionName),
  scope: DataScopeKind,
});
export const UpdateRoleBody = RoleBody.omit({ code: true }).partial().extend({ version: z.number().int().min(1) });
export const RoleListQuery = listQuery(['name', 'code'] as const, { q: z.string().trim().max(50).optional() });
export const RoleList = listResponse(Role);

const Username = z.string().trim().regex(/^[A-Za-z0-9_.@-]{3,64}$/, '用户名为 3–64 位字母、数字或 _.@-');
const RoleIds = z.array(Id).min(1, '至少选择一个角色').max(20);
/** An account for a person: username, initial password, roles. */
export const AccountBody = z.object({
  username: Username,
  password: z.string().min(8, '密码至少 8 位').max(128),
  roleIds: RoleIds,
});
/** Disabling an account or setting a new password ends its sessions. */
export const UpdateAccountBody = z.object({
  roleIds: RoleIds.optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(8, '密码至少 8 位').max(128).optional(),
});

export const GROUP_TYPES = {
  leading: '领导小组',
  task_force: '工作专班',
  study: '学习小组',
  lecture: '宣讲队',
} as const;
export type GroupType = keyof typeof GROUP_TYPES;
export const GroupType = z.enum(Object.keys(GROUP_TYPES) as [GroupType, ...GroupType[]]);
export const GROUP_ROLES = { leader: '组长', deputy: '副组长', member: '成员' } as const;
export type GroupRole = keyof typeof GROUP_ROLES;
export const GroupRole = z.enum(Object.keys(GROUP_ROLES) as [GroupRole, ...GroupRole[]]);

export const GroupMember = z.object({
  personId: z.string(),
  name: z.string(),
  post: z.string().nullable(),
  unitName: z.string(),
  role: GroupRole,
});
export const Group = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  name: z.string(),
  type: GroupType,
  members: z.array(GroupMember),
  version: z.number().int(),
});
export type Group = z.infer<typeof Group>;
const GroupMembers = z.array(z.object({ personId: Id, role: GroupRole })).max(500);
const GroupFields = {
  name: z.string().trim().min(1, '请输入小组名称').max(100),
  type: GroupType,
  members: GroupMembers,
};
export const GroupBody = z.object({ unitId: Id, ...GroupFields, members: GroupMembers.default([]) });
// Without defaults: leaving out `members` keeps them, sending `members` replaces them all.
export const UpdateGroupBody = z.object(GroupFields).partial().extend({ version: z.number().int().min(1) });
export const GroupListQuery = listQuery(['name'] as const, {
  q: z.string().trim().max(50).optional(),
  unitId: Id.optional(),
  type: GroupType.optional(),
});
export const GroupList = listResponse(Group);

/** XLSX import: the preview lists every bad row; confirming writes the good ones in one transaction. */
export const IMPORT_KINDS = ['units', 'persons'] as const;
export const ImportKind = z.enum(IMPORT_KINDS);
export type ImportKind = z.infer<typeof ImportKind>;
/** The header row of each import sheet, in order; the template repeats it. */
export const IMPORT_COLUMNS: Record<ImportKind, readonly string[]> = {
  units: ['单位名称', '上级单位', '单位类型', '排序'],
  persons: ['姓名', '单位', '职务', '性别', '出生日期', '手机号', '是否党员'],
};
export const ImportRowError = z.object({ line: z.number().int(), reason: z.string() });
export const ImportPreview = z.object({
  id: z.string(),
  kind: ImportKind,
  total: z.number().int(),
  valid: z.number().int(),
  errors: z.array(ImportRowError),
  /** the first good rows as they will be written, for the user to check */
  sample: z.array(z.record(z.string(), z.unknown())),
});
export type ImportPreview = z.infer<typeof ImportPreview>;
export const ImportResult = z.object({ id: z.string(), written: z.number().int() });
