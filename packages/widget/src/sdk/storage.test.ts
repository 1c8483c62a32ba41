import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsentStorage } from './storage.ts';

const PREFIX = 'parley:demo:';

describe('createConsentStorage', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    localStorage.clear();
  });

  it('stores in localStorage while consent allows, and only ever removes the app\'s own keys', () => {
    localStorage.setItem('parley:other:session', 'other app');
    localStorage.setItem('site', 'the page\'s own');
    const storage = createConsentStorage(window, PREFIX, 'on-interaction');
    storage.setItem(`${PREFIX}session`, 't1');
    expect(localStorage.getItem(`${PREFIX}session`)).toBe('t1');
    expect(storage.getItem(`${PREFIX}session`)).toBe('t1');
    storage.clear();
    expect(localStorage.getItem(`${PREFIX}session`)).toBeNull();
    expect(localStorage.getItem('parley:other:session')).toBe('other app');
    expect(localStorage.getItem('site')).toBe('the page\'s own');
  });

  it('with consent denied keeps values in memory, moves stored ones out, and stores them again when granted', () => {
    localStorage.setItem(`${PREFIX}session`, 'old');
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    const storage = createConsentStorage(window, PREFIX, 'denied');
    expect(localStorage.getItem(`${PREFIX}session`)).toBeNull();
    expect(storage.getItem(`${PREFIX}session`)).toBe('old');
    storage.setItem(`${PREFIX}outbox`, '[]');
    storage.removeItem(`${PREFIX}session`);
    expect(setItem).not.toHaveBeenCalled();
    expect(storage.getItem(`${PREFIX}session`)).toBeNull();
    storage.setConsent('granted');
    expect(localStorage.getItem(`${PREFIX}outbox`)).toBe('[]');
    expect(storage.getItem(`${PREFIX}outbox`)).toBe('[]');
  });

  it('falls back to memory, without throwing, where localStorage is blocked', () => {
    const blocked = Object.create(window) as Window;
    Object.defineProperty(blocked, 'localStorage', {
      get() {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    const storage = createConsentStorage(blocked, PREFIX, 'granted');
    storage.setItem(`${PREFIX}session`, 't1');
    expect(storage.getItem(`${PREFIX}session`)).toBe('t1');
    expect(() => storage.clear()).not.toThrow();
    expect(storage.getItem(`${PREFIX}session`)).toBeNull();
  });

  it('keeps a value in memory when localStorage is full', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    const storage = createConsentStorage(window, PREFIX, 'granted');
    storage.setItem(`${PREFIX}outbox`, '[1]');
    expect(storage.getItem(`${PREFIX}outbox`)).toBe('[1]');
  });
});
