/** Real processes for the tests that start the product as an operator does: a free port, a node process to watch. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server package's folder, where `src/main.ts` and the command-line tools run from. */
export const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const running: ChildProcess[] = [];

/** Kills whatever the tests of this file started and left running (call it in afterAll). */
export function killStarted() {
  for (const c of running) c.kill('SIGKILL');
}

/**
 * A TypeScript entry of the server run by node with tsx, its output collected; `until` resolves with the output
 * once it matches, or rejects with it when the process ends without.
 */
export function runServerScript(args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: serverDir, env });
  running.push(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const t = setInterval(() => {
        if (re.test(output)) {
          clearInterval(t);
          resolve(output);
        }
      }, 100);
      void exited.then(() => setTimeout(() => (clearInterval(t), re.test(output) ? resolve(output) : reject(new Error(output))), 200));
    });
  return { child, exited, until, output: () => output };
}
