import { CreateUnitBody, IdParams, MoveUnitBody, QueryBool, Unit, UnitList, UnitListQuery, UpdateUnitBody } from '@luoshi/contract';
import { z } from 'zod';
import { actorOf, callerOf } from '../../platform/session.ts';
import type { Module } from '../../platform/types.ts';
import { createUnit, getUnitInScope, listUnits, moveUnit, presentUnit, unitTree, updateUnit } from './units.ts';

const tags = ['org'];

export const orgModule: Module = {
  name: 'org',
  register(app, { db }) {
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
  },
};
