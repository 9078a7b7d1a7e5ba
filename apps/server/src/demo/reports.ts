/**
 * The demo year's 通报, drafted from the seeded data and issued through the bulletins API by the department, in the
 * order of their dates so the 发文字号 run 1, 2, 3 … through the year: a 月调度通报 for each closed month, a 未学通报
 * for each confirmed week whose coverage check lists a branch, the 学习平台半年通报 of the half year whose scores
 * were imported, the 积分排名与等次 of the two closed quarters, one 表扬 and one 批评; and this month's 月调度通报
 * left as a draft. Two units open the bulletins sent to them.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { addDays, type DemoCity } from './city.ts';
import type { DemoAgent } from './seed.ts';
import { POINTS_YEAR, POOR_UNIT } from './points.ts';

export type ReportsSeedCtx = {
  db: Db;
  city: DemoCity;
  today: string;
  uid: (key: string) => string;
  agent: (username: string) => DemoAgent;
  log: (msg: string) => void;
};

type Plan = { date: string; body: Record<string, unknown> };

const pad = (n: number) => String(n).padStart(2, '0');
/** The Tuesday after a week's Sunday */
const tuesdayAfter = (sunday: string) => addDays(sunday, 2);

export async function seedReports(ctx: ReportsSeedCtx): Promise<void> {
  const { db, city, today, uid, agent, log } = ctx;
  const Y = POINTS_YEAR;
  const dept = agent('shibu');
  const root = uid('city');
  const plans: Plan[] = [];
  const thisMonth = Number(today.slice(5, 7));

  // 月调度通报: each closed month of the year, on the 5th of the next month
  for (let m = 1; m < thisMonth && `${Y}-${pad(m + 1)}-05` < today; m++) {
    plans.push({ date: `${Y}-${pad(m + 1)}-05`, body: { template: 'monthly_tasks', periodKey: `M${Y}-${pad(m)}`, scopeUnitId: root } });
  }

  // 未学通报: the confirmed weeks whose check lists a branch that missed its half day
  const weeks = await dept.call('GET', '/api/study/coverage/weeks?pageSize=100&sort=week');
  for (const w of weeks.data as { week: string; endDate: string; confirmedAt: string | null; missedCount: number }[]) {
    if (!w.confirmedAt || !w.missedCount || !w.week.startsWith(String(Y))) continue;
    const date = tuesdayAfter(w.endDate);
    if (date < today) plans.push({ date, body: { template: 'weekly_study', periodKey: w.week, scopeUnitId: root } });
  }

  // 学习平台半年通报: the half year of the latest imported scores
  const imports = await dept.call('GET', '/api/study/scores/imports?pageSize=100');
  const months = (imports.data as { month: string; status: string }[]).filter((i) => i.status === 'confirmed').map((i) => i.month).sort();
  if (months.length) {
    const last = months[months.length - 1];
    const half = Number(last.slice(5, 7)) <= 6 ? 1 : 2;
    const date = half === 1 ? `${Y}-07-10` : addDays(today, -1);
    plans.push({ date: date < today ? date : addDays(today, -1), body: { template: 'half_year_platform', periodKey: `H${last.slice(0, 4)}-${half}`, scopeUnitId: root } });
  }

  // 积分排名与等次: the two closed quarters
  for (const q of [1, 2]) {
    const date = `${Y}-${pad(q * 3 + 1)}-15`;
    if (date < today) plans.push({ date, body: { template: 'points_ranking', periodKey: `Q${Y}-${q}`, scopeUnitId: root } });
  }

  // 通报批评 of the unit graded 差 in the first quarter; 表扬 of the units first in their groups in the second
  if (`${Y}-04-20` < today) {
    plans.push({
      date: `${Y}-04-20`,
      body: {
        template: 'criticism',
        periodKey: `Q${Y}-1`,
        scopeUnitId: root,
        unitIds: [uid(POOR_UNIT)],
        reason: '未按时报送重点任务进展，多项任务推进滞后，考核积分评定为“差”等次',
      },
    });
  }
  if (`${Y}-07-20` < today) {
    plans.push({ date: `${Y}-07-20`, body: { template: 'commendation', periodKey: `Q${Y}-2`, scopeUnitId: root, measure: 'points' } });
  }

  plans.sort((a, b) => a.date.localeCompare(b.date));
  log(`正在起草和印发通报（${plans.length} 份）……`);
  const issued: { id: string; template: string; date: string }[] = [];
  for (const p of plans) {
    const draft = await dept.call('POST', '/api/bulletins', p.body, 201);
    const done = await dept.call('POST', `/api/bulletins/${draft.id}/issue`, { version: draft.version, signatureDate: p.date });
    issued.push({ id: done.id, template: done.template, date: p.date });
  }

  // this month's 月调度通报 stays a draft: the month is not over
  await dept.call('POST', '/api/bulletins', { template: 'monthly_tasks', periodKey: `M${today.slice(0, 7)}`, scopeUnitId: root }, 201);

  // The county liaisons opened what was sent to them more than a month ago, except the first county, which opened
  // only its first three 月调度通报; the criticised unit's county opened the criticism whenever it was issued.
  const [c0, ...others] = city.org.counties.map((c) => c.key);
  const monthAgo = addDays(today, -30);
  for (const b of issued.filter((x) => x.template === 'monthly_tasks').slice(0, 3)) await agent(c0).call('POST', `/api/bulletins/${b.id}/read`);
  for (const c of others) {
    for (const b of issued.filter((x) => x.date < monthAgo)) await agent(c).call('POST', `/api/bulletins/${b.id}/read`);
  }
  const criticism = issued.find((b) => b.template === 'criticism');
  if (criticism) await agent('songling').call('POST', `/api/bulletins/${criticism.id}/read`);

  // Issued through the API today, they are stamped as issued on their dates: at 10:00, told to the units at once,
  // and opened the next morning by those who opened them.
  await db.execute(sql`update bulletins set issued_at = (signature_date + time '10:00') at time zone 'Asia/Shanghai' where status = 'issued'`);
  await db.execute(sql`update notifications n set created_at = b.issued_at from bulletins b
    where n.kind = 'bulletin' and n.link = '/bulletins/' || b.id::text`);
  await db.execute(sql`update notifications n set read_at = b.issued_at + interval '1 day' - interval '30 minutes' from bulletins b
    where n.kind = 'bulletin' and n.link = '/bulletins/' || b.id::text and n.read_at is not null`);
  await db.execute(sql`update bulletin_recipients r set read_at = b.issued_at + interval '1 day' - interval '30 minutes' from bulletins b
    where r.bulletin_id = b.id and r.read_at is not null`);
  log(`已印发通报 ${issued.length} 份，另有草稿 1 份`);
}
