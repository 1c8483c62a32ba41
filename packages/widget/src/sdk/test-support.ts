// Test doubles for the SDK's outside world: the gateway's visitor API (behind `fetch`) and the
// surface modules the SDK loads by URL. The SDK itself (front, core, session, storage) is real.
import { vi, type Mock } from 'vitest';
import type { MessengerController, MessengerHost, SurfaceHost } from '../shared/messenger-contract.ts';
import type { SdkModule } from './front.ts';

/** One HTTP call the SDK made. */
export interface GatewayCall {
  method: string;
  path: string;
  token?: string;
  body?: Record<string, unknown>;
}

/** A fake visitor API: records calls; `identify` answers can be scripted. */
export interface FakeGateway {
  calls: GatewayCall[];
  fetch: Mock<typeof globalThis.fetch>;
  /** Answers `POST /api/visitor/identify` (default: 200, not merged). */
  identify: (body: Record<string, unknown>, token: string | undefined) => [status: number, body: unknown];
  /** Paths called, as `METHOD /path`. */
  paths(): string[];
}

/** Makes the fake gateway; new sessions get tokens token-1, token-2, … */
export function fakeGateway(): FakeGateway {
  let sessions = 0;
  const gateway: FakeGateway = {
    calls: [],
    identify: (body) => [200, { visitorId: 'visitor-1', userId: body.userId, merged: false }],
    paths: () => gateway.calls.map((c) => `${c.method} ${c.path}`),
    fetch: vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const call: GatewayCall = {
        method: init?.method ?? 'GET',
        path: url.pathname,
        ...(headers.authorization && { token: headers.authorization.replace(/^Bearer /, '') }),
        ...(init?.body && { body: JSON.parse(String(init.body)) as Record<string, unknown> }),
      };
      gateway.calls.push(call);
      const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      const route = `${call.method} ${call.path}`;
      if (route === 'POST /api/visitor/sessions') {
        sessions += 1;
        return reply(201, { token: `token-${sessions}`, visitorId: `visitor-${sessions}` });
      }
      if (route === 'POST /api/visitor/identify') return reply(...gateway.identify(call.body ?? {}, call.token));
      if (route === 'PATCH /api/visitor/me') return reply(200, { visitorId: 'visitor-1', ...call.body });
      if (route === 'DELETE /api/visitor/sessions/current') return reply(200, { ok: true });
      return reply(404, { error: { code: 'NOT_FOUND', message: `No route ${route}.` } });
    }),
  };
  return gateway;
}

/** A messenger double: records how it was mounted and what it was asked; `open` and `connect` take a session, as the real one does. */
export interface FakeMessenger {
  hosts: MessengerHost[];
  controller: { [K in keyof Required<MessengerController>]: Mock<(...args: never[]) => void> };
  /** Tokens the messenger got from `host.session()`. */
  tokens: string[];
}

/** A surface double (portal or web form). */
export interface FakeSurface {
  hosts: SurfaceHost[];
  unmount: Mock<() => void>;
}

/** Module loading for the SDK in tests: the real core, and doubles for the surfaces. */
export function fakeModules(): { messenger: FakeMessenger; surfaces: Record<string, FakeSurface>; importModule: Mock<(url: string) => Promise<unknown>>; importCore: () => Promise<SdkModule> } {
  const messenger: FakeMessenger = {
    hosts: [],
    tokens: [],
    controller: {
      open: vi.fn(),
      close: vi.fn(),
      connect: vi.fn(),
      newConversation: vi.fn(),
      showConversation: vi.fn(),
      update: vi.fn(),
      destroy: vi.fn(),
    },
  };
  const surfaces: Record<string, FakeSurface> = {
    portal: { hosts: [], unmount: vi.fn() },
    webform: { hosts: [], unmount: vi.fn() },
  };
  const takeSession = (host: MessengerHost) => void host.session?.().then((token) => messenger.tokens.push(token), () => {});
  const importModule = vi.fn(async (url: string): Promise<unknown> => {
    const name = /\/widget\/(\w+)\.js$/.exec(url)?.[1];
    if (name === 'messenger') {
      return {
        mount(host: MessengerHost) {
          messenger.hosts.push(host);
          const { controller } = messenger;
          controller.open.mockImplementation(() => takeSession(host));
          controller.connect.mockImplementation(() => takeSession(host));
          return controller;
        },
      };
    }
    const surface = name && surfaces[name];
    if (surface) {
      return {
        mount(host: SurfaceHost) {
          surface.hosts.push(host);
          return { unmount: surface.unmount };
        },
      };
    }
    throw new Error(`cannot load ${url}`);
  });
  return { messenger, surfaces, importModule, importCore: () => import('./core-entry.ts') };
}

/** Lets dynamic imports, fetches and timers of the SDK finish. */
export async function settle(rounds = 12): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The keys the widget stored for an app. */
export function storedKeys(appId = 'demo'): string[] {
  return Object.keys(localStorage).filter((key) => key.startsWith(`parley:${appId}:`));
}
