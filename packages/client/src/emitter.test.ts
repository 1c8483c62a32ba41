import { describe, expect, it, vi } from 'vitest';
import { createEmitter } from './emitter.ts';

describe('createEmitter', () => {
  it('delivers payloads to listeners of that event only when emitted', () => {
    const emitter = createEmitter<{ a: number; b: string }>();
    const a = vi.fn();
    const b = vi.fn();
    emitter.on('a', a);
    emitter.on('b', b);
    emitter.emit('a', 1);
    expect(a).toHaveBeenCalledWith(1);
    expect(b).not.toHaveBeenCalled();
  });

  it('stops delivering when the returned unsubscribe is called', () => {
    const emitter = createEmitter<{ a: number }>();
    const a = vi.fn();
    const off = emitter.on('a', a);
    off();
    off();
    emitter.emit('a', 1);
    expect(a).not.toHaveBeenCalled();
  });

  it('keeps calling later listeners when an earlier one throws', () => {
    const reported: unknown[] = [];
    const emitter = createEmitter<{ a: number }>((e) => reported.push(e));
    const boom = new Error('boom');
    const later = vi.fn();
    emitter.on('a', () => {
      throw boom;
    });
    emitter.on('a', later);
    expect(() => emitter.emit('a', 1)).not.toThrow();
    expect(later).toHaveBeenCalledWith(1);
    expect(reported).toEqual([boom]);
  });

  it('does not skip a listener when another unsubscribes during emit', () => {
    const emitter = createEmitter<{ a: number }>();
    const second = vi.fn();
    let offSecond = () => {};
    emitter.on('a', () => offSecond());
    offSecond = emitter.on('a', second);
    emitter.emit('a', 1);
    emitter.emit('a', 2);
    expect(second.mock.calls).toEqual([[1]]);
  });
});
