#!/usr/bin/env node
// npm start / npm run demo: build the web app when it has not been built, then run the server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = process.argv.includes('--demo');
const dist = path.join(root, 'apps/web/dist/index.html');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const stale =
  !fs.existsSync(dist) ||
  Math.max(newestSource(path.join(root, 'apps/web/src')), newestSource(path.join(root, 'packages/contract/src'))) >
    fs.statSync(dist).mtimeMs;
if (stale) {
  console.log('正在构建前端页面……');
  const r = spawnSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const env = { ...process.env };
if (demo && !env.LUOSHI_DATA) env.LUOSHI_DATA = './data-demo';
const entry = path.join(root, 'apps/server/src', demo ? 'demo/main.ts' : 'main.ts');
const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
