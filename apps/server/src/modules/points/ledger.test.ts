import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, eventCursors, pointEvents, pointInterviews } from '../../db/schema/index.ts';
import { emitEvent, type DomainEventType } from '../../platform/events.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeUnit, makeTestApp, ok, type Agent, type TestCtx } from '../../test/harness.ts';
import { clock } from '../campaigns/dates.ts';

let ctx: TestCtx;
let admin: Agent;
let city: Awaited<ReturnType<typeof makeCity>>;
const realToday = clock.today;

beforeAll(async () => {
  ctx = await makeTestApp();
  admin = await loginAdmin(ctx);
  city = await makeCity(ctx.db);
});
afterAll(async () => {
  clock.today = realToday;
  await ctx.close();
});
beforeEach(() => {
  clock.today = () => '2026-11-25';
});

let codeSeq = 0;
async function rule(body: Record<string, unknown>) {
  return ok(admin.post('/api/points/rules', { year: 2026, code: `T${++codeSeq}`, category: '工作落实', item: `测试细则${codeSeq}`, subjectType: 'unit', ...body }), 201);
}
const emit = (type: DomainEventType, key: string, unitId: string | null, payload: Record<string, unknown>, personId: string | null = null) =>
  ctx.db.transaction((tx) => emitEvent(tx, { type, key, unitId, personId, payload }));
const overdue = (unitId: string, deadline: string) => {
  const taskId = randomUUID();
  return emit('task.overdue', taskId, unitId, { taskId, deadline, effectiveDeadline: deadline });
};
const sync = () => ok(admin.post('/api/points/sync'));
const events = (q: string) => ok(admin.get(`/api/points/events?pageSize=200&${q}`));
const results = (q: string) => ok(admin.get(`/api/points/results?pageSize=200&${q}`));
const period = async (key: string) => (await ok<any[]>(admin.get(`/api/points/periods?year=${key.slice(1, 5)}`))).find((p) => p.key === key);

describe('points ledger', () => {
  it('counts an event delivered twice once, even when the consumer reads it again', async () => {
    const unit = await makeCity(ctx.db);
    await rule({ item: '任务逾期', points: '-2', source: 'task.overdue' });
    const taskId = randomUUID();
    expect(await emit('task.overdue', taskId, unit.branchA.id, { taskId, deadline: '2026-03-10', effectiveDeadline: '2026-03-10' })).toBe(true);
    expect(await emit('task.overdue', taskId, unit.branchA.id, { taskId, deadline: '2026-03-10', effectiveDeadline: '2026-03-10' })).toBe(false);
    await sync();
    // a second delivery of every event (the consumer's cursor lost)
    await ctx.db.update(eventCursors).set({ lastId: 0 }).where(eq(eventCursors.consumer, 'points'));
    await sync();
    const list = await events(`subjectId=${unit.branchA.id}`);
    expect(list.total).toBe(1);
    expect(list.data[0]).toMatchObject({ points: '-2', occurredOn: '2026-03-11', kind: 'auto', sourceType: 'task', sourceLink: `/tasks/${taskId}` });
    const r = await results(`periodKey=M2026-03&unitId=${unit.branchA.id}`);
    expect(r.data.find((x: any) => x.subjectId === unit.branchA.id).total).toBe('-2');
  });

  it('caps a rule per period: the event that crosses the cap is cut, later ones count zero', async () => {
    const c = await makeCity(ctx.db);
    const r = await rule({ item: '进展缺报', points: '-2', capPoints: '5', capPeriod: 'quarter', source: 'task.report_missing' });
    for (const [i, due] of ['2026-01-10', '2026-02-10', '2026-03-10', '2026-03-20'].entries()) {
      await emit('task.report_missing', `${c.branchB.id}:${i}`, c.branchB.id, { taskId: randomUUID(), label: `第${i + 1}期`, dueDate: due });
    }
    await emit('task.report_missing', `${c.branchB.id}:apr`, c.branchB.id, { taskId: randomUUID(), label: '4月', dueDate: '2026-04-10' });
    await sync();
    const list = await events(`subjectId=${c.branchB.id}&ruleCode=${r.code}&sort=occurredOn`);
    expect(list.data.map((e: any) => [e.points, e.capped])).toEqual([
      ['-2', false],
      ['-2', false],
      ['-1', true],
      ['0', true],
      ['-2', false],
    ]);
    const q1 = await results(`periodKey=Q2026-1&unitId=${c.branchB.id}`);
    expect(q1.data[0].total).toBe('-5');
  });

  it('applies a revised rule from its effective date and keeps the old version for earlier facts', async () => {
    const c = await makeCity(ctx.db);
    const v1 = await rule({ item: '未完成每周覆盖学', points: '-2', source: 'study.week_missed' });
    await ok(admin.post(`/api/points/rules/${v1.id}/versions`, { ...v1, effectiveFrom: '2026-01-01', points: '-3' }), 400);
    await ok(admin.post(`/api/points/rules/${v1.id}/versions`, { ...v1, effectiveFrom: '2026-07-01', points: '-3', version: 99 }), 409);
    const v2 = await ok(admin.post(`/api/points/rules/${v1.id}/versions`, { ...v1, effectiveFrom: '2026-07-01', points: '-3' }), 201);
    expect(v2).toMatchObject({ ruleVersion: 2, effectiveFrom: '2026-07-01', current: true });
    // only the version in force can be revised
    await ok(admin.post(`/api/points/rules/${v1.id}/versions`, { ...v1, version: 2, effectiveFrom: '2026-09-01' }), 409);
    const detail = await ok(admin.get(`/api/points/rules/${v2.id}`));
    expect(detail.versions.map((v: any) => [v.ruleVersion, v.points, v.effectiveFrom, v.effectiveTo])).toEqual([
      [2, '-3', '2026-07-01', null],
      [1, '-2', '2026-01-01', '2026-06-30'],
    ]);
    await emit('study.week_missed', `${c.branchA.id}:2026-W10`, c.branchA.id, { week: '2026-W10', minutes: 60, requiredMinutes: 240 });
    await emit('study.week_missed', `${c.branchA.id}:2026-W33`, c.branchA.id, { week: '2026-W33', minutes: 0, requiredMinutes: 240 });
    await sync();
    const list = await events(`subjectId=${c.branchA.id}&sort=occurredOn`);
    expect(list.data.map((e: any) => [e.occurredOn, e.points, e.ruleVersion])).toEqual([
      ['2026-03-08', '-2', 1],
      ['2026-08-16', '-3', 2],
    ]);
    expect(list.data[0].sourceLink).toBe('/study/coverage?week=2026-W10');
  });

  it('withdraws a week miss the re-check lifted: the deduction is reversed and linked', async () => {
    const c = await makeCity(ctx.db);
    const r = await rule({ item: '未学', points: '-4', source: 'study.week_missed' });
    await emit('study.week_missed', `${c.countyA.id}:2026-W05`, c.countyA.id, { week: '2026-W05', minutes: 200, requiredMinutes: 240 });
    await sync();
    await emit('study.week_missed_withdrawn', `${c.countyA.id}:2026-W05`, c.countyA.id, { week: '2026-W05', missedKey: `${c.countyA.id}:2026-W05` });
    await sync();
    const list = await events(`subjectId=${c.countyA.id}&ruleCode=${r.code}&sort=id`);
    expect(list.data.map((e: any) => e.points)).toEqual(['-4', '4']);
    expect(list.data[1]).toMatchObject({ kind: 'reversal', reversesEventId: list.data[0].id });
    expect(list.data[0].reversedByEventId).toBe(list.data[1].id);
    expect(list.sum).toBe('0');
  });
});

describe('periods, results and grades', () => {
  it('closes a quarter: frozen totals, late facts booked in the next period, 差 opens an interview, reopening needs a reason', async () => {
    const c = await makeCity(ctx.db);
    const r = await rule({ item: '被通报批评', points: '-5', source: 'info.instructed' });
    await emit('info.instructed', `${c.branchA.id}:1`, c.branchA.id, { date: '2026-02-03', label: '通报批评一次' });
    await emit('info.instructed', `${c.branchA.id}:2`, c.branchA.id, { date: '2026-03-03', label: '通报批评二次' });
    await emit('info.instructed', `${c.branchB.id}:1`, c.branchB.id, { date: '2026-03-05', label: '通报批评' });
    await ok(admin.put('/api/points/grade-schemes/unit', { mode: 'threshold', version: 0, bands: [{ grade: '好', min: '0' }, { grade: '较好', min: '-3' }, { grade: '一般', min: '-8' }, { grade: '差' }] }));

    const q1 = await period('Q2026-1');
    const live = await results(`periodKey=Q2026-1&unitId=${c.city.id}`);
    expect(live.frozen).toBe(false);
    await ok(admin.post('/api/points/periods/Q2026-4/close', { version: (await period('Q2026-4')).version }), 400);
    const closed = await ok(admin.post('/api/points/periods/Q2026-1/close', { version: q1.version }));
    expect(closed.period.status).toBe('closed');
    expect(closed.interviewsOpened).toBeGreaterThanOrEqual(2);
    await ok(admin.post('/api/points/periods/Q2026-1/close', { version: closed.period.version }), 409);

    const frozen = await results(`periodKey=Q2026-1&unitId=${c.city.id}`);
    expect(frozen.frozen).toBe(true);
    const a = frozen.data.find((x: any) => x.subjectId === c.branchA.id);
    const b = frozen.data.find((x: any) => x.subjectId === c.branchB.id);
    expect([a.total, a.grade]).toEqual(['-10', '差']);
    expect([b.total, b.grade]).toEqual(['-5', '一般']);
    // branches are ranked within their own county: each is first of one
    expect([a.rank, a.peerSize]).toEqual([1, 1]);
    const interviews = await ctx.db.select().from(pointInterviews).where(and(eq(pointInterviews.periodKey, 'Q2026-1'), eq(pointInterviews.unitId, c.branchA.id)));
    expect(interviews).toHaveLength(1);
    expect(interviews[0]).toMatchObject({ grade: '差', status: 'pending', total: -1000 });

    // a fact of February arriving after the close counts in the next open period, marked as such
    await emit('info.instructed', `${c.branchA.id}:3`, c.branchA.id, { date: '2026-02-20', label: '补记的通报批评' });
    await sync();
    const late = await events(`subjectId=${c.branchA.id}&ruleCode=${r.code}&periodKey=Q2026-2`);
    expect(late.data).toHaveLength(1);
    expect(late.data[0]).toMatchObject({ occurredOn: '2026-02-20', bookedOn: '2026-04-01', late: true });
    const still = await results(`periodKey=Q2026-1&unitId=${c.branchA.id}`);
    expect(still.data[0].total).toBe('-10');
    const q2 = await results(`periodKey=Q2026-2&unitId=${c.branchA.id}`);
    expect(q2.data[0].total).toBe('-5');
    // February itself was not closed, but the quarter holding it was: the month shows what was booked in it
    expect((await results(`periodKey=M2026-02&unitId=${c.branchA.id}`)).data[0].total).toBe('-5');

    await ok(admin.post('/api/points/periods/Q2026-1/reopen', { version: closed.period.version, reason: '' }), 400);
    const reopened = await ok(admin.post('/api/points/periods/Q2026-1/reopen', { version: closed.period.version, reason: '乙县支部申诉核实后重新评定' }));
    expect(reopened).toMatchObject({ status: 'open', reopenCount: 1, reopenReason: '乙县支部申诉核实后重新评定' });
    const [logged] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'point_period'), eq(auditLog.action, 'reopen')));
    expect(JSON.stringify(logged.after)).toContain('乙县支部申诉核实后重新评定');
    expect((await results(`periodKey=Q2026-1&unitId=${c.branchA.id}`)).frozen).toBe(false);
  });

  it('every total equals the sum of its events, and all totals the sum of the ledger', async () => {
    const key = 'Y2026';
    const r = await results(`periodKey=${key}`);
    expect(r.total).toBeGreaterThan(5);
    let sum = 0n;
    for (const row of r.data) {
      const ev = await events(`subjectId=${row.subjectId}&periodKey=${key}`);
      expect(ev.sum).toBe(row.total);
      expect(ev.total).toBe(row.events);
      sum += BigInt(Math.round(Number(row.total) * 100));
    }
    const { rows } = (await ctx.db.execute(sql`select coalesce(sum(points), 0)::text as ledger from point_events where subject_type = 'unit' and booked_on between '2026-01-01' and '2026-12-31'`)) as unknown as { rows: { ledger: string }[] };
    const ledger = rows[0].ledger;
    expect(String(sum)).toBe(ledger);
  });

  it('grades by share of the peer ranking when so configured', async () => {
    const c = await makeCity(ctx.db);
    const r = await rule({ item: '工作创新', points: '1', source: 'contest.ranked' });
    const branches = [];
    for (let i = 0; i < 4; i++) branches.push(await makeUnit(ctx.db, { parent: c.countyA, type: 'branch', name: `份额支部${i}` }));
    for (const [i, b] of branches.entries()) for (let k = 0; k < i; k++) await emit('contest.ranked', `${b.id}:${k}`, b.id, { date: '2026-05-05', label: '获奖' });
    await sync();
    const schemes = await ok<any[]>(admin.get('/api/points/grade-schemes'));
    const unitScheme = schemes.find((s) => s.subjectType === 'unit');
    await ok(admin.put('/api/points/grade-schemes/unit', { mode: 'share', version: unitScheme.version, bands: [{ grade: '好', share: 20 }, { grade: '较好', share: 30 }, { grade: '一般', share: 40 }, { grade: '差', share: 20 }] }), 400);
    await ok(admin.put('/api/points/grade-schemes/unit', { mode: 'share', version: unitScheme.version, bands: [{ grade: '好', share: 25 }, { grade: '较好', share: 25 }, { grade: '一般', share: 25 }, { grade: '差', share: 25 }] }));
    const res = await results(`periodKey=M2026-05&unitId=${c.countyA.id}&subjectType=unit`);
    const grades = branches.map((b) => res.data.find((x: any) => x.subjectId === b.id)).map((x: any) => [x.total, x.rank, x.grade]);
    // 甲县's branches: the four here plus the branch of makeCity, five in all; a grade goes to the ranks that
    // start inside its share (top 25% of five: ranks 1 and 2)
    expect(grades).toEqual([
      ['0', 4, '一般'],
      ['1', 3, '较好'],
      ['2', 2, '好'],
      ['3', 1, '好'],
    ]);
    expect(r.code).toBeTruthy();
    const current = (await ok<any[]>(admin.get('/api/points/grade-schemes'))).find((s) => s.subjectType === 'unit');
    await ok(admin.put('/api/points/grade-schemes/unit', { mode: 'threshold', version: current.version, bands: [{ grade: '好', min: '0' }, { grade: '较好', min: '-3' }, { grade: '一般', min: '-8' }, { grade: '差' }] }));
  });
});

describe('peer groups follow the unit tree', () => {
  it('a branch moved to another county is ranked among that county’s branches from the next read', async () => {
    const c = await makeCity(ctx.db);
    const moved = await makeUnit(ctx.db, { parent: c.countyA, type: 'branch', name: '调整支部' });
    const before = await results(`periodKey=M2026-10&unitId=${moved.id}`);
    expect(before.data[0].peerKey).toBe(`branch:${c.countyA.id}`);
    expect(before.data[0].peerName).toBe('甲县委宣传部 · 党支部');
    await ok(admin.post(`/api/org/units/${moved.id}/move`, { version: moved.version, parentId: c.countyB.id }));
    const after = await results(`periodKey=M2026-10&unitId=${moved.id}`);
    expect([after.data[0].peerKey, after.data[0].peerSize]).toEqual([`branch:${c.countyB.id}`, 2]);
  });
});

describe('people ranked within their unit', () => {
  it('pages of people carry the ranks of the whole unit, ties share a rank, people without points stand at 0', async () => {
    const c = await makeCity(ctx.db);
    const r = await rule({ item: '志愿服务', points: '1', countingUnit: '小时', subjectType: 'person', source: 'volunteer.hours' });
    const people: { id: string }[] = [];
    for (const hours of [3, 3, null, -1, 5]) {
      const p = await makePerson(ctx.db, c.branchA);
      people.push(p);
      if (hours != null) await emit('volunteer.hours', `${p.id}:1`, c.branchA.id, { date: '2026-09-09', hours, label: '志愿服务' }, p.id);
    }
    await sync();
    const pages = [];
    for (const page of [1, 2, 3, 4]) pages.push(await ok(admin.get(`/api/points/results?periodKey=M2026-09&subjectType=person&unitId=${c.branchA.id}&pageSize=2&page=${page}`)));
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5, 5]);
    const rows = pages.flatMap((p) => p.data).map((x: any) => [people.indexOf(people.find((pp) => pp.id === x.subjectId)!), x.total, x.rank, x.peerSize]);
    expect(rows).toEqual([
      [4, '5', 1, 5],
      ...[[0, '3', 2, 5], [1, '3', 2, 5]].sort((a, b) => (people[a[0] as number].id < people[b[0] as number].id ? -1 : 1)),
      [2, '0', 4, 5],
      [3, '-1', 5, 5],
    ]);
    // the ranking read the other way round, and a grade filter, agree with it
    const reversed = await results(`periodKey=M2026-09&subjectType=person&unitId=${c.branchA.id}&sort=-rank`);
    expect(reversed.data.map((x: any) => x.rank)).toEqual([5, 4, 2, 2, 1]);
    const good = await results(`periodKey=M2026-09&subjectType=person&unitId=${c.branchA.id}&grade=好`);
    expect(good.data.map((x: any) => x.total).sort()).toEqual(['3', '3', '5']);
    expect(good.total).toBe(3);
    expect(r.code).toBeTruthy();
  });
});

describe('scope', () => {
  it('a county sees its own ledger and results, a staff member their own points only', async () => {
    const c = await makeCity(ctx.db);
    await rule({ item: '逾期', points: '-1', source: 'task.overdue' });
    await rule({ item: '优秀心得', points: '2', subjectType: 'person', source: 'study.reflection_excellent' });
    await overdue(c.branchA.id, '2026-06-01');
    await overdue(c.branchB.id, '2026-06-01');
    const liaisonA = await loginAs(ctx, 'liaison', c.countyA);
    const staff = await loginAs(ctx, 'staff', c.branchA);
    const other = await makePerson(ctx.db, c.branchA);
    for (const p of [staff.person, other]) {
      const id = randomUUID();
      await emit('study.reflection_excellent', id, c.branchA.id, { reflectionId: id, title: '学习心得', reviewedAt: '2026-06-02T02:00:00Z' }, p.id);
    }
    await sync();
    const seen = await ok(liaisonA.agent.get('/api/points/events?pageSize=200&periodKey=M2026-06'));
    expect(seen.data.length).toBeGreaterThanOrEqual(3);
    expect(seen.data.every((e: any) => e.unitId === c.branchA.id || e.unitId === c.countyA.id)).toBe(true);
    const res = await ok(liaisonA.agent.get('/api/points/results?pageSize=200&periodKey=M2026-06'));
    expect(res.data.map((r: any) => r.subjectId).sort()).toEqual([c.countyA.id, c.branchA.id].sort());
    // the county's rank is among every county, though the others are not shown
    const county = res.data.find((r: any) => r.subjectId === c.countyA.id);
    expect(county.peerSize).toBeGreaterThan(1);
    const evB = (await events(`subjectId=${c.branchB.id}&periodKey=M2026-06`)).data[0];
    await ok(liaisonA.agent.get(`/api/points/events/${evB.id}`), 404);
    await ok(liaisonA.agent.get(`/api/points/results?periodKey=M2026-06&unitId=${c.branchB.id}`), 404);

    const mine = await ok(staff.agent.get('/api/points/events?pageSize=200'));
    expect(mine.data.map((e: any) => [e.subjectId, e.points])).toEqual([[staff.person.id, '2']]);
    const myResults = await ok(staff.agent.get('/api/points/results?periodKey=M2026-06&subjectType=person'));
    expect(myResults.data.map((r: any) => r.subjectId)).toEqual([staff.person.id]);
    expect(myResults.data[0]).toMatchObject({ total: '2', peerSize: 2 });
    expect((await ok(staff.agent.get('/api/points/results?periodKey=M2026-06&subjectType=unit'))).total).toBe(0);
    await ok(staff.agent.post('/api/points/rules', { year: 2026, code: 'X1', category: '其他', item: '越权', subjectType: 'unit', points: '1' }), 403);
    await ok(liaisonA.agent.post('/api/points/periods/M2026-06/close', { version: 1 }), 403);
  });
});

describe('rule catalogue', () => {
  it('refuses a duplicate code, a cap without its period and a zero points value', async () => {
    const r = await rule({ item: '重复', points: '1' });
    await ok(admin.post('/api/points/rules', { year: 2026, code: r.code, category: '其他', item: '重复2', subjectType: 'unit', points: '1' }), 409);
    const bad = await admin.post('/api/points/rules', { year: 2026, code: 'Z9', category: '其他', item: '无周期', subjectType: 'unit', points: '1', capPoints: '3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('上限周期');
    await ok(admin.post('/api/points/rules', { year: 2026, code: 'Z8', category: '其他', item: '零分', subjectType: 'unit', points: '0' }), 400);
    await ok(admin.post('/api/points/rules', { year: 2026, code: 'Z7', category: '其他', item: '三位小数', subjectType: 'unit', points: '1.255' }), 400);
  });

  it('exports the catalogue to XLSX and imports it back: unchanged rows stay, a changed one becomes a new version', async () => {
    const res = await admin.get('/api/points/rules/export?year=2026');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toContain('评分项目');
    const count = ws.rowCount - 1;
    const upload = async (w: ExcelJS.Workbook, dry: boolean) =>
      admin.upload(`/api/points/rules/import?year=2026&dryRun=${dry}`, [{ name: '细则.xlsx', content: Buffer.from(await w.xlsx.writeBuffer()) }]);
    const same = await ok((await upload(wb, true)) as any);
    expect([same.unchanged, same.created, same.versioned, same.errors]).toEqual([count, 0, 0, 0]);

    const row = ws.getRow(2);
    const code = String(row.getCell(1).value);
    row.getCell(5).value = '-7';
    row.getCell(12).value = '2026-10-01';
    const extra = ws.addRow(['NEW1', '宣传工作', '新增的细则', '单位', '2', '篇', '', '', '是', '人工', '', '', '', '']);
    const broken = ws.addRow(['BAD1', '宣传工作', '坏行', '部门', 'x', '次']);
    const preview = await ok((await upload(wb, false)) as any);
    expect(preview.applied).toBe(false);
    expect(preview.rows.find((r: any) => r.line === broken.number).errors.join()).toContain('考核对象');
    // nothing written while a line is wrong
    expect((await ok(admin.get('/api/points/rules?year=2026&q=新增的细则'))).total).toBe(0);

    ws.spliceRows(broken.number, 1);
    const applied = await ok((await upload(wb, false)) as any);
    expect([applied.applied, applied.created, applied.versioned, applied.errors]).toEqual([true, 1, 1, 0]);
    expect(extra.number).toBeGreaterThan(1);
    const revised = (await ok(admin.get(`/api/points/rules?year=2026&q=${code}`))).data.find((r: any) => r.code === code);
    expect(revised).toMatchObject({ points: '-7', ruleVersion: 2, effectiveFrom: '2026-10-01' });
  });
});

it('keeps the ledger append-only from the API: no route edits or deletes an event', async () => {
  const routes = ctx.app.routeTable.filter((r) => r.url.startsWith('/api/points/events'));
  expect(routes.every((r) => r.method === 'GET')).toBe(true);
  const [{ n }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(pointEvents);
  expect(n).toBeGreaterThan(0);
});
