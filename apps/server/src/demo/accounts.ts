/** Rewrites ACCOUNTS.md from the demo city: `npx tsx apps/server/src/demo/accounts.ts`. */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { accountsMarkdown } from './city.ts';

export const ACCOUNTS_FILE = fileURLToPath(new URL('./ACCOUNTS.md', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  fs.writeFileSync(ACCOUNTS_FILE, accountsMarkdown());
  console.log(`已写入 ${ACCOUNTS_FILE}`);
}
