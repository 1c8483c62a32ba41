import { describe, expect, it } from 'vitest';
import { checkUpload } from './attachments.ts';
import { ATTACHMENT_EXTENSIONS, MAX_ATTACHMENTS_PER_MESSAGE } from './frames.ts';

const policy = { maxBytes: 1000, extensions: ATTACHMENT_EXTENSIONS };

describe('checkUpload', () => {
  it('passes a file the policy takes, whatever the case of its extension, and a name with none', () => {
    expect(checkUpload({ name: 'report.PDF', size: 1000 }, 0, policy)).toBeUndefined();
    expect(checkUpload({ name: 'notes', size: 10 }, 0, policy)).toBeUndefined();
    expect(checkUpload({ name: 'tool.exe', size: 10 }, 0, { ...policy, extensions: [] })).toBeUndefined();
  });

  it('refuses, in this order: one file too many, too large, empty, a kind the gateway does not take', () => {
    expect(checkUpload({ name: 'tool.exe', size: 0 }, MAX_ATTACHMENTS_PER_MESSAGE, policy)).toBe('count');
    expect(checkUpload({ name: 'tool.exe', size: 1001 }, 0, policy)).toBe('size');
    expect(checkUpload({ name: 'tool.exe', size: 0 }, 0, policy)).toBe('empty');
    expect(checkUpload({ name: 'tool.exe', size: 10 }, MAX_ATTACHMENTS_PER_MESSAGE - 1, policy)).toBe('type');
    expect(checkUpload({ name: 'photo.jpg.exe', size: 10 }, 0, policy)).toBe('type');
  });
});
