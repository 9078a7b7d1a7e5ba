import { and, eq } from 'drizzle-orm';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, infoAdoptions, infoItems, studyReadingLogs, studyReflections, studySessions, tasks } from '../../db/schema/index.ts';
import { loginAdmin, loginAs, makeCity, makePerson, makeTestApp, makeUnit, makeUser, ok, type Agent, type TestCtx } from '../../test/harness.ts';

let ctx: TestCtx;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Agent;
let liaisonA: Agent;
let liaisonB: Agent;
let staffA: Agent;
let subtreeA: string[];

/** A seeded mix of records in and out of county A's subtree and of March 2026, varied by `i`. */
async function seed() {
  const deep = await makeUnit(ctx.db, { parent: city.branchA, name: '甲县机关党支部第一小组', type: 'group' });
  subtreeA = [city.countyA.id, city.branchA.id, deep.id];
  const unitsAll = [...subtreeA, city.countyB.id, city.branchB.id, city.city.id];
  const { user } = await makeUser(ctx.db, city.city, 'staff');
  const persons = new Map<string, string>();
  for (const u of unitsAll) persons.set(u, (await makePerson(ctx.db, { id: u })).id);
  // days around March: the last day of February, inside March, the first day of April (Shanghai time)
  const days = ['2026-02-28', '2026-03-01', '2026-03-15', '2026-03-31', '2026-04-01'];
  let i = 0;
  for (const u of unitsAll) {
    for (const day of days) {
      i++;
      const at = new Date(`${day}T${i % 2 ? '00:30' : '23:30'}:00+08:00`);
      const end = new Date(at.getTime() + 3600_000);
      for (const typeCode of ['collective', 'morning_reading', 'online']) {
        for (const status of i % 3 ? ['held'] : ['held', 'cancelled']) {
          await ctx.db.insert(studySessions).values({ unitId: u, typeCode, topic: '学习', plannedStart: at, plannedEnd: end, actualStart: status === 'held' ? at : null, actualEnd: status === 'held' ? end : null, status });
        }
      }
      await ctx.db.insert(studyReflections).values({
        personId: persons.get(u)!, unitId: u, title: '心得', bodyHtml: '<p>心得</p>', bodyText: '心得', wordCount: 2,
        status: i % 4 ? 'submitted' : 'draft', submittedAt: i % 4 ? at : null,
      });
      await ctx.db.insert(studyReadingLogs).values({ personId: persons.get(u)!, unitId: u, bookTitle: '读本', finishDate: i % 3 ? day : null });
      const [item] = await ctx.db
        .insert(infoItems)
        .values({ unitId: u, title: `信息${i}`, bodyHtml: '<p>正文</p>', bodyText: '正文', category: '工作动态', status: 'approved', submittedOn: i % 5 ? day : null, createdBy: user.id })
        .returning();
      for (const level of ['市级', '省级', '中央']) {
        if ((i + level.length) % 2) await ctx.db.insert(infoAdoptions).values({ itemId: item.id, unitId: u, kind: 'outlet', outlet: '某媒体', level, adoptedOn: day });
      }
      await ctx.db.insert(tasks).values({
        year: 2026, title: `任务${i}`, leadUnitId: u, startDate: '2026-01-05', deadline: day,
        status: i % 3 === 0 ? 'in_progress' : 'done', completedAt: i % 3 === 0 ? null : new Date(`${i % 2 ? day : '2026-03-20'}T10:00:00+08:00`),
      });
    }
  }
}

beforeAll(async () => {
  ctx = await makeTestApp();
  city = await makeCity(ctx.db);
  admin = await loginAdmin(ctx);
  liaisonA = (await loginAs(ctx, 'liaison', city.countyA)).agent;
  liaisonB = (await loginAs(ctx, 'liaison', city.countyB)).agent;
  staffA = (await loginAs(ctx, 'staff', city.countyA)).agent;
  await seed();
}, 120_000);
afterAll(() => ctx.close());

const shanghaiDay = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10) : null);
const inMarch = (day: string | null) => !!day && day >= '2026-03-01' && day <= '2026-03-31';

describe('工作总结', () => {
  it("a unit's figures for a period equal the records behind them, counted here one by one", async () => {
    const draft = await ok(liaisonA.get(`/api/summaries/draft?unitId=${city.countyA.id}&period=M2026-03`));
    const inA = (u: string) => subtreeA.includes(u);
    const sessions = await ctx.db.select().from(studySessions);
    const held = (type: string) => sessions.filter((s) => inA(s.unitId) && s.status === 'held' && s.typeCode === type && inMarch(shanghaiDay(s.actualStart))).length;
    const reflections = (await ctx.db.select().from(studyReflections)).filter((r) => inA(r.unitId) && r.status !== 'draft' && inMarch(shanghaiDay(r.submittedAt))).length;
    const reading = (await ctx.db.select().from(studyReadingLogs)).filter((r) => inA(r.unitId) && inMarch(r.finishDate)).length;
    const submitted = (await ctx.db.select().from(infoItems)).filter((r) => inA(r.unitId) && inMarch(r.submittedOn)).length;
    const adopted = (await ctx.db.select().from(infoAdoptions)).filter((r) => inA(r.unitId) && ['省级', '中央'].includes(r.level) && inMarch(r.adoptedOn)).length;
    const allTasks = (await ctx.db.select().from(tasks)).filter((t) => inA(t.leadUnitId));
    const done = allTasks.filter((t) => t.status === 'done' && inMarch(shanghaiDay(t.completedAt))).length;
    const overdue = allTasks.filter((t) => inMarch(t.deadline) && (t.status !== 'done' || shanghaiDay(t.completedAt)! > t.deadline)).length;
    const expected = { collective: held('collective'), morning_reading: held('morning_reading'), reflections, reading, info_submitted: submitted, info_adopted_high: adopted, tasks_done: done, tasks_overdue: overdue };
    // none of them is trivially zero, so a wrong filter shows
    for (const v of Object.values(expected)) expect(v).toBeGreaterThan(0);
    expect(Object.fromEntries(draft.figures.map((f: { key: string; value: number }) => [f.key, f.value]))).toEqual(expected);
    expect(draft.text).toContain(`共开展集中学习${expected.collective}次、晨读+分享${expected.morning_reading}次，撰写心得体会${expected.reflections}篇`);
    expect(draft.text).toContain(`报送信息${expected.info_submitted}条，被省级以上采用${expected.info_adopted_high}条`);
    expect(draft.text).toContain(`完成重点任务${expected.tasks_done}项，逾期${expected.tasks_overdue}项`);
    const link = draft.figures.find((f: { key: string }) => f.key === 'collective').link;
    expect(link).toBe(`/study/sessions?unitId=${city.countyA.id}&from=2026-03-01&to=2026-03-31&type=collective&status=held`);
    expect(draft.figures.find((f: { key: string }) => f.key === 'info_adopted_high').link).toContain('adopted=true');
  });

  it('saves the edited text per unit and period with a version, reads it back and exports Word', async () => {
    const text = '2026年3月，甲县委宣传部扎实开展理论学习。\n下一步，将继续抓好重点任务落实。';
    const saved = await ok(liaisonA.put('/api/summaries', { unitId: city.countyA.id, periodKey: 'M2026-03', text, version: 0 }));
    expect(saved).toMatchObject({ unitId: city.countyA.id, periodKey: 'M2026-03', text, version: 1, periodLabel: '2026年3月' });
    expect(saved.figures).toHaveLength(8);
    expect((await liaisonA.put('/api/summaries', { unitId: city.countyA.id, periodKey: 'M2026-03', text: '另一份', version: 0 })).statusCode).toBe(409);
    const again = await ok(liaisonA.put('/api/summaries', { unitId: city.countyA.id, periodKey: 'M2026-03', text: `${text}\n补充一段。`, version: 1 }));
    expect(again.version).toBe(2);
    const draft = await ok(liaisonA.get(`/api/summaries/draft?unitId=${city.countyA.id}&period=M2026-03`));
    expect(draft.saved).toMatchObject({ id: saved.id, version: 2 });
    expect(await ok(liaisonA.get(`/api/summaries/${saved.id}`))).toMatchObject({ id: saved.id, version: 2 });
    const docx = await liaisonA.get(`/api/summaries/${saved.id}/docx`);
    expect(docx.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')!.async('string');
    expect(xml).toContain('甲县委宣传部2026年3月工作总结');
    expect(xml).toContain('补充一段。');
    const audits = await ctx.db.select().from(auditLog).where(and(eq(auditLog.entity, 'work_summary'), eq(auditLog.entityId, saved.id)));
    expect(audits.map((a) => a.action)).toEqual(['create', 'update']);
    // county B reaches neither the summary nor county A's figures; staff cannot write
    expect((await liaisonB.get(`/api/summaries/${saved.id}`)).statusCode).toBe(404);
    expect((await liaisonB.get(`/api/summaries/draft?unitId=${city.countyA.id}&period=M2026-03`)).statusCode).toBe(404);
    expect((await liaisonB.put('/api/summaries', { unitId: city.countyA.id, periodKey: 'M2026-03', text: 'x', version: 2 })).statusCode).toBe(404);
    expect((await staffA.put('/api/summaries', { unitId: city.countyA.id, periodKey: 'Q2026-1', text: 'x', version: 0 })).statusCode).toBe(403);
    expect((await admin.get(`/api/summaries/${saved.id}`)).statusCode).toBe(200);
  });

  it('a summary is the working paper of its unit: the scopes over the unit read it and its Word, no one else', async () => {
    const saved = await ok(liaisonA.put('/api/summaries', { unitId: city.countyA.id, periodKey: 'Q2026-1', text: '甲县一季度工作总结。', version: 0 }));
    const secretaryA = (await loginAs(ctx, 'branch_secretary', city.branchA)).agent;
    const liaisonCity = (await loginAs(ctx, 'liaison', city.city)).agent;
    const staffB = (await loginAs(ctx, 'staff', city.countyB)).agent;
    const reach = (agents: Agent[]) =>
      Promise.all(agents.map(async (g) => `${(await g.get(`/api/summaries/${saved.id}`)).statusCode}/${(await g.get(`/api/summaries/${saved.id}/docx`)).statusCode}`));
    expect(await reach([liaisonA, liaisonCity, admin])).toEqual(Array(3).fill('200/200'));
    // the county's own staff and a branch below it have no scope over the county department
    expect(await reach([staffA, secretaryA, liaisonB, staffB])).toEqual(Array(4).fill('404/404'));
  });
});
