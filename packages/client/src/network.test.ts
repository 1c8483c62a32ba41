import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserNetwork } from './network.ts';

/** A `window` whose network the test switches, firing `online` / `offline` as a browser does. */
function stubWindow() {
  const target = new EventTarget();
  const navigator = { onLine: true };
  const add = vi.spyOn(target, 'addEventListener');
  const remove = vi.spyOn(target, 'removeEventListener');
  vi.stubGlobal('window', Object.assign(target, { navigator }));
  const set = (onLine: boolean) => {
    navigator.onLine = onLine;
    target.dispatchEvent(new Event(onLine ? 'online' : 'offline'));
  };
  return { add, remove, set };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('browserNetwork', () => {
  it('is undefined when there is no window', () => {
    expect('window' in globalThis).toBe(false);
    expect(browserNetwork()).toBeUndefined();
  });

  it("reads navigator.onLine and hears window's online and offline events until unwatched", () => {
    const win = stubWindow();
    const network = browserNetwork()!;
    const heard: boolean[] = [];
    const unwatch = network.watch((online) => heard.push(online));
    win.set(false);
    expect(network.isOnline()).toBe(false);
    win.set(true);
    expect(network.isOnline()).toBe(true);
    expect(heard).toEqual([false, true]);
    unwatch();
    win.set(false);
    expect(heard).toEqual([false, true]);
    expect(win.remove.mock.calls).toEqual(win.add.mock.calls);
  });
});
