import { createHmac } from 'node:crypto';
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { outbox, unitWebhooks } from '../../db/schema/index.ts';
import { maskUrl, openOrNull } from '../../platform/crypto.ts';
import { OutboundError, outboundPolicy, outboundRequest, type OutboundPolicy } from '../../platform/outbound.ts';

/**
 * The channels beyond the app: e-mail over SMTP and the group robots of WeCom (企业微信) and DingTalk (钉钉).
 * SMTP is configured by the environment: LUOSHI_SMTP_URL (smtp://user:pass@host:587, or `json:` to render the
 * message without sending, for tests and dry runs) and LUOSHI_SMTP_FROM.
 */

export type Mail = { to: string; subject: string; text: string };
/** What the last `json:` transport produced, for tests that assert the message. */
export const sentMail: { from?: string; to: string; subject: string; text: string }[] = [];

let transport: { url: string; t: Transporter } | null = null;
function mailer(): Transporter | null {
  const url = process.env.LUOSHI_SMTP_URL;
  if (!url) return null;
  if (transport?.url !== url) {
    transport = { url, t: url === 'json:' ? nodemailer.createTransport({ jsonTransport: true }) : nodemailer.createTransport(url) };
  }
  return transport.t;
}

export async function sendMail(mail: Mail): Promise<void> {
  const t = mailer();
  if (!t) throw new Error('未配置邮件服务器（LUOSHI_SMTP_URL）');
  const from = process.env.LUOSHI_SMTP_FROM ?? 'luoshi@localhost';
  const info = await t.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
  if (process.env.LUOSHI_SMTP_URL === 'json:') {
    const m = JSON.parse((info as unknown as { message: string }).message) as { from: { address: string }; subject: string; text: string };
    sentMail.push({ from: m.from.address, to: mail.to, subject: m.subject, text: m.text });
  }
}

/** A robot as it is sent to: the URL and secret opened from their sealed columns. */
export type Robot = { kind: 'wecom' | 'dingtalk'; url: string; secret: string | null };

/** The robot of a stored row, its URL and secret opened. */
export const robotOf = (hook: typeof unitWebhooks.$inferSelect): Robot => ({
  kind: hook.kind,
  url: openOrNull(hook.url)!,
  secret: openOrNull(hook.secret),
});

/** DingTalk's signed URL: timestamp and the URL-encoded base64 HMAC-SHA256 of "<timestamp>\n<secret>". */
export function dingtalkSignedUrl(url: string, secret: string, now = Date.now()): string {
  const sign = createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${now}&sign=${encodeURIComponent(sign)}`;
}

export function robotPayload(kind: Robot['kind'], title: string, text: string): unknown {
  const content = `### ${title}\n${text}`;
  return kind === 'wecom' ? { msgtype: 'markdown', markdown: { content } } : { msgtype: 'markdown', markdown: { title, text: content } };
}

type Log = { debug: (obj: object, msg: string) => void };

/**
 * Posts to a robot through the outbound guard; both services answer 200 with `errcode` 0 on success. Any failure,
 * theirs or the network's, is the guard's one uniform error: the robot's address is user-given, and what its far
 * side said must not tell a user more than "it did not take the message".
 */
export async function sendRobot(robot: Robot, title: string, text: string, policy: OutboundPolicy, log?: Log): Promise<void> {
  const url = robot.kind === 'dingtalk' && robot.secret ? dingtalkSignedUrl(robot.url, robot.secret) : robot.url;
  const body = JSON.stringify(robotPayload(robot.kind, title, text));
  const answer = await outboundRequest(url, { headers: { 'content-type': 'application/json' }, body }, policy, log);
  let parsed: { errcode?: number; errmsg?: string } | null = null;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    /* a receiver that answers 200 without JSON took the message */
  }
  if (parsed?.errcode !== undefined && parsed.errcode !== 0) {
    log?.debug({ url: maskUrl(robot.url), errcode: parsed.errcode, errmsg: parsed.errmsg }, 'robot refused the message');
    throw new OutboundError(`errcode ${parsed.errcode}`);
  }
}

const MAX_ATTEMPTS = 8;
/** 1, 2, 4 … minutes between attempts, at most 6 hours. */
export const backoffMs = (attempts: number) => Math.min(2 ** (attempts - 1) * 60_000, 6 * 3600_000);
/** How long a claimed message is held for its sender before another process may try it. */
const LEASE = '5 minutes';

/**
 * Sends what is due in the outbox. Each message is claimed by pushing its next attempt out (a lease, with SKIP
 * LOCKED so several processes never take the same row), sent outside any transaction, then marked sent or
 * rescheduled with backoff; after MAX_ATTEMPTS it is marked failed with its last error.
 */
export async function deliverOutbox(
  db: Db,
  opts: { config?: Pick<Config, 'outboundHttpHosts' | 'outboundTestReceivers'>; limit?: number; log?: Log } = {},
): Promise<{ sent: number; failed: number }> {
  // Without a configuration robots get the strictest rules: https to public hosts only.
  const policy = outboundPolicy(opts.config ?? { outboundHttpHosts: [] });
  const limit = opts.limit ?? 50;
  const claimed = await db.transaction(async (tx) => {
    const ids = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, sql`now()`)))
      .orderBy(outbox.nextAttemptAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (!ids.length) return [];
    return tx
      .update(outbox)
      .set({ nextAttemptAt: sql`now() + interval '${sql.raw(LEASE)}'`, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, ids.map((r) => r.id)))
      .returning();
  });
  let sent = 0;
  let failed = 0;
  for (const m of claimed) {
    try {
      // An e-mail's address stays sealed in the outbox, as in the settings it was copied from, until it is sent.
      if (m.channel === 'email') await sendMail({ to: openOrNull(m.target)!, subject: m.subject, text: m.body });
      else {
        const [hook] = await db.select().from(unitWebhooks).where(eq(unitWebhooks.id, m.target));
        if (!hook || !hook.enabled) throw new Error('群机器人已删除或停用');
        await sendRobot(robotOf(hook), m.subject, m.body, policy, opts.log);
      }
      await db.update(outbox).set({ status: 'sent', sentAt: new Date(), lastError: null }).where(eq(outbox.id, m.id));
      sent++;
    } catch (err) {
      const giveUp = m.attempts >= MAX_ATTEMPTS;
      await db
        .update(outbox)
        .set({
          status: giveUp ? 'failed' : 'pending',
          lastError: String((err as Error).message ?? err).slice(0, 500),
          nextAttemptAt: new Date(Date.now() + backoffMs(m.attempts)),
        })
        .where(eq(outbox.id, m.id));
      failed++;
    }
  }
  return { sent, failed };
}
