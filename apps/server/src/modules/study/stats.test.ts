import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyReflections } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, type Agent, type TestCtx, ok } from '../../test/harness.ts';
import { sheetOf } from '../org/testing.ts';
import { summarySentence } from './stats.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let secretaryA: Awaited<ReturnType<typeof loginAs>>;
let member: Awaited<ReturnType<typeof loginAs>>;

/** A held session of `minutes` with the given attendance. */
async function held(agent: Agent, unitId: string, typeCode: string, start: string, minutes: number, attendance: { personId: string; status: string; reason?: string }[]) {
  const end = new Date(new Date(start).getTime() + minutes * 60_000).toISOString();
  const s = await ok(agent.post('/api/study/sessions', { unitId, typeCode, topic: '学习', plannedStart: start, plannedEnd: end }), 201);
  await ok(agent.post(`/api/study/sessions/${s.id}/record`, { version: 1, actualStart: start, actualEnd: end, attendance }));
}

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  secretaryA = await loginAs(ctx, 'branch_secretary', city.branchA);
  member = await loginAs(ctx, 'staff', city.branchA);
  const other = await makePerson(ctx.db, city.branchA);
  const absent = await makePerson(ctx.db, city.branchA);
  const sec = secretaryA.agent;
  // Branch A in May 2026: two 集中学习 and one 晨读+分享, 5 h in all.
  await held(sec, city.branchA.id, 'collective', '2026-05-12T09:00:00+08:00', 120, [
    { personId: member.person.id, status: 'present' },
    { personId: other.id, status: 'late' },
    { personId: absent.id, status: 'absent' },
  ]);
  await held(sec, city.branchA.id, 'collective', '2026-05-19T09:00:00+08:00', 120, [
    { personId: member.person.id, status: 'present' },
    { personId: other.id, status: 'leave', reason: '出差' },
  ]);
  await held(sec, city.branchA.id, 'morning_reading', '2026-05-20T08:00:00+08:00', 60, [{ personId: member.person.id, status: 'present' }]);
  // Branch B studies too: it must never show in county A's figures.
  const secB = (await loginAs(ctx, 'branch_secretary', city.branchB)).agent;
  await held(secB, city.branchB.id, 'collective', '2026-05-13T09:00:00+08:00', 240, [{ personId: (await makePerson(ctx.db, city.branchB)).id, status: 'present' }]);

  // Two reflections by the member, one marked excellent; one book finished in May.
  for (const [title, decision] of [['学习体会一', 'excellent'], ['学习体会二', 'pass']] as const) {
    const r = await ok(member.agent.post('/api/study/reflections', { title, bodyHtml: `<p>${title}：认真学习，联系实际，推动工作落实。${Math.random()}</p>` }), 201);
    await ok(member.agent.post(`/api/study/reflections/${r.id}/submit`, { version: r.version }));
    const cur = await ok(sec.get(`/api/study/reflections/${r.id}`));
    await ok(sec.post(`/api/study/reflections/${r.id}/review`, { version: cur.version, decision }));
  }
  // They were written in May; the statistics count them by the day they were handed in.
  await ctx.db.update(studyReflections).set({ submittedAt: new Date('2026-05-21T10:00:00+08:00') }).where(eq(studyReflections.personId, member.person.id));
  await ok(member.agent.post('/api/study/reading-logs', { bookTitle: '习近平新时代中国特色社会主义思想学习纲要', startDate: '2026-05-02', finishDate: '2026-05-25' }), 201);
}, 120_000);
afterAll(() => ctx.close());

describe('学习统计', () => {
  it('counts a unit’s sessions by type, hours, attendance, reflections and books, and writes the sentence', async () => {
    const s = await ok(liaisonA.get(`/api/study/stats?unitId=${city.countyA.id}&from=2026-05-01&to=2026-05-31`));
    expect(s.sessionsByType).toEqual([
      { typeCode: 'collective', typeName: '集中学习', sessions: 2, minutes: 240 },
      { typeCode: 'morning_reading', typeName: '晨读+分享', sessions: 1, minutes: 60 },
    ]);
    expect(s).toMatchObject({ sessions: 3, minutes: 300, lateOrUnfiled: 3, reflections: 2, reflectionsExcellent: 1, booksRead: 1 });
    // present 3 + late 1 over expected 5 (the one on leave excepted)
    expect(s.attendanceRate).toBe(80);
    expect(s.summary).toBe('开展集中学习 2 次、晨读+分享 1 次，累计学习 5 小时，出勤率 80%；撰写心得体会 2 篇（其中优秀 1 篇）；读书 1 本。');
  });

  it('keeps to the period and to the caller’s units', async () => {
    const june = await ok(liaisonA.get(`/api/study/stats?from=2026-06-01&to=2026-06-30`));
    expect(june.sessions).toBe(0);
    expect(june.summary.startsWith('未开展集体学习')).toBe(true);
    const all = await ok(admin.get('/api/study/stats?from=2026-05-01&to=2026-05-31'));
    expect(all.sessions).toBe(4);
    const mine = await ok(liaisonA.get('/api/study/stats?from=2026-05-01&to=2026-05-31'));
    expect(mine.sessions).toBe(3);
    expect((await liaisonA.get(`/api/study/stats?unitId=${city.countyB.id}&from=2026-05-01&to=2026-05-31`)).statusCode).toBe(404);
    expect((await member.agent.get('/api/study/stats?from=2026-05-01&to=2026-05-31')).statusCode).toBe(403);
  });

  it('names a period whose end is before its start', async () => {
    const res = await liaisonA.get('/api/study/stats?from=2026-06-01&to=2026-05-01');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('querystring.to');
  });
});

/** The file name the browser saves, decoded. */
const fileName = (res: { headers: Record<string, unknown> }) => decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1] ?? '');
const cell = (v: number | null) => (v === null ? '' : String(v));

describe('学习统计 and 出勤统计 exports', () => {
  const may = `from=2026-05-01&to=2026-05-31`;

  it('the stats sheet holds the figures the page shows for the same unit and period, one a line', async () => {
    const s = await ok(liaisonA.get(`/api/study/stats?unitId=${city.countyA.id}&${may}`));
    const res = await liaisonA.get(`/api/study/stats/export?unitId=${city.countyA.id}&${may}`);
    expect(res.statusCode).toBe(200);
    expect(fileName(res)).toMatch(/^甲县委宣传部学习统计（2026-05-01至2026-05-31）-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const [header, ...lines] = await sheetOf(res);
    expect(header).toEqual(['项目', '数值']);
    expect(Object.fromEntries(lines)).toEqual({
      统计单位: '甲县委宣传部',
      单位路径: `${city.city.name}/甲县委宣传部`,
      统计时段: '2026-05-01 至 2026-05-31',
      学习次数: String(s.sessions),
      '学习时长（小时）': String(s.minutes / 60),
      '出勤率（%）': cell(s.attendanceRate),
      '每周覆盖率（%）': cell(s.coverageRate),
      未学周次: String(s.missedWeeks),
      '补报或未报备（次）': String(s.lateOrUnfiled),
      '心得体会（篇）': String(s.reflections),
      '优秀心得（篇）': String(s.reflectionsExcellent),
      '读书（本）': String(s.booksRead),
      '集中学习（次）': '2',
      '集中学习时长（小时）': '4',
      '晨读+分享（次）': '1',
      '晨读+分享时长（小时）': '1',
      小结: s.summary,
    });
    expect(lines.find(([k]) => k === '出勤率（%）')?.[1]).toBe('80');
  });

  it('the attendance sheet holds the people of the page with their figures, then the unit’s rate', async () => {
    const r = await ok(liaisonA.get(`/api/study/attendance?unitId=${city.countyA.id}&${may}`));
    const res = await liaisonA.get(`/api/study/attendance/export?unitId=${city.countyA.id}&${may}`);
    expect(res.statusCode).toBe(200);
    expect(fileName(res)).toMatch(/^甲县委宣传部出勤统计（2026-05-01至2026-05-31）-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const [header, ...lines] = await sheetOf(res);
    expect(header).toEqual(['姓名', '单位', '出席', '迟到', '请假', '缺席', '出勤率']);
    type Row = { name: string; unitName: string; present: number; late: number; leave: number; absent: number; rate: number | null };
    expect(lines.slice(0, -1)).toEqual(
      r.rows.map((x: Row) => [x.name, x.unitName, String(x.present), String(x.late), String(x.leave), String(x.absent), cell(x.rate)]),
    );
    expect(r.rows).toHaveLength(3);
    // present 3 + late 1 over the 5 expected
    expect(lines.at(-1)).toEqual(['合计', `已开展学习 ${r.sessions} 次`, '3', '1', '1', '1', cell(r.unitRate)]);
    expect(r.unitRate).toBe(0.8);
  });

  it('county A’s exports hold nothing of county B, whose unit is not found; a member may not export', async () => {
    const mine = await sheetOf(await liaisonA.get(`/api/study/stats/export?${may}`));
    expect(Object.fromEntries(mine.slice(1))).toMatchObject({ 统计单位: '全部可见单位', 学习次数: '3' });
    const whole = await sheetOf(await admin.get(`/api/study/stats/export?${may}`));
    expect(Object.fromEntries(whole.slice(1))).toMatchObject({ 学习次数: '4' });

    const attendanceA = await sheetOf(await liaisonA.get(`/api/study/attendance/export?unitId=${city.countyA.id}&${may}`));
    expect(JSON.stringify(attendanceA)).not.toContain('乙县');
    const attendanceCity = await sheetOf(await admin.get(`/api/study/attendance/export?unitId=${city.city.id}&${may}`));
    expect(attendanceCity.map((l) => l[1])).toContain('乙县机关党支部');

    for (const url of [`/api/study/stats/export?unitId=${city.countyB.id}&${may}`, `/api/study/attendance/export?unitId=${city.countyB.id}&${may}`]) {
      const res = await liaisonA.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-disposition']).toBeUndefined();
    }
    expect((await member.agent.get(`/api/study/stats/export?${may}`)).statusCode).toBe(403);
    expect((await member.agent.get(`/api/study/attendance/export?unitId=${city.branchA.id}&${may}`)).statusCode).toBe(403);
    expect((await liaisonA.get('/api/study/stats/export?from=2026-06-01&to=2026-05-01')).statusCode).toBe(400);
  });
});

describe('我的学习', () => {
  it('shows a member’s own sessions, reflections by state and reading', async () => {
    const me = await ok(member.agent.get('/api/study/me'));
    expect(me.sessionsAttended).toBe(3);
    expect(me.recentSessions.map((s: { minutes: number }) => s.minutes)).toEqual([60, 120, 120]);
    expect(me.reflections).toMatchObject({ excellent: 1, passed: 1, draft: 0 });
    expect(me.reading.monthsWithBook).toEqual(['2026-05']);
  });

  it('answers an account without a person with a clear message', async () => {
    const res = await admin.get('/api/study/me');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('未关联人员');
  });
});

describe('the sentence', () => {
  it('leaves out rates it has no data for', () => {
    expect(summarySentence({ sessionsByType: [{ typeName: '周五专题', sessions: 8 }], minutes: 90, attendanceRate: null, coverageRate: 75, reflections: 0, excellent: 0, books: 20 })).toBe(
      '开展周五专题 8 次，累计学习 1.5 小时；每周半天学习覆盖率 75%；撰写心得体会 0 篇；读书 20 本。',
    );
  });
});
