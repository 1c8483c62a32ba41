import * as protocol from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkUpload, DEFAULT_UPLOAD_POLICY, readUploadPolicy } from './upload-policy.ts';

// The widget's copy of the protocol's upload rules must answer as the protocol does: otherwise a
// surface refuses a file the gateway takes, or uploads one it refuses.

/** File names of every shape: known kinds in any case, other kinds, no extension, several dots. */
const name = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...protocol.ATTACHMENT_EXTENSIONS, 'PDF', 'Jpg', 'exe', 'svg', 'html', 'png.exe', '', '.')).map(([base, ext]) => `${base}.${ext}`),
  fc.string({ maxLength: 16 }),
  fc.constantFrom('notes', '.png', 'a.b', 'photo.jpg.exe', 'report.PDF', 'x.'),
);

/** Policies as a gateway may set them, the defaults among them. */
const policy = fc.oneof(
  fc.constant(DEFAULT_UPLOAD_POLICY),
  fc.record({ maxBytes: fc.integer({ min: 1, max: 2_000 }), extensions: fc.subarray([...protocol.ATTACHMENT_EXTENSIONS]) }),
);

describe('upload policy', () => {
  it("has the protocol's defaults", () => {
    expect(DEFAULT_UPLOAD_POLICY).toEqual({ maxBytes: protocol.DEFAULT_MAX_UPLOAD_BYTES, extensions: [...protocol.ATTACHMENT_EXTENSIONS] });
  });

  it('refuses exactly the files the protocol refuses, for the same reason, whatever the policy', () => {
    fc.assert(
      fc.property(name, fc.integer({ min: 0, max: 2_100 }), fc.integer({ min: 0, max: 12 }), policy, (fileName, size, accepted, rules) => {
        const file = { name: fileName, size };
        expect(checkUpload(file, accepted, rules)).toBe(protocol.checkUpload(file, accepted, rules));
      }),
    );
  });

  it("reads the gateway's policy without a session, and falls back to the defaults when it cannot", async () => {
    const asked: [string, RequestInit | undefined][] = [];
    const answering = (answer: () => Response) =>
      (async (url: string, init?: RequestInit) => {
        asked.push([url, init]);
        return answer();
      }) as typeof fetch;
    const gateways = { maxBytes: 2048, extensions: ['pdf'] };
    expect(await readUploadPolicy('https://chat.example.com', answering(() => Response.json(gateways)))).toEqual(gateways);
    expect(asked).toEqual([['https://chat.example.com/api/attachments/policy', { credentials: 'omit' }]]);
    expect(await readUploadPolicy('https://chat.example.com', answering(() => new Response('busy', { status: 503 })))).toBe(DEFAULT_UPLOAD_POLICY);
    expect(
      await readUploadPolicy('https://chat.example.com', answering(() => {
        throw new TypeError('Failed to fetch');
      })),
    ).toBe(DEFAULT_UPLOAD_POLICY);
  });
});
