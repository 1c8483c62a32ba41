import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFront, type ParleySdk } from './front.ts';
import { fakeGateway, fakeModules, settle } from './test-support.ts';

// A host page calling the SDK with anything: known and unknown methods, arguments of every
// type, in any order, before and after boot. Nothing throws into the page, no call's promise
// rejects, and every error the SDK reports carries a documented code and says what to do.

const METHODS = ['boot', 'shutdown', 'show', 'hide', 'toggle', 'open', 'close', 'identify', 'update', 'newConversation', 'showConversation', 'mount', 'on', 'off'];
/** The codes docs/sdk.md lists for misuse and failures a page can cause without a server. */
const CODES = new Set(['UNKNOWN_METHOD', 'INVALID_OPTIONS', 'ALREADY_BOOTED', 'LOAD_FAILED', 'NETWORK', 'INVALID_SIGNATURE', 'SIGNATURE_REQUIRED', 'IDENTITY_REQUIRED']);

/** Arguments a page might pass: well-formed ones, near misses and junk. */
const argument = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constant(() => {}),
  fc.record({ appId: fc.constantFrom('demo', '', '<script>', 'a'.repeat(65)), locale: fc.constantFrom('nl', 'tr-TR', 'xx', 42), color: fc.string(), position: fc.constantFrom('left', 'right', 'top') }, { requiredKeys: [] }),
  fc.record({ userId: fc.string(), signature: fc.constantFrom('a'.repeat(64), 'secret', ''), name: fc.anything({ maxDepth: 0 }), email: fc.string() }, { requiredKeys: [] }),
  fc.record({ name: fc.anything({ maxDepth: 0 }), attributes: fc.dictionary(fc.string({ maxLength: 70 }), fc.anything({ maxDepth: 1 })) }, { requiredKeys: [] }),
  fc.constantFrom('error', 'ready', 'open', 'messageReceived', 'nope', 'messenger', 'portal', 'webform', '#missing'),
);
const call = fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...METHODS) }, fc.anything({ maxDepth: 0 })), fc.array(argument, { maxLength: 3 }));

describe('the SDK called by a page with anything', () => {
  let warn: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    await import('./core-entry.ts');
    await import('./methods.ts');
  });
  beforeEach(() => {
    vi.stubGlobal('fetch', fakeGateway().fetch);
    vi.stubGlobal('WebSocket', vi.fn());
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    document.body.innerHTML = '';
    localStorage.clear();
  });

  it('never throws, never rejects, and reports each misuse with a documented code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(call, { minLength: 1, maxLength: 12 }), async (bootFirst, calls) => {
        document.body.innerHTML = '';
        localStorage.clear();
        const modules = fakeModules();
        const sdk: ParleySdk = createFront({ window, baseUrl: 'https://chat.example.com', importSdk: modules.importCore, importModule: modules.importModule });
        const reported: { code: string; message: string }[] = [];
        sdk.call('on', ['error', (error: { code: string; message: string }) => reported.push(error)]);
        // Often booted first (most pages do), else whenever a generated call boots. Promises the
        // page may await: none rejects (calls before a boot wait for it, so some stay pending).
        const rejected: unknown[] = [];
        for (const [method, args] of bootFirst ? [['boot', [{ appId: 'demo' }]] as const, ...calls] : calls) {
          let result: unknown;
          expect(() => (result = sdk.call(method, [...args]))).not.toThrow();
          if (result instanceof Promise) result.catch((error: unknown) => rejected.push(error));
        }
        await settle(3);
        expect(rejected).toEqual([]);
        for (const error of reported) {
          expect(CODES, error.message).toContain(error.code);
          expect(error.message.length).toBeGreaterThan(10);
        }
        sdk.call('shutdown', []);
        await settle(2);
      }),
      { numRuns: 150 },
    );
    expect(warn).toHaveBeenCalled();
  });
});
