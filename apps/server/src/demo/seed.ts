/**
 * Fills an empty database with the demo city through the real HTTP API (app.inject), signed in as the admin,
 * the department's staff and the units' liaisons: everything the demo holds was validated, scoped and audited
 * exactly as a user's action would be.
 *
 * Sub-tasks start on the day they are handed down, so the breakdowns are replayed on the days they would have
 * happened (the campaigns module's clock is set back for the length of each call), and reports name the
 * period they cover. Everything else happens today.
 */
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { DEFAULT_SECURITY_POLICY } from '@luoshi/contract';
import { securitySettings, tasks, units, users } from '../db/schema/index.ts';
import { audit, SYSTEM_ACTOR } from '../platform/audit.ts';
import { clock } from '../modules/campaigns/dates.ts';
import { cyclePeriods, periodOf, shanghaiDate, type ReportCycle } from '../platform/calendar.ts';
import type { App } from '../platform/types.ts';
import {
  addDays, DEMO_PASSWORD, demoCity, makeRng, ROOT_UNIT_NAME,
  type AccountSpec, type DemoCity, type Scenario,
} from './city.ts';
import { planWorkbook, signInSheet } from './documents.ts';
import { seedInfo } from './info.ts';
import { seedPoints } from './points.ts';
import { seedReports } from './reports.ts';
import { seedStudy } from './study.ts';

type Res = { statusCode: number; body: string; json: () => any };
export type DemoAgent = {
  username: string;
  call: <T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, expect?: number) => Promise<T>;
  /** multipart upload of one file (field "file") with extra form fields */
  upload: <T = any>(url: string, file: { name: string; content: Buffer }, fields?: Record<string, string>) => Promise<T>;
};

/** Signs in through POST /api/auth/login and keeps the session cookie. */
export async function demoLogin(app: App, username: string, password: string): Promise<DemoAgent> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) {
    throw new Error(`演示账号 ${username} 登录失败（${res.statusCode}）：${res.body}`);
  }
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return {
    username,
    async call(method, url, body, expect) {
      const r: Res = await app.inject({ method, url, headers: { cookie }, ...(body === undefined ? {} : { payload: body as object }) });
      if (expect ? r.statusCode !== expect : r.statusCode < 200 || r.statusCode > 299) {
        throw new Error(`演示数据写入失败：${username} ${method} ${url} → ${r.statusCode} ${r.body}`);
      }
      return r.json();
    },
    async upload(url, file, fields = {}) {
      const boundary = `----luoshi-demo-${Math.random().toString(16).slice(2)}`;
      const parts: Buffer[] = [];
      for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
            'Content-Type: application/octet-stream\r\n\r\n',
        ),
        file.content,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      );
      const r: Res = await app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      });
      if (r.statusCode !== 201) throw new Error(`演示文件上传失败：${username} ${url} → ${r.statusCode} ${r.body}`);
      return r.json();
    },
  };
}

/** absent: no demo city; complete: seeded to the end; partial: a seed was interrupted. */
export async function demoStatus(db: Db): Promise<'absent' | 'complete' | 'partial'> {
  const [root] = await db.select({ id: units.id }).from(units).where(and(isNull(units.parentId), eq(units.name, ROOT_UNIT_NAME)));
  if (!root) return 'absent';
  // The last step of the seed turns a meeting decision into a task.
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(tasks).where(isNotNull(tasks.sourceMeetingDecisionId));
  return n > 0 ? 'complete' : 'partial';
}

/** Runs `fn` as if today were `date` for the campaigns module. */
async function onDay<T>(date: string, fn: () => Promise<T>): Promise<T> {
  const real = clock.today;
  clock.today = () => date;
  try {
    return await fn();
  } finally {
    clock.today = real;
  }
}

const RETURN_COMMENTS = [
  '佐证材料不全，请补充签到表和现场照片后重新报送。',
  '完成比例与台账不一致，请核实已完成的场次后重报。',
  '请写明每名同志的完成情况，不要只写总数。',
  '进展只写了做法，没有数据，请补充具体数字。',
];

function reportText(dimension: string | null, label: string, seed: number): string {
  const r = makeRng(seed);
  switch (dimension) {
    case '全员大学习':
      return `${label}：组织集中学习${r.int(2, 5)}次，参学${r.int(30, 120)}人次，${r.int(4, 12)}名同志交流发言，撰写心得体会${r.int(8, 30)}篇。`;
    case '业务大比拼':
      return `${label}：完成稿件${r.int(6, 25)}篇，其中基层一线稿件${r.int(3, 10)}篇，组织业务交流${r.int(1, 3)}次，评出优秀作品${r.int(1, 4)}件。`;
    case '作风大转变':
      return `${label}：开展督查检查${r.int(2, 6)}次，发现问题${r.int(3, 12)}个，已整改${r.int(2, 8)}个，其余限期整改。`;
    case '能力大提升':
      return `${label}：组织培训${r.int(1, 4)}场，培训${r.int(20, 90)}人次，结业测试合格率${r.int(88, 100)}%。`;
    default:
      return r.pick([
        `${label}：按计划推进，完成阶段性工作${r.int(2, 6)}项，下一步将按时间节点抓好落实。`,
        `${label}：召开专题推进会${r.int(1, 3)}次，协调解决问题${r.int(2, 5)}个，形成工作台账一份。`,
        `${label}：完成年度计划的阶段目标，报送工作信息${r.int(3, 12)}条，其中被上级采用${r.int(1, 3)}条。`,
      ]);
  }
}

type Step = { periodKey?: string; label: string; percent: number; outcome: 'accept' | 'return' | 'pending' };

/** The reports a task has by today in a scenario (see Scenario in city.ts). */
export function scenarioSteps(
  t: { startDate: string; deadline: string; reportCycle: ReportCycle },
  scenario: Scenario,
  today: string,
): Step[] {
  if (scenario === 'fresh') return [];
  if (t.reportCycle === 'none') {
    const once = (percent: number, outcome: Step['outcome']): Step[] => [{ label: '阶段进展', percent, outcome }];
    switch (scenario) {
      case 'done': return once(100, 'accept');
      case 'on_time': return once(50, 'accept');
      case 'waiting': return once(60, 'pending');
      case 'returned': return once(40, 'return');
      case 'overdue': return once(70, 'accept');
      case 'missing': return [];
    }
  }
  const all = cyclePeriods(t.reportCycle, t.startDate, t.deadline);
  const past = all.filter((p) => p.dueDate < today);
  const current = today <= t.deadline ? all.find((p) => p.key === periodOf(t.reportCycle as Exclude<ReportCycle, 'none'>, today).key) : undefined;
  const rising = (i: number, n: number, cap: number) => Math.min(cap, Math.max(5, Math.round(((i + 1) / n) * cap)));
  const steps = past.map((p, i): Step => ({ periodKey: p.key, label: p.label, percent: rising(i, all.length, 95), outcome: 'accept' }));
  const last = steps.at(-1);
  switch (scenario) {
    case 'on_time':
      return steps;
    case 'waiting':
      if (last) last.outcome = 'pending';
      else if (current) steps.push({ periodKey: current.key, label: current.label, percent: 20, outcome: 'pending' });
      return steps;
    case 'returned':
      if (last) last.outcome = 'return';
      else if (current) steps.push({ periodKey: current.key, label: current.label, percent: 20, outcome: 'return' });
      return steps;
    case 'missing':
      return steps.slice(0, 1);
    case 'overdue':
      return steps.map((s, i) => ({ ...s, percent: rising(i, steps.length, 70) }));
    case 'done':
      if (current && current.key !== last?.periodKey) steps.push({ periodKey: current.key, label: current.label, percent: 100, outcome: 'accept' });
      else if (last) last.percent = 100;
      return steps;
  }
}

export type SeedResult = { status: 'created' | 'present' | 'partial'; accounts: AccountSpec[] };

/**
 * Seeds the demo city unless it is there already. `adminPassword` is the built-in admin's; every other demo
 * login gets DEMO_PASSWORD.
 */
export async function seedDemo(
  app: App,
  db: Db,
  opts: { adminPassword: string; today?: string; log?: (msg: string) => void },
): Promise<SeedResult> {
  const today = opts.today ?? shanghaiDate();
  const log = opts.log ?? (() => {});
  const city: DemoCity = demoCity(today);
  const status = await demoStatus(db);
  if (status === 'complete') return { status: 'present', accounts: city.accounts };
  if (status === 'partial') return { status: 'partial', accounts: city.accounts };

  const { org } = city;
  // The demo stays one command away: a second factor is offered, not forced, as a department may decide for a trial
  // (the default policy requires it of admins). It is set here, on the log, because the security administrator could
  // not set it through the app before enrolling a second factor of their own.
  await db.transaction(async (tx) => {
    const policy = { ...DEFAULT_SECURITY_POLICY, totp: 'optional' as const };
    await tx.insert(securitySettings).values({ id: 1, policy, version: 2 }).onConflictDoUpdate({ target: securitySettings.id, set: { policy } });
    await audit(tx, SYSTEM_ACTOR, { entity: 'security_policy', entityId: '1', action: 'update', module: 'security', after: { ...policy, reason: '演示数据：动态口令自愿启用' } });
  });
  const admin = await demoLogin(app, 'admin', opts.adminPassword);
  const unitIds = new Map<string, string>();
  const personIds = new Map<string, string>();
  const uid = (key: string) => unitIds.get(key) ?? fail(`unit ${key}`);
  const pid = (key: string) => personIds.get(key) ?? fail(`person ${key}`);

  log(`正在生成演示城市“${ROOT_UNIT_NAME}”：单位 ${org.units.length} 个、人员 ${org.persons.length} 人……`);
  for (const u of org.units) {
    const row = await admin.call('POST', '/api/org/units', {
      parentId: u.parentKey ? uid(u.parentKey) : null,
      name: u.name,
      type: u.type,
      sort: u.sort,
    });
    unitIds.set(u.key, row.id);
  }
  for (const p of org.persons) {
    const row = await admin.call('POST', '/api/org/persons', {
      unitId: uid(p.unitKey),
      name: p.name,
      gender: p.gender,
      post: p.post,
      birthDate: p.birthDate,
      phone: p.phone,
      partyMember: p.partyMember,
    });
    personIds.set(p.key, row.id);
  }

  const roleList = await admin.call('GET', '/api/org/roles?pageSize=200');
  const roleIds = new Map<string, string>(
    (Array.isArray(roleList) ? roleList : roleList.data).map((r: { code: string; id: string }) => [r.code, r.id]),
  );
  const agents = new Map<string, DemoAgent>([['admin', admin]]);
  for (const a of city.accounts) {
    if (!a.personKey) continue;
    await admin.call('POST', `/api/org/persons/${pid(a.personKey)}/account`, {
      username: a.username,
      password: DEMO_PASSWORD,
      roleIds: a.roles.map((r) => roleIds.get(r) ?? fail(`role ${r}`)),
    });
    // A demo password is published, not handed over: its holder need not replace it at the first login.
    await db.update(users).set({ mustChangePassword: false }).where(eq(users.username, a.username));
    agents.set(a.username, await demoLogin(app, a.username, DEMO_PASSWORD));
  }
  const agent = (username: string) => agents.get(username) ?? fail(`account ${username}`);
  const dept = agent('shibu');
  const personOf = new Map(org.persons.map((p) => [p.key, p]));
  const accountOfPerson = new Map(city.accounts.filter((a) => a.personKey).map((a) => [a.personKey!, a.username]));
  /** Reports are filed by the responsible person's own account, else by the nearest liaison above the lead unit. */
  const reporterFor = (t: { leadUnitKey: string; responsibleKey: string | null }) => {
    const own = t.responsibleKey ? accountOfPerson.get(t.responsibleKey) : undefined;
    if (own) return agent(own);
    let best: AccountSpec | undefined;
    for (const a of city.accounts) {
      if (!a.roles.includes('liaison') || !a.personKey) continue;
      const at = personOf.get(a.personKey)!.unitKey;
      if ((t.leadUnitKey === at || t.leadUnitKey.startsWith(`${at}/`)) && (!best || at.length > personOf.get(best.personKey!)!.unitKey.length)) best = a;
    }
    return agent(best?.username ?? 'shibu');
  };

  log('正在建立工作小组和专项行动……');
  const groupIds = new Map<string, string>();
  for (const g of city.groups) {
    const row = await dept.call('POST', '/api/org/groups', {
      unitId: uid(g.unitKey),
      name: g.name,
      type: g.type,
      members: g.members.map((m) => ({ personId: pid(m.personKey), role: m.role })),
    });
    groupIds.set(g.key, row.id);
  }
  const c = city.campaign;
  const campaign = await dept.call('POST', '/api/campaigns', {
    unitId: uid('city'),
    name: c.name,
    description: c.description,
    dimensions: c.dimensions,
    startDate: c.startDate,
    endDate: c.endDate,
    leadingGroupId: groupIds.get('leading'),
  });

  await dept.upload(`/api/campaigns/${campaign.id}/documents`, { name: '“四大”专项行动实施方案（任务分工表）.xlsx', content: await planWorkbook(org, c) }, { kind: 'plan' });

  type Played = { id: string; key: string; leadUnitKey: string; startDate: string; deadline: string; reportCycle: ReportCycle; dimension: string | null; scenario: Scenario; reporter: DemoAgent; reviewer: DemoAgent };
  const toPlay: Played[] = [];
  const createTasks = async (list: DemoCity['keyTasks'], campaignId: string | null) => {
    for (const t of list) {
      const row = await dept.call('POST', '/api/tasks', {
        campaignId,
        ...(campaignId ? {} : { year: Number(today.slice(0, 4)) }),
        title: t.title,
        dimension: t.dimension,
        leadUnitId: uid(t.leadUnitKey),
        coUnitIds: t.coUnitKeys.map(uid),
        responsiblePersonId: t.responsibleKey ? pid(t.responsibleKey) : null,
        startDate: t.startDate,
        deadline: t.deadline,
        evidenceRequired: t.evidenceRequired,
        reportCycle: t.reportCycle,
      });
      const reporter = reporterFor(t);
      toPlay.push({ id: row.id, key: t.key, leadUnitKey: t.leadUnitKey, startDate: row.startDate, deadline: row.deadline, reportCycle: t.reportCycle, dimension: t.dimension, scenario: t.scenario, reporter, reviewer: dept });
      if (!t.breakdown.length) continue;
      // The lead unit's liaison hands the task down a few days after it arrives.
      const handedDown = addDays(t.startDate, 6);
      const subs: any[] = await onDay(handedDown, () =>
        reporter.call('POST', `/api/tasks/${row.id}/breakdown`, {
          items: t.breakdown.map((s) => ({
            title: s.title,
            leadUnitId: uid(s.leadUnitKey),
            responsiblePersonId: s.responsibleKey ? pid(s.responsibleKey) : null,
            deadline: s.deadline,
            reportCycle: s.reportCycle,
          })),
        }),
      );
      t.breakdown.forEach((s, i) =>
        toPlay.push({
          id: subs[i].id,
          key: s.key,
          leadUnitKey: s.leadUnitKey,
          startDate: subs[i].startDate,
          deadline: subs[i].deadline,
          reportCycle: s.reportCycle,
          dimension: t.dimension,
          scenario: s.scenario,
          reporter: reporterFor(s),
          reviewer: reporter,
        }),
      );
    }
  };
  log(`正在下达任务：专项行动任务 ${c.tasks.length} 项、${today.slice(0, 4)} 年重点任务 ${city.keyTasks.length} 项，并分解到县（区）所属单位和人员……`);
  await createTasks(c.tasks, campaign.id);
  await createTasks(city.keyTasks, null);

  log('正在报送和审核进展……');
  let returned = 0;
  for (const t of toPlay) {
    const steps = scenarioSteps(t, t.scenario, today);
    let seed = [...t.key].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
    for (const [i, s] of steps.entries()) {
      // Study reports carry the sign-in sheet of their latest session as evidence.
      const evidence =
        t.dimension === '全员大学习' && i === steps.length - 1
          ? [(await t.reporter.upload('/api/campaigns/uploads', { name: `${s.label}学习签到表.xlsx`, content: await signInSheet(org, t.leadUnitKey, `${s.label}集中学习签到表`) })).id]
          : [];
      const report = await t.reporter.call('POST', `/api/tasks/${t.id}/reports`, {
        ...(s.periodKey ? { periodKey: s.periodKey } : {}),
        content: reportText(t.dimension, s.label, ++seed),
        percent: s.percent,
        fileIds: evidence,
        idempotencyKey: `demo-${t.key}-${s.periodKey ?? 'once'}`,
      });
      if (s.outcome === 'pending') continue;
      await t.reviewer.call(
        'POST',
        `/api/reports/${report.id}/review`,
        s.outcome === 'accept'
          ? { version: report.version, decision: 'accept', comment: null }
          : { version: report.version, decision: 'return', comment: RETURN_COMMENTS[returned++ % RETURN_COMMENTS.length] },
        200,
      );
    }
  }

  log('正在录入会议纪要……');
  const decisionTasks: { meetingId: string; decisionId: string; date: string; body: object }[] = [];
  for (const m of city.meetings) {
    const row = await dept.call('POST', '/api/meetings', {
      campaignId: campaign.id,
      type: m.type,
      title: m.title,
      heldAt: m.heldAt,
      place: m.place,
      minutes: m.minutes,
      attendeeIds: [...new Set(m.attendeeKeys)].map(pid),
      decisions: m.decisions,
    });
    if (m.toTask) {
      const decision = row.decisions.find((d: { seq: number }) => d.seq === m.toTask!.decision + 1) ?? row.decisions[m.toTask.decision];
      decisionTasks.push({
        meetingId: row.id,
        decisionId: decision.id,
        date: addDays(m.heldAt.slice(0, 10), 1),
        body: {
          leadUnitId: uid(m.toTask.leadUnitKey),
          deadline: m.toTask.deadline,
          campaignId: campaign.id,
          responsiblePersonId: pid(m.toTask.responsibleKey),
          reportCycle: m.toTask.reportCycle,
        },
      });
    }
  }
  await seedStudy(
    { city, today, uid, pid, groupId: (k) => groupIds.get(k), agent, hasAgent: (u) => agents.has(u), log },
    campaign.id,
  );
  // before the points: their first sync scores the adoptions and instructions
  await seedInfo({ db, city, today, uid, pid, agent, hasAgent: (u) => agents.has(u), log });
  await seedPoints({ db, city, today, uid, pid, agent, log });
  // after everything they report on
  await seedReports({ db, city, today, uid, agent, log });

  // Last, so that a seed interrupted before this point is recognised as partial (demoStatus).
  for (const d of decisionTasks) {
    await onDay(d.date, () => dept.call('POST', `/api/meetings/${d.meetingId}/decisions/${d.decisionId}/task`, d.body));
  }
  return { status: 'created', accounts: city.accounts };
}

function fail(what: string): never {
  throw new Error(`演示数据有误：找不到 ${what}`);
}
