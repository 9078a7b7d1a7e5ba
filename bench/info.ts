/**
 * npm run bench (fourth part): 信息报送 at province scale — 查重 of a new item against 200,000 earlier items of the
 * year (MinHash signatures with LSH band keys, 32 per item), and the Word document of a 30-item issue of 信息专报.
 * Each request is timed through the HTTP stack (app.inject) beside the raw SQL it runs.
 *
 *   BENCH_INFO_ITEMS=200000 BENCH_RUNS=30 npx tsx bench/info.ts
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/info.ts   (a fresh database on that server)
 *
 * The texts come from the demo's generator (apps/server/src/demo/info.ts), 600–1,500 characters each, from 51
 * counties with their own place names; one item in 200 is a near-copy of an earlier one (another county's names,
 * a sentence dropped). Their signatures are computed here with the module's own minhashSignature (jieba words),
 * which is the slow part of the load: its throughput is printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import type { Db } from '../apps/server/src/db/client.ts';
import * as schema from '../apps/server/src/db/schema/index.ts';
import { DEMO_PASSWORD, makeRng } from '../apps/server/src/demo/city.ts';
import { infoArticle, pickCategory } from '../apps/server/src/demo/info.ts';
import { chineseDate, issueLabel } from '../apps/server/src/modules/info/issues.ts';
import { dupText } from '../apps/server/src/modules/info/dup.ts';
import { addDays, shanghaiDate } from '../apps/server/src/platform/calendar.ts';
import { officialDocument, type OfficialBlock } from '../apps/server/src/platform/docx.ts';
import { lshBandKeys, minhashSignature } from '../apps/server/src/platform/text.ts';
import { env, here, insertChunks, ms, openBenchDb, pad, recorder, requestVersusSql, RUNS, stats, time, WARMUP, benchBootstrap } from './lib.ts';

const ITEMS = env('BENCH_INFO_ITEMS', 200_000);
const COUNTIES = 51;
const ISSUE_ITEMS = 30;
const SYLLABLES = '安宝碧长川丹东丰凤福甘高固广桂河和红洪华怀黄吉嘉江金锦靖九康兰蓝乐丽莲良临柳龙隆鹿罗茂梅美南宁平青清庆瑞三沙山尚石双水顺松太泰桃天铁同万旺文西仙祥新兴秀阳杨宜永玉元云泽樟振中竹'.split('');
const CATEGORY_UNITS = ['委宣传部', '融媒体中心', '新时代文明实践中心'];

type Place = { name: string; towns: string[]; unitIds: string[] };

async function build(db: Db, raw: (q: string, p: unknown[]) => Promise<unknown>, adminId: string, today: string) {
  const rng = makeRng(20261125);
  const unit = (parent: { id: string; path: string; depth: number } | null, name: string, type: string) => {
    const id = crypto.randomUUID();
    return { id, parentId: parent?.id ?? null, name, type, path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0 };
  };
  const city = unit(null, '基准市委宣传部', 'department');
  const units = [city];
  const places: Place[] = [];
  const used = new Set<string>();
  for (let c = 0; c < COUNTIES; c++) {
    let name = '';
    do name = `${rng.pick(SYLLABLES)}${rng.pick(SYLLABLES)}县`;
    while (used.has(name) || name[0] === name[1]);
    used.add(name);
    const county = unit(city, `${name}委宣传部`, 'county_department');
    const media = unit(county, `${name}融媒体中心`, 'media_center');
    const practice = unit(county, `${name}新时代文明实践中心`, 'practice_center');
    units.push(county, media, practice);
    places.push({ name, towns: Array.from({ length: 8 }, () => `${rng.pick(SYLLABLES)}${rng.pick(SYLLABLES)}`), unitIds: [county.id, media.id, practice.id] });
  }
  await insertChunks(units, 1000, (c) => db.insert(schema.units).values(c));

  // Texts and signatures: the CPU part of the load, timed on its own.
  const s0 = performance.now();
  type Gen = { unitId: string; title: string; body: string; category: string; day: string; sig: number[] };
  const gen: Gen[] = [];
  let copies = 0;
  for (let i = 0; i < ITEMS; i++) {
    const day = addDays(today, -1 - Math.floor((i * 360) / ITEMS));
    if (i >= 1000 && i % 200 === 0) {
      // a near-copy of an earlier item by another county
      const src = gen[rng.int(0, i - 1)];
      const p = rng.pick(places);
      const body = src.body.replace(/[^。]+。\n?$/, '').replace(/\d+/, String(rng.int(10, 99)));
      const title = `${p.name.slice(0, 2)}${src.title.slice(2)}`;
      gen.push({ ...src, unitId: p.unitIds[0], title, body, day, sig: minhashSignature(dupText(title, body)) });
      copies++;
      continue;
    }
    const p = places[i % COUNTIES];
    const k = rng.int(0, 2);
    const category = pickCategory(rng);
    const a = infoArticle(rng, category, { place: p.name, unit: `${p.name}${CATEGORY_UNITS[k]}`, towns: p.towns, month: Number(day.slice(5, 7)) }, rng.int(600, 1400));
    const body = a.paragraphs.join('\n');
    gen.push({ unitId: p.unitIds[k], title: a.title, body, category, day, sig: minhashSignature(dupText(a.title, body)) });
  }
  const sigSeconds = (performance.now() - s0) / 1000;
  const chars = gen.reduce((n, g) => n + g.body.length, 0);
  console.log(`生成正文并计算签名 ${ITEMS} 条（其中近似重复 ${copies} 条，平均 ${Math.round(chars / ITEMS)} 字）：${sigSeconds.toFixed(1)} 秒，每秒 ${Math.round(ITEMS / sigSeconds)} 条`);

  // Rows: items with their signatures, then the band keys in one unnest() per chunk, indexes built afterwards.
  const l0 = performance.now();
  const ids = gen.map(() => crypto.randomUUID());
  await insertChunks(
    gen.map((g, i) => ({ g, id: ids[i] })),
    500,
    (c) =>
      db.insert(schema.infoItems).values(
        c.map(({ g, id }) => ({
          id,
          unitId: g.unitId,
          title: g.title,
          bodyHtml: g.body.split('\n').map((p) => `<p>${p}</p>`).join(''),
          bodyText: g.body,
          category: g.category,
          status: 'approved' as const,
          submittedAt: new Date(`${g.day}T10:00:00+08:00`),
          submittedOn: g.day,
          decidedAt: new Date(`${g.day}T16:00:00+08:00`),
          signature: g.sig,
          createdBy: adminId,
        })),
      ),
  );
  await raw('alter table info_bands drop constraint info_bands_item_id_info_items_id_fk', []);
  await raw('alter table info_bands drop constraint info_bands_band_item_id_pk', []);
  await raw('drop index info_bands_item_idx', []);
  const CHUNK = 2000;
  let bands = 0;
  for (let i = 0; i < gen.length; i += CHUNK) {
    const b: number[] = [];
    const it: string[] = [];
    const d: string[] = [];
    for (let j = i; j < Math.min(gen.length, i + CHUNK); j++) {
      for (const key of new Set(lshBandKeys(gen[j].sig))) {
        b.push(key);
        it.push(ids[j]);
        d.push(gen[j].day);
      }
    }
    await raw('insert into info_bands (band, item_id, submitted_on) select * from unnest($1::bigint[], $2::uuid[], $3::date[])', [b, it, d]);
    bands += b.length;
  }
  await raw('alter table info_bands add constraint info_bands_band_item_id_pk primary key (band, item_id)', []);
  await raw('create index info_bands_item_idx on info_bands using btree (item_id)', []);
  await raw('alter table info_bands add constraint info_bands_item_id_info_items_id_fk foreign key (item_id) references info_items(id) on delete cascade', []);
  await raw('analyze', []);
  const loadSeconds = (performance.now() - l0) / 1000;
  console.log(`写入信息 ${ITEMS} 条、LSH 分段键 ${bands} 条（建索引在后）：${loadSeconds.toFixed(1)} 秒`);

  // 信息专报 with one issue of 30 items, each with an author and a 按语 on two of them
  const [pub] = await db
    .insert(schema.infoPublications)
    .values({ name: '信息专报', level: '市级', issuer: '基准市委宣传部', colophon: [{ label: '报', text: '市委、市政府领导' }, { label: '送', text: '市直各单位' }, { label: '发', text: '各县区委宣传部' }] })
    .returning();
  const issueDate = addDays(today, -1);
  const [issue] = await db
    .insert(schema.infoIssues)
    .values({ publicationId: pub.id, year: Number(issueDate.slice(0, 4)), number: 1, totalNumber: 1, issueDate, colophon: pub.colophon, createdBy: adminId })
    .returning();
  const picked = Array.from({ length: ISSUE_ITEMS }, (_, i) => Math.floor(((i + 0.5) * ITEMS) / ISSUE_ITEMS));
  await db.insert(schema.infoAuthors).values(picked.map((i) => ({ itemId: ids[i], seq: 1, name: `作者${i}` })));
  await db.insert(schema.infoAdoptions).values(
    picked.map((i, k) => ({
      itemId: ids[i], unitId: gen[i].unitId, kind: 'issue' as const, issueId: issue.id, position: k + 1, outlet: pub.name, level: pub.level, adoptedOn: issueDate,
      editorNote: k % 15 === 0 ? '这条信息反映的做法值得各地学习借鉴。' : null, createdBy: adminId,
    })),
  );
  // the near-copy the 查重 request checks: an existing item with another county's names and one sentence changed
  const target = gen[ITEMS >> 1];
  const probe = {
    title: `${places[7].name.slice(0, 2)}${target.title.slice(2)}`,
    text: target.body.replace(/[^。]+。/, `${places[7].name}结合实际，把这项工作列入年度重点任务清单。`),
  };
  const fresh = infoArticle(makeRng(99), '问题建议', { place: '测试县', unit: '测试县委宣传部', towns: ['甲', '乙'], month: 11 }, 1000);
  return {
    sizes: { units: units.length, items: ITEMS, copies, bands, avgChars: Math.round(chars / ITEMS), sigSeconds, loadSeconds },
    issueId: issue.id,
    issueBlocks: picked.map((i) => gen[i]),
    probe,
    fresh: { title: fresh.title, text: fresh.paragraphs.join('\n') },
    pub,
    issue,
  };
}

async function main() {
  const today = shanghaiDate();
  const t0 = performance.now();
  const database = await openBenchDb();
  const { db } = database;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'luoshi-bench-'));
  const config = loadConfig({ LUOSHI_DATA: tmp, LUOSHI_LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, {
    adminPassword: DEMO_PASSWORD,
    webDist: path.join(tmp, 'no-web'),
    loginRatePerMinute: 100_000,
  });
  const adminId = await benchBootstrap(db, config);
  console.log(`正在生成信息数据（${database.kind}）……`);
  const built = await build(db, database.raw, adminId, today);
  const buildSeconds = (performance.now() - t0) / 1000;

  const app = await buildApp({ db, config, logger: false });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: DEMO_PASSWORD } });
  const cookie = String(login.headers['set-cookie']).split(';')[0];
  const dupCheck = (body: { title: string; text: string }) => async () => {
    const res = await app.inject({ method: 'POST', url: '/api/info/dup-check', headers: { cookie }, payload: body });
    if (res.statusCode !== 200) throw new Error(`dup-check: ${res.statusCode} ${res.body.slice(0, 200)}`);
    return res;
  };
  const docx = async () => {
    const res = await app.inject({ method: 'GET', url: `/api/info/issues/${built.issueId}/docx`, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`docx: ${res.statusCode} ${res.body.slice(0, 200)}`);
    return res;
  };

  const results: { case: string; detail: string; queries: number; http: ReturnType<typeof stats>; sql: ReturnType<typeof stats> | null; candidates?: ReturnType<typeof stats> }[] = [];
  for (const [name, body] of [['查重 近似稿（另一县改名、改一句）', built.probe], ['查重 新稿（无相似）', built.fresh]] as const) {
    const answer = (await dupCheck(body)()).json() as { matches: { similarity: number }[] };
    const r = await requestVersusSql(dupCheck(body), database.raw);
    // the candidate lookup alone: band keys → earlier items with their signatures
    const candidateSql = r.queries.find((q) => q.query.includes('info_bands'))!;
    const rows = (await database.raw(candidateSql.query, candidateSql.params)) as { rows: unknown[] };
    const candidates = stats(await time(() => database.raw(candidateSql.query, candidateSql.params)));
    results.push({ case: name, detail: `候选 ${rows.rows.length} 条，命中 ${answer.matches.length} 条${answer.matches[0] ? `（最高 ${answer.matches[0].similarity}%）` : ''}`, queries: r.queries.length, http: r.http, sql: r.sql, candidates });
  }

  // DOCX of the 30-item issue: through the app, and the document alone from the same blocks
  recorder.queries = [];
  recorder.on = true;
  const sample = await docx();
  recorder.on = false;
  const docxQueries = recorder.queries.length;
  const httpDocx = stats(await time(docx));
  const blocks: OfficialBlock[] = [];
  for (const it of built.issueBlocks) {
    blocks.push({ kind: 'itemTitle', text: it.title });
    for (const p of it.body.split('\n')) blocks.push({ kind: 'paragraph', text: p });
    blocks.push({ kind: 'source', text: '（基准县融媒体中心 作者）' });
  }
  const date = chineseDate(built.issue.issueDate);
  const alone = stats(
    await time(() =>
      officialDocument({
        masthead: built.pub.name,
        issue: { number: `第 ${built.issue.number} 期（总第 ${built.issue.totalNumber} 期）`, issuer: `${built.pub.issuer}编`, date },
        blocks,
        colophon: { lines: built.issue.colophon, printer: `${built.pub.issuer}办公室`, printDate: date },
      }),
    ),
  );
  results.push({ case: `Word 文档 ${ISSUE_ITEMS} 条一期（${issueLabel(built.pub.name, built.issue)}）`, detail: `${Math.round(sample.rawPayload.length / 1024)} KB`, queries: docxQueries, http: httpDocx, sql: null, candidates: alone });
  await app.close();
  await database.close();
  fs.rmSync(tmp, { recursive: true, force: true });

  const s = built.sizes;
  console.log(`\n数据库：${database.kind}　每项 ${RUNS} 次（另预热 ${WARMUP} 次），单位：毫秒`);
  console.log(`信息 ${s.items} 条（平均 ${s.avgChars} 字，近似重复 ${s.copies} 条），分段键 ${s.bands} 条；签名 ${s.sigSeconds.toFixed(1)} 秒（每秒 ${Math.round(s.items / s.sigSeconds)} 条），写入 ${s.loadSeconds.toFixed(1)} 秒，共 ${buildSeconds.toFixed(1)} 秒\n`);
  console.log(`${pad('场景', 46)}${pad('SQL条数', 9, true)} │${pad('HTTP中位', 10, true)}${pad('HTTP p95', 10, true)} │${pad('SQL中位', 10, true)}${pad('SQL p95', 10, true)} │${pad('候选/单独中位', 15, true)}${pad('p95', 10, true)}`);
  for (const r of results) {
    console.log(
      `${pad(r.case, 46)}${pad(String(r.queries), 9, true)} │${ms(r.http.median)} ${ms(r.http.p95)} │${r.sql ? `${ms(r.sql.median)} ${ms(r.sql.p95)}` : pad('—', 19, true)} │${pad(r.candidates!.median.toFixed(2), 15, true)}${ms(r.candidates!.p95)}  ${r.detail}`,
    );
  }
  console.log('\n查重的“候选”列：一条带 32 个分段键的候选查询（含签名）单独执行；Word 的“单独”列：只生成文档（officialDocument），不读库。');
  const outDir = path.join(here, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `info-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), database: database.kind, node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, runs: RUNS, sizes: s, buildSeconds, results }, null, 2));
  console.log(`\n结果已写入 ${path.relative(process.cwd(), file)}`);
}

await main();
