/**
 * npm run backup -- <file>           one archive of the database and the uploaded files, while the server runs
 * npm run restore -- <file>          fills an empty LUOSHI_DATA (or the empty database at DATABASE_URL)
 * npm run restore -- --check <file>  checks an archive against the keys here, writing nothing
 *
 * Both read the environment the server reads (LUOSHI_DATA, DATABASE_URL, LUOSHI_AUDIT_KEY, LUOSHI_DATA_KEY).
 */
import fs from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Db } from './db/client.ts';
import * as schema from './db/schema/index.ts';
import { restoreBackup, verifyArchive, writeBackup, type BackupResult } from './backup/archive.ts';
import { existingKeyRing } from './backup/keys.ts';
import { askRunningServer } from './backup/socket.ts';
import { BackupError } from './backup/snapshot.ts';

const USAGE = `用法：
  npm run backup -- <备份文件.tar.gz>
  npm run restore -- <备份文件.tar.gz>
  npm run restore -- --check <备份文件.tar.gz>`;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A path the user typed is relative to where they ran npm, not to the project root npm runs scripts in. */
const userPath = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

async function backup(config: Config, file: string): Promise<BackupResult> {
  if (config.databaseUrl) {
    // A backup reads; it does not migrate the database a server is using.
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
    try {
      const db = drizzle(pool, { schema }) as unknown as Db;
      return await writeBackup(db, { file, dataDir: config.dataDir, keys: existingKeyRing(config) });
    } finally {
      await pool.end();
    }
  }
  const answered = await askRunningServer(config.dataDir, file);
  if (answered) return answered;
  if (!fs.existsSync(path.join(config.dataDir, 'pg'))) throw new BackupError(`数据目录 ${config.dataDir} 中没有数据库：请检查 LUOSHI_DATA`);
  const keys = existingKeyRing(config);
  // No server answers on this folder: the command opens it itself (and is refused while another process holds it).
  const database = await openDatabase({ dataDir: config.dataDir });
  try {
    return await writeBackup(database.db, { file, dataDir: config.dataDir, keys });
  } finally {
    await database.close();
  }
}

async function run(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const check = rest.includes('--check');
  const files = rest.filter((a) => a !== '--check');
  if ((command !== 'backup' && command !== 'restore') || files.length !== 1 || (check && command !== 'restore')) {
    console.error(USAGE);
    return 2;
  }
  const file = userPath(files[0]);
  const config = loadConfig();
  const where = config.databaseUrl ? `数据库 ${new URL(config.databaseUrl).pathname.slice(1)} 与目录 ${config.dataDir}` : `目录 ${config.dataDir}`;

  if (command === 'backup') {
    const r = await backup(config, file);
    console.log(`已写入备份 ${r.file}（${mb(r.bytes)}）：${r.tables} 张表共 ${r.rows} 行，${r.files} 个上传文件，用时 ${r.seconds.toFixed(1)} 秒。`);
    for (const w of r.warnings) console.warn(`注意：${w}`);
    console.log('备份不含密钥：恢复时需要单独保管的 keys 目录（或相同的 LUOSHI_AUDIT_KEY、LUOSHI_DATA_KEY）。');
    return 0;
  }

  if (check) {
    const m = await verifyArchive(file, existingKeyRing(config));
    const rows = m.tables.reduce((n, t) => n + t.rows, 0);
    console.log(`备份 ${file} 完好：写于 ${m.createdAt}，数据库结构 ${m.schema.last}，${m.tables.length} 张表共 ${rows} 行，${m.files.length} 个上传文件；`);
    console.log(`每部分的 SHA-256 与清单一致，清单签名有效，此处的密钥能打开它（审计密钥 ${m.keys.audit}，数据密钥 ${m.keys.data}）。未写入任何数据。`);
    return 0;
  }

  const r = await restoreBackup(file, {
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    keys: config,
    checkpointDir: config.auditCheckpointDir,
  });
  const tables = Object.keys(r.counts).length;
  console.log(`已把 ${file}（写于 ${r.manifest.createdAt}）恢复到${where}：${tables} 张表共 ${r.rows} 行，各表行数与清单一致；${r.files} 个上传文件，SHA-256 逐一核对无误；用时 ${r.seconds.toFixed(1)} 秒。`);
  if (r.manifest.notKept.length) console.log(`备份不含登录会话（${r.manifest.notKept.join('、')}）：所有人需要重新登录。`);
  if (!r.audit.intact) {
    console.error(`警告：审计链校验未通过：${r.audit.problem}`);
    return 3;
  }
  console.log(`审计链校验通过（${r.audit.rows} 条记录）。现在可以启动服务器（npm start）。`);
  return 0;
}

run().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof BackupError ? err.message : `失败：${err.message}`);
    process.exit(1);
  },
);
