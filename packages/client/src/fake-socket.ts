// A socket for the client's tests: the test plays the server. Not part of the package.
import { PROTOCOL_VERSION, type ServerFrame } from '@parley/protocol';
import type { SocketEvent } from './client.ts';

/** An in-memory socket: the test plays the server through open(), hello(), receive() and drop(). */
export class FakeSocket {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;
  private listeners = new Map<string, ((event: SocketEvent) => void)[]>();
  constructor(
    readonly url: string,
    readonly protocols?: string[],
  ) {}
  addEventListener(type: string, listener: (event: SocketEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string) {
    if (this.readyState !== 1) throw new Error('InvalidStateError');
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    if (this.readyState === 3) return;
    this.closedWith = code;
    this.drop(code);
  }
  fire(type: string, event: SocketEvent) {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  open() {
    this.readyState = 1;
    this.fire('open', {});
  }
  receive(frame: ServerFrame | string) {
    this.fire('message', { data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  hello(maxFrameBytes = 65_536) {
    this.receive({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      versions: [PROTOCOL_VERSION],
      principal: { kind: 'visitor', id: 'v1' },
      heartbeatMs: 30_000,
      limits: { maxMessageLength: 1000, maxFrameBytes },
    });
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.fire('close', { code, reason });
  }
  /** Frames sent so far of one type. */
  ofType(type: string) {
    return this.sent.filter((f) => f.type === type);
  }
}
