/**
 * npm run keys:rotate — re-encrypts every sealed value (sealed-columns.ts) under a new data key and recomputes
 * every blind index with it, in one transaction.
 * npm run keys:status — how many values each key has sealed, before an old key is dropped.
 *
 * With the key in a file (<data>/keys/data.key) the order is what keeps the data readable if the command dies at
 * any step: the new key is written to data.key.new first (every start reads both files while it exists); the
 * values are re-encrypted and committed; the old key is copied to keys/retired/ (kept, so that backups made before
 * the rotation can still be restored); only then does data.key.new replace data.key, in one rename. Running the
 * command again after an interruption finishes the same rotation.
 *
 * With LUOSHI_DATA_KEY=<new>,<old> from the environment the deployer owns the keys: the command re-encrypts under
 * the first one and says how to drop the others.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Db } from './db/client.ts';
import { audit, type Actor } from './platform/audit.ts';
import { useKeyRing } from './platform/crypto.ts';
import {
  DATA_KEY_FILE,
  deriveDataKey,
  loadKeyRing,
  newSecret,
  PENDING_DATA_KEY_FILE,
  readKeyFile,
  RETIRED_DIR,
  type DataKey,
  type KeyRing,
} from './platform/keys.ts';
import { resealAll, sealedCounts } from './sealed-columns.ts';

export type PreparedRotation = {
  source: 'file' | 'env';
  /** the key every value is sealed with afterwards */
  target: DataKey;
  /** opens what is stored now: the target, the current key and every retired one */
  ring: KeyRing;
};

/** Writes a key file durably: created (never overwritten) with mode 0600, flushed to disk with its folder. */
function writeKeyFile(file: string, text: string) {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  syncDir(path.dirname(file));
}

function syncDir(dir: string) {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Step 1: the new key. In file mode it is written to data.key.new, or the one an interrupted rotation left is taken up. */
export function prepareRotation(config: Config): PreparedRotation {
  if (config.dataKey) {
    const ring = loadKeyRing(config);
    return { source: 'env', target: ring.data, ring };
  }
  fs.mkdirSync(config.keysDir, { recursive: true, mode: 0o700 });
  // The current key must exist before a new one is made: loading the ring creates it on a fresh folder.
  loadKeyRing(config);
  const pending = path.join(config.keysDir, PENDING_DATA_KEY_FILE);
  if (!fs.existsSync(pending)) writeKeyFile(pending, `${newSecret()}\n`);
  const target = deriveDataKey(readKeyFile(pending));
  const loaded = loadKeyRing(config);
  const ring: KeyRing = { ...loaded, data: target, retired: [loaded.data, ...loaded.retired].filter((k) => k.id !== target.id) };
  return { source: 'file', target, ring };
}

const operator = (): Actor => {
  let who = 'unknown';
  try {
    who = `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    /* no user entry in a container: the host name alone is not worth failing over */
  }
  return { userId: null, username: 'system', ip: null, route: `keys:rotate（${who}）` };
};

/** Step 2: every sealed column and blind index under the target key, with its audit row, in one transaction. */
export async function reencrypt(db: Db, prepared: PreparedRotation) {
  const { ring, target } = prepared;
  useKeyRing(ring);
  return db.transaction(async (tx) => {
    const { values, byKey } = await resealAll(tx, ring, target);
    const from = Object.keys(byKey).sort();
    await audit(tx, operator(), { entity: 'keys', entityId: target.id, action: 'rotate', after: { from, to: target.id, values } });
    return { values, byKey };
  });
}

/** Step 3 (file mode): the old key joins keys/retired/, then data.key.new becomes data.key. */
export function installKey(config: Config, prepared: PreparedRotation): { retired: string | null } {
  if (prepared.source !== 'file') return { retired: null };
  const current = path.join(config.keysDir, DATA_KEY_FILE);
  const pending = path.join(config.keysDir, PENDING_DATA_KEY_FILE);
  let retired: string | null = null;
  if (fs.existsSync(current)) {
    const text = fs.readFileSync(current, 'utf8');
    const old = deriveDataKey(readKeyFile(current));
    if (old.id !== prepared.target.id) {
      const dir = path.join(config.keysDir, RETIRED_DIR);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const kept = fs.readdirSync(dir).find((f) => f.endsWith(`-${old.id}.key`));
      retired = path.join(dir, kept ?? `${new Date().toISOString().slice(0, 10)}-${old.id}.key`);
      if (!kept) writeKeyFile(retired, text);
    }
  }
  if (fs.existsSync(pending)) {
    fs.renameSync(pending, current);
    syncDir(config.keysDir);
  }
  return { retired };
}

async function openForRotation(config: Config) {
  try {
    return await openDatabase({ dataDir: config.databaseUrl ? null : config.dataDir, databaseUrl: config.databaseUrl });
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes('正被另一个进程')) {
      throw new Error(`落实服务正在使用数据目录 ${config.dataDir}：请先停止服务，再轮换密钥。（${message}）`);
    }
    throw new Error(`无法打开数据库：${message}`);
  }
}

export type RotationResult = { source: 'file' | 'env'; keyId: string; values: number; byKey: Record<string, number>; retired: string | null };

/** The whole rotation; `db` is given by tests, the command opens the database of the configuration itself. */
export async function rotateDataKey(config: Config, db?: Db): Promise<RotationResult> {
  // The database first: a folder held by a running server is refused before any key file is written.
  const database = db ? null : await openForRotation(config);
  const handle = db ?? database!.db;
  try {
    if (config.dataKey && config.dataKey.split(',').filter((k) => k.trim()).length < 2) {
      const current = loadKeyRing(config).data.id;
      if (Object.keys(await sealedCounts(handle)).every((id) => id === current)) {
        throw new Error(
          '密钥来自环境变量 LUOSHI_DATA_KEY，且全部数据已由其中的密钥加密，无需轮换。\n' +
            '如需更换密钥：生成新密钥（如 openssl rand -base64 32），设置 LUOSHI_DATA_KEY=<新密钥>,<旧密钥> 并重启服务，再运行 npm run keys:rotate。',
        );
      }
    }
    const prepared = prepareRotation(config);
    const { values, byKey } = await reencrypt(handle, prepared);
    const { retired } = installKey(config, prepared);
    return { source: prepared.source, keyId: prepared.target.id, values, byKey, retired };
  } finally {
    await database?.close();
  }
}

function describe(r: RotationResult, config: Config): string {
  const lines = [`已用新密钥 ${r.keyId} 重新加密 ${r.values} 条数据，并重新计算了检索索引（一个事务内完成）。`];
  if (r.source === 'file') {
    lines.push(`新密钥已写入 keys/${DATA_KEY_FILE}。`);
    if (r.retired) lines.push(`旧密钥已移至 ${r.retired}：恢复轮换前的备份时需要它，请随备份一同妥善离线保存。`);
    if (config.databaseUrl) {
      lines.push('其他正在运行的服务进程读到新密钥加密的数据时会自动重新读取密钥文件；重启它们可让新数据立即使用新密钥。');
    }
  } else {
    lines.push(
      '密钥来自环境变量 LUOSHI_DATA_KEY。确认所有服务进程都已使用新的 LUOSHI_DATA_KEY 重启后，再运行 npm run keys:status：',
      '旧密钥下不再有数据时，即可把 LUOSHI_DATA_KEY 改为只含第一个（新）密钥并重启服务。',
      '旧密钥请离线保存：恢复轮换前的备份时需要它。',
    );
  }
  return lines.join('\n');
}

async function status(config: Config): Promise<string> {
  const ring = loadKeyRing(config);
  const database = await openForRotation(config);
  try {
    const counts = await sealedCounts(database.db);
    const role = (id: string) =>
      id === 'plain' ? '未加密' : id === ring.data.id ? '当前密钥' : ring.retired.some((k) => k.id === id) ? '旧密钥' : '缺少此密钥，无法解密';
    const lines = Object.entries(counts).map(([id, n]) => `  ${id.padEnd(8)}  ${String(n).padStart(8)} 条  ${role(id)}`);
    return [`当前数据密钥：${ring.data.id}（来自${ring.source.data === 'env' ? '环境变量 LUOSHI_DATA_KEY' : `密钥文件 ${path.join(ring.dir, DATA_KEY_FILE)}`}）`, ...(lines.length ? lines : ['  没有加密数据'])].join('\n');
  } finally {
    await database.close();
  }
}

async function cli(command: string | undefined) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  try {
    if (command === 'rotate') console.log(describe(await rotateDataKey(config), config));
    else if (command === 'status') console.log(await status(config));
    else {
      console.error('用法：npm run keys:rotate（轮换数据密钥）| npm run keys:status（各密钥加密的数据条数）');
      return 2;
    }
    return 0;
  } catch (err) {
    console.error(command === 'rotate' ? `密钥轮换未完成：${(err as Error).message}` : (err as Error).message);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await cli(process.argv[2]);
}
