import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { buildApp } from './app.ts';
import { bootstrap } from './modules/auth/bootstrap.ts';
import { startJobs } from './jobs.ts';
import { useKeyRing } from './platform/crypto.ts';
import { loadKeyRing } from './platform/keys.ts';

/** read config → open db → migrate → bootstrap → listen */
export async function main(opts: { afterBootstrap?: (ctx: { db: import('./db/client.ts').Db }) => Promise<void> } = {}) {
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
  const created = await bootstrap(db, config);
  if (created?.printedPassword) {
    console.log('\n================ 落实 ================');
    console.log(`已创建管理员账号 admin，初始密码：${created.printedPassword}`);
    console.log('此密码只显示这一次，请登录后立即修改。');
    console.log('======================================\n');
  }
  if (opts.afterBootstrap) await opts.afterBootstrap({ db });
  const app = await buildApp({ db, config });
  const stopJobs = startJobs(db, (msg) => app.log.error(msg));
  const stop = async () => {
    stopJobs();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ host: config.host, port: config.port });
  console.log(`落实已启动：http://${config.host}:${config.port}/  数据：${config.databaseUrl ? 'PostgreSQL' : config.dataDir}`);
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void main();
}
