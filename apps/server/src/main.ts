import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { buildApp } from './app.ts';
import { bootstrap } from './modules/auth/bootstrap.ts';
import { startJobs } from './jobs.ts';
import { listenForBackups } from './backup/socket.ts';
import { useKeyRing } from './platform/crypto.ts';
import { loadKeyRing } from './platform/keys.ts';
import { sealPlainValues } from './sealed-columns.ts';

/** read config → open db → migrate → bootstrap → listen */
export async function main(
  opts: { afterBootstrap?: (ctx: { db: import('./db/client.ts').Db }) => Promise<void>; bootstrap?: { password: string; mustChange: boolean } } = {},
) {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  try {
    useKeyRing(loadKeyRing(config));
  } catch (err) {
    console.error(`无法读取密钥：${(err as Error).message}`);
    process.exit(2);
  }
  let database;
  try {
    database = await openDatabase({ dataDir: config.databaseUrl ? null : config.dataDir, databaseUrl: config.databaseUrl });
  } catch (err) {
    console.error(`无法打开数据库：${(err as Error).message}`);
    process.exit(1);
  }
  const { db } = database;
  // Personal data written before encryption existed (an upgraded database) is sealed before anyone reads it.
  for (const s of await sealPlainValues(db)) {
    if (s.sealed) console.log(`已加密存量数据：${s.table}.${s.column} ${s.sealed} 条`);
    if (s.unreadable) console.warn(`警告：${s.table}.${s.column} 有 ${s.unreadable} 条数据无法解密（缺少加密它们的密钥），请运行 npm run keys:status 查看`);
  }
  const created = await bootstrap(db, config, opts.bootstrap);
  const printed = created.filter((c) => c.password);
  if (printed.length) {
    console.log('\n================ 落实 ================');
    for (const c of printed) console.log(`已创建${c.title}账号 ${c.username}，初始密码：${c.password}`);
    console.log('这些密码只显示这一次。三员（系统、安全、审计管理员）账号请分别交给三位不同的人；');
    console.log('每个账号首次登录须修改密码，并按安全策略绑定动态口令。');
    console.log('======================================\n');
  }
  if (opts.afterBootstrap) await opts.afterBootstrap({ db });
  const app = await buildApp({ db, config });
  const stopJobs = startJobs(db, (msg) => app.log.error(msg), config);
  let stopBackups = async () => {};
  const stop = async () => {
    stopJobs();
    await stopBackups();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ host: config.host, port: config.port });
  // The embedded database is held by this process: `npm run backup` asks it for the archive through a socket.
  if (database.kind === 'pglite') stopBackups = await listenForBackups(db, config.dataDir, (msg) => app.log.warn(msg));
  console.log(`落实已启动：http://${config.host}:${config.port}/  数据：${config.databaseUrl ? 'PostgreSQL' : config.dataDir}`);
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void main();
}
