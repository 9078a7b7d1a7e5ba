import {
  Ok,
  SystemAccountList,
  SystemAccountListQuery,
  UpdateSystemAccountBody,
  UserIdParams,
  Account,
  GROUP_ROLES,
  GROUP_TYPES,
  AccountBody,
  CreatePersonBody,
  CreateUnitBody,
  Group,
  GroupBody,
  GroupList,
  GroupListQuery,
  IdParams,
  ImportKind,
  ImportPreview,
  ImportResult,
  MoveUnitBody,
  Person,
  PersonExportQuery,
  PersonList,
  PersonListQuery,
  PersonPhone,
  QueryBool,
  Role,
  RoleBody,
  RoleList,
  RoleListQuery,
  Unit,
  UnitExportQuery,
  UnitList,
  UnitListQuery,
  UpdateAccountBody,
  UpdateGroupBody,
  UpdatePersonBody,
  UpdateRoleBody,
  UpdateUnitBody,
} from '@luoshi/contract';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { audit, auditNow } from '../../platform/audit.ts';
import { shanghaiDate } from '../../platform/calendar.ts';
import { badRequest } from '../../platform/errors.ts';
import { sendListXlsx } from '../../platform/export.ts';
import { attachmentHeader } from '../../platform/files.ts';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { Module } from '../../platform/types.ts';
import { assertPersonEditable, createAccount, listSystemAccounts, systemAccountInReach, updateAccount, updateUserAccount } from './accounts.ts';
import { createGroup, getGroupInScope, listGroups, presentGroup, updateGroup } from './groups.ts';
import { assertMayImport, confirmImport, IMPORT_TEMPLATE_NAMES, importTemplate, previewImport, readUpload } from './imports.ts';
import {
  auditedFilters,
  createPerson,
  getPersonInScope,
  listPersons,
  PERSON_EXPORT_COLUMNS,
  personExportRow,
  presentPerson,
  revealPhone,
  updatePerson,
} from './persons.ts';
import { createRole, listRoles, presentRole, updateRole } from './roles.ts';
import { createUnit, getUnitInScope, listUnits, moveUnit, presentUnit, UNIT_EXPORT_COLUMNS, unitExportPage, unitExportRow, unitTree, updateUnit } from './units.ts';
import { XLSX_MIME } from './xlsx.ts';

const tags = ['org'];
/** Exports and templates are files; the OpenAPI document says so instead of describing a JSON body. */
const xlsxResponse = { 200: z.any().describe(`XLSX 文件（${XLSX_MIME}）`) };

export const orgModule: Module = {
  name: 'org',
  register(app, { db }) {
    // ---- units 单位 ----
    app.get(
      '/api/org/units',
      { config: { permission: 'org:unit:read' }, schema: { tags, summary: '单位列表', querystring: UnitListQuery, response: { 200: UnitList } } },
      async (req) => listUnits(db, callerOf(req).scope, req.query),
    );
    app.get(
      '/api/org/units/tree',
      {
        config: { permission: 'org:unit:read' },
        schema: {
          tags,
          summary: '可见范围内的全部单位（用于树和选择器）',
          querystring: z.object({ includeDisabled: QueryBool.optional() }),
          response: { 200: z.array(Unit) },
        },
      },
      async (req) => unitTree(db, callerOf(req).scope, req.query.includeDisabled),
    );
    app.get(
      '/api/org/units/export.xlsx',
      { config: { permission: 'org:unit:read' }, schema: { tags, summary: '导出单位列表（XLSX）', querystring: UnitExportQuery, response: xlsxResponse, produces: [XLSX_MIME] } },
      async (req, reply) => {
        const { scope } = callerOf(req);
        return sendListXlsx(reply, {
          fileName: `单位列表-${shanghaiDate()}.xlsx`,
          sheetName: '单位',
          columns: UNIT_EXPORT_COLUMNS,
          fetchPage: (page, pageSize) => unitExportPage(db, scope, { ...req.query, page, pageSize }),
          toRow: unitExportRow,
        });
      },
    );
    app.get(
      '/api/org/units/:id',
      { config: { permission: 'org:unit:read' }, schema: { tags, summary: '单位详情', params: IdParams, response: { 200: Unit } } },
      async (req) => presentUnit(await getUnitInScope(db, callerOf(req).scope, req.params.id)),
    );
    app.post(
      '/api/org/units',
      { config: { permission: 'org:unit:write' }, schema: { tags, summary: '新建单位', body: CreateUnitBody, response: { 201: Unit } } },
      async (req, reply) => {
        const row = await db.transaction((tx) => createUnit(tx, callerOf(req).scope, actorOf(req), req.body));
        return reply.code(201).send(presentUnit(row));
      },
    );
    app.patch(
      '/api/org/units/:id',
      {
        config: { permission: 'org:unit:write' },
        schema: { tags, summary: '修改单位（改名、停用、启用）', params: IdParams, body: UpdateUnitBody, response: { 200: Unit } },
      },
      async (req) =>
        presentUnit(await db.transaction((tx) => updateUnit(tx, callerOf(req).scope, actorOf(req), req.params.id, req.body))),
    );
    app.post(
      '/api/org/units/:id/move',
      {
        config: { permission: 'org:unit:write' },
        schema: { tags, summary: '移动单位到新的上级', params: IdParams, body: MoveUnitBody, response: { 200: Unit } },
      },
      async (req) =>
        presentUnit(await db.transaction((tx) => moveUnit(tx, callerOf(req).scope, actorOf(req), req.params.id, req.body))),
    );

    // ---- people 人员 ----
    app.get(
      '/api/org/persons',
      { config: { permission: 'org:person:read' }, schema: { tags, summary: '人员列表', querystring: PersonListQuery, response: { 200: PersonList } } },
      async (req) => {
        const list = await listPersons(db, callerOf(req), req.query);
        // Reads of personal data are audited: what was asked for and how much came back, never the people themselves.
        await db.transaction((tx) =>
          audit(tx, actorOf(req), { entity: 'person', entityId: null, action: 'read', after: { filters: auditedFilters(req.query), total: list.total, shown: list.data.length } }),
        );
        return list;
      },
    );
    app.get(
      '/api/org/persons/export.xlsx',
      {
        config: { permission: 'org:person:read' },
        schema: { tags, summary: '导出人员列表（XLSX；完整手机号仅限本人及负责该单位人员管理的用户）', querystring: PersonExportQuery, response: xlsxResponse, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const caller = callerOf(req);
        return sendListXlsx(reply, {
          fileName: `人员列表-${shanghaiDate()}.xlsx`,
          sheetName: '人员',
          columns: PERSON_EXPORT_COLUMNS,
          fetchPage: async (page, pageSize) => {
            const list = await listPersons(db, caller, { ...req.query, page, pageSize }, { fullPhones: true });
            if (page === 1) {
              await db.transaction((tx) =>
                audit(tx, actorOf(req), {
                  entity: 'person',
                  entityId: null,
                  action: 'export',
                  after: { filters: auditedFilters(req.query), rows: list.total, fullPhones: caller.permissions.has('org:person:write') },
                }),
              );
            }
            return list;
          },
          toRow: personExportRow,
        });
      },
    );
    app.get(
      '/api/org/persons/:id',
      { config: { permission: 'org:person:read' }, schema: { tags, summary: '人员详情', params: IdParams, response: { 200: Person } } },
      async (req) => {
        const caller = callerOf(req);
        const person = await presentPerson(db, await getPersonInScope(db, caller.scope, req.params.id), caller);
        await db.transaction((tx) => audit(tx, actorOf(req), { entity: 'person', entityId: person.id, action: 'read' }));
        return person;
      },
    );
    app.get(
      '/api/org/persons/:id/phone',
      {
        config: { permission: 'org:person:read' },
        schema: { tags, summary: '查看完整手机号（本人及负责该单位人员管理的用户；记入审计）', params: IdParams, response: { 200: PersonPhone } },
      },
      async (req) => db.transaction((tx) => revealPhone(tx, callerOf(req), actorOf(req), req.params.id)),
    );
    app.post(
      '/api/org/persons',
      { config: { permission: 'org:person:write' }, schema: { tags, summary: '新增人员', body: CreatePersonBody, response: { 201: Person } } },
      async (req, reply) => {
        const row = await db.transaction((tx) => createPerson(tx, callerOf(req).scope, actorOf(req), req.body));
        return reply.code(201).send(await presentPerson(db, row, callerOf(req)));
      },
    );
    app.patch(
      '/api/org/persons/:id',
      {
        config: { permission: 'org:person:write' },
        schema: { tags, summary: '修改人员（含调动单位、停用）', params: IdParams, body: UpdatePersonBody, response: { 200: Person } },
      },
      async (req) => {
        const row = await db.transaction(async (tx) => {
          await assertPersonEditable(tx, callerOf(req), req.params.id);
          return updatePerson(tx, callerOf(req), actorOf(req), req.params.id, req.body);
        });
        return presentPerson(db, row, callerOf(req));
      },
    );

    // ---- 账号管理: every account in reach, the person-less ones (admin, the 三员) included ----
    app.get(
      '/api/org/accounts',
      { config: { permission: 'org:role:write' }, schema: { tags, summary: '账号列表（含无人员档案的内置账号与三员账号）', querystring: SystemAccountListQuery, response: { 200: SystemAccountList } } },
      async (req) => {
        const page = await listSystemAccounts(db, callerOf(req), req.query);
        await auditNow(db, actorOf(req), { entity: 'user', entityId: null, action: 'read_accounts', after: { q: req.query.q ?? null, duty: req.query.duty ?? null, rows: page.data.length } });
        return page;
      },
    );
    app.patch(
      '/api/org/accounts/:userId',
      {
        config: { permission: 'org:role:write' },
        schema: { tags, summary: '停用、启用账号或重置初始密码（持有人下次登录须修改）', params: UserIdParams, body: UpdateSystemAccountBody, response: { 200: Ok } },
      },
      async (req) => {
        const caller = callerOf(req);
        await db.transaction(async (tx) => updateUserAccount(tx, caller, actorOf(req), await systemAccountInReach(tx, caller, req.params.userId), req.body));
        return { ok: true as const };
      },
    );

    // ---- accounts 账号 ----
    app.post(
      '/api/org/persons/:id/account',
      {
        config: { permission: 'org:role:write' },
        schema: { tags, summary: '为人员开通登录账号', params: IdParams, body: AccountBody, response: { 201: Account } },
      },
      async (req, reply) => {
        const account = await db.transaction((tx) => createAccount(tx, callerOf(req), actorOf(req), req.params.id, req.body));
        return reply.code(201).send(account);
      },
    );
    app.patch(
      '/api/org/persons/:id/account',
      {
        config: { permission: 'org:role:write' },
        schema: { tags, summary: '修改账号（角色、停用、重置密码）', params: IdParams, body: UpdateAccountBody, response: { 200: Account } },
      },
      async (req) => db.transaction((tx) => updateAccount(tx, callerOf(req), actorOf(req), req.params.id, req.body)),
    );

    // ---- roles 角色 ----
    app.get(
      '/api/org/roles',
      { config: { permission: 'org:role:read' }, schema: { tags, summary: '角色列表', querystring: RoleListQuery, response: { 200: RoleList } } },
      async (req) => listRoles(db, req.query),
    );
    app.post(
      '/api/org/roles',
      { config: { permission: 'org:role:write' }, schema: { tags, summary: '新建角色', body: RoleBody, response: { 201: Role } } },
      async (req, reply) => {
        const row = await db.transaction((tx) => createRole(tx, callerOf(req), actorOf(req), req.body));
        return reply.code(201).send(presentRole(row));
      },
    );
    app.patch(
      '/api/org/roles/:id',
      {
        config: { permission: 'org:role:write' },
        schema: { tags, summary: '修改角色（内置角色不可修改）', params: IdParams, body: UpdateRoleBody, response: { 200: Role } },
      },
      async (req) => presentRole(await db.transaction((tx) => updateRole(tx, callerOf(req), actorOf(req), req.params.id, req.body))),
    );

    // ---- groups 领导小组 / 工作专班 / 学习小组 / 宣讲队 ----
    app.get(
      '/api/org/groups',
      { config: { permission: 'org:group:read' }, schema: { tags, summary: '工作小组列表', querystring: GroupListQuery, response: { 200: GroupList } } },
      async (req) => listGroups(db, callerOf(req).scope, req.query),
    );
    app.get(
      '/api/org/groups/export',
      {
        config: { permission: 'org:group:read' },
        schema: { tags, summary: '导出工作小组列表（XLSX，按当前筛选条件）', querystring: GroupListQuery, response: xlsxResponse, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        const { scope } = callerOf(req);
        return sendListXlsx(reply, {
          fileName: `工作小组-${shanghaiDate()}.xlsx`,
          sheetName: '工作小组',
          columns: [
            { header: '小组名称', key: 'name', width: 28 },
            { header: '类型', key: 'type', width: 10 },
            { header: '所属单位', key: 'unitName', width: 20 },
            { header: '组长', key: 'leaders', width: 16 },
            { header: '成员', key: 'members', width: 60 },
            { header: '人数', key: 'count', width: 6 },
          ],
          fetchPage: (page, pageSize) => listGroups(db, scope, { ...req.query, page, pageSize }),
          toRow: (g) => ({
            name: g.name,
            type: GROUP_TYPES[g.type],
            unitName: g.unitName,
            leaders: g.members.filter((m) => m.role === 'leader').map((m) => m.name).join('、'),
            members: g.members.map((m) => `${m.name}（${GROUP_ROLES[m.role]}）`).join('、'),
            count: g.members.length,
          }),
          unitPath: { db, unitIdOf: (g) => g.unitId },
        });
      },
    );
    app.get(
      '/api/org/groups/:id',
      { config: { permission: 'org:group:read' }, schema: { tags, summary: '工作小组详情', params: IdParams, response: { 200: Group } } },
      async (req) => presentGroup(db, await getGroupInScope(db, callerOf(req).scope, req.params.id)),
    );
    app.post(
      '/api/org/groups',
      { config: { permission: 'org:group:write' }, schema: { tags, summary: '新建工作小组', body: GroupBody, response: { 201: Group } } },
      async (req, reply) => {
        const row = await db.transaction((tx) => createGroup(tx, callerOf(req).scope, actorOf(req), req.body));
        return reply.code(201).send(await presentGroup(db, row));
      },
    );
    app.patch(
      '/api/org/groups/:id',
      {
        config: { permission: 'org:group:write' },
        schema: { tags, summary: '修改工作小组（给出 members 时整体替换成员）', params: IdParams, body: UpdateGroupBody, response: { 200: Group } },
      },
      async (req) => {
        const row = await db.transaction((tx) => updateGroup(tx, callerOf(req).scope, actorOf(req), req.params.id, req.body));
        return presentGroup(db, row);
      },
    );

    // ---- XLSX import 导入 ----
    const importUpload = (kind: ImportKind) => async (req: FastifyRequest) => {
      if (!req.isMultipart()) throw badRequest('请以 multipart/form-data 上传 .xlsx 文件（字段名 file）');
      const caller = callerOf(req);
      return previewImport(db, caller, kind, await readUpload(await req.file()));
    };
    app.post(
      '/api/org/imports/units',
      {
        config: { permission: 'org:unit:write' },
        schema: { tags, summary: '导入单位：上传 XLSX 并预览（不写入）', consumes: ['multipart/form-data'], response: { 200: ImportPreview } },
      },
      importUpload('units'),
    );
    app.post(
      '/api/org/imports/persons',
      {
        config: { permission: 'org:person:write' },
        schema: { tags, summary: '导入人员：上传 XLSX 并预览（不写入）', consumes: ['multipart/form-data'], response: { 200: ImportPreview } },
      },
      importUpload('persons'),
    );
    app.post(
      '/api/org/imports/:id/confirm',
      {
        // The batch decides which write permission applies (units or people); the handler checks it.
        config: { permission: 'org:unit:read' },
        schema: { tags, summary: '确认导入：在一个事务中写入预览中的全部正确行', params: IdParams, response: { 200: ImportResult } },
      },
      async (req) => db.transaction((tx) => confirmImport(tx, callerOf(req), actorOf(req), req.params.id)),
    );
    app.get(
      '/api/org/imports/template/:kind',
      {
        config: { permission: 'org:unit:read' },
        schema: { tags, summary: '下载导入模板（XLSX）', params: z.object({ kind: ImportKind }), response: xlsxResponse, produces: [XLSX_MIME] },
      },
      async (req, reply) => {
        assertMayImport(callerOf(req), req.params.kind);
        const content = await importTemplate(req.params.kind);
        return reply
          .header('content-type', XLSX_MIME)
          .header('content-disposition', attachmentHeader(IMPORT_TEMPLATE_NAMES[req.params.kind]))
          .send(content);
      },
    );
  },
};
