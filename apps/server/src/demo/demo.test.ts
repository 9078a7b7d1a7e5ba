import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, makeTestApp, type TestCtx } from '../test/harness.ts';
import { ACCOUNTS_FILE } from './accounts.ts';
import { accountsMarkdown, DEMO_PASSWORD, demoCity, ROOT_UNIT_NAME } from './city.ts';
import { demoLogin, demoStatus, seedDemo, type DemoAgent } from './seed.ts';

/** What a newcomer sees after `npm run demo`. */
describe('demo city', () => {
  let ctx: TestCtx;
  let admin: DemoAgent;
  const city = demoCity('2026-01-01');
  const counts = async () => {
    const rows = await ctx.db.execute(sql`select
      (select count(*)::int from units) as units, (select count(*)::int from persons) as persons,
      (select count(*)::int from tasks) as tasks, (select count(*)::int from task_reports) as reports,
      (select count(*)::int from meetings) as meetings, (select count(*)::int from users) as users,
      (select count(*)::int from groups) as groups, (select count(*)::int from study_sessions) as sessions,
      (select count(*)::int from study_reflections) as reflections, (select count(*)::int from study_score_imports) as imports,
      (select count(*)::int from info_items) as info_items, (select count(*)::int from info_adoptions) as adoptions`);
    return ((rows as { rows?: unknown[] }).rows ?? rows) as unknown as Record<string, number>[];
  };

  beforeAll(async () => {
    // The default policy, as a fresh installation has it: the demo itself makes the second factor optional.
    ctx = await makeTestApp({}, { policy: { totp: 'privileged' } });
    const result = await seedDemo(ctx.app, ctx.db, { adminPassword: ADMIN_PASSWORD });
    expect(result.status).toBe('created');
    admin = await demoLogin(ctx.app, 'admin', ADMIN_PASSWORD);
  }, 240_000);
  afterAll(() => ctx?.close());

  it('has a city of about 40 units and 300 people', async () => {
    const unitList = await admin.call('GET', '/api/org/units?pageSize=1');
    expect(unitList.total).toBeGreaterThanOrEqual(38);
    expect(unitList.total).toBeLessThanOrEqual(45);
    const people = await admin.call('GET', '/api/org/persons?pageSize=1');
    expect(people.total).toBeGreaterThanOrEqual(270);
    expect(people.total).toBeLessThanOrEqual(330);
    const young = await admin.call('GET', '/api/org/persons?pageSize=1&bornAfter=1991-12-31');
    expect(young.total).toBeGreaterThan(people.total * 0.2);
    const tree = await admin.call('GET', '/api/org/units/tree');
    const names = tree.map((u: { name: string }) => u.name);
    expect(names).toContain(ROOT_UNIT_NAME);
    for (const n of ['办公室', '理论科', '宣传科', '新闻科', '网信办', '文明办', '临溪县融媒体中心', '临溪县新时代文明实践中心']) expect(names).toContain(n);
    for (const type of ['county_department', 'media_center', 'practice_center', 'practice_institute', 'practice_station', 'branch']) {
      expect(tree.some((u: { type: string }) => u.type === type)).toBe(true);
    }
    const groups = await admin.call('GET', '/api/org/groups?pageSize=50');
    expect(groups.data.map((g: { type: string }) => g.type).sort()).toEqual(['leading', 'lecture', 'study', 'task_force']);
    const leading = groups.data.find((g: { type: string }) => g.type === 'leading');
    expect(leading.members.filter((m: { role: string }) => m.role === 'leader')).toHaveLength(1);
    expect(leading.members.some((m: { role: string }) => m.role === 'deputy')).toBe(true);
  });

  it('runs the 四大 campaign with tasks in every state', async () => {
    const campaigns = await admin.call('GET', '/api/campaigns');
    expect(campaigns.total).toBe(1);
    const c = campaigns.data[0];
    expect(c.dimensions).toEqual(['全员大学习', '业务大比拼', '作风大转变', '能力大提升']);
    expect(c.leadingGroupName).toContain('领导小组');
    expect(c.overdueCount).toBeGreaterThan(0);

    const top = await admin.call('GET', `/api/tasks?campaignId=${c.id}&rootOnly=true&pageSize=200`);
    expect(top.total).toBeGreaterThanOrEqual(20);
    const all = await admin.call('GET', `/api/tasks/tree?campaignId=${c.id}`);
    expect(all.some((t: { depth: number }) => t.depth > 0)).toBe(true);
    expect(all.some((t: { status: string }) => t.status === 'done')).toBe(true);
    expect(all.some((t: { overdue: boolean }) => t.overdue)).toBe(true);
    expect(all.some((t: { missingReports: unknown[] }) => t.missingReports.length > 0)).toBe(true);
    expect(all.some((t: { status: string; overdue: boolean; progress: number }) => t.status !== 'done' && !t.overdue && t.progress > 0)).toBe(true);
    // broken down to people: sub-tasks with a responsible person in a county's unit
    expect(all.some((t: { depth: number; responsiblePersonName: string | null }) => t.depth > 0 && t.responsiblePersonName)).toBe(true);
    // progress rolls up: a parent is the average of its children
    const parent = all.find((t: { childCount: number }) => t.childCount > 0);
    const kids = all.filter((t: { parentId: string }) => t.parentId === parent.id);
    expect(parent.progress).toBe(Math.floor(kids.reduce((s: number, k: { progress: number }) => s + k.progress, 0) / kids.length));

    const returned = await admin.call('GET', '/api/reports?status=returned&pageSize=1');
    expect(returned.total).toBeGreaterThan(0);
    const waiting = await admin.call('GET', '/api/reports?status=submitted&pageSize=1');
    expect(waiting.total).toBeGreaterThan(0);
    const r = (await admin.call('GET', '/api/reports?status=returned&pageSize=1')).data[0];
    expect(r.reviewComment).toBeTruthy();

    const docs = await admin.call('GET', `/api/campaigns/${c.id}/documents`);
    expect(docs.map((d: { kind: string }) => d.kind)).toContain('plan');
    const download = await ctx.app.inject({ method: 'GET', url: `/api/campaigns/${c.id}/documents/${docs[0].id}/download`, headers: { cookie: await cookieOf('linxi') } });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    const reports = await admin.call('GET', '/api/reports?pageSize=200');
    expect(reports.data.some((x: { files: unknown[] }) => x.files.length > 0)).toBe(true);

    const keyList = await admin.call('GET', `/api/tasks?keyList=true&pageSize=50`);
    expect(keyList.total).toBeGreaterThanOrEqual(8);

    const meetings = await admin.call('GET', '/api/meetings?pageSize=50');
    expect(new Set(meetings.data.map((m: { type: string }) => m.type))).toEqual(new Set(['deploy', 'monthly', 'weekly']));
    expect(meetings.data.every((m: { attendees: unknown[]; minutes: string }) => m.attendees.length > 0 && m.minutes)).toBe(true);
    expect(meetings.data.some((m: { decisions: { taskId: string | null }[] }) => m.decisions.some((d) => d.taskId))).toBe(true);
  });

  it('lets every demo login sign in, and each sees its own part', async () => {
    for (const a of city.accounts) {
      // The first accounts (admin and the 三员) carry the first-start password, DEMO_PASSWORD in the demo itself.
      const agent = await demoLogin(ctx.app, a.username, a.personKey === null ? ADMIN_PASSWORD : DEMO_PASSWORD);
      const me = await agent.call('GET', '/api/auth/me');
      expect(me.roles.map((r: { code: string }) => r.code).sort()).toEqual([...a.roles].sort());
    }
    // a county liaison sees their county's tasks and nothing of the other counties
    const linxi = await demoLogin(ctx.app, 'linxi', DEMO_PASSWORD);
    const me = await linxi.call('GET', '/api/auth/me');
    const mine = await linxi.call('GET', '/api/tasks?pageSize=200');
    expect(mine.total).toBeGreaterThan(0);
    const county = await linxi.call('GET', '/api/org/units/tree');
    const countyIds = new Set(county.map((u: { id: string }) => u.id));
    expect(county.every((u: { path: string }) => u.path.startsWith(me.unit.path))).toBe(true);
    for (const t of mine.data) {
      expect(countyIds.has(t.leadUnitId) || t.coUnits.some((u: { id: string }) => countyIds.has(u.id))).toBe(true);
    }
    const everything = await admin.call('GET', '/api/tasks?pageSize=200');
    const other = everything.data.find((t: { title: string }) => t.title.startsWith('白石县'));
    expect(other).toBeTruthy();
    expect((await ctx.app.inject({ method: 'GET', url: `/api/tasks/${other.id}`, headers: { cookie: await cookieOf('linxi') } })).statusCode).toBe(404);

    // the staff member sees only their own tasks, and has some
    const staff = await demoLogin(ctx.app, 'linxi.jizhe', DEMO_PASSWORD);
    const own = await staff.call('GET', '/api/tasks?pageSize=200');
    const staffMe = await staff.call('GET', '/api/auth/me');
    expect(own.total).toBeGreaterThan(0);
    expect(own.data.every((t: { responsiblePersonId: string }) => t.responsiblePersonId === staffMe.person.id)).toBe(true);

    // both the county and the department have reports waiting for them to review
    expect((await linxi.call('GET', '/api/reports?toReview=true&pageSize=1')).total).toBeGreaterThan(0);
    const dept = await demoLogin(ctx.app, 'shibu', DEMO_PASSWORD);
    expect((await dept.call('GET', '/api/reports?toReview=true&pageSize=1')).total).toBeGreaterThan(0);

    // the branch secretary sees their branch's work only
    const branch = await demoLogin(ctx.app, 'linxi.zhibu', DEMO_PASSWORD);
    const branchMe = await branch.call('GET', '/api/auth/me');
    const branchTasks = await branch.call('GET', '/api/tasks?pageSize=200');
    expect(branchTasks.total).toBeGreaterThan(0);
    expect(branchTasks.data.every((t: { leadUnitId: string; responsiblePersonId: string }) => t.leadUnitId === branchMe.unit.id || t.responsiblePersonId === branchMe.person.id)).toBe(true);

    // the auditor reads the audit log, and the seeding left its trail there
    const auditor = await demoLogin(ctx.app, 'shenji', ADMIN_PASSWORD);
    const log = await auditor.call('GET', '/api/audit/logs?pageSize=1');
    expect(log.total).toBeGreaterThan(city.org.units.length + city.org.persons.length);
  });

  it('holds a year of study: sessions of every type, late filings, missed weeks, reflections, reading and scores', async () => {
    for (const type of ['collective', 'morning_reading', 'friday_topic', 'central_group', 'book_sharing', 'online']) {
      expect((await admin.call('GET', `/api/study/sessions?type=${type}&status=held&pageSize=1`)).total, type).toBeGreaterThan(0);
    }
    const held = await admin.call('GET', '/api/study/sessions?status=held&pageSize=1');
    expect(held.total).toBeGreaterThan(200);
    const late = await admin.call('GET', '/api/study/sessions?late=true&pageSize=50');
    expect(late.total).toBeGreaterThan(0);
    expect(late.data.every((x: { late: boolean; preFiled: boolean }) => x.late && !x.preFiled)).toBe(true);
    const cancelled = await admin.call('GET', '/api/study/sessions?status=cancelled&pageSize=10');
    expect(cancelled.total).toBeGreaterThan(0);
    expect(cancelled.data.every((x: { cancelReason: string | null }) => x.cancelReason)).toBe(true);
    const sample = held.data[0];
    expect(sample.attendance.length).toBeGreaterThan(0);
    const statuses = new Set((await admin.call('GET', '/api/study/sessions?status=held&pageSize=200')).data.flatMap((x: { attendance: { status: string }[] }) => x.attendance.map((a) => a.status)));
    expect(statuses).toEqual(new Set(['present', 'late', 'leave', 'absent']));

    // every closed week since 2026-01-05 was checked; the older ones are confirmed, and some list a missed branch
    const weeks = await admin.call('GET', '/api/study/coverage/weeks?pageSize=100');
    expect(weeks.total).toBeGreaterThan(10);
    expect(weeks.data.some((w: { confirmedAt: string | null }) => w.confirmedAt)).toBe(true);
    expect(weeks.data.some((w: { confirmedAt: string | null }) => !w.confirmedAt)).toBe(true);
    const missedWeek = weeks.data.find((w: { missedCount: number; exempt: boolean }) => w.missedCount > 0 && !w.exempt);
    expect(missedWeek).toBeTruthy();
    const detail = await admin.call('GET', `/api/study/coverage/weeks/${missedWeek.week}`);
    const missedRows = detail.rows.filter((r: { missed: boolean }) => r.missed);
    expect(missedRows.length).toBeGreaterThanOrEqual(1);
    expect(missedRows.length).toBeLessThanOrEqual(2);
    expect(missedRows.every((r: { unitType: string; minutes: number }) => r.unitType === 'branch' && r.minutes < 240)).toBe(true);
    expect(weeks.data.some((w: { unfiledCount: number }) => w.unfiledCount > 0)).toBe(true);

    for (const status of ['draft', 'submitted', 'returned', 'passed', 'excellent']) {
      if (status === 'draft') continue; // drafts are their authors' own
      expect((await admin.call('GET', `/api/study/reflections?status=${status}&pageSize=1`)).total, status).toBeGreaterThan(0);
    }
    const returned = (await admin.call('GET', '/api/study/reflections?status=returned&pageSize=1')).data[0];
    expect(returned.reviewComment).toBeTruthy();
    const wall = await admin.call('GET', '/api/study/wall?pageSize=10');
    expect(wall.total).toBeGreaterThan(0);
    const drafts = await ctx.db.execute(sql`select count(*)::int as n from study_reflections where status = 'draft'`);
    expect((((drafts as { rows?: unknown[] }).rows ?? drafts) as { n: number }[])[0].n).toBeGreaterThan(0);

    const campaign = (await admin.call('GET', '/api/campaigns')).data[0];
    const readers = await admin.call('GET', `/api/study/readers?campaignId=${campaign.id}`);
    const readerList = Array.isArray(readers) ? readers : readers.data;
    expect(readerList.length).toBeGreaterThan(0);
    expect(readerList.every((r: { targetBooks: number }) => r.targetBooks === 5)).toBe(true);
    const logs = await admin.call('GET', '/api/study/reading-logs?year=2026&pageSize=200');
    expect(logs.total).toBeGreaterThan(30);
    expect(new Set(logs.data.map((l: { startDate: string }) => l.startDate.slice(0, 7))).size).toBeGreaterThan(3);

    const imports = await admin.call('GET', '/api/study/scores/imports?pageSize=20');
    expect(imports.total).toBeGreaterThanOrEqual(3);
    expect(new Set(imports.data.map((i: { ruleVersion: string }) => i.ruleVersion)).size).toBeGreaterThan(1);
    for (const i of imports.data) {
      expect(i.status).toBe('confirmed');
      expect(i.unmatchedCount).toBeGreaterThan(0);
      const ranking = await admin.call('GET', `/api/study/scores/ranking?month=${i.month}&platform=${encodeURIComponent('学习强国')}&pageSize=10`);
      expect(ranking.total).toBeGreaterThan(200);
      expect(ranking.data[0].rank).toBe(1);
      const units = await admin.call('GET', `/api/study/scores/ranking?month=${i.month}&platform=${encodeURIComponent('学习强国')}&by=unit&pageSize=10`);
      expect(units.total).toBeGreaterThan(10);
    }
  });

  it('holds a year of points: rules with a revision, automatic and manual points, an appeal, and two closed quarters with their 约谈', async () => {
    const rules = await admin.call('GET', '/api/points/rules?year=2026&currentOnly=false&pageSize=100');
    const revised = rules.data.filter((r: { code: string }) => r.code === 'DW-02');
    expect(revised.map((r: { points: string }) => r.points).sort()).toEqual(['-1', '-1.5']);
    for (const kind of ['auto', 'manual', 'reversal']) {
      expect((await admin.call('GET', `/api/points/events?kind=${kind}&pageSize=1`)).total, kind).toBeGreaterThan(0);
    }
    const claims = await admin.call('GET', '/api/points/claims?pageSize=100');
    expect(new Set(claims.data.map((c: { status: string }) => c.status))).toEqual(new Set(['pending', 'approved', 'rejected']));
    expect(claims.data.filter((c: { status: string }) => c.status === 'rejected').every((c: { decisionNote: string | null }) => c.decisionNote)).toBe(true);
    expect(claims.data.some((c: { eventPoints: string | null; points: string }) => c.eventPoints !== null && Number(c.eventPoints) < Number(c.points))).toBe(true);
    const appeals = await admin.call('GET', '/api/points/appeals?status=upheld&pageSize=10');
    expect(appeals.total).toBe(1);
    expect(appeals.data[0].reversalEventId).toBeTruthy();

    const quarters = await admin.call('GET', '/api/points/periods?year=2026&kind=quarter');
    expect(quarters.filter((p: { status: string }) => p.status === 'closed').map((p: { key: string }) => p.key)).toEqual(['Q2026-1', 'Q2026-2']);
    const q1 = await admin.call('GET', `/api/points/results?periodKey=Q2026-1&subjectType=unit&grade=${encodeURIComponent('差')}&pageSize=10`);
    expect(q1.frozen).toBe(true);
    expect(q1.data.map((r: { subjectName: string }) => r.subjectName)).toEqual(['松岭县融媒体中心']);
    const interviews = await admin.call('GET', '/api/points/interviews?pageSize=50');
    const recorded = interviews.data.find((i: { periodKey: string; unitName: string }) => i.periodKey === 'Q2026-1' && i.unitName === '松岭县融媒体中心');
    expect(recorded).toMatchObject({ grade: '差', status: 'closed' });
    expect(recorded.problems).toBeTruthy();
    expect(interviews.data.some((i: { status: string; grade: string }) => i.status === 'pending' && ['一般', '差'].includes(i.grade))).toBe(true);
  });

  it('has a 包联督导 supervisor who sat in on and commented on the assigned branches over the year', async () => {
    const dudao = await demoLogin(ctx.app, 'dudao', DEMO_PASSWORD);
    const report = await dudao.call('GET', '/api/points/supervision?year=2026');
    const names = report.units.map((u: { unitName: string }) => u.unitName);
    expect(names.length).toBe(3);
    expect(names.every((n: string) => n === '机关党支部')).toBe(true);
    for (const u of report.units) {
      expect(u.sessionsHeld, u.unitName).toBeGreaterThan(0);
      expect(u.attended, u.unitName).toBeGreaterThan(0);
      expect(u.attended).toBeLessThan(u.sessionsHeld);
      expect(u.comments, u.unitName).toBeGreaterThan(0);
    }
    expect(report.attended).toBeGreaterThanOrEqual(20);
    expect(report.sessions.some((x: { attended: boolean; commented: boolean }) => x.attended && x.commented)).toBe(true);
  });

  it('holds a year of information: items in every state of the 三审三校 chain, cleaned pastes, near-duplicates, issues, adoptions and targets', async () => {
    for (const status of ['draft', 'reviewing', 'returned', 'approved', 'rejected']) {
      expect((await admin.call('GET', `/api/info/items?status=${status}&pageSize=1`)).total, status).toBeGreaterThan(0);
    }
    const all = await admin.call('GET', '/api/info/items?pageSize=1');
    expect(all.total).toBeGreaterThanOrEqual(250);
    expect(all.total).toBeLessThanOrEqual(400);
    const reviewing = await admin.call('GET', '/api/info/items?status=reviewing&pageSize=200');
    expect(new Set(reviewing.data.map((i: { stepName: string }) => i.stepName))).toEqual(new Set(['编辑', '校对', '审核']));
    expect(reviewing.data.some((i: { overdue: boolean }) => i.overdue)).toBe(true);
    expect(reviewing.data.some((i: { overdue: boolean }) => !i.overdue)).toBe(true);
    const returned = (await admin.call('GET', '/api/info/items?status=returned&pageSize=1')).data[0];
    const returnedDetail = await admin.call('GET', `/api/info/items/${returned.id}`);
    expect(returnedDetail.actions.find((a: { action: string }) => a.action === 'return').comment).toBeTruthy();
    const rejected = (await admin.call('GET', '/api/info/items?status=rejected&pageSize=1')).data[0];
    expect((await admin.call('GET', `/api/info/items/${rejected.id}`)).actions.find((a: { action: string }) => a.action === 'reject').comment).toBeTruthy();
    // items of the whole year, dated on their days
    const months = new Set((await admin.call('GET', '/api/info/items?pageSize=200&sort=submittedOn')).data.map((i: { submittedOn: string | null }) => i.submittedOn?.slice(0, 7)));
    expect(months.size).toBeGreaterThan(3);

    // the 编辑 has items waiting for them, at their step
    const editor = await demoLogin(ctx.app, 'shi.bianji', DEMO_PASSWORD);
    const todo = await editor.call('GET', '/api/info/items?todo=true&pageSize=50');
    expect(todo.total).toBeGreaterThan(0);
    expect(todo.data.every((i: { stepName: string; status: string }) => i.status === 'reviewing' && i.stepName === '编辑')).toBe(true);

    // a resubmitted item went back to the step that returned it and on to approval
    const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Record<string, string>[];
    const [resubmitted] = rows(await ctx.db.execute(sql`select i.id from info_items i where i.status = 'approved' and exists (select 1 from info_actions a where a.item_id = i.id and a.action = 'resubmit') limit 1`));
    const flow = (await admin.call('GET', `/api/info/items/${resubmitted.id}`)).actions.map((a: { action: string }) => a.action);
    expect(flow.indexOf('return')).toBeLessThan(flow.indexOf('resubmit'));
    expect(flow.at(-1) === 'approve' || flow.includes('approve')).toBe(true);
    // a reviewer's edit is a version with a diff
    const [edited] = rows(await ctx.db.execute(sql`select item_id from info_versions where stage = '编辑' limit 1`));
    const versions = await admin.call('GET', `/api/info/items/${edited.item_id}/versions`);
    expect(versions.data.length).toBeGreaterThan(1);
    const diff = await admin.call('GET', `/api/info/items/${edited.item_id}/diff`);
    expect(diff.deleted + diff.inserted).toBeGreaterThan(0);

    // 查重: a county's re-submission of another county's item is flagged
    const dup = (await admin.call('GET', '/api/info/items?sort=-dupTop&pageSize=5')).data[0];
    expect(dup.dupTop).toBeGreaterThanOrEqual(50);
    const dupDetail = await admin.call('GET', `/api/info/items/${dup.id}`);
    expect(dupDetail.dupMatches[0].similarity).toBeGreaterThanOrEqual(50);
    expect(dupDetail.dupMatches[0].unitName).not.toBe(dup.unitName);

    // pasted web pages: the submitted ones were cleaned; the draft is left for the cleaner, which gives plain Simplified text
    const pinyin = /[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+[)）]/;
    const pastedOk = (await admin.call('GET', `/api/info/items?q=${encodeURIComponent('田间夜话')}&pageSize=5`)).data[0];
    const pastedBody = (await admin.call('GET', `/api/info/items/${pastedOk.id}`)).bodyText;
    expect(pastedBody).toContain('田间夜话');
    expect(pastedBody).not.toMatch(pinyin);
    expect(pastedBody).not.toMatch(/頭部|圖片|THE END|返回顶部|footer/);
    const draft = (await admin.call('GET', `/api/info/items?status=draft&q=${encodeURIComponent('积分超市')}&pageSize=5`)).data[0];
    const raw = (await admin.call('GET', `/api/info/items/${draft.id}`)).bodyText;
    expect(raw).toMatch(pinyin);
    const cleaned = await admin.call('POST', '/api/info/clean', { text: raw, format: 'text' });
    expect(cleaned.text).toContain('文明积分超市');
    expect(cleaned.text).not.toMatch(pinyin);
    expect(cleaned.text).not.toMatch(/[區積動參與滿萬為]|THE END|footer/);
    expect(cleaned.changes.map((c: { kind: string }) => c.kind)).toEqual(expect.arrayContaining(['pinyin', 'traditional', 'chrome']));

    // 信息专报 and 工作简报: numbered 1..N without gaps, all issued but the latest, which is being compiled
    const pubs = (await admin.call('GET', '/api/info/publications')).data;
    const compiling: { label: string }[] = [];
    for (const [name, expected] of [['信息专报', 16], ['工作简报', 8]] as const) {
      const pub = pubs.find((p: { name: string }) => p.name === name);
      const issues = (await admin.call('GET', `/api/info/issues?publicationId=${pub.id}&year=2026&pageSize=50&sort=number`)).data;
      expect(issues.map((i: { number: number }) => i.number), name).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      expect(issues.every((i: { itemCount: number }) => i.itemCount > 0)).toBe(true);
      compiling.push(...issues.filter((i: { status: string }) => i.status === 'compiling'));
      const docx = await ctx.app.inject({ method: 'GET', url: `/api/info/issues/${issues[0].id}/docx`, headers: { cookie: await cookieOf('shibu') } });
      expect(docx.statusCode).toBe(200);
      expect(docx.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    }
    expect(compiling.map((i) => i.label)).toEqual([expect.stringContaining('信息专报 2026年第16期')]);

    // adoptions at every level, 领导批示, 问题建议 a real share, and the points of a 省级 adoption in the ledger
    const stats = await admin.call('GET', '/api/info/stats?period=Y2026&by=unit');
    for (const level of ['县级', '市级', '省级', '中央']) expect(stats.totals.adoptedByLevel[level], level).toBeGreaterThan(0);
    expect(stats.totals.instructed).toBeGreaterThan(0);
    expect(stats.totals.problemShare).toBeGreaterThan(12);
    expect(stats.totals.problemShare).toBeLessThan(35);
    const provincial = stats.rows.find((r: { adoptedByLevel: Record<string, number> }) => r.adoptedByLevel['省级'] > 0);
    const ledger = await admin.call('GET', `/api/points/events?subjectId=${provincial.subjectId}&ruleCode=DW-07&from=2026-01-01&to=2026-12-31&pageSize=50`);
    expect(ledger.total).toBe(provincial.adoptedByLevel['省级']);
    expect(ledger.data.every((e: { points: string }) => Number(e.points) === 4)).toBe(true);
    expect(Number(provincial.score)).toBeGreaterThan(0);

    // media reports by the reporters, against their targets; the reporter sees their own
    const media = await admin.call('GET', '/api/info/media?pageSize=1');
    expect(media.total).toBeGreaterThan(100);
    const reporter = await demoLogin(ctx.app, 'linxi.jizhe', DEMO_PASSWORD);
    const reporterMe = await reporter.call('GET', '/api/auth/me');
    const own = await reporter.call('GET', '/api/info/media?pageSize=50');
    expect(own.total).toBeGreaterThan(0);
    expect(own.data.every((m: { reporterId: string }) => m.reporterId === reporterMe.person.id)).toBe(true);
    const targets = await admin.call('GET', '/api/info/targets?year=2026&subjectType=person&measure=media&pageSize=200');
    const yearly = targets.data.filter((t: { month: number | null }) => t.month === null);
    expect(yearly.length).toBeGreaterThanOrEqual(20);
    expect(yearly.some((t: { progress: number }) => t.progress >= 100)).toBe(true);
    expect(yearly.some((t: { progress: number }) => t.progress < 100)).toBe(true);
    expect(targets.data.some((t: { month: number | null }) => t.month !== null)).toBe(true);
    const units = await admin.call('GET', '/api/info/targets?year=2026&subjectType=unit&pageSize=200');
    expect(new Set(units.data.map((t: { measure: string }) => t.measure))).toEqual(new Set(['submitted', 'adopted', 'media']));
  });

  it('holds the year\'s 通报, numbered 1, 2, 3 … in date order, and a draft', async () => {
    const list = await admin.call('GET', '/api/bulletins?pageSize=200');
    const issued = list.data.filter((b: { status: string }) => b.status === 'issued');
    const drafts = list.data.filter((b: { status: string }) => b.status === 'draft');
    expect(drafts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(issued.map((b: { template: string }) => b.template))).toEqual(
      new Set(['monthly_tasks', 'weekly_study', 'half_year_platform', 'points_ranking', 'commendation', 'criticism']),
    );
    const byNumber = [...issued].sort((a: { number: number }, b: { number: number }) => a.number - b.number);
    expect(byNumber.map((b: { number: number }) => b.number)).toEqual(byNumber.map((_: unknown, i: number) => i + 1));
    for (const b of byNumber) expect(b.docNumber).toBe(`青宣通〔2026〕${b.number}号`);
    const full = await Promise.all(byNumber.map((b: { id: string }) => admin.call('GET', `/api/bulletins/${b.id}`)));
    const dates = full.map((b: { signatureDate: string }) => b.signatureDate);
    expect(dates).toEqual([...dates].sort());
    expect(issued.filter((b: { template: string }) => b.template === 'monthly_tasks').length).toBeGreaterThanOrEqual(3);
    expect(issued.filter((b: { template: string }) => b.template === 'points_ranking').map((b: { periodKey: string }) => b.periodKey).sort()).toEqual(['Q2026-1', 'Q2026-2']);
    // each 未学通报 names exactly the branches its confirmed week lists as missed
    const weekly = full.filter((b: { template: string }) => b.template === 'weekly_study');
    expect(weekly.length).toBeGreaterThan(0);
    for (const b of weekly) {
      const week = await admin.call('GET', `/api/study/coverage/weeks/${b.periodKey}`);
      expect(week.confirmedAt).not.toBeNull();
      const missed = week.rows.filter((r: { missed: boolean }) => r.missed).map((r: { unitId: string }) => r.unitId).sort();
      expect(b.data.missed.map((m: { unitId: string }) => m.unitId).sort()).toEqual(missed);
    }
    const criticism = full.find((b: { template: string }) => b.template === 'criticism');
    expect(criticism.title).toBe('关于对松岭县融媒体中心予以通报批评的通报');
    expect(criticism.recipients.find((r: { named: boolean }) => r.named).unitName).toBe('松岭县融媒体中心');
    // a county liaison sees the issued bulletins sent to it, not the department's draft
    const county = await demoLogin(ctx.app, 'songling', DEMO_PASSWORD);
    const seen = await county.call('GET', '/api/bulletins?pageSize=200');
    expect(seen.total).toBe(issued.length);
    expect(seen.data.find((b: { id: string }) => b.id === criticism.id).readAt).not.toBeNull();
    const docx = await ctx.app.inject({ method: 'GET', url: `/api/bulletins/${criticism.id}/docx`, headers: { cookie: await cookieOf('songling') } });
    expect(docx.statusCode).toBe(200);
    // each issued bulletin reached the liaison's notification centre on its date; what is older than a month was opened
    const notices = (await county.call('GET', '/api/notifications?pageSize=100')).data.filter((n: { kind: string }) => n.kind === 'bulletin');
    expect(notices).toHaveLength(issued.length);
    const monthAgo = new Date(Date.now() + 8 * 3600_000 - 30 * 86_400_000).toISOString().slice(0, 10);
    for (const b of full) {
      const n = notices.find((x: { link: string }) => x.link === `/bulletins/${b.id}`);
      expect(new Date(new Date(n.createdAt).getTime() + 8 * 3600_000).toISOString().slice(0, 10)).toBe(b.signatureDate);
      if (b.signatureDate < monthAgo || b.id === criticism.id) expect(n.readAt).not.toBeNull();
    }
  });

  it('lists the logins in ACCOUNTS.md', () => {
    expect(fs.readFileSync(ACCOUNTS_FILE, 'utf8')).toBe(accountsMarkdown());
  });

  it('adds nothing when seeded again', async () => {
    const before = await counts();
    const again = await seedDemo(ctx.app, ctx.db, { adminPassword: ADMIN_PASSWORD });
    expect(again.status).toBe('present');
    expect(await counts()).toEqual(before);
    expect(await demoStatus(ctx.db)).toBe('complete');
  });

  async function cookieOf(username: string) {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
    return String(res.headers['set-cookie']).split(';')[0];
  }
});
