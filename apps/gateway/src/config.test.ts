import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv/parley');
    expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', databaseUrl: undefined, dataDir: '/srv/parley/.data', maxFrameBytes: 65536 });
  });

  it('reads PORT, DATABASE_URL and PARLEY_DATA_DIR', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h/db', PARLEY_DATA_DIR: '/var/lib/parley' });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h/db', dataDir: '/var/lib/parley' });
  });

  it('names the variable, what it expects and what it got when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT must be a whole number between 0 and 65535 \(got "abc"\)/);
  });

  it('lists every wrong variable at once', () => {
    try {
      loadConfig({ PORT: '-1', PARLEY_DEMO_PASSWORD: 'short' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('PORT');
      expect((error as Error).message).toContain('PARLEY_DEMO_PASSWORD must be at least 8 characters');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it('reads how long an agent console may stay silent before it counts as gone (default one minute)', () => {
    expect(loadConfig({}).agentStaleMs).toBe(60_000);
    expect(loadConfig({ PARLEY_AGENT_STALE_MS: '15000' }).agentStaleMs).toBe(15_000);
    expect(() => loadConfig({ PARLEY_AGENT_STALE_MS: '10' })).toThrow(/PARLEY_AGENT_STALE_MS must be a whole number between 1000 and 86400000 \(got "10"\)/);
  });

  it('reads how many days a resolved chat stays in the Closed view (default 7; 0 archives it when resolved)', () => {
    expect(loadConfig({}).archiveAfterDays).toBe(7);
    expect(loadConfig({ PARLEY_ARCHIVE_AFTER_DAYS: '0' }).archiveAfterDays).toBe(0);
    expect(() => loadConfig({ PARLEY_ARCHIVE_AFTER_DAYS: '-1' })).toThrow(/PARLEY_ARCHIVE_AFTER_DAYS must be a whole number between 0 and 3650 \(got "-1"\)/);
  });

    it('checks console origins', () => {
    expect(loadConfig({ PARLEY_CONSOLE_ORIGINS: 'https://a.example, https://b.example' }).consoleOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(() => loadConfig({ PARLEY_CONSOLE_ORIGINS: 'a.example/path' })).toThrow(/PARLEY_CONSOLE_ORIGINS/);
  });
});
