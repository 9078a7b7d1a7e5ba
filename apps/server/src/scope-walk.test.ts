/**
 * The scope walk: every /api route the application registers is called by a liaison of county A with the ids of
 * county B's records. Reads and changes answer 404 (or 403 where the role lacks the permission), and no list or
 * export shows county B. A route added without a fixture here fails the walk, so no route escapes it.
 *
 * County B's unfinished papers (an issue being compiled, a draft bulletin, a summary, an upload no record holds)
 * are walked again through every route of their resource, the Word, PDF and download routes included: each answers
 * county A 404, and its own editor 200.
 */
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from './db/schema/index.ts';
import { tokenId } from './platform/session.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, type Agent, type TestCtx } from './test/harness.ts';
import { sessionsWalkBody, STUDY_SHARED_ROUTES, studySessionFixtures, type StudySessionWalk } from './modules/study/sessions.testkit.ts';
import { studyContentFixtures, studyWalkBody } from './modules/study/content.testkit.ts';
import { POINTS_SHARED_ROUTES, pointsFixtures, type PointsWalk } from './modules/points/workflow.testkit.ts';
import { infoItemFixtures, infoWalkBody } from './modules/info/items.testkit.ts';
import { infoPublishFixtures, makeApprovedItem, publishWalkBody, type InfoPublishWalk } from './modules/info/publish.testkit.ts';
import { dashboardLeaks, dashboardWalkUrls } from './modules/reports/dashboards.testkit.ts';
import { bulletinsFixtures, bulletinsWalkBody } from './modules/reports/bulletins.testkit.ts';
import { notifyFixtures, NOTIFY_PARAMS, notifyWalkBody } from './modules/notify/testkit.ts';

let ctx: TestCtx;
let a: Agent; // liaison of county A
let staffA: Agent; // staff member of county A
let b: Agent; // liaison of county B
let ids: Record<string, string> = {};
let study: StudySessionWalk = { byResource: {}, params: {} };
let studyContentIds: Record<string, string> = {};
let points: PointsWalk = { byResource: {}, params: {} };
let infoIds: Record<string, string> = {};
let reportIds: Record<string, string> = {};
let drafts: InfoPublishWalk['drafts'] = [];
let compilingA = ''; // an issue county A's compiler is putting together
let accountParams: Record<string, string> = {};
const B_MARK = '乙县';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

beforeAll(async () => {
  ctx = await makeTestApp();
  const city = await makeCity(ctx.db);
  const admin = await loginAdmin(ctx);
  a = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  staffA = (await loginAs(ctx, 'staff', city.countyA)).agent;
  const liaisonB = await loginAs(ctx, 'liaison', city.countyB);
  b = liaisonB.agent;
  const personB = await makePerson(ctx.db, city.countyB, { name: '乙县干部' });
  const group = ok(await admin.post('/api/org/groups', { unitId: city.countyB.id, name: '乙县领导小组', type: 'leading', members: [{ personId: personB.id, role: 'leader' }] }), 'group');
  const campaign = ok(await admin.post('/api/campaigns', { unitId: city.countyB.id, name: '乙县专项行动', dimensions: ['学'], startDate: '2026-01-01', endDate: '2026-12-31' }), 'campaign');
  const doc = ok(await admin.upload(`/api/campaigns/${campaign.id}/documents`, [{ name: '乙县实施方案.pdf', content: PDF, type: 'application/pdf' }], { kind: 'plan' }), 'document');
  const task = ok(await admin.post('/api/tasks', { campaignId: campaign.id, title: '乙县任务', leadUnitId: city.countyB.id, startDate: '2026-01-01', deadline: '2026-12-31', reportCycle: 'none', coUnitIds: [] }), 'task');
  const upload = ok(await b.upload('/api/campaigns/uploads', [{ name: '乙县佐证.pdf', content: PDF, type: 'application/pdf' }]), 'upload');
  const report = ok(await b.post(`/api/tasks/${task.id}/reports`, { content: '乙县进展', percent: 10, fileIds: [upload.id], idempotencyKey: 'scope-walk-b-1' }), 'report');
  const meeting = ok(await admin.post('/api/meetings', { unitId: city.countyB.id, type: 'weekly', title: '乙县周例会', heldAt: '2026-03-02T09:00:00+08:00', attendeeIds: [personB.id], decisions: ['乙县决定'] }), 'meeting');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('人员');
  ws.addRow(['姓名', '单位', '职务']);
  ws.addRow(['乙县新人', '乙县委宣传部', '干事']);
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  const batch = ok(await b.upload('/api/org/imports/persons', [{ name: '乙县人员.xlsx', content: xlsx }]), 'import');
  const roles = ok(await admin.get('/api/org/roles'), 'roles');
  ids = {
    unit: city.countyB.id,
    person: personB.id,
    group: group.id,
    role: (roles.data ?? roles).find((r: { code: string }) => r.code === 'staff').id,
    campaign: campaign.id,
    document: doc.id,
    task: task.id,
    report: report.id,
    file: upload.id,
    meeting: meeting.id,
    decision: meeting.decisions[0].id,
    import: batch.id,
  };
  study = await studySessionFixtures(admin, b, city.countyB.id, personB.id);
  studyContentIds = await studyContentFixtures(b, campaign.id);
  points = await pointsFixtures(ctx.db, admin, b, city.countyB.id);
  const compilerB = (await loginAs(ctx, 'info_reviewer', city.countyB)).agent;
  const bulletinsB = await bulletinsFixtures(admin, b, city.countyB.id);
  const publishB = await infoPublishFixtures(ctx.db, admin, b, compilerB, city.countyB.id);
  reportIds = { ...bulletinsB.byResource, ...(await notifyFixtures(ctx.db, b, city.countyB.id)) };
  infoIds = { ...publishB.byResource, ...(await infoItemFixtures(b)) };
  drafts = [...publishB.drafts, ...bulletinsB.drafts];
  // Accounts, sessions and audit rows belong to the separated admins: county B's own, for county A to reach for.
  const [auditRow] = await ctx.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.entityId, city.countyB.id)).limit(1);
  const sessionB = tokenId(b.cookie.split('=')[1]);
  accountParams = {
    'audit/logs:id': String(auditRow?.id ?? 1),
    'auth/sessions:id': sessionB,
    'org/accounts:userId': liaisonB.user.id,
    'security/accounts:userId': liaisonB.user.id,
    'security/sessions:id': sessionB,
  };
  const compilerA = (await loginAs(ctx, 'info_reviewer', city.countyA)).agent;
  const pubs = ok(await compilerA.get('/api/info/publications'), 'publications');
  compilingA = ok(await compilerA.post('/api/info/issues', { publicationId: pubs.data[0].id, issueDate: '2026-03-16', editorNote: '甲县编辑中的编者按' }), 'issue A').id;
  const itemA = await makeApprovedItem(ctx.db, { unitId: city.countyA.id, title: '甲县编辑中的专报稿' });
  ok(await compilerA.post(`/api/info/items/${itemA.id}/adoptions`, { kind: 'issue', issueId: compilingA }), 'issue A adoption');
}, 120_000);
afterAll(() => ctx.close());

/** The resource of a route, by its first segments: 'info/issues', 'bulletins/:id'. */
const resourceOf = (url: string) => url.split('/').slice(2, 4).join('/');

/** The id to put in each path parameter, by the route's first segments; `over` puts other records of a resource. */
function fill(url: string, over: Record<string, string> = {}): string | null {
  const seg = url.split('/');
  const resource = resourceOf(url);
  const byResource: Record<string, string> = {
    ...study.byResource,
    ...studyContentIds,
    ...points.byResource,
    ...infoIds,
    ...reportIds,
    ...over,
    'org/units': ids.unit,
    'org/persons': ids.person,
    'org/groups': ids.group,
    'org/roles': ids.role,
    'org/imports': ids.import,
    'campaigns/:id': ids.campaign,
    'tasks/:id': ids.task,
    'reports/:id': ids.report,
    'meetings/:id': ids.meeting,
  };
  const params: Record<string, string> = { ...study.params, ...points.params, ...NOTIFY_PARAMS, ...accountParams };
  let missing = false;
  const out = url.replace(/:(\w+)/g, (_m, name: string) => {
    const v =
      params[`${resource}:${name}`] ? params[`${resource}:${name}`]
      : name === 'docId' ? ids.document
      : name === 'fileId' ? ids.file
      : name === 'decisionId' ? ids.decision
      : name === 'kind' ? 'persons'
      : byResource[resource] ?? byResource[`${seg[2]}/:id`];
    if (!v) missing = true;
    return v ?? '';
  });
  return missing ? null : out;
}

/** Routes with parameters that are not county data: templates and role definitions are the same for everyone. */
const SHARED = new Set(['GET /api/org/imports/template/:kind', ...STUDY_SHARED_ROUTES, ...POINTS_SHARED_ROUTES]);

/** A body every write of the route `url` (as registered) accepts in shape, so that only the scope can refuse it. */
function walkBody(method: string, url: string) {
  if (method === 'GET') return undefined;
  return { version: 1, name: '越权', title: '越权', decision: 'accept', comment: '越权', parentId: ids.unit, leadUnitId: ids.unit, deadline: '2026-12-31', items: [{ title: '越权', leadUnitId: ids.unit, deadline: '2026-12-31' }], content: '越权', percent: 50, username: 'walker_x', password: 'Walk-pass-2026', roleIds: [ids.role], fileIds: [], idempotencyKey: `walk-${url}`, ...sessionsWalkBody(url), ...studyWalkBody(method, url), ...infoWalkBody(url), ...publishWalkBody(url), ...bulletinsWalkBody(url), ...notifyWalkBody(url) };
}

function call(agent: Agent, route: { method: string; url: string }, url: string) {
  const { method } = route;
  return method === 'GET' ? agent.get(url) : agent[method.toLowerCase() as 'post' | 'patch' | 'put' | 'delete'](url, walkBody(method, route.url));
}

describe('scope walk: county A never reaches county B', () => {
  it('the fixtures are real: county B itself reads every one of its records', async () => {
    const reads = ctx.app.routeTable.filter((r) => r.method === 'GET' && !r.public && r.url.includes(':') && !SHARED.has(`${r.method} ${r.url}`));
    const failures: string[] = [];
    for (const r of reads) {
      if (r.url.startsWith('/api/org/roles') || r.url.startsWith('/api/org/imports')) continue;
      // The audit log and the security pages are the separated admins' alone: no county reads them, its own rows included.
      if (r.permission?.startsWith('audit:') || r.permission?.startsWith('security:')) continue;
      const url = fill(r.url);
      if (!url) {
        failures.push(`${r.url}: no county B fixture`);
        continue;
      }
      const res = await b.get(url);
      if (res.statusCode !== 200) failures.push(`${r.url} → ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('every route with an id answers 404 or 403 to county A for county B records', async () => {
    const withParams = ctx.app.routeTable.filter((r) => !r.public && r.url.includes(':') && !SHARED.has(`${r.method} ${r.url}`));
    expect(withParams.length).toBeGreaterThan(15);
    const leaks: string[] = [];
    for (const r of withParams) {
      const url = fill(r.url);
      if (!url) {
        leaks.push(`${r.method} ${r.url}: no county B fixture`);
        continue;
      }
      for (const agent of [a, staffA]) {
        const res = await call(agent, r, url);
        if (![403, 404].includes(res.statusCode)) leaks.push(`${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('county B’s drafts answer 404 to county A on every route of their resource, Word, PDF and downloads included', async () => {
    expect(drafts.map((d) => d.resource).sort()).toEqual(['bulletins/:id', 'info/files', 'info/issues', 'summaries/:id']);
    const routes = ctx.app.routeTable.filter((r) => !r.public && r.url.includes(':'));
    const failures: string[] = [];
    for (const d of drafts) {
      const served = routes.filter((r) => resourceOf(r.url) === d.resource);
      expect(served.filter((r) => r.method === 'GET').length, `no route reads ${d.what}`).toBeGreaterThan(0);
      for (const r of served) {
        const url = fill(r.url, { [d.resource]: d.id })!;
        // the draft is real: its own editor reads it (the PDF is the Word converted, so its Word stands for it)
        if (r.method === 'GET' && !r.url.endsWith('/pdf')) {
          const own = await d.editor.get(url);
          if (own.statusCode !== 200) failures.push(`${d.what}: its editor gets ${r.url} → ${own.statusCode}`);
        }
        for (const [who, agent] of [['liaison', a], ['staff', staffA]] as const) {
          const res = await call(agent, r, url);
          const refused = r.method === 'GET' ? res.statusCode === 404 : [403, 404].includes(res.statusCode);
          if (!refused) failures.push(`${d.what}: county A's ${who} gets ${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 80)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('an issue county A is compiling is not read by county A’s own liaison and staff, who do not compile issues', async () => {
    for (const agent of [a, staffA]) {
      for (const path of ['', '/docx', '/pdf']) expect((await agent.get(`/api/info/issues/${compilingA}${path}`)).statusCode, path).toBe(404);
      expect((await agent.get('/api/info/issues?pageSize=100')).json().data.map((i: { id: string }) => i.id)).not.toContain(compilingA);
    }
  });

  it('dashboards refuse county B’s units and people', async () => {
    expect(await dashboardLeaks([a, staffA], dashboardWalkUrls({ unit: ids.unit, person: ids.person }))).toEqual([]);
  });

  it('no list and no export shows county B', async () => {
    const lists = ctx.app.routeTable.filter((r) => r.method === 'GET' && !r.public && !r.url.includes(':'));
    expect(lists.length).toBeGreaterThan(8);
    const leaks: string[] = [];
    for (const r of lists) {
      for (const agent of [a, staffA]) {
        const res = await agent.get(`${r.url}${r.url.includes('tree') && r.url.startsWith('/api/tasks') ? `?campaignId=${ids.campaign}` : ''}`);
        let text = res.body;
        if (String(res.headers['content-type']).includes('spreadsheetml')) {
          const wb = new ExcelJS.Workbook();
          await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
          text = wb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String)).join('|');
        }
        if (text.includes(B_MARK)) leaks.push(`${r.url} (${res.statusCode})`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
