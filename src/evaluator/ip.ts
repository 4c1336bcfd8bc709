/**
 * ipRangeContains(range, target): range is an IP, a CIDR prefix or "start-end"; target is an IP or a range.
 * IPv4 and IPv6. Learn documents a failure for mixed families and empty ranges; unparseable input answers
 * false here, as the public conformance suite expects.
 */

interface Range {
  v6: boolean;
  lo: bigint;
  hi: bigint;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-f:.]+$/i.test(s) || !s.includes(':')) return undefined;
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) n = (n & ~0xffffffffn) | tailV4;
  return n;
}

function parseIp(s: string): { v6: boolean; n: bigint } | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { v6: false, n: v4 };
  const v6 = parseV6(s);
  return v6 === undefined ? undefined : { v6: true, n: v6 };
}

export function parseIpRange(text: string): Range | undefined {
  const s = text.trim();
  if (s.includes('/')) {
    const [addr, bits] = s.split('/');
    const ip = parseIp(addr ?? '');
    const width = ip?.v6 ? 128 : 32;
    if (!ip || !/^\d{1,3}$/.test(bits ?? '') || Number(bits) > width) return undefined;
    const host = BigInt(width - Number(bits));
    const mask = (1n << host) - 1n;
    return { v6: ip.v6, lo: ip.n & ~mask, hi: (ip.n & ~mask) | mask };
  }
  if (s.includes('-')) {
    const [a, b] = s.split('-');
    const lo = parseIp((a ?? '').trim());
    const hi = parseIp((b ?? '').trim());
    if (!lo || !hi || lo.v6 !== hi.v6 || lo.n > hi.n) return undefined;
    return { v6: lo.v6, lo: lo.n, hi: hi.n };
  }
  const ip = parseIp(s);
  return ip && { v6: ip.v6, lo: ip.n, hi: ip.n };
}

export function ipRangeContains(range: string, target: string): boolean {
  const r = parseIpRange(range);
  const t = parseIpRange(target);
  if (!r || !t || r.v6 !== t.v6) return false;
  return t.lo >= r.lo && t.hi <= r.hi;
}
