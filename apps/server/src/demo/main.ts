/**
 * npm run demo: the product as `npm start` runs it, on a database that holds the demo city (seeded through
 * the API on the first start, left alone on later ones). LUOSHI_DATA defaults to ./data-demo.
 */
import path from 'node:path';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { main } from '../main.ts';
import { accountsConsole, DEMO_PASSWORD } from './city.ts';
import { seedDemo } from './seed.ts';

// Also with DATABASE_URL: uploaded files live in the data folder.
if (!process.env.LUOSHI_DATA) process.env.LUOSHI_DATA = './data-demo';
if (!process.env.LUOSHI_ADMIN_PASSWORD) process.env.LUOSHI_ADMIN_PASSWORD = DEMO_PASSWORD;

await main({
  // The demo's accounts are published with their password: no change at first login.
  bootstrap: { password: process.env.LUOSHI_ADMIN_PASSWORD, mustChange: false },
  afterBootstrap: async ({ db }) => {
    const config = loadConfig();
    // A private instance of the app, not listening and without the web pages: the demo is written through the
    // same API routes users call. Every demo account signs in once within the first minute, more than the login
    // limit a listening server keeps per address.
    const app = await buildApp({
      db,
      config: { ...config, webDist: path.join(config.dataDir, '.no-web'), loginRatePerMinute: Math.max(config.loginRatePerMinute, 1000) },
      logger: false,
    });
    await app.ready();
    const started = Date.now();
    try {
      const result = await seedDemo(app, db, { adminPassword: config.adminPassword ?? DEMO_PASSWORD, log: (m) => console.log(m) });
      if (result.status === 'created') console.log(`演示数据已生成（${((Date.now() - started) / 1000).toFixed(1)} 秒）。`);
      if (result.status === 'present') console.log('演示数据已存在，不再重复生成。');
      if (result.status === 'partial') {
        console.warn('警告：数据库中的演示数据不完整（上次生成被中断）。如需完整的演示，请删除数据目录后重新运行 npm run demo。');
      }
      console.log(accountsConsole(config.adminPassword !== DEMO_PASSWORD));
    } catch (err) {
      console.error(`生成演示数据失败：${(err as Error).message}`);
      if ((err as Error).message.includes('admin 登录失败')) {
        console.error('该数据库中的 admin 密码不是演示密码（可能由 npm start 创建）：请用 LUOSHI_ADMIN_PASSWORD 给出 admin 的密码，或换一个 LUOSHI_DATA 目录。');
      }
      process.exit(1);
    } finally {
      await app.close();
    }
  },
});
