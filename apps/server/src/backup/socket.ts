import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Db } from '../db/client.ts';
import { writeBackup, type BackupResult } from './archive.ts';
import { BackupError } from './snapshot.ts';

/**
 * PGlite is held by one process, so a backup of a running embedded server can only be taken by that server.
 * It listens on a unix socket in its data folder, `backup.sock`, mode 0600: only its own account (and root), who
 * can read the folder anyway, may connect. A request is one JSON line `{"backup": "/abs/file.tar.gz"}`; the answer
 * is one JSON line, `{"ok": true, "result": …}` or `{"ok": false, "error": "…"}`. Nothing else is served, and
 * nothing is served over HTTP.
 */

export const SOCKET_NAME = 'backup.sock';
/** Linux keeps a socket path to 107 bytes. */
const MAX_SOCKET_PATH = 107;

export const socketPath = (dataDir: string) => path.join(path.resolve(dataDir), SOCKET_NAME);

/** Starts answering backup requests; returns the function that stops it. A folder too deep for a socket path only loses the online backup. */
export async function listenForBackups(db: Db, dataDir: string, log: (msg: string) => void): Promise<() => Promise<void>> {
  const file = socketPath(dataDir);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH) {
    log(`数据目录路径过长，无法建立备份套接字 ${file}：服务器运行时 npm run backup 不可用（停机后仍可备份）`);
    return async () => {};
  }
  // The data folder's lock is ours: a socket left there is a dead server's.
  fs.rmSync(file, { force: true });
  const server = net.createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('error', () => {});
    // A client that never says what it wants does not keep a connection open.
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 64 * 1024) return conn.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      conn.pause();
      conn.setTimeout(0);
      const reply = (body: object) => conn.end(`${JSON.stringify(body)}\n`);
      let request: { backup?: unknown };
      try {
        request = JSON.parse(buf.slice(0, nl)) as { backup?: unknown };
      } catch {
        return reply({ ok: false, error: '请求无法解析' });
      }
      if (typeof request.backup !== 'string' || !path.isAbsolute(request.backup)) return reply({ ok: false, error: '请求应给出备份文件的绝对路径' });
      writeBackup(db, { file: request.backup, dataDir }).then(
        (result) => reply({ ok: true, result }),
        (err: Error) => reply({ ok: false, error: err.message }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: Error) => log(`无法建立备份套接字 ${file}：${err.message}`));
  if (!server.listening) return async () => {};
  fs.chmodSync(file, 0o600);
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      fs.rmSync(file, { force: true });
    });
}

/**
 * Asks the server running on `dataDir` to write a backup to `file`. Null when no server answers there (no socket,
 * or one a stopped server left behind): the caller opens the folder itself.
 */
export async function askRunningServer(dataDir: string, file: string): Promise<BackupResult | null> {
  const sock = socketPath(dataDir);
  if (!fs.existsSync(sock)) return null;
  return new Promise<BackupResult | null>((resolve, reject) => {
    const conn = net.createConnection(sock);
    let buf = '';
    let connected = false;
    conn.setEncoding('utf8');
    conn.on('connect', () => {
      connected = true;
      conn.write(`${JSON.stringify({ backup: path.resolve(file) })}\n`);
    });
    conn.on('data', (chunk: string) => (buf += chunk));
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT')) resolve(null);
      else reject(new BackupError(`与运行中的服务器通信失败：${err.message}`));
    });
    conn.on('end', () => {
      try {
        const answer = JSON.parse(buf) as { ok: boolean; result?: BackupResult; error?: string };
        if (answer.ok && answer.result) resolve(answer.result);
        else reject(new BackupError(answer.error ?? '服务器未能写出备份'));
      } catch {
        reject(new BackupError('运行中的服务器没有给出备份结果：请查看服务器日志'));
      }
    });
  });
}
