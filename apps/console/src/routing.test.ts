import { signal } from '@preact/signals';
import { describe, expect, it, vi } from 'vitest';
import { conversationFromHash, hashForConversation, syncHash } from './routing.ts';

describe('routing', () => {
  it('reads and writes conversation hashes, refusing anything that is not an id', () => {
    expect(conversationFromHash('#/conversations/abc-123')).toBe('abc-123');
    expect(conversationFromHash('#/conversations/<script>')).toBeNull();
    expect(conversationFromHash('#/other')).toBeNull();
    expect(hashForConversation('abc')).toBe('#/conversations/abc');
    expect(hashForConversation(null)).toBe('');
  });

  it('opens the conversation in the hash, and writes the open one back to the address bar', () => {
    window.history.replaceState(null, '', '/console/#/conversations/c1');
    const opened = signal<string | null>(null);
    const open = vi.fn((id: string | null) => (opened.value = id));
    const stop = syncHash(window, opened, open);
    expect(open).toHaveBeenCalledWith('c1');
    opened.value = 'c2';
    expect(window.location.hash).toBe('#/conversations/c2');
    opened.value = null;
    expect(window.location.hash).toBe('');
    stop();
  });
});
