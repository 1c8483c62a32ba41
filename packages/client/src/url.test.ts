import { PROTOCOL_VERSION } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { socketUrl } from './url.ts';

describe('socketUrl', () => {
  it('appends v and keeps other query params when the URL is absolute', () => {
    expect(socketUrl('wss://chat.example.com/ws?app=a1')).toBe(`wss://chat.example.com/ws?app=a1&v=${PROTOCOL_VERSION}`);
  });

  it('replaces a v that is already there', () => {
    expect(socketUrl('ws://localhost:3000/ws?v=0')).toBe(`ws://localhost:3000/ws?v=${PROTOCOL_VERSION}`);
  });

  it('resolves against the page and switches to ws(s) when the URL is relative', () => {
    expect(socketUrl('/ws', 'https://shop.example.com/cart')).toBe(`wss://shop.example.com/ws?v=${PROTOCOL_VERSION}`);
    expect(socketUrl('/ws', 'http://localhost:8080/')).toBe(`ws://localhost:8080/ws?v=${PROTOCOL_VERSION}`);
  });

  it('throws when a relative URL has no page to resolve against', () => {
    expect(() => socketUrl('/ws', undefined)).toThrow();
  });
});
