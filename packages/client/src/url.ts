import { PROTOCOL_VERSION } from '@parley/protocol';

/** The socket URL with `v=PROTOCOL_VERSION` set; relative and http(s) URLs resolve against the page to ws(s). */
export function socketUrl(url: string, base: string | undefined = (globalThis as { location?: { href: string } }).location?.href): string {
  const parsed = new URL(url, base);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  parsed.searchParams.set('v', String(PROTOCOL_VERSION));
  return parsed.toString();
}
