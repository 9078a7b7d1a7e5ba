import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.ts';
import { maskUrl } from './crypto.ts';

/**
 * Every request the server makes to an address a user typed (a unit's group robot today) goes through here, so that
 * such an address can never be used to reach the server itself or the network behind it (SSRF), nor to tell which
 * of its ports are open.
 *
 * - https only. Plain http, and a private address, only for the hosts the deployer lists in
 *   LUOSHI_OUTBOUND_HTTP_HOSTS: that is how a deployment whose robots sit behind an intranet gateway (a 政务外网
 *   relay at 10.x, say) is served. The deployer vouches for the host by name; loopback, link-local (cloud metadata),
 *   multicast and reserved addresses stay refused even for a listed host, since no gateway lives there.
 * - The host is resolved once and refused when any of its addresses is not global unicast, then the connection goes
 *   to the address that was checked (TLS still names the host), so a second DNS answer cannot swap in another.
 * - No redirects (a 3xx is a failure), one deadline for the whole exchange, a cap on the size of the answer.
 * - One error for every failure: a refused address, a closed port, a TLS failure and a bad answer read the same.
 *   The detailed reason goes to the server log at debug level only.
 */

export type OutboundPolicy = {
  /** host names (or host:port) of intranet gateways: plain http and a private address are allowed for them */
  httpHosts: string[];
  /** exact address and port pairs let through whatever their class: the local receivers of tests, set only in code */
  testReceivers?: { address: string; port: number }[];
  timeoutMs?: number;
  maxBytes?: number;
};

export const outboundPolicy = (config: Pick<Config, 'outboundHttpHosts' | 'outboundTestReceivers'>): OutboundPolicy => ({
  httpHosts: config.outboundHttpHosts,
  testReceivers: config.outboundTestReceivers ?? [],
});

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 64 * 1024;
/** A host that takes longer to resolve than this at save time is taken as not resolvable there. */
const SAVE_LOOKUP_MS = 3_000;

/** The only text a user sees of a failed outbound request. */
export const OUTBOUND_FAILED = '对方地址未能正常接收（地址不可用、无法连接、超时或应答无效）';

/** A failed outbound request: `message` is the uniform text, `reason` is for the server log only. */
export class OutboundError extends Error {
  constructor(readonly reason: string) {
    super(OUTBOUND_FAILED);
    this.name = 'OutboundError';
  }
}

type Log = { debug: (obj: object, msg: string) => void };

// ---- addresses ----

/** global: anyone's; private: RFC 1918, CGNAT, unique-local (a listed gateway's); forbidden: everything else. */
export type AddressClass = 'global' | 'private' | 'forbidden';

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

export function classifyAddress(text: string): { class: AddressClass; range: string } {
  if (!ipaddr.isValid(text)) return { class: 'forbidden', range: 'invalid' };
  const addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv4') {
    const range = addr.range();
    if (range === 'unicast') return { class: 'global', range };
    if (range === 'private' || range === 'carrierGradeNat') return { class: 'private', range };
    return { class: 'forbidden', range };
  }
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  // An IPv4 address carried in IPv6 is judged as the IPv4 address it reaches: ::ffff:127.0.0.1 is loopback, and
  // behind DNS64 a public name resolves to 64:ff9b::<its IPv4 address>.
  if (range === 'ipv4Mapped') return classifyAddress(v6.toIPv4Address().toString());
  if (v6.match(NAT64)) {
    const b = v6.toByteArray().slice(12);
    return classifyAddress(b.join('.'));
  }
  if (range === 'uniqueLocal') return { class: 'private', range };
  // ipaddr.js calls everything outside its special ranges unicast; only 2000::/3 is allocated as global unicast
  // (this refuses the IPv4-compatible ::a.b.c.d too). 6to4 and Teredo tunnel to IPv4 addresses nobody checked.
  if (range === 'unicast' && v6.match(GLOBAL_UNICAST_V6)) return { class: 'global', range };
  return { class: 'forbidden', range: range === 'unicast' ? 'unallocated' : range };
}

// ---- URLs ----

type Target = { url: URL; hostname: string; listed: boolean };

class Refusal extends Error {
  /** `message` is what the person who typed the address reads when saving it. */
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const bare = (hostname: string) => (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname);

/** The checks that need no address: the scheme (http only for a listed host), no credentials, a host. */
function parseTarget(raw: string, policy: OutboundPolicy): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Refusal('地址格式不正确', 'unparsable url');
  }
  const hostname = bare(url.hostname).toLowerCase();
  const listed = policy.httpHosts.includes(url.hostname.toLowerCase()) || policy.httpHosts.includes(url.host.toLowerCase());
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Refusal('地址应以 https:// 开头', `scheme ${url.protocol}`);
  if (url.protocol === 'http:' && !listed) {
    throw new Refusal('只能使用 https 地址（http 仅限管理员登记的内网网关）', 'http to an unlisted host');
  }
  if (url.username || url.password) throw new Refusal('地址中不能含有用户名或密码', 'credentials in url');
  if (!hostname) throw new Refusal('地址格式不正确', 'no host');
  return { url, hostname, listed };
}

function admit(target: Target, address: string, policy: OutboundPolicy): void {
  const port = Number(target.url.port || (target.url.protocol === 'https:' ? 443 : 80));
  if (policy.testReceivers?.some((r) => r.port === port && sameAddress(r.address, address))) return;
  const c = classifyAddress(address);
  if (c.class === 'global' || (c.class === 'private' && target.listed)) return;
  throw new Refusal(
    isIP(target.hostname) ? '不能指向本机、内网或保留地址' : '该域名解析到本机、内网或保留地址，不能使用',
    `address ${address} is ${c.range}`,
  );
}

function sameAddress(a: string, b: string) {
  try {
    return ipaddr.parse(a).toNormalizedString() === ipaddr.parse(b).toNormalizedString();
  } catch {
    return false;
  }
}

async function lookupAll(hostname: string, ms: number): Promise<{ address: string; family: number }[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      dns.lookup(hostname, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('lookup timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks an address as it is saved: null when it may be used, else the reason in Chinese for the form. A name that
 * does not resolve here is accepted (it is checked again at every use); one that resolves to a forbidden address
 * is refused now.
 */
export async function vetOutboundUrl(raw: string, policy: OutboundPolicy): Promise<string | null> {
  try {
    const target = parseTarget(raw, policy);
    if (isIP(target.hostname)) {
      admit(target, target.hostname, policy);
      return null;
    }
    let addresses: { address: string }[];
    try {
      addresses = await lookupAll(target.hostname, SAVE_LOOKUP_MS);
    } catch {
      return null;
    }
    for (const a of addresses) admit(target, a.address, policy);
    return null;
  } catch (err) {
    if (err instanceof Refusal) return err.message;
    throw err;
  }
}

// ---- the request ----

export type OutboundRequest = { method?: 'POST' | 'GET'; headers?: Record<string, string>; body?: string };
export type OutboundAnswer = { status: number; contentType: string | undefined; body: Buffer };

/**
 * Sends one request to a user-given address under the rules above. Resolves with a 2xx answer; every other outcome
 * throws an OutboundError whose message is OUTBOUND_FAILED.
 */
export async function outboundRequest(raw: string, req: OutboundRequest, policy: OutboundPolicy, log?: Log): Promise<OutboundAnswer> {
  const deadline = Date.now() + (policy.timeoutMs ?? TIMEOUT_MS);
  try {
    const target = parseTarget(raw, policy);
    let address = target.hostname;
    if (!isIP(address)) {
      const all = await lookupAll(target.hostname, Math.max(1, deadline - Date.now())).catch((e: Error) => {
        throw new Refusal('', `lookup failed: ${e.message}`);
      });
      if (!all.length) throw new Refusal('', 'lookup found no address');
      // every answer is checked, not only the one used: a name is refused as a whole
      for (const a of all) admit(target, a.address, policy);
      address = all[0].address;
    } else {
      admit(target, address, policy);
    }
    const answer = await exchange(target, address, req, deadline, policy.maxBytes ?? MAX_BYTES);
    if (answer.status < 200 || answer.status > 299) throw new Refusal('', `status ${answer.status}`);
    return answer;
  } catch (err) {
    const reason = err instanceof Refusal ? err.reason : (err as Error).message ?? String(err);
    log?.debug({ url: maskUrl(raw), reason }, 'outbound request failed');
    throw new OutboundError(reason);
  }
}

function exchange(target: Target, address: string, req: OutboundRequest, deadline: number, maxBytes: number): Promise<OutboundAnswer> {
  const { url } = target;
  const secure = url.protocol === 'https:';
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, answer?: OutboundAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        request.destroy();
        reject(err);
      } else resolve(answer!);
    };
    const options: https.RequestOptions = {
      // the checked address, never the name again
      host: address,
      port: url.port || (secure ? 443 : 80),
      method: req.method ?? 'POST',
      path: `${url.pathname}${url.search}`,
      headers: {
        host: url.host,
        'user-agent': 'Luoshi',
        ...(body ? { 'content-length': String(body.length) } : {}),
        ...req.headers,
      },
      agent: false,
      maxHeaderSize: 16 * 1024,
      // certificate and SNI are the host's name (an address literal has no SNI)
      ...(secure && !isIP(target.hostname) ? { servername: target.hostname } : {}),
    };
    const request = (secure ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) return finish(new Refusal('', `redirect ${status} not followed`));
      if (Number(res.headers['content-length'] ?? 0) > maxBytes) return finish(new Refusal('', 'answer larger than the cap'));
      const chunks: Buffer[] = [];
      let size = 0;
      let ended = false;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) return finish(new Refusal('', 'answer larger than the cap'));
        chunks.push(c);
      });
      res.on('end', () => {
        ended = true;
        finish(null, { status, contentType: res.headers['content-type'], body: Buffer.concat(chunks) });
      });
      res.on('error', (e) => finish(e));
      res.on('close', () => {
        if (!ended) finish(new Refusal('', 'connection closed before the answer ended'));
      });
    });
    const timer = setTimeout(() => finish(new Refusal('', 'timed out')), Math.max(1, deadline - Date.now()));
    request.on('error', (e) => finish(e));
    request.end(body);
  });
}

// ---- masking ----

