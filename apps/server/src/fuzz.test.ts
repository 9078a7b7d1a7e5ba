/**
 * The contract fuzz: every /api route the application registers is called with requests generated from the
 * route's own contract schemas (path parameters, query string, JSON body; multipart forms for uploads), as the
 * admin and as a county liaison (and as each separated admin duty, on the routes only that duty may call).
 *
 * Three kinds of request: well-shaped ones, with the ids of real records the role can see, that pass the contract
 * and reach the services; hostile ones, where any value may be a NUL byte, a number beyond int4, a fraction or a
 * huge double, a very long string, the wrong type, deep nesting, an unpaired surrogate or other unicode oddity, a
 * prototype-pollution key, broken JSON or a bad file name; and accepted requests with one field at a time set to
 * an edge value of its kind (every day and moment to the edges of the calendar).
 *
 * No answer may be a 5xx, and every error must be the one error shape with its `details` list. The seed is fixed,
 * so a failure is reproduced by running this file again.
 */
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { ErrorBody } from '@luoshi/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from './app.ts';
import { login, loginAdmin, makeCity, makePerson, makeUser, makeTestApp, type Agent, type TestCtx } from './test/harness.ts';

const SEED = 20261207;
/**
 * Requests per route and signed-in role: well-shaped ones that pass the contract and reach the services, and
 * hostile ones; enough to meet each hostile kind across the routes, few enough for the run to stay short.
 */
const WELL_SHAPED_RUNS = 3;
const HOSTILE_RUNS = 3;
/** fields of an accepted request that are each set to an edge value */
const EDGE_FIELDS = 4;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: Json[];
  const?: Json;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  default?: Json;
};

// ---- hostile values ----

const deep = (n: number): Json => {
  let v: Json = '底';
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
  return v;
};
const PROTO_KEYS: Record<string, Json> = JSON.parse('{"__proto__":{"isAdmin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}}');

const HOSTILE_STRINGS = [
  '\u0000',
  '张\u0000三',
  '\\u0000',
  '{"a":["\\u0000"]}',
  '\uD800',
  'a\uDFFFb',
  '\uFEFF落实',
  '\u202E实落',
  'e\u0301\u0301\u0301',
  '𠀀𪚥𰻞',
  '👨‍👩‍👧‍👦🇨🇳',
  '\u0085\u2028\u2029\r\n\t',
  '\uFFFF\uFFFE',
  "'; drop table units; --",
  '%00',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '   ',
  '',
  '字'.repeat(5000),
  'a'.repeat(70_000),
  '2026-02-30',
  '9999-99-99',
  '0000-00-00',
  '2026-13-01T25:61:61Z',
  '-1',
  '1e400',
  'NaN',
  'null',
  'true',
];
const HOSTILE_NUMBERS = [2147483648, -2147483649, 2147483647, -2147483648, 1e308, -1e308, 9007199254740993, 0.5, -1, 0, 1e-320, 3.14159, 99999999999];
const WRONG_TYPES: Json[] = [null, true, false, [], {}, 0, '', [null], [[[]]], { '': '' }];

const hostile: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 5 },
  { arbitrary: fc.string({ maxLength: 12 }).map((s) => `${s}\u0000${s}`), weight: 2 },
  { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 3 },
  { arbitrary: fc.constantFrom(...WRONG_TYPES), weight: 2 },
  { arbitrary: fc.constantFrom(deep(40), deep(2000)), weight: 1 },
  { arbitrary: fc.constant(PROTO_KEYS as Json), weight: 1 },
);

// ---- well-shaped values from a JSON schema ----

const TEXT_UNIT = fc.constantFrom(...'落实宣传部学习任务张三李四县委支部 abcXYZ019-_.,，。'.split(''));

/**
 * Real ids, so that generated requests reach real rows: by the name they go by ("unitId", "personId", …; a list's
 * own `id`s under its resource's name), and all of them together.
 */
type Pool = { byName: Map<string, Set<string>>; all: Set<string> };
const pools = new Map<string, Pool>();
/** The ids of the role being fuzzed: what its own lists show it, so that its requests stay within its scope. */
let pool: Pool = { byName: new Map(), all: new Set() };
function usePool(role: string) {
  if (!pools.has(role)) pools.set(role, { byName: new Map(), all: new Set() });
  pool = pools.get(role)!;
}
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "persons" → "personId", "attendeeIds" → "personId": the name under which an id is filed and looked up. */
function idName(key: string): string {
  const k = key.replace(/Ids?$/, '').replace(/ies$/, 'y').replace(/s$/, '').toLowerCase();
  if (/person|attendee|reporter|member|supervisor|leader|responsible|subject|author|reader/.test(k)) return 'personId';
  if (/unit/.test(k)) return 'unitId';
  if (/file|doc|material|attachment|image|proof/.test(k)) return 'fileId';
  return `${k}Id`;
}

function remember(value: unknown, name: string) {
  if (typeof value === 'string') {
    if (!UUID_RE.test(value)) return;
    pool.all.add(value);
    const key = idName(name);
    if (!pool.byName.has(key)) pool.byName.set(key, new Set());
    pool.byName.get(key)!.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) remember(v, name);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) remember(v, k === 'id' ? name : k === 'data' ? name : k);
  }
}

function uuidFor(name: string | undefined): fc.Arbitrary<Json> {
  const named = name ? [...(pool.byName.get(idName(name)) ?? [])] : [];
  const all = [...pool.all];
  const choices: fc.WeightedArbitrary<Json>[] = [{ arbitrary: fc.uuid(), weight: 1 }];
  if (named.length) choices.push({ arbitrary: fc.constantFrom(...named), weight: 8 });
  if (all.length) choices.push({ arbitrary: fc.constantFrom(...all), weight: 2 });
  return fc.oneof(...choices);
}

/** Days and moments at the edges of what PostgreSQL and the calendar arithmetic accept. */
const ODD_DAYS = ['0000-01-01', '0001-01-01', '1899-12-31', '1900-01-01', '2100-12-31', '9999-12-31', '2026-02-29', '2024-02-29', '2026-04-31'];
const ODD_MOMENTS = ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+08:00', '9999-12-31T23:59:59+14:00', '1899-12-31T23:59:59-12:00', '2026-03-01T09:00:00.123456789+08:00'];
const day = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true });
const isoDay = day.map((d) => d.toISOString().slice(0, 10));
const moment = day.map((d) => d.toISOString().replace('Z', '+08:00'));

/**
 * Values of one schema. `hostile` is the weight of a hostile value against 6 for a well-shaped one at every node:
 * 0 makes requests that pass the contract and go deep into the services, 1 mixes in what an attacker sends.
 */
type Gen = { defs: Record<string, JsonSchema>; hostile: number };

function stringOf(s: JsonSchema, g: Gen, name?: string): fc.Arbitrary<Json> {
  const odd = (valid: fc.Arbitrary<Json>, odds: string[]) => (g.hostile ? fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: fc.constantFrom(...odds), weight: 1 }) : valid);
  if (s.format === 'uuid') return uuidFor(name);
  // Moments of any year pass an ISO check: the odd ones go into well-shaped requests too.
  if (s.format === 'date-time') return fc.oneof({ arbitrary: moment, weight: 5 }, { arbitrary: fc.constantFrom(...ODD_MOMENTS), weight: 1 });
  if (s.format === 'date') return odd(isoDay, ODD_DAYS);
  if (s.format === 'email') return fc.emailAddress();
  // Addresses only on this machine or in a reserved domain: the fuzz must not send anything out.
  if (s.format === 'uri' || s.format === 'url') return fc.constantFrom('https://127.0.0.1/hook', 'http://localhost:1/x', 'https://luoshi.invalid/webhook', 'https://[::1]/');
  if (s.pattern) {
    if (s.pattern.includes('-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])')) return odd(isoDay, ODD_DAYS);
    try {
      return fc.stringMatching(new RegExp(s.pattern));
    } catch {
      // a pattern JavaScript cannot compile as a plain RegExp: fall through to text
    }
  }
  const min = s.minLength ?? 0;
  return fc.string({ unit: TEXT_UNIT, minLength: min, maxLength: Math.max(min, Math.min(s.maxLength ?? 24, 24)) });
}

function numberOf(s: JsonSchema, integer: boolean): fc.Arbitrary<Json> {
  const lo = Math.max(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0), -1_000_000);
  const hi = Math.min(s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : lo + 100), 1_000_000);
  const [min, max] = lo <= hi ? [Math.ceil(lo), Math.floor(hi)] : [Math.ceil(hi), Math.floor(lo)];
  if (integer) return fc.integer({ min, max });
  return fc.oneof(fc.integer({ min, max }), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((d) => Math.round(d * 100) / 100));
}

function valueOf(s: JsonSchema, g: Gen, depth: number, name?: string): fc.Arbitrary<Json> {
  if (depth > 6) return fc.constant(null);
  if (s.$ref) {
    const def = g.defs[s.$ref.replace(/^#\/\$defs\//, '')];
    return def ? valueOf(def, g, depth + 1, name) : (fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>);
  }
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => node(a, g, depth + 1, name)));
  if (s.allOf?.length) return valueOf(Object.assign({}, ...s.allOf), g, depth, name);
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t) => valueOf({ ...s, type: t }, g, depth, name)));
  switch (s.type) {
    case 'string':
      return stringOf(s, g, name);
    case 'integer':
      // A record's version is small: a well-shaped edit names the current one now and then.
      return name === 'version' ? fc.integer({ min: 1, max: 3 }) : numberOf(s, true);
    case 'number':
      return numberOf(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (s.prefixItems) return fc.tuple(...s.prefixItems.map((p) => node(p, g, depth + 1, name))) as fc.Arbitrary<Json>;
      const min = s.minItems ?? 0;
      return fc.array(node(s.items ?? {}, g, depth + 1, name), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 3, 3)) });
    }
    case 'object':
      return objectOf(s, g, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

function objectOf(s: JsonSchema, g: Gen, depth: number): fc.Arbitrary<Json> {
  const model: Record<string, fc.Arbitrary<Json>> = {};
  for (const [k, v] of Object.entries(s.properties ?? {})) model[k] = node(v, g, depth + 1, k);
  // Well-shaped requests fill in every field now and then: optional fields are where the less-trodden paths are.
  const required = (s.required ?? []).filter((k) => k in model);
  const record = Object.keys(model).length
    ? fc.oneof(fc.record(model, { requiredKeys: required }), fc.record(model))
    : fc.constant({});
  const extra =
    typeof s.additionalProperties === 'object'
      ? fc.dictionary(fc.string({ unit: TEXT_UNIT, minLength: 1, maxLength: 8 }), node(s.additionalProperties, g, depth + 1), { maxKeys: 3 })
      : fc.constant({});
  if (!g.hostile) return fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }) as Json);
  // Now and then the keys an attacker adds: prototype pollution, and a key with a NUL in it.
  const junk = fc.oneof(
    { arbitrary: fc.constant({}), weight: 8 },
    { arbitrary: fc.constant(PROTO_KEYS), weight: 1 },
    { arbitrary: fc.constant({ 'k\u0000': 1 } as Record<string, Json>), weight: 1 },
  );
  return fc.tuple(record, extra, junk).map(([r, e, j]) => ({ ...e, ...r, ...j }) as Json);
}

/** A value of the schema, or (when the generator mixes them in) a hostile one, at every depth. */
function node(s: JsonSchema, g: Gen, depth: number, name?: string): fc.Arbitrary<Json> {
  const valid = valueOf(s, g, depth, name);
  return g.hostile ? fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: hostile, weight: g.hostile }) : valid;
}

function jsonSchemaOf(schema: unknown): JsonSchema | null {
  if (!schema) return null;
  return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

// ---- requests ----

type Generated = { params: Record<string, Json>; query: Json; body: Json | undefined; raw?: { type: string; payload: string } };

/** Bodies no schema describes: broken JSON, a deep array, the wrong content type. */
const RAW_BODIES: { type: string; payload: string }[] = [
  { type: 'application/json', payload: '{"a":' },
  { type: 'application/json', payload: '\uFEFF{}' },
  { type: 'application/json', payload: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { type: 'application/json', payload: '{"version":1e400,"name":"\\u0000"}' },
  { type: 'application/json', payload: '{"__proto__":{"polluted":true}}' },
  { type: 'text/plain', payload: 'a\u0000b' },
  { type: 'application/xml', payload: '<a/>' },
  { type: 'multipart/form-data', payload: 'no boundary' },
];

/** The name a path parameter's id goes by: ":id" after "/persons" is a personId, ":fileId" a fileId. */
function paramIdName(url: string, param: string): string {
  if (param !== 'id') return param;
  const segments = url.split('/');
  return segments[segments.indexOf(':id') - 1] ?? param;
}

function requestsOf(route: RouteEntry, seed: number, hostileWeight: number, runs: number): Generated[] {
  const paramsSchema = jsonSchemaOf(route.schema.params);
  const querySchema = jsonSchemaOf(route.schema.querystring);
  const bodySchema = jsonSchemaOf(route.schema.body);
  const gen = (schema: JsonSchema | null): Gen => ({ defs: schema?.$defs ?? {}, hostile: hostileWeight });
  const paramArb: Record<string, fc.Arbitrary<Json>> = {};
  for (const [, name] of route.url.matchAll(/:(\w+)/g)) {
    const s = paramsSchema?.properties?.[name] ?? { type: 'string', format: 'uuid' };
    paramArb[name] = node(s, gen(paramsSchema), 1, paramIdName(route.url, name));
  }
  const arb = fc.record({
    params: Object.keys(paramArb).length ? fc.record(paramArb) : fc.constant({}),
    query: querySchema
      ? node(querySchema, gen(querySchema), 0)
      : hostileWeight
        ? fc.oneof({ arbitrary: fc.constant({}), weight: 4 }, { arbitrary: fc.constant({ q: '\u0000', page: '2147483648' } as Json), weight: 1 })
        : fc.constant({}),
    body: bodySchema ? node(bodySchema, gen(bodySchema), 0) : fc.constant(undefined),
    raw: hostileWeight ? fc.oneof({ arbitrary: fc.constant(undefined), weight: 7 }, { arbitrary: fc.constantFrom(...RAW_BODIES), weight: 1 }) : fc.constant(undefined),
  });
  return fc.sample(arb, { numRuns: runs, seed }) as Generated[];
}

/** Percent-encoding that survives unpaired surrogates (sent as U+FFFD, as a browser would). */
const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
const text = (v: Json): string => (typeof v === 'string' ? v : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));

function urlOf(route: RouteEntry, g: Generated): string {
  const path = route.url.replace(/:(\w+)/g, (_m, name: string) => encode(text(g.params[name] ?? '')) || '%20');
  const q = new URLSearchParams();
  if (g.query && typeof g.query === 'object' && !Array.isArray(g.query)) {
    for (const [k, v] of Object.entries(g.query)) {
      if (Array.isArray(v)) for (const x of v) q.append(k, text(x));
      else if (v !== undefined) q.append(k, text(v));
    }
  } else if (g.query !== null) {
    q.append('q', text(g.query));
  }
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

type Outgoing = { url: string; payload?: string | Buffer; type?: string; shown: string };

function outgoing(route: RouteEntry, g: Generated): Outgoing {
  const url = urlOf(route, g);
  if (route.method === 'GET' || route.method === 'DELETE') return { url, shown: url };
  if (g.raw) return { url, payload: g.raw.payload, type: g.raw.type, shown: `${url} raw ${g.raw.payload.slice(0, 80)}` };
  const payload = g.body === undefined ? undefined : JSON.stringify(g.body);
  return { url, payload, type: payload === undefined ? undefined : 'application/json', shown: `${url} ${String(payload).slice(0, 300)}` };
}

/** The edge values of a field, by what it holds now: a moment, a day, an id, other text, a number. */
function edgeValuesOf(v: Json): Json[] {
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) return ODD_MOMENTS;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return ODD_DAYS;
    if (UUID_RE.test(v)) return ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', ...[...pool.all].slice(0, 20)];
    return HOSTILE_STRINGS;
  }
  if (typeof v === 'number') return HOSTILE_NUMBERS;
  return WRONG_TYPES;
}

function leavesOf(v: Json, path: string[] = []): string[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leavesOf(x, [...path, String(i)]));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leavesOf(x, [...path, k]));
  return path.length ? [path] : [];
}

function withLeaf(v: Json, path: string[], value: Json): Json {
  const copy = structuredClone(v) as Record<string, Json>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, Json>;
  at[path.at(-1)!] = value;
  return copy;
}

/**
 * Variations of an accepted request (its body, or a read's query): every day and moment in it set to each edge
 * day or moment in turn (dates are where calendar arithmetic and PostgreSQL's ranges meet), and up to EDGE_FIELDS
 * other fields each set once to an edge value of its kind.
 */
function edgesOf(route: RouteEntry, accepted: Generated, seed: number): Generated[] {
  const part: 'body' | 'query' = route.method === 'GET' || route.method === 'DELETE' ? 'query' : 'body';
  const whole = accepted[part];
  if (whole === undefined || whole === null) return [];
  const at = (path: string[]) => path.reduce<Json>((v, k) => (v as Record<string, Json>)[k], whole);
  const isDate = (v: Json) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T|$)/.test(v);
  const leaves = leavesOf(whole);
  const variant = (path: string[], value: Json): Generated => ({ ...accepted, raw: undefined, [part]: withLeaf(whole, path, value) });
  const out = leaves.filter((p) => isDate(at(p))).flatMap((p) => edgeValuesOf(at(p)).map((v) => variant(p, v)));
  const others = leaves.filter((p) => !isDate(at(p)));
  if (others.length) {
    for (const [leaf, n] of fc.sample(fc.tuple(fc.nat({ max: others.length - 1 }), fc.nat()), { numRuns: EDGE_FIELDS, seed })) {
      const values = edgeValuesOf(at(others[leaf]));
      out.push(variant(others[leaf], values[n % values.length]));
    }
  }
  return out;
}

// ---- uploads ----

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const FILE_NAMES = ['材料.pdf', '名单.xlsx', '积分.csv', '图片.png', '正文.docx', '正文.txt', 'a\u0000b.pdf', '../../../etc/passwd', `${'长'.repeat(300)}.pdf`, '', '.pdf', 'x.PDF', 'a\r\nb.pdf'];
const FIELD_VALUES = ['plan', 'notice', '学习强国', '2026-03', 'v1', '\u0000', 'a\u0000b', '2147483648', '字'.repeat(3000), ''];
const FIELD_NAMES = ['kind', 'platform', 'month', 'ruleVersion', 'unitId', 'k\u0000'];
let xlsxHostile: Buffer = Buffer.alloc(0);

async function makeHostileXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入');
  ws.addRow(['姓名', '单位', '职务', '手机', '平台积分', '上级单位', '单位类型', '排序', '事项', '分值']);
  ws.addRow(['张三', '甲县委宣传部', '干事', '13800000000', 2147483648, '市委宣传部', '县委宣传部', 1e12, '任务', '99999999.999']);
  // Excel's escape of a NUL, which the reader turns back into one.
  ws.addRow(['李_x0000_四', '甲县委宣传部', '干_x0000_事', '139_x0000_', 1, '市委宣传部', '县委宣传部', 1, '任_x0000_务', '1']);
  ws.addRow(['\\u0000', '{"a":"\\u0000"}', '', 'abc', -1, '', '', -2147483649, '', 'x']);
  ws.addRow(['字'.repeat(3000), '\uD800', '\uFEFF', '١٢٣', 0.5, '乙县', '支部', 'NaN', '=1+1', '1e400']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function contentsOf(name: string): Buffer[] {
  const csv = Buffer.from('姓名,单位,手机,积分\n张\u0000三,甲县委宣传部,13800000000,2147483648\n李四,{"a":"\\u0000"},x,1e400\n');
  return [PDF, PNG, xlsxHostile, csv, Buffer.from('PK\u0003\u0004garbage'), Buffer.alloc(0), Buffer.from(name)];
}

/** Upload forms: real and hostile files and fields, sent to the route (with real ids in its path). */
function multipartOf(route: RouteEntry, seed: number): { url: string; payload: Buffer; boundary: string }[] {
  const urls = requestsOf(route, seed, 0, HOSTILE_RUNS).map((g) => urlOf(route, g));
  const arb = fc.record({
    file: fc.option(fc.record({ name: fc.constantFrom(...FILE_NAMES), content: fc.nat({ max: 6 }), encoded: fc.boolean() }), { freq: 6 }),
    fields: fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), fc.constantFrom(...FIELD_VALUES), fc.boolean()), { maxLength: 4 }),
  });
  // First the forms a user sends, with fields every upload route knows and a spreadsheet, then a CSV, of hostile cells.
  const valid: [string, string, boolean][] = [['kind', 'plan', false], ['platform', '学习强国', false], ['month', '2026-03', false], ['ruleVersion', 'v1', false]];
  const forms = [
    { file: { name: '名单.xlsx', content: 2, encoded: false }, fields: valid },
    { file: { name: '积分.csv', content: 3, encoded: false }, fields: valid },
    ...fc.sample(arb, { numRuns: HOSTILE_RUNS, seed }),
  ];
  return forms.map((g, i) => {
    const boundary = `----luoshi-fuzz-${seed}-${i}`;
    const parts: Buffer[] = [];
    for (const [k, v, asJson] of g.fields) {
      const type = asJson ? 'Content-Type: application/json\r\n' : '';
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n${type}\r\n${asJson ? JSON.stringify({ v }) : v}\r\n`));
    }
    if (g.file) {
      const name = g.file.encoded ? `filename*=UTF-8''${encodeURIComponent(g.file.name)}` : `filename="${g.file.name.replace(/[\r\n"]/g, '_')}"`;
      const content = contentsOf(g.file.name)[g.file.content % 7];
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${name}\r\nContent-Type: application/octet-stream\r\n\r\n`), content, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return { url: urls[i % urls.length], payload: Buffer.concat(parts), boundary };
  });
}

// ---- the run ----

let ctx: TestCtx;
/** A signed-in role of the run; `only` limits it to the routes of the permissions no other role of the run holds. */
type Who = { name: string; agent: Agent; relogin: () => Promise<Agent>; only?: Set<string> };
const roles: Who[] = [];
/** The fuzzing accounts' own user and person: ending one's own session or taking one's own role would only make the rest of the run anonymous. */
const own = new Set<string>();

/** The resource a URL names: "/api/org/persons/export.xlsx" → "persons". */
function resourceOf(url: string): string {
  const segments = url.split('/').filter((s) => s && s !== 'api' && !s.startsWith(':') && !/^(tree|export(\.xlsx)?|me|mine|stats|facets)$/.test(s));
  return segments.at(-1) ?? '';
}

/** Requests the services accepted while the fixtures were made, by route: the starting points of edge values. */
const acceptedByRoute = new Map<string, Generated>();
function rememberAccepted(method: string, url: string, body: Json) {
  for (const route of ctx.app.routeTable) {
    if (route.method !== method) continue;
    const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const m = new RegExp(`^${route.url.replace(/:\w+/g, '([^/]+)')}$`).exec(url);
    if (!m) continue;
    acceptedByRoute.set(`${method} ${route.url}`, { params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]])), query: {}, body });
    return;
  }
}

function rememberAnswer(url: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  if (res.statusCode >= 300 || !String(res.headers['content-type']).includes('json')) return;
  remember(safeJson(res.body), resourceOf(url));
  for (const id of own) {
    pool.all.delete(id);
    for (const set of pool.byName.values()) set.delete(id);
  }
}

beforeAll(async () => {
  ctx = await makeTestApp();
  xlsxHostile = await makeHostileXlsx();
  const city = await makeCity(ctx.db);
  const liaison = await makeUser(ctx.db, city.countyA, 'liaison');
  const admin = await loginAdmin(ctx);
  const liaisonAgent = await login(ctx.app, liaison.username, liaison.password);
  const adminMe = JSON.parse((await admin.get('/api/auth/me')).body);
  for (const id of [liaison.user.id, liaison.person.id, adminMe.user?.id, adminMe.person?.id]) if (id) own.add(id);
  roles.push(
    {
      name: 'liaison',
      agent: liaisonAgent,
      // A liaison whose account the run locked (wrong old passwords count) is replaced by a colleague.
      relogin: () =>
        login(ctx.app, liaison.username, liaison.password).catch(async () => {
          const other = await makeUser(ctx.db, city.countyA, 'liaison');
          own.add(other.user.id).add(other.person.id);
          return login(ctx.app, other.username, other.password);
        }),
    },
    {
      name: 'admin',
      agent: admin,
      relogin: () =>
        loginAdmin(ctx).catch(async () => {
          const other = await makeUser(ctx.db, city.city, 'dept_admin');
          own.add(other.user.id).add(other.person.id);
          return login(ctx.app, other.username, other.password);
        }),
    },
  );
  // The separated admin duties reach routes no business role may call: each is fuzzed on those alone.
  const business = new Set<string>([...adminMe.permissions, ...JSON.parse((await liaisonAgent.get('/api/auth/me')).body).permissions]);
  for (const code of ['sys_admin', 'security_admin', 'audit_admin']) {
    const duty = await makeUser(ctx.db, city.city, code).catch(() => null);
    const agent = duty && (await login(ctx.app, duty.username, duty.password).catch(() => null));
    if (!duty || !agent) continue;
    own.add(duty.user.id).add(duty.person.id);
    const permissions: string[] = safeJson((await agent.get('/api/auth/me')).body)?.permissions ?? [];
    roles.push({ name: code, agent, relogin: () => login(ctx.app, duty.username, duty.password), only: new Set(permissions.filter((p) => !business.has(p))) });
  }
  // A few records of county A, made the way users make them; the lists then show their ids and more.
  const person = await makePerson(ctx.db, city.countyA, { name: '甲县干部' });
  const make = async (agent: Agent, url: string, body: unknown, upload = false) => {
    const res = upload ? await agent.upload(url, body as never) : await agent.post(url, body);
    usePool(agent === admin ? 'admin' : 'liaison');
    rememberAnswer(url, res);
    if (!upload && res.statusCode < 300) rememberAccepted('POST', url, body as Json);
    return res.statusCode < 300 ? (JSON.parse(res.body) as { id: string }) : null;
  };
  await make(admin, '/api/org/groups', { unitId: city.countyA.id, name: '甲县领导小组', type: 'leading', members: [{ personId: person.id, role: 'leader' }] });
  const campaign = await make(admin, '/api/campaigns', { unitId: city.countyA.id, name: '甲县专项行动', dimensions: ['学'], startDate: '2026-01-01', endDate: '2026-12-31' });
  if (campaign) {
    await make(admin, `/api/campaigns/${campaign.id}/documents`, [{ name: '甲县实施方案.pdf', content: PDF, type: 'application/pdf' }], true);
    const task = await make(admin, '/api/tasks', { campaignId: campaign.id, title: '甲县任务', leadUnitId: city.countyA.id, startDate: '2026-01-01', deadline: '2026-12-31', reportCycle: 'none', coUnitIds: [] });
    const file = await make(liaisonAgent, '/api/campaigns/uploads', [{ name: '甲县佐证.pdf', content: PDF, type: 'application/pdf' }], true);
    if (task) await make(liaisonAgent, `/api/tasks/${task.id}/reports`, { content: '甲县进展', percent: 10, fileIds: file ? [file.id] : [], idempotencyKey: 'fuzz-seed-1' });
  }
  await make(liaisonAgent, '/api/meetings', { unitId: city.countyA.id, type: 'weekly', title: '甲县周例会', heldAt: '2026-03-02T09:00:00+08:00', attendeeIds: [person.id], decisions: ['甲县决定'] });
  const material = await make(liaisonAgent, '/api/study/uploads', [{ name: '甲县学习材料.pdf', content: PDF, type: 'application/pdf' }], true);
  await make(liaisonAgent, '/api/study/sessions', { unitId: city.countyA.id, typeCode: 'collective', topic: '甲县集中学习', plannedStart: '2026-03-03T09:00:00+08:00', plannedEnd: '2026-03-03T13:00:00+08:00', materialFileIds: material ? [material.id] : [] });
  await make(liaisonAgent, '/api/info/files', [{ name: '甲县配图.png', content: PNG, type: 'image/png' }], true);
  // Everything the lists show.
  for (const r of ctx.app.routeTable.filter((r) => r.method === 'GET' && !r.url.includes(':'))) {
    for (const who of roles) {
      if (who.only && !(r.permission && who.only.has(r.permission))) continue;
      usePool(who.name);
      rememberAnswer(r.url, await who.agent.get(r.url));
    }
  }
}, 300_000);
afterAll(() => ctx?.close());

describe('contract fuzz: no input makes the server fail', () => {
  it('knows real records to aim at', () => {
    for (const role of ['admin', 'liaison']) {
      const ids = pools.get(role)!;
      expect(ids.all.size, role).toBeGreaterThan(20);
      for (const name of ['unitId', 'personId', 'campaignId', 'taskId']) expect(ids.byName.get(name)?.size, `${role} ${name}`).toBeGreaterThan(0);
    }
  });

  it('answers every generated request to every route without a 5xx, with the one error shape', async () => {
    const routes = ctx.app.routeTable;
    expect(routes.length).toBeGreaterThan(100);
    const failures: string[] = [];
    const badShapes: string[] = [];
    const reached = new Set<string>();
    let sent = 0;
    const send = async (who: Who, route: RouteEntry, r: Outgoing) => {
      const headers: Record<string, string> = { cookie: who.agent.cookie };
      if (r.type) headers['content-type'] = r.type;
      const res = await ctx.app.inject({ method: route.method as 'GET', url: r.url, headers, ...(r.payload === undefined ? {} : { payload: r.payload }) });
      sent++;
      if (res.statusCode < 300) reached.add(`${route.method} ${route.url}`);
      rememberAnswer(route.url, res);
      if (res.statusCode >= 500) failures.push(`${who.name} ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 160)}\n    ${r.shown}`);
      else if (res.statusCode >= 400 && !ErrorBody.safeParse(safeJson(res.body)).success) badShapes.push(`${who.name} ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 160)}`);
      if (res.statusCode === 401 && !route.public) who.agent = await who.relogin();
      return res.statusCode;
    };
    for (const who of roles) {
      usePool(who.name);
      for (const [i, route] of routes.entries()) {
        if (who.only && !(route.permission && who.only.has(route.permission))) continue;
        const seed = SEED + i;
        let accepted = acceptedByRoute.get(`${route.method} ${route.url}`) ?? null;
        for (const g of requestsOf(route, seed, 0, WELL_SHAPED_RUNS)) {
          if ((await send(who, route, outgoing(route, g))) < 300) accepted ??= g;
        }
        for (const g of requestsOf(route, seed, 1, HOSTILE_RUNS)) await send(who, route, outgoing(route, g));
        if (route.schema.multipart) {
          for (const m of multipartOf(route, seed)) {
            await send(who, route, { url: m.url, payload: m.payload, type: `multipart/form-data; boundary=${m.boundary}`, shown: `${m.url} multipart ${m.payload.toString('utf8').slice(0, 300)}` });
          }
        }
        // A request the service accepted, with one field at a time set to an edge value of its kind.
        if (accepted) for (const g of edgesOf(route, accepted, seed)) await send(who, route, outgoing(route, g));
      }
    }
    expect(failures).toEqual([]);
    expect(badShapes).toEqual([]);
    expect(sent).toBeGreaterThan(routes.length * 2 * (WELL_SHAPED_RUNS + HOSTILE_RUNS));
    // The well-shaped requests get through to the services on a good share of the routes, not only to the contract.
    expect(reached.size).toBeGreaterThan(routes.length / 2);
  }, 600_000);
});

function safeJson(s: string): any {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
