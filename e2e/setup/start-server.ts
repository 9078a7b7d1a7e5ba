// The browser tests' server: the real one, started the way the demo starts it (every first account with one known
// password and no change at first login), with the second factor voluntary so the flows of other areas log in with
// a password alone; the security test enrols its own account. Run by setup/server.ts with `node --import tsx`.
import { DEFAULT_SECURITY_POLICY } from '@luoshi/contract';
import { securitySettings } from '../../apps/server/src/db/schema/index.ts';
import { main } from '../../apps/server/src/main.ts';

const password = process.env.LUOSHI_ADMIN_PASSWORD;
if (!password) throw new Error('LUOSHI_ADMIN_PASSWORD 未设置');

await main({
  bootstrap: { password, mustChange: false },
  afterBootstrap: async ({ db }) => {
    await db
      .insert(securitySettings)
      .values({ id: 1, policy: { ...DEFAULT_SECURITY_POLICY, totp: 'optional' }, version: 1 })
      .onConflictDoNothing();
  },
});
