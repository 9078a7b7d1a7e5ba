import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, pointClaims, pointEvents, pointInterviews, pointRules, pointTotals, roles, studySupervisions } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, makeUser, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { sheetOf } from '../org/testing.ts';
import { openInterviews } from './interviews.ts';
import { ensurePeriods } from './ledger.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let liaisonB: Agent;
let ruleSeq = 0;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function makeRule(over: Partial<typeof pointRules.$inferInsert> = {}) {
  const [r] = await ctx.db
    .insert(pointRules)
    .values({ year: 2026, code: `W${++ruleSeq}`, effectiveFrom: '2026-01-01', category: '业务工作', item: `测试评分项${ruleSeq}`, subjectType: 'unit', points: 500, ...over })
    .returning();
  return r;
}

let keySeq = 0;
const claimBody = (ruleId: string, subjectId: string, extra: Record<string, unknown> = {}) => ({
  ruleId,
  subjectId,
  occurredOn: '2026-02-10',
  reason: '在省级媒体刊发专题报道',
  idempotencyKey: `claim-key-${++keySeq}`,
  ...extra,
});

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = (await loginAs(ctx, 'liaison', city.countyB)).agent;
}, 60_000);
afterAll(() => ctx.close());

describe('加减分申请', () => {
  it('a double click makes one claim: the replay answers with the first', async () => {
    const rule = await makeRule();
    const body = claimBody(rule.id, city.branchA.id, { quantity: '2' });
    const first = await ok(liaisonA.post('/api/points/claims', body), 201);
    const second = await ok(liaisonA.post('/api/points/claims', body), 200);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ points: '10', quantity: '2', status: 'pending', subjectName: '甲县机关党支部', unitName: '甲县机关党支部', ruleCode: rule.code });
    const rows = await ctx.db.select().from(pointClaims).where(eq(pointClaims.idempotencyKey, body.idempotencyKey));
    expect(rows).toHaveLength(1);
    // Two clicks at once, evidence and all: still one claim, and the file is attached once.
    const file = await ok(liaisonA.upload('/api/points/claims/files', [{ name: '同时提交.pdf', content: PDF, type: 'application/pdf' }]), 201);
    const twin = claimBody(rule.id, city.branchA.id, { fileIds: [file.id] });
    const [x, y] = await Promise.all([liaisonA.post('/api/points/claims', twin), liaisonA.post('/api/points/claims', twin)]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 201]);
    expect(x.json().id).toBe(y.json().id);
    expect(x.json().files).toHaveLength(1);
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'point_claim'), eq(auditLog.entityId, first.id)));
    expect(audits.map((a) => a.action)).toEqual(['create']);
  });

  it('a rule that needs evidence refuses a claim without any, and takes the uploaded file', async () => {
    const rule = await makeRule({ evidenceRequired: true });
    const bare = await liaisonA.post('/api/points/claims', claimBody(rule.id, city.countyA.id));
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.message).toContain('佐证材料');
    const file = await ok(liaisonA.upload('/api/points/claims/files', [{ name: '刊发截图.pdf', content: PDF, type: 'application/pdf' }]), 201);
    const claim = await ok(liaisonA.post('/api/points/claims', claimBody(rule.id, city.countyA.id, { fileIds: [file.id] })), 201);
    expect(claim.files.map((f: { name: string }) => f.name)).toEqual(['刊发截图.pdf']);
    const download = await liaisonA.get(`/api/points/claims/${claim.id}/files/${file.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // A file already taken cannot be taken again, and nobody else's file can be taken at all.
    expect((await liaisonA.post('/api/points/claims', claimBody(rule.id, city.countyA.id, { fileIds: [file.id] }))).statusCode).toBe(404);
    expect((await liaisonB.post('/api/points/claims', claimBody(rule.id, city.countyB.id, { fileIds: [file.id] }))).statusCode).toBe(404);
    // A link alone is evidence too.
    await ok(liaisonA.post('/api/points/claims', claimBody(rule.id, city.countyA.id, { links: ['https://example.com/report/1'] })), 201);
  });

  it('a subject outside the caller’s units is 404; an automatic or out-of-force rule is 400', async () => {
    const unitRule = await makeRule();
    const personRule = await makeRule({ subjectType: 'person', points: 200 });
    const personB = await makePerson(ctx.db, city.countyB);
    expect((await liaisonA.post('/api/points/claims', claimBody(unitRule.id, city.countyB.id))).statusCode).toBe(404);
    expect((await liaisonA.post('/api/points/claims', claimBody(personRule.id, personB.id))).statusCode).toBe(404);
    const auto = await makeRule({ source: 'info.adopted' });
    const r1 = await liaisonA.post('/api/points/claims', claimBody(auto.id, city.countyA.id));
    expect(r1.statusCode).toBe(400);
    expect(r1.json().error.message).toContain('自动计分');
    const later = await makeRule({ effectiveFrom: '2026-06-01' });
    const r2 = await liaisonA.post('/api/points/claims', claimBody(later.id, city.countyA.id));
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error.message).toContain('不适用');
    const future = await liaisonA.post('/api/points/claims', claimBody(unitRule.id, city.countyA.id, { occurredOn: '2099-01-01' }));
    expect(future.statusCode).toBe(400);
    expect(future.json().error.message).toContain('不能晚于今天');
    const disabled = await makeRule({ disabled: true });
    expect((await liaisonA.post('/api/points/claims', claimBody(disabled.id, city.countyA.id))).statusCode).toBe(400);
  });

  it('approval writes the ledger row, and the cap is applied there: +5 twice under a cap of 8 gives 5 and 3', async () => {
    const rule = await makeRule({ points: 500, capPoints: 800, capPeriod: 'quarter' });
    const c1 = await ok(liaisonA.post('/api/points/claims', claimBody(rule.id, city.branchA.id, { occurredOn: '2026-01-20' })), 201);
    const c2 = await ok(liaisonA.post('/api/points/claims', claimBody(rule.id, city.branchA.id, { occurredOn: '2026-02-20' })), 201);
    const d1 = await ok(admin.post(`/api/points/claims/${c1.id}/decide`, { approve: true, version: 1 }));
    expect(d1).toMatchObject({ status: 'approved', eventPoints: '5', points: '5', version: 2 });
    const [e1] = await ctx.db.select().from(pointEvents).where(eq(pointEvents.id, d1.eventId));
    expect(e1).toMatchObject({ kind: 'manual', sourceType: 'claim', sourceId: c1.id, claimId: c1.id, dedupeKey: `claim:${c1.id}`, points: 500, capped: false });
    const d2 = await ok(admin.post(`/api/points/claims/${c2.id}/decide`, { approve: true, version: 1 }));
    expect(d2).toMatchObject({ points: '5', eventPoints: '3' });
    const [e2] = await ctx.db.select().from(pointEvents).where(eq(pointEvents.id, d2.eventId));
    expect(e2.capped).toBe(true);
    const [q1] = await ctx.db
      .select({ total: pointTotals.total })
      .from(pointTotals)
      .where(and(eq(pointTotals.periodKey, 'Q2026-1'), eq(pointTotals.subjectId, city.branchA.id)));
    expect(Number(q1.total)).toBe(800);
  });

  it('nobody decides their own claim; only an approver decides; a rejection needs a reason; a stale version is 409', async () => {
    const rule = await makeRule();
    const own = await ok(admin.post('/api/points/claims', claimBody(rule.id, city.countyA.id)), 201);
    expect((await admin.post(`/api/points/claims/${own.id}/decide`, { approve: true, version: 1 })).statusCode).toBe(403);
    const claim = await ok(liaisonA.post('/api/points/claims', claimBody(rule.id, city.countyA.id)), 201);
    expect((await liaisonA.post(`/api/points/claims/${claim.id}/decide`, { approve: true, version: 1 })).statusCode).toBe(403);
    const noReason = await admin.post(`/api/points/claims/${claim.id}/decide`, { approve: false, version: 1 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('驳回时请写明理由');
    expect((await admin.post(`/api/points/claims/${claim.id}/decide`, { approve: true, version: 7 })).statusCode).toBe(409);
    const rejected = await ok(admin.post(`/api/points/claims/${claim.id}/decide`, { approve: false, note: '佐证不足', version: 1 }));
    expect(rejected).toMatchObject({ status: 'rejected', decisionNote: '佐证不足', eventId: null });
    expect((await admin.post(`/api/points/claims/${claim.id}/decide`, { approve: true, version: 2 })).statusCode).toBe(409);
  });

  it('county B never reaches county A’s claims', async () => {
    const rule = await makeRule({ evidenceRequired: true });
    const file = await ok(liaisonA.upload('/api/points/claims/files', [{ name: '甲县佐证.pdf', content: PDF, type: 'application/pdf' }]), 201);
    const claim = await ok(liaisonA.post('/api/points/claims', claimBody(rule.id, city.countyA.id, { fileIds: [file.id] })), 201);
    expect((await liaisonB.get(`/api/points/claims/${claim.id}`)).statusCode).toBe(404);
    expect((await liaisonB.get(`/api/points/claims/${claim.id}/files/${file.id}`)).statusCode).toBe(404);
    const list = await ok(liaisonB.get('/api/points/claims'));
    expect(list.data.some((c: { unitName: string }) => c.unitName.startsWith('甲县'))).toBe(false);
    const mine = await ok(liaisonA.get('/api/points/claims?mine=true&status=pending'));
    expect(mine.data.some((c: { id: string }) => c.id === claim.id)).toBe(true);
  });
});

describe('申诉', () => {
  async function approvedEvent(subjectId = city.branchA.id) {
    const rule = await makeRule({ points: -300 });
    const claim = await ok(liaisonA.post('/api/points/claims', claimBody(rule.id, subjectId, { occurredOn: '2026-04-08' })), 201);
    const decided = await ok(admin.post(`/api/points/claims/${claim.id}/decide`, { approve: true, version: 1 }));
    return { eventId: decided.eventId as number, rule };
  }

  it('upheld: a linked reversal brings the totals back, and the event cannot be appealed again', async () => {
    const unit = city.branchA.id;
    const before = await ctx.db.select().from(pointTotals).where(and(eq(pointTotals.periodKey, 'Q2026-2'), eq(pointTotals.subjectId, unit)));
    const base = Number(before[0]?.total ?? 0);
    const { eventId } = await approvedEvent();
    const appeal = await ok(liaisonA.post('/api/points/appeals', { eventId, reason: '该次扣分的事实认定有误' }), 201);
    expect(appeal).toMatchObject({ status: 'pending', points: '-3', unitName: '甲县机关党支部' });
    const again = await liaisonA.post('/api/points/appeals', { eventId, reason: '再次申诉同一条积分' });
    expect(again.statusCode).toBe(409);
    expect((await liaisonB.post('/api/points/appeals', { eventId, reason: '乙县越权申诉' })).statusCode).toBe(404);
    expect((await admin.post(`/api/points/appeals/${appeal.id}/decide`, { uphold: true, decision: '核实', version: 9 })).statusCode).toBe(409);
    const upheld = await ok(admin.post(`/api/points/appeals/${appeal.id}/decide`, { uphold: true, decision: '经核实扣分有误，予以冲正', version: 1 }));
    expect(upheld.status).toBe('upheld');
    const [reversal] = await ctx.db.select().from(pointEvents).where(eq(pointEvents.id, upheld.reversalEventId));
    expect(reversal).toMatchObject({ kind: 'reversal', reversesEventId: eventId, points: 300, sourceType: 'appeal', sourceId: appeal.id, note: '经核实扣分有误，予以冲正' });
    const after = await ctx.db.select().from(pointTotals).where(and(eq(pointTotals.periodKey, 'Q2026-2'), eq(pointTotals.subjectId, unit)));
    expect(Number(after[0].total)).toBe(base);
    expect((await liaisonA.post('/api/points/appeals', { eventId, reason: '冲正后再申诉' })).statusCode).toBe(400);
    expect((await liaisonA.post('/api/points/appeals', { eventId: reversal.id, reason: '对冲正记录申诉' })).statusCode).toBe(400);
  });

  it('a dismissed appeal leaves the points, and the window closes after the set days', async () => {
    const { eventId } = await approvedEvent(city.countyA.id);
    const appeal = await ok(liaisonA.post('/api/points/appeals', { eventId, reason: '请求复核此次扣分' }), 201);
    const dismissed = await ok(admin.post(`/api/points/appeals/${appeal.id}/decide`, { uphold: false, decision: '扣分依据充分，维持', version: 1 }));
    expect(dismissed).toMatchObject({ status: 'dismissed', reversalEventId: null });
    const late = await approvedEvent(city.countyA.id);
    await ctx.db.update(pointEvents).set({ createdAt: new Date('2026-01-05T04:00:00Z') }).where(eq(pointEvents.id, late.eventId));
    const res = await liaisonA.post('/api/points/appeals', { eventId: late.eventId, reason: '超期提出的申诉' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('2026-01-15');
    const list = await ok(liaisonA.get('/api/points/appeals?status=dismissed'));
    expect(list.data.map((a: { id: string }) => a.id)).toContain(appeal.id);
    expect((await ok(liaisonB.get('/api/points/appeals'))).data.some((a: { unitName: string }) => a.unitName.startsWith('甲县'))).toBe(false);
  });
});

describe('约谈', () => {
  it('opens one pending interview per unit graded 一般 or 差, with the head and the 包联 supervisor filled in, and closes with the record', async () => {
    await ensurePeriods(ctx.db, 2026);
    const secretary = await makeUser(ctx.db, city.branchA, 'branch_secretary');
    const supervisor = await makePerson(ctx.db, city.city, { name: '包联督导甲' });
    await ctx.db.insert(studySupervisions).values({ supervisorPersonId: supervisor.id, unitId: city.branchA.id, fromDate: '2026-01-01' });
    const rows = [
      { unitId: city.branchA.id, grade: '一般', total: -250 },
      { unitId: city.countyA.id, grade: '好', total: 1200 },
      { unitId: city.branchB.id, grade: '差', total: -900 },
    ];
    expect(await openInterviews(ctx.db, 'M2026-05', rows)).toBe(2);
    expect(await openInterviews(ctx.db, 'M2026-05', rows)).toBe(0);
    const list = await ok(liaisonA.get('/api/points/interviews?periodKey=M2026-05'));
    expect(list.total).toBe(1);
    const interview = list.data[0];
    expect(interview).toMatchObject({
      unitName: '甲县机关党支部',
      grade: '一般',
      total: '-2.5',
      status: 'pending',
      intervieweePersonId: secretary.person.id,
      interviewerPersonId: supervisor.id,
      interviewerName: '包联督导甲',
      periodLabel: expect.stringContaining('5'),
    });
    const [other] = await ctx.db.select().from(pointInterviews).where(eq(pointInterviews.unitId, city.branchB.id));
    expect(other.intervieweePersonId).toBeNull();
    expect((await liaisonA.get(`/api/points/interviews/${other.id}`)).statusCode).toBe(404);
    expect((await liaisonB.get(`/api/points/interviews/${interview.id}`)).statusCode).toBe(404);

    const record = {
      heldOn: '2026-06-03',
      intervieweePersonId: secretary.person.id,
      interviewerPersonId: supervisor.id,
      participants: '县委宣传部分管领导、支部书记',
      problems: '学习制度落实不到位',
      commitments: '一个月内完成整改',
      followUpDeadline: '2026-07-03',
      version: 1,
    };
    expect((await liaisonA.post(`/api/points/interviews/${interview.id}/close`, record)).statusCode).toBe(403);
    expect((await admin.post(`/api/points/interviews/${interview.id}/close`, { ...record, followUpDeadline: '2026-05-01' })).statusCode).toBe(400);
    expect((await admin.post(`/api/points/interviews/${interview.id}/close`, { ...record, version: 3 })).statusCode).toBe(409);
    const closed = await ok(admin.post(`/api/points/interviews/${interview.id}/close`, record));
    expect(closed).toMatchObject({ status: 'closed', heldOn: '2026-06-03', problems: '学习制度落实不到位', followUpDeadline: '2026-07-03', version: 2 });
    const pendingFirst = await ok(admin.get('/api/points/interviews'));
    expect(pendingFirst.data[0].status).toBe('pending');
  });
});

describe('包联督导', () => {
  it('counts the sessions the supervisor sat in and commented on, per unit and for the year', async () => {
    const sup = await loginAs(ctx, 'supervisor', city.city);
    await ok(admin.post('/api/study/supervisions', { supervisorPersonId: sup.person.id, unitId: city.branchB.id, fromDate: '2026-01-01' }), 201);
    const member = await makePerson(ctx.db, city.branchB);
    const sessions = [];
    for (const day of ['2026-03-02', '2026-03-09', '2026-03-16']) {
      const s = await ok(
        admin.post('/api/study/sessions', {
          unitId: city.branchB.id,
          typeCode: 'collective',
          topic: `乙县支部集中学习${day}`,
          plannedStart: `${day}T09:00:00+08:00`,
          plannedEnd: `${day}T13:00:00+08:00`,
        }),
        201,
      );
      sessions.push(s);
    }
    const attendance = (present: boolean) => [
      { personId: member.id, status: 'present' },
      { personId: sup.person.id, status: present ? 'late' : 'absent', reason: present ? null : '出差' },
    ];
    await ok(admin.post(`/api/study/sessions/${sessions[0].id}/record`, { version: 1, actualStart: '2026-03-02T09:00:00+08:00', actualEnd: '2026-03-02T13:00:00+08:00', attendance: attendance(true) }));
    await ok(admin.post(`/api/study/sessions/${sessions[1].id}/record`, { version: 1, actualStart: '2026-03-09T09:00:00+08:00', actualEnd: '2026-03-09T13:00:00+08:00', attendance: attendance(false) }));
    await ok(sup.agent.post(`/api/study/sessions/${sessions[1].id}/comments`, { content: '学习准备充分，研讨深入' }), 201);

    const report = await ok(sup.agent.get('/api/points/supervision?year=2026'));
    expect(report).toMatchObject({ supervisorPersonId: sup.person.id, attended: 1, comments: 1 });
    expect(report.units).toEqual([
      expect.objectContaining({ unitId: city.branchB.id, unitName: '乙县机关党支部', sessionsHeld: 2, attended: 1, comments: 1, points: expect.any(String), grade: null }),
    ]);
    expect(report.sessions.map((s: { attended: boolean; commented: boolean }) => [s.attended, s.commented])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect((await sup.agent.get(`/api/points/supervision?year=2026&supervisorPersonId=${member.id}`)).statusCode).toBe(404);
    const byAdmin = await ok(admin.get(`/api/points/supervision?year=2026&supervisorPersonId=${sup.person.id}`));
    expect(byAdmin.attended).toBe(1);
    const supervisors = await ok(admin.get('/api/points/supervisors?year=2026'));
    expect(supervisors).toContainEqual(expect.objectContaining({ personId: sup.person.id, units: 1, attended: 1, comments: 1 }));
    expect(await ok(sup.agent.get('/api/points/supervisors?year=2026'))).toEqual([expect.objectContaining({ personId: sup.person.id })]);
    expect((await ok(sup.agent.get('/api/points/supervision?year=2025'))).units).toEqual([]);
  });

  it('exports a supervisor’s units and the supervisors with the page’s figures, each within the reader’s counties', async () => {
    const supAB = await loginAs(ctx, 'supervisor', city.city);
    const supB = await makeUser(ctx.db, city.countyB, 'supervisor');
    for (const [personId, unitId] of [[supAB.person.id, city.branchA.id], [supAB.person.id, city.branchB.id], [supB.person.id, city.branchB.id]]) {
      await ok(admin.post('/api/study/supervisions', { supervisorPersonId: personId, unitId, fromDate: '2026-01-01' }), 201);
    }
    for (const unit of [city.branchA, city.branchB]) {
      const when = { start: '2026-04-07T09:00:00+08:00', end: '2026-04-07T11:00:00+08:00' };
      const s = await ok(admin.post('/api/study/sessions', { unitId: unit.id, typeCode: 'collective', topic: `${unit.name}四月学习`, plannedStart: when.start, plannedEnd: when.end }), 201);
      const attendance = [{ personId: supAB.person.id, status: 'present' }, ...(unit === city.branchB ? [{ personId: supB.person.id, status: 'present' }] : [])];
      await ok(admin.post(`/api/study/sessions/${s.id}/record`, { version: 1, actualStart: when.start, actualEnd: when.end, attendance }));
    }
    // A county's own reader of 包联督导: county A's units and people only.
    await ctx.db.insert(roles).values({ code: 'county_supervision_reader', name: '县级包联督导查看', scope: 'subtree', permissions: ['points:supervision:view'] });
    const readerA = (await loginAs(ctx, 'county_supervision_reader', city.countyA)).agent;

    const pathOf: Record<string, string> = {
      [city.branchA.id]: `${city.city.name}/甲县委宣传部/甲县机关党支部`,
      [city.branchB.id]: `${city.city.name}/乙县委宣传部/乙县机关党支部`,
    };
    type Unit = { unitId: string; unitName: string; sessionsHeld: number; attended: number; comments: number; tasksOpen: number; tasksOverdue: number; points: string; grade: string | null };
    const expectSheet = async (agent: Agent, query: string) => {
      const report = await ok(agent.get(`/api/points/supervision?${query}`));
      const res = await agent.get(`/api/points/supervision/export?${query}`);
      expect(res.statusCode).toBe(200);
      expect(decodeURIComponent(String(res.headers['content-disposition']))).toMatch(new RegExp(`${report.supervisorName}2026年包联督导情况-\\d{4}-\\d{2}-\\d{2}\\.xlsx$`));
      const [header, ...lines] = await sheetOf(res);
      expect(header).toEqual(['包联单位', '包联开始', '包联结束', '开展学习', '列席', '点评', '在办任务', '逾期任务', '积分', '等次', '单位路径']);
      const sum = (k: 'sessionsHeld' | 'tasksOpen' | 'tasksOverdue') => String(report.units.reduce((n: number, u: Unit) => n + u[k], 0));
      expect(lines).toEqual([
        ...report.units.map((u: Unit) => [
          u.unitName, '2026-01-01', '长期', String(u.sessionsHeld), String(u.attended), String(u.comments), String(u.tasksOpen), String(u.tasksOverdue),
          String(Number(u.points)), u.grade ?? '', pathOf[u.unitId],
        ]),
        ['合计', '', '', sum('sessionsHeld'), String(report.attended), String(report.comments), sum('tasksOpen'), sum('tasksOverdue'), '', '', ''],
      ]);
      return { report, lines };
    };
    const whole = await expectSheet(admin, `year=2026&supervisorPersonId=${supAB.person.id}`);
    expect(whole.report.units.map((u: Unit) => u.unitName).sort()).toEqual(['乙县机关党支部', '甲县机关党支部']);
    expect(whole.report.attended).toBe(2);
    const countyA = await expectSheet(readerA, `year=2026&supervisorPersonId=${supAB.person.id}`);
    expect(countyA.lines.map((l) => l[0])).toEqual(['甲县机关党支部', '合计']);
    expect(JSON.stringify(countyA.lines)).not.toContain('乙县');
    // A supervisor of county B alone is not found from county A, and a county liaison may not read 包联督导 at all.
    const other = await readerA.get(`/api/points/supervision/export?year=2026&supervisorPersonId=${supB.person.id}`);
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-disposition']).toBeUndefined();
    expect((await liaisonA.get(`/api/points/supervision/export?year=2026&supervisorPersonId=${supAB.person.id}`)).statusCode).toBe(403);
    expect((await liaisonA.get('/api/points/supervisors/export?year=2026')).statusCode).toBe(403);

    // 督导员一览: the rows of the page's list, under Chinese headers.
    type Supervisor = { name: string; unitName: string; units: number; attended: number; comments: number };
    for (const agent of [admin, readerA]) {
      const list = await ok(agent.get('/api/points/supervisors?year=2026'));
      const res = await agent.get('/api/points/supervisors/export?year=2026');
      expect(decodeURIComponent(String(res.headers['content-disposition']))).toMatch(/2026年督导员一览-\d{4}-\d{2}-\d{2}\.xlsx$/);
      const [header, ...lines] = await sheetOf(res);
      expect(header).toEqual(['督导员', '所在单位', '包联单位（个）', '列席（场次）', '点评（次）']);
      expect(lines).toEqual(list.map((s: Supervisor) => [s.name, s.unitName, String(s.units), String(s.attended), String(s.comments)]));
    }
    // Another test's supervisor of a county A unit may be listed too; county B's never.
    const listA = await sheetOf(await readerA.get('/api/points/supervisors/export?year=2026'));
    expect(listA).toContainEqual([supAB.person.name, city.city.name, '1', '1', '0']);
    expect(listA.map((l) => l[0])).not.toContain(supB.person.name);
    expect(JSON.stringify(listA)).not.toContain('乙县');
    const listAll = await sheetOf(await admin.get('/api/points/supervisors/export?year=2026'));
    expect(listAll.map((l) => l[0])).toContain(supB.person.name);
  });
});

describe('我的积分', () => {
  it('shows the person’s total, rank among the people of the unit, categories and months', async () => {
    const rule = await makeRule({ subjectType: 'person', points: 100, category: '学习教育' });
    const staff1 = await loginAs(ctx, 'staff', city.branchB);
    const staff2 = await makeUser(ctx.db, city.branchB, 'staff');
    const give = async (personId: string, quantity: string) => {
      const c = await ok(liaisonB.post('/api/points/claims', claimBody(rule.id, personId, { quantity, occurredOn: '2026-03-05' })), 201);
      return (await ok(admin.post(`/api/points/claims/${c.id}/decide`, { approve: true, version: 1 }))).eventId as number;
    };
    const own = await give(staff1.person.id, '3');
    const others = await give(staff2.person.id, '5');
    const me = await ok(staff1.agent.get('/api/points/me?periodKey=M2026-03'));
    expect(me).toMatchObject({ personId: staff1.person.id, total: '3', rank: 2, grade: '好', unitName: '乙县机关党支部' });
    // an open period shows the provisional grade the ranking page shows (default person bands: ≥ 2 好)
    expect(me.peerSize).toBeGreaterThanOrEqual(2);
    expect(me.period).toMatchObject({ key: 'M2026-03', status: 'open' });
    expect(me.byCategory).toEqual([{ category: '学习教育', total: '3', events: 1 }]);
    expect(me.months).toHaveLength(12);
    expect(me.months[2]).toEqual({ periodKey: 'M2026-03', total: '3' });
    expect(me.months[3]).toEqual({ periodKey: 'M2026-04', total: '0' });
    const current = await ok(staff1.agent.get('/api/points/me'));
    expect(current.period.kind).toBe('month');
    const noPerson = await admin.get('/api/points/me');
    expect(noPerson.statusCode).toBe(400);
    expect(noPerson.json().error.message).toContain('未关联人员');
    // Once the month is closed, the rank and grade come from its frozen results.
    const periods = await ok(admin.get('/api/points/periods?year=2026&kind=month'));
    const march = periods.find((p: { key: string }) => p.key === 'M2026-03');
    await ok(admin.post('/api/points/periods/M2026-03/close', { version: march.version }));
    const frozen = await ok(staff1.agent.get('/api/points/me?periodKey=M2026-03'));
    expect(frozen).toMatchObject({ total: '3', rank: 2, period: { status: 'closed' } });
    expect(frozen.peerSize).toBeGreaterThanOrEqual(2);
    expect(frozen.grade).not.toBeNull();
    // A staff member appeals their own points, and cannot reach a colleague's.
    expect((await staff1.agent.post('/api/points/appeals', { eventId: others, reason: '替同事提出申诉' })).statusCode).toBe(404);
    const appeal = await ok(staff1.agent.post('/api/points/appeals', { eventId: own, reason: '本人积分计算有误' }), 201);
    expect((await ok(staff1.agent.get('/api/points/appeals'))).data.map((a: { id: string }) => a.id)).toEqual([appeal.id]);
    // The staff member sees claims about themselves, and nobody else's.
    const claims = await ok(staff1.agent.get('/api/points/claims'));
    expect(claims.data.map((c: { subjectId: string }) => c.subjectId)).toEqual([staff1.person.id]);
  });
});


