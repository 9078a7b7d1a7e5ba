import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyAddress, OUTBOUND_FAILED, OutboundError, outboundRequest, vetOutboundUrl, type OutboundPolicy } from './outbound.ts';
import { maskUrl } from './crypto.ts';

/** A receiver on every loopback address (:: takes IPv4 too), counting the requests of each path. */
let receiver: http.Server;
let port = 0;
let hits: Record<string, number> = {};
let lastHost = '';
let lastBody = '';
/** A port where something listens but speaks no HTTP: it hangs up at once. */
let rawServer: net.Server;
let rawPort = 0;
let closedPort = 0;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    lastHost = req.headers.host ?? '';
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      lastBody = data;
      if (path === '/ok') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}');
      if (path === '/redirect') return res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
      if (path === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 3000).unref();
      if (path === '/big') {
        // no content-length: the cap must count what arrives
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 'x');
        let sent = 0;
        const more = () => {
          while (sent < 64 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        return more();
      }
      if (path === '/big-declared') return res.writeHead(200, { 'content-length': String(1024 * 1024) }).end(Buffer.alloc(1024 * 1024));
      res.writeHead(404).end('not here');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '::', r));
  port = (receiver.address() as AddressInfo).port;
  rawServer = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => rawServer.listen(0, '127.0.0.1', r));
  rawPort = (rawServer.address() as AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await new Promise((r) => rawServer.close(r));
});
beforeEach(() => {
  hits = {};
});

/** The receiver let through as a test receiver, over http: what a listed intranet gateway gets, on loopback. */
const open = (extra: Partial<OutboundPolicy> = {}): OutboundPolicy => ({
  httpHosts: ['127.0.0.1'],
  testReceivers: [{ address: '127.0.0.1', port }, { address: '127.0.0.1', port: rawPort }, { address: '127.0.0.1', port: closedPort }],
  ...extra,
});

/** The reason an outbound request failed (for the server log), after checking the user sees only the uniform text. */
async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundError);
  expect((err as OutboundError).message).toBe(OUTBOUND_FAILED);
  return (err as OutboundError).reason;
}

const post = (url: string, policy: OutboundPolicy) => outboundRequest(url, { headers: { 'content-type': 'application/json' }, body: '{"msgtype":"text"}' }, policy);

describe('address classes', () => {
  it('admits only global unicast, judges IPv4 inside IPv6 by the IPv4 address, and tells private from forbidden', () => {
    const table: [string, string][] = [
      ['8.8.8.8', 'global'],
      ['114.114.114.114', 'global'],
      ['2400:3200::1', 'global'],
      ['64:ff9b::808:808', 'global'],
      ['::ffff:8.8.8.8', 'global'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'private'],
      ['fd00::1', 'private'],
      ['::ffff:10.0.0.1', 'private'],
      ['127.0.0.1', 'forbidden'],
      ['127.8.9.10', 'forbidden'],
      ['::1', 'forbidden'],
      ['::ffff:127.0.0.1', 'forbidden'],
      ['::ffff:169.254.169.254', 'forbidden'],
      ['64:ff9b::7f00:1', 'forbidden'],
      ['64:ff9b:1::a00:1', 'forbidden'],
      ['::7f00:1', 'forbidden'],
      ['2002:7f00:1::1', 'forbidden'],
      ['2001:0:4136:e378::1', 'forbidden'],
      ['2001:db8::1', 'forbidden'],
      ['169.254.169.254', 'forbidden'],
      ['fe80::1', 'forbidden'],
      ['fe80::1%eth0', 'forbidden'],
      ['0.0.0.0', 'forbidden'],
      ['::', 'forbidden'],
      ['224.0.0.1', 'forbidden'],
      ['ff02::1', 'forbidden'],
      ['255.255.255.255', 'forbidden'],
      ['192.0.2.1', 'forbidden'],
      ['198.18.0.1', 'forbidden'],
      ['240.0.0.1', 'forbidden'],
      ['fec0::1', 'forbidden'],
      ['not an address', 'forbidden'],
    ];
    expect(table.map(([a]) => [a, classifyAddress(a).class])).toEqual(table);
  });
});

describe('refusals reach nobody', () => {
  it('refuses loopback over IPv4, IPv6, IPv4-mapped IPv6 and a name resolving to it, even for a listed host', async () => {
    const policy: OutboundPolicy = { httpHosts: ['127.0.0.1', '[::1]', '[::ffff:7f00:1]', 'localhost', '127.0.0.2'] };
    expect(await failure(post(`http://127.0.0.1:${port}/ok`, policy))).toMatch(/127\.0\.0\.1 is loopback/);
    expect(await failure(post(`http://127.0.0.2:${port}/ok`, policy))).toMatch(/loopback/);
    expect(await failure(post(`http://[::1]:${port}/ok`, policy))).toMatch(/::1 is loopback/);
    expect(await failure(post(`http://[::ffff:127.0.0.1]:${port}/ok`, policy))).toMatch(/is loopback/);
    expect(await failure(post(`http://localhost:${port}/ok`, policy))).toMatch(/127\.0\.0\.1 is loopback/);
    // the numeric spellings of 127.0.0.1 are the same address
    expect(await failure(post(`https://0x7f.1:${port}/ok`, { httpHosts: [] }))).toMatch(/loopback/);
    expect(await failure(post(`https://2130706433:${port}/ok`, { httpHosts: [] }))).toMatch(/loopback/);
    expect(hits).toEqual({});
  });

  it('refuses private ranges and the link-local metadata address; a listed gateway may be private, never link-local', async () => {
    const none: OutboundPolicy = { httpHosts: [] };
    for (const host of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1', '[fd00::1]']) {
      expect(await failure(post(`https://${host}/robot`, none))).toMatch(/is (private|carrierGradeNat|uniqueLocal)/);
    }
    expect(await failure(post('http://169.254.169.254/latest/meta-data/', { httpHosts: ['169.254.169.254'] }))).toMatch(/is linkLocal/);
    expect(await failure(post('https://[fe80::1]/x', none))).toMatch(/is linkLocal/);
    expect(await failure(post('https://224.0.0.1/x', none))).toMatch(/is multicast/);
    // the deployer's intranet gateway: plain http to a private address, because it is listed by name
    expect(await vetOutboundUrl('http://10.20.30.40:8080/robot/send', { httpHosts: ['10.20.30.40'] })).toBeNull();
    expect(await vetOutboundUrl('http://10.20.30.40:8080/robot/send', { httpHosts: [] })).toBe('只能使用 https 地址（http 仅限管理员登记的内网网关）');
    expect(await vetOutboundUrl('https://10.20.30.40/robot/send', { httpHosts: [] })).toBe('不能指向本机、内网或保留地址');
  });

  it('refuses plain http to a host the deployer did not list, and sends once it is listed', async () => {
    expect(await failure(post(`http://127.0.0.1:${port}/ok`, open({ httpHosts: [] })))).toBe('http to an unlisted host');
    expect(hits).toEqual({});
    const answer = await post(`http://127.0.0.1:${port}/ok`, open());
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe('{"errcode":0}');
    expect(lastBody).toBe('{"msgtype":"text"}');
    expect(lastHost).toBe(`127.0.0.1:${port}`);
    expect(hits).toEqual({ '/ok': 1 });
  });

  it('connects to the address it checked and still names the host', async () => {
    await post(`http://localhost:${port}/ok`, open({ httpHosts: ['localhost'] }));
    expect(hits).toEqual({ '/ok': 1 });
    expect(lastHost).toBe(`localhost:${port}`);
  });
});

describe('the exchange', () => {
  it('does not follow a redirect', async () => {
    expect(await failure(post(`http://127.0.0.1:${port}/redirect`, open()))).toBe('redirect 302 not followed');
    expect(hits).toEqual({ '/redirect': 1 });
  });

  it('cuts a slow answer at the deadline', async () => {
    const started = Date.now();
    expect(await failure(post(`http://127.0.0.1:${port}/slow`, open({ timeoutMs: 300 })))).toBe('timed out');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cuts an answer larger than the cap, counted or declared', async () => {
    expect(await failure(post(`http://127.0.0.1:${port}/big`, open()))).toBe('answer larger than the cap');
    expect(await failure(post(`http://127.0.0.1:${port}/big-declared`, open()))).toBe('answer larger than the cap');
    expect((await post(`http://127.0.0.1:${port}/ok`, open({ maxBytes: 13 }))).body.length).toBe(13);
    expect(await failure(post(`http://127.0.0.1:${port}/ok`, open({ maxBytes: 12 })))).toBe('answer larger than the cap');
  });

  it('says the same whether the port is closed, open but not a robot, hangs up, fails TLS or is refused', async () => {
    const reasons = [
      await failure(post(`http://127.0.0.1:${closedPort}/ok`, open())),
      await failure(post(`http://127.0.0.1:${port}/nothing`, open())),
      await failure(post(`http://127.0.0.1:${rawPort}/ok`, open())),
      await failure(post(`https://127.0.0.1:${port}/ok`, open())),
      await failure(post(`http://127.0.0.1:${port}/ok`, { httpHosts: ['127.0.0.1'] })),
      await failure(post('https://robot.invalid/send', { httpHosts: [] })),
    ];
    // the user saw OUTBOUND_FAILED each time (checked in failure()); only the log knows the reasons apart
    expect(reasons[0]).toMatch(/ECONNREFUSED/);
    expect(reasons[1]).toBe('status 404');
    expect(new Set(reasons).size).toBe(reasons.length);
  });
});

describe('checking an address as it is saved', () => {
  it('names what is wrong, and accepts a public address or a name it cannot resolve here', async () => {
    const none: OutboundPolicy = { httpHosts: [] };
    expect(await vetOutboundUrl('ftp://example.cn/x', none)).toBe('地址应以 https:// 开头');
    expect(await vetOutboundUrl('not a url', none)).toBe('地址格式不正确');
    expect(await vetOutboundUrl('https://user:pw@qyapi.weixin.qq.com/x', none)).toBe('地址中不能含有用户名或密码');
    expect(await vetOutboundUrl('https://127.0.0.1/x', none)).toBe('不能指向本机、内网或保留地址');
    expect(await vetOutboundUrl('https://[::ffff:127.0.0.1]/x', none)).toBe('不能指向本机、内网或保留地址');
    expect(await vetOutboundUrl('https://169.254.169.254/x', none)).toBe('不能指向本机、内网或保留地址');
    expect(await vetOutboundUrl('https://localhost/x', none)).toBe('该域名解析到本机、内网或保留地址，不能使用');
    expect(await vetOutboundUrl('https://1.1.1.1/x', none)).toBeNull();
    expect(await vetOutboundUrl('https://robot.invalid/send?key=abc', none)).toBeNull();
  });
});

describe('masking', () => {
  it('keeps scheme, host and path and masks the keys', () => {
    expect(maskUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****5aaa',
    );
    expect(maskUrl('https://oapi.dingtalk.com/robot/send?access_token=abc')).toBe('https://oapi.dingtalk.com/robot/send?access_token=****');
    expect(maskUrl('https://open.feishu.cn/open-apis/bot/v2/hook/0c1d2e3f4a5b6c7d8e9f')).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/****8e9f');
    expect(maskUrl('http://10.1.1.1:8080/send#frag')).toBe('http://10.1.1.1:8080/send');
    expect(maskUrl('nonsense')).toBe('****');
  });
});
