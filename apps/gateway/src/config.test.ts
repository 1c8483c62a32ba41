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

  it('e-mails unread replies after a minute, from Parley, into the data folder\'s outbox, unless told otherwise', () => {
    expect(loadConfig({}, '/srv/parley')).toMatchObject({
      unseenEmailAfterMs: 60_000,
      mailFrom: 'Parley <no-reply@localhost>',
      smtpUrl: undefined,
      mailOutbox: '/srv/parley/.data/outbox',
      mailRetryMs: 30_000,
      mailAttempts: 10,
    });
    expect(loadConfig({ PARLEY_DATA_DIR: '/var/lib/parley' }).mailOutbox).toBe('/var/lib/parley/outbox');
    const set = loadConfig(
      {
        PARLEY_UNSEEN_EMAIL_AFTER_MS: '200',
        PARLEY_MAIL_FROM: 'Acme Support <support@acme.test>',
        PARLEY_SMTP_URL: 'smtp://user:pa%24s@mail.acme.test:587',
        PARLEY_MAIL_OUTBOX: 'mail',
        PARLEY_MAIL_RETRY_MS: '100',
        PARLEY_MAIL_ATTEMPTS: '3',
      },
      '/srv/parley',
    );
    expect(set).toMatchObject({
      unseenEmailAfterMs: 200,
      mailFrom: 'Acme Support <support@acme.test>',
      smtpUrl: 'smtp://user:pa%24s@mail.acme.test:587',
      mailOutbox: '/srv/parley/mail',
      mailRetryMs: 100,
      mailAttempts: 3,
    });
    expect(loadConfig({ PARLEY_MAIL_FROM: 'no-reply@acme.test' }).mailFrom).toBe('no-reply@acme.test');
  });

  it('names a wrong mail setting and what it expects, without repeating an SMTP password', () => {
    expect(() => loadConfig({ PARLEY_UNSEEN_EMAIL_AFTER_MS: '1m' })).toThrow(/PARLEY_UNSEEN_EMAIL_AFTER_MS must be a whole number between 100 and 604800000 \(got "1m"\)/);
    expect(() => loadConfig({ PARLEY_MAIL_FROM: 'Parley' })).toThrow(/PARLEY_MAIL_FROM must be an e-mail address, like no-reply@example.com/);
    expect(() => loadConfig({ PARLEY_MAIL_FROM: 'a@b.test\r\nBcc: c@d.test' })).toThrow(/PARLEY_MAIL_FROM/);
    expect(() => loadConfig({ PARLEY_MAIL_ATTEMPTS: '0' })).toThrow(/PARLEY_MAIL_ATTEMPTS must be a whole number between 1 and 100/);
    for (const url of ['http://user:hunter2@mail.acme.test', 'smtp://user:hunter2@mail acme.test:587']) {
      let message = '';
      try {
        loadConfig({ PARLEY_SMTP_URL: url });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/PARLEY_SMTP_URL: .*smtp:\/\/ or smtps:\/\/ URL/);
      expect(message).not.toContain('hunter2');
    }
  });

    it('checks console origins', () => {
    expect(loadConfig({ PARLEY_CONSOLE_ORIGINS: 'https://a.example, https://b.example' }).consoleOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(() => loadConfig({ PARLEY_CONSOLE_ORIGINS: 'a.example/path' })).toThrow(/PARLEY_CONSOLE_ORIGINS/);
  });
});
