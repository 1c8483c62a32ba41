import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function groupsOf(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase().split('%')[0]!;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array(zeros).fill('0'), ...right].map((g) => parseInt(g, 16));
}

/**
 * What blocking an address blocks, as text: an IPv4 address as it is (also when written as an
 * IPv4-mapped IPv6 address, `::ffff:192.0.2.1`), and for IPv6 the /64 network, because one host
 * may use any address of its /64 (RFC 4941 temporary addresses). Undefined when it is no address.
 */
export function addressScope(address: string): string | undefined {
  if (isIPv4(address)) return address;
  const groups = groupsOf(address);
  if (!groups || groups.length !== 8) return undefined;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The keyed hash of an address that is stored instead of it (HMAC-SHA256 with the workspace's key); undefined when it is no address. */
export function hashAddress(key: string, address: string): string | undefined {
  const scope = addressScope(address);
  return scope === undefined ? undefined : createHmac('sha256', key).update(scope).digest('base64url');
}
