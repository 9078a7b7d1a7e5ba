import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, loginAs, loginDuty, makeCity, makePerson, makeTestApp, makeUnit, type Agent, type TestCtx, ok } from '../../test/harness.ts';
import { studyClock } from './sessions.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let secretaryA: Agent;
let secretaryB: Agent;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0]);
const realNow = studyClock.now;
const at = (iso: string) => {
  studyClock.now = () => new Date(iso);
};

function plan(agent: Agent, unitId: string, extra: Record<string, unknown> = {}) {
  return ok(
    agent.post('/api/study/sessions', {
      unitId,
      typeCode: 'collective',
      topic: '学习党的创新理论',
      plannedStart: '2026-03-17T09:00:00+08:00',
      plannedEnd: '2026-03-17T13:00:00+08:00',
      place: '三楼会议室',
      presenter: '支部书记',
      ...extra,
    }),
    201,
  );
}

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  secretaryA = (await loginAs(ctx, 'branch_secretary', city.branchA)).agent;
  secretaryB = (await loginAs(ctx, 'branch_secretary', city.branchB)).agent;
}, 60_000);
afterAll(() => ctx.close());
afterEach(() => {
  studyClock.now = realNow;
});

describe('session types dictionary', () => {
  it('starts with the six forms of study, and an admin adds, renames and disables them', async () => {
    const types = await ok(secretaryA.get('/api/study/session-types'));
    expect(types.map((t: { name: string }) => t.name)).toEqual(['集中学习', '晨读+分享', '周五专题', '中心组学习', '读书分享', '线上学习']);
    expect((await secretaryA.post('/api/study/session-types', { code: 'visit', name: '现场教学' })).statusCode).toBe(403);
    const created = await ok(admin.post('/api/study/session-types', { code: 'visit', name: '现场教学', sort: 70 }), 201);
    expect((await admin.post('/api/study/session-types', { code: 'visit', name: '重复' })).statusCode).toBe(409);
    const disabled = await ok(admin.patch(`/api/study/session-types/${created.id}`, { version: 1, disabled: true, name: '现场教学（停用）' }));
    expect(disabled).toMatchObject({ disabled: true, version: 2 });
    expect((await admin.patch(`/api/study/session-types/${created.id}`, { version: 1, sort: 1 })).statusCode).toBe(409);
    const res = await secretaryA.post('/api/study/sessions', {
      typeCode: 'visit', topic: '现场教学', plannedStart: '2026-03-17T09:00:00+08:00', plannedEnd: '2026-03-17T11:00:00+08:00',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('学习形式');
  });
});

describe('session lifecycle: 计划 → 已报备 → 已开展 / 已取消', () => {
  it('files before the start on time, and after the start as 补报 (late)', async () => {
    const s = await plan(secretaryA, city.branchA.id);
    expect(s).toMatchObject({ status: 'planned', unitName: '甲县机关党支部', typeName: '集中学习', late: false, preFiled: false });
    at('2026-03-16T18:00:00+08:00');
    const filed = await ok(secretaryA.post(`/api/study/sessions/${s.id}/file`, { version: 1 }));
    expect(filed).toMatchObject({ status: 'filed', late: false, preFiled: true, version: 2 });
    expect((await secretaryA.post(`/api/study/sessions/${s.id}/file`, { version: 2 })).statusCode).toBe(409);

    const t = await plan(secretaryA, city.branchA.id);
    at('2026-03-17T09:30:00+08:00');
    const late = await ok(secretaryA.post(`/api/study/sessions/${t.id}/file`, { version: 1 }));
    expect(late).toMatchObject({ status: 'filed', late: true, preFiled: false });
    const lateOnly = await ok(secretaryA.get('/api/study/sessions?late=true'));
    expect(lateOnly.data.map((x: { id: string }) => x.id)).toEqual([t.id]);
  });

  it('records actual times, attendance, summary, materials and photos; the rate leaves out those on leave', async () => {
    const people = await Promise.all([1, 2, 3, 4].map(() => makePerson(ctx.db, city.branchA)));
    const material = await ok(secretaryA.upload('/api/study/uploads', [{ name: '学习材料.pdf', content: PDF, type: 'application/pdf' }]), 201);
    const photo = await ok(secretaryA.upload('/api/study/uploads', [{ name: '现场照片.png', content: PNG, type: 'image/png' }]), 201);
    const s = await plan(secretaryA, city.branchA.id, { materialFileIds: [material.id], links: ['https://www.12371.cn/'] });
    expect(s.materials).toEqual([expect.objectContaining({ name: '学习材料.pdf' })]);
    const leaveWithoutReason = await secretaryA.post(`/api/study/sessions/${s.id}/record`, {
      version: 1, actualStart: '2026-03-17T09:00:00+08:00', actualEnd: '2026-03-17T13:00:00+08:00',
      attendance: [{ personId: people[0].id, status: 'leave' }],
    });
    expect(leaveWithoutReason.statusCode).toBe(400);
    expect(leaveWithoutReason.json().error.message).toMatch(/事由/);
    const held = await ok(
      secretaryA.post(`/api/study/sessions/${s.id}/record`, {
        version: 1,
        actualStart: '2026-03-17T09:05:00+08:00',
        actualEnd: '2026-03-17T13:05:00+08:00',
        attendance: [
          { personId: people[0].id, status: 'present' },
          { personId: people[1].id, status: 'late' },
          { personId: people[2].id, status: 'leave', reason: '外出开会' },
          { personId: people[3].id, status: 'absent', reason: '未说明' },
        ],
        summary: '逐章学习并交流体会。',
        photoFileIds: [photo.id],
      }),
    );
    // Never filed: held without pre-filing.
    expect(held).toMatchObject({ status: 'held', filedAt: null, preFiled: false, durationMinutes: 240, summary: '逐章学习并交流体会。' });
    expect(held.attendanceRate).toBeCloseTo(2 / 3, 4);
    expect(held.attendance.find((a: { personId: string }) => a.personId === people[2].id)).toMatchObject({ status: 'leave', reason: '外出开会' });
    expect(held.photos).toEqual([expect.objectContaining({ name: '现场照片.png' })]);
    const dl = await secretaryA.get(`/api/study/sessions/${s.id}/files/${material.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // A file already used by one session cannot be taken by another.
    expect((await plan(secretaryA, city.branchA.id, { materialFileIds: [material.id] }).catch((e) => e.message))).toMatch(/404/);
    // Stale version.
    expect((await secretaryA.patch(`/api/study/sessions/${s.id}`, { version: 1, topic: '改' })).statusCode).toBe(409);
  });

  it('cancels with a reason; a cancelled session cannot be recorded, filed or cancelled again', async () => {
    const s = await plan(secretaryA, city.branchA.id);
    expect((await secretaryA.post(`/api/study/sessions/${s.id}/cancel`, { version: 1, reason: '' })).statusCode).toBe(400);
    const c = await ok(secretaryA.post(`/api/study/sessions/${s.id}/cancel`, { version: 1, reason: '与上级会议冲突' }));
    expect(c).toMatchObject({ status: 'cancelled', cancelReason: '与上级会议冲突' });
    const rec = await secretaryA.post(`/api/study/sessions/${s.id}/record`, {
      version: 2, actualStart: '2026-03-17T09:00:00+08:00', actualEnd: '2026-03-17T13:00:00+08:00', attendance: [],
    });
    expect(rec.statusCode).toBe(409);
    expect(rec.json().error.message).toContain('已取消');
    expect((await secretaryA.post(`/api/study/sessions/${s.id}/file`, { version: 2 })).statusCode).toBe(409);
    expect((await secretaryA.post(`/api/study/sessions/${s.id}/cancel`, { version: 2, reason: '再取消' })).statusCode).toBe(409);
    const logs = await ok((await loginDuty(ctx, 'audit')).get(`/api/audit/logs?entity=study_session&entityId=${s.id}`));
    expect(logs.data.map((l: { action: string }) => l.action).sort()).toEqual(['cancel', 'create']);
  });

  it('a session of a study group belongs to the group’s unit', async () => {
    const member = await makePerson(ctx.db, city.branchA);
    const group = await ok(admin.post('/api/org/groups', { unitId: city.branchA.id, name: '青年理论学习小组', type: 'study', members: [{ personId: member.id, role: 'leader' }] }), 201);
    const leading = await ok(admin.post('/api/org/groups', { unitId: city.branchA.id, name: '领导小组', type: 'leading', members: [] }), 201);
    const s = await ok(
      secretaryA.post('/api/study/sessions', {
        groupId: group.id, typeCode: 'book_sharing', topic: '读书分享会', plannedStart: '2026-03-18T15:00:00+08:00', plannedEnd: '2026-03-18T17:00:00+08:00',
      }),
      201,
    );
    expect(s).toMatchObject({ unitId: city.branchA.id, groupName: '青年理论学习小组', typeName: '读书分享' });
    expect((await secretaryA.post('/api/study/sessions', { groupId: leading.id, typeCode: 'collective', topic: 'x', plannedStart: '2026-03-18T15:00:00+08:00', plannedEnd: '2026-03-18T17:00:00+08:00' })).statusCode).toBe(400);
  });
});

describe('session list filters', () => {
  it('filters by unit, type, status and Shanghai days', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县筛选支部', type: 'branch' });
    const sec = (await loginAs(ctx, 'branch_secretary', unit)).agent;
    const early = await plan(sec, unit.id, { typeCode: 'morning_reading', plannedStart: '2026-05-04T07:30:00+08:00', plannedEnd: '2026-05-04T08:30:00+08:00' });
    // 2026-05-05 00:30 in Shanghai is still 05-04 in UTC: the filter goes by the Shanghai day.
    const midnight = await plan(sec, unit.id, { plannedStart: '2026-05-05T00:30:00+08:00', plannedEnd: '2026-05-05T01:30:00+08:00' });
    await ok(sec.post(`/api/study/sessions/${midnight.id}/cancel`, { version: 1, reason: '改期' }));
    const ids = async (q: string) => (await ok(sec.get(`/api/study/sessions?unitId=${unit.id}&${q}`))).data.map((x: { id: string }) => x.id);
    expect(await ids('from=2026-05-04&to=2026-05-04')).toEqual([early.id]);
    expect(await ids('from=2026-05-05&to=2026-05-05')).toEqual([midnight.id]);
    expect(await ids('type=morning_reading')).toEqual([early.id]);
    expect(await ids('status=cancelled')).toEqual([midnight.id]);
    expect(await ids('sort=plannedStart')).toEqual([early.id, midnight.id]);
  });
});

describe('attendance rates per person and per unit', () => {
  it('counts each person over the period and the unit as a whole', async () => {
    const unit = await makeUnit(ctx.db, { parent: city.countyA, name: '甲县考勤支部', type: 'branch' });
    const sec = (await loginAs(ctx, 'branch_secretary', unit)).agent;
    const [p1, p2] = await Promise.all([makePerson(ctx.db, unit, { name: '出勤甲' }), makePerson(ctx.db, unit, { name: '出勤乙' })]);
    const held = async (day: string, a1: string, a2: string) => {
      const s = await plan(sec, unit.id, { plannedStart: `${day}T09:00:00+08:00`, plannedEnd: `${day}T11:00:00+08:00` });
      await ok(sec.post(`/api/study/sessions/${s.id}/record`, {
        version: 1, actualStart: `${day}T09:00:00+08:00`, actualEnd: `${day}T11:00:00+08:00`,
        attendance: [{ personId: p1.id, status: a1, reason: a1 === 'leave' ? '病假' : null }, { personId: p2.id, status: a2, reason: a2 === 'leave' ? '病假' : null }],
      }));
    };
    await held('2026-04-01', 'present', 'absent');
    await held('2026-04-08', 'late', 'leave');
    await held('2026-04-15', 'present', 'present');
    await held('2026-05-06', 'absent', 'absent'); // outside the period
    const r = await ok(sec.get(`/api/study/attendance?unitId=${unit.id}&from=2026-04-01&to=2026-04-30`));
    expect(r.sessions).toBe(3);
    const byName = Object.fromEntries(r.rows.map((x: { name: string }) => [x.name, x]));
    expect(byName['出勤甲']).toMatchObject({ present: 2, late: 1, leave: 0, absent: 0, rate: 1 });
    expect(byName['出勤乙']).toMatchObject({ present: 1, late: 0, leave: 1, absent: 1, rate: 0.5 });
    expect(r.unitRate).toBe(0.8); // 4 of 5 expected
    // The county sees the branch below it; the other county does not.
    expect((await secretaryB.get(`/api/study/attendance?unitId=${unit.id}&from=2026-04-01&to=2026-04-30`)).statusCode).toBe(404);
  });
});

describe('scope: counties, staff and supervisors', () => {
  it('county A never reaches county B sessions or their comments', async () => {
    const liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    const sB = await plan(secretaryB, city.branchB.id, { topic: '乙县支部学习' });
    await ok(admin.post(`/api/study/sessions/${sB.id}/comments`, { content: '准备充分' }), 201);
    const sA = await plan(secretaryA, city.branchA.id, { topic: '甲县支部学习' });
    expect((await liaisonA.get(`/api/study/sessions/${sA.id}`)).statusCode).toBe(200);
    for (const url of [`/api/study/sessions/${sB.id}`, `/api/study/sessions/${sB.id}/comments`]) {
      expect((await liaisonA.get(url)).statusCode, url).toBe(404);
    }
    expect((await liaisonA.patch(`/api/study/sessions/${sB.id}`, { version: 1, topic: '越权' })).statusCode).toBe(404);
    expect((await liaisonA.post(`/api/study/sessions/${sB.id}/file`, { version: 1 })).statusCode).toBe(404);
    expect((await liaisonA.post(`/api/study/sessions/${sB.id}/cancel`, { version: 1, reason: '越权' })).statusCode).toBe(404);
    const list = await ok(liaisonA.get('/api/study/sessions?pageSize=200'));
    expect(list.data.some((s: { id: string }) => s.id === sA.id)).toBe(true);
    expect(list.body ?? JSON.stringify(list)).not.toContain('乙县');
    // a county liaison cannot plan for the other county either
    expect((await liaisonA.post('/api/study/sessions', { unitId: city.branchB.id, typeCode: 'collective', topic: 'x', plannedStart: '2026-03-17T09:00:00+08:00', plannedEnd: '2026-03-17T10:00:00+08:00' })).statusCode).toBe(404);
  });

  it('a staff member sees only the sessions they are listed in', async () => {
    const staff = await loginAs(ctx, 'staff', city.branchA);
    const attended = await plan(secretaryA, city.branchA.id, { topic: '参加的学习' });
    const other = await plan(secretaryA, city.branchA.id, { topic: '未参加的学习' });
    await ok(secretaryA.post(`/api/study/sessions/${attended.id}/record`, {
      version: 1, actualStart: '2026-03-17T09:00:00+08:00', actualEnd: '2026-03-17T13:00:00+08:00',
      attendance: [{ personId: staff.person.id, status: 'present' }],
    }));
    const list = await ok(staff.agent.get('/api/study/sessions'));
    expect(list.data.map((s: { id: string }) => s.id)).toEqual([attended.id]);
    expect((await staff.agent.get(`/api/study/sessions/${other.id}`)).statusCode).toBe(404);
    expect((await staff.agent.post(`/api/study/sessions/${attended.id}/file`, { version: 2 })).statusCode).toBe(403);
  });

  it('a supervisor (包联) sees and comments on the assigned branch only', async () => {
    at('2026-03-20T10:00:00+08:00');
    const sup = await loginAs(ctx, 'supervisor', city.city);
    const liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
    expect((await liaisonA.post('/api/study/supervisions', { supervisorPersonId: sup.person.id, unitId: city.branchA.id, fromDate: '2026-01-01' })).statusCode).toBe(403);
    const assignment = await ok(admin.post('/api/study/supervisions', { supervisorPersonId: sup.person.id, unitId: city.branchA.id, fromDate: '2026-01-01', toDate: null }), 201);
    expect(assignment).toMatchObject({ unitName: '甲县机关党支部', supervisorName: sup.person.name });
    const sA = await plan(secretaryA, city.branchA.id, { topic: '包联支部学习' });
    const sB = await plan(secretaryB, city.branchB.id, { topic: '非包联支部学习' });
    const list = await ok(sup.agent.get('/api/study/sessions?pageSize=200'));
    expect(list.data.length).toBeGreaterThan(0);
    expect(list.data.every((s: { unitId: string }) => s.unitId === city.branchA.id)).toBe(true);
    expect((await sup.agent.get(`/api/study/sessions/${sB.id}`)).statusCode).toBe(404);
    const c = await ok(sup.agent.post(`/api/study/sessions/${sA.id}/comments`, { content: '主题鲜明，讨论深入' }), 201);
    expect(c).toMatchObject({ author: sup.person.name, content: '主题鲜明，讨论深入' });
    expect((await sup.agent.post(`/api/study/sessions/${sB.id}/comments`, { content: '越权' })).statusCode).toBe(404);
    expect((await ok(secretaryA.get(`/api/study/sessions/${sA.id}/comments`))).map((x: { content: string }) => x.content)).toEqual(['主题鲜明，讨论深入']);
    // The supervisor only watches: no changes.
    expect((await sup.agent.post(`/api/study/sessions/${sA.id}/file`, { version: 1 })).statusCode).toBe(403);
    const mine = await ok(sup.agent.get('/api/study/supervisions'));
    expect(mine.data.map((x: { id: string }) => x.id)).toEqual([assignment.id]);
    // An assignment ended: the branch is out of sight again.
    await ok(admin.delete(`/api/study/supervisions/${assignment.id}`));
    expect((await sup.agent.get(`/api/study/sessions/${sA.id}`)).statusCode).toBe(404);
  });
});
