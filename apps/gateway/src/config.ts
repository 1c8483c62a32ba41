import { join, resolve } from 'node:path';
import * as v from 'valibot';

/** The gateway's settings, read from the environment and checked before anything starts. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  demoAppSecret: string | undefined;
  demoPassword: string | undefined;
  /** Origins, besides the gateway's own, from which the console may be used. */
  consoleOrigins: string[];
  logLevel: string;
  /** Largest WebSocket frame accepted, in bytes. */
  maxFrameBytes: number;
  /** Interval of WebSocket pings; a socket that misses one is dropped. */
  heartbeatMs: number;
  /** A socket whose unsent data passes this many bytes is cut off. */
  maxBufferedBytes: number;
  /** Frames a principal may send per second (burst twice that). */
  rateLimitPerSecond: number;
  /** Sign-ins and new visitor sessions an IP address may make per minute (each counted apart). */
  authRateLimitPerMinute: number;
  /** Whether the session cookie is marked Secure (serve the console over HTTPS). */
  secureCookies: boolean;
  /** Whether to take the client's address from X-Forwarded-For (behind a load balancer). */
  trustProxy: boolean;
  /** Largest file a visitor or agent may upload, in bytes. */
  maxUploadBytes: number;
  /** An agent whose console has not been heard from for this long gets no new chats, in ms. */
  agentStaleMs: number;
  /** Days a resolved chat stays in the Closed view before it goes to the archive; 0 archives it when resolved. */
  archiveAfterDays: number;
  /** An agent's reply the visitor has not read this long after it arrived is e-mailed to them, in ms (MISSION.md V10). */
  unseenEmailAfterMs: number;
  /** The `From` of the e-mails to visitors. */
  mailFrom: string;
  /** Where e-mails go: an SMTP server's URL; unset, they are written to `mailOutbox` as .eml files. */
  smtpUrl: string | undefined;
  /** The folder e-mails are written to when no SMTP server is set. */
  mailOutbox: string;
  /** The wait before an e-mail that failed is tried again, in ms; it doubles with each try, up to an hour. */
  mailRetryMs: number;
  /** How many times an e-mail is tried before it is given up (and logged). */
  mailAttempts: number;
}

const int = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `${name} must be a whole number between ${min} and ${max}`),
    v.transform(Number),
    v.minValue(min, `${name} must be a whole number between ${min} and ${max}`),
    v.maxValue(max, `${name} must be a whole number between ${min} and ${max}`),
  );

const EnvSchema = v.object({
  PORT: v.optional(int('PORT', 0, 65535), '3000'),
  HOST: v.optional(v.pipe(v.string(), v.minLength(1, 'HOST must not be empty')), '0.0.0.0'),
  DATABASE_URL: v.optional(
    v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\/.+/, 'DATABASE_URL must be a postgres:// or postgresql:// URL')),
  ),
  PARLEY_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), '.data'),
  PARLEY_DEMO_APP_SECRET: v.optional(
    v.pipe(v.string(), v.minLength(16, 'PARLEY_DEMO_APP_SECRET must be at least 16 characters')),
  ),
  PARLEY_DEMO_PASSWORD: v.optional(v.pipe(v.string(), v.minLength(8, 'PARLEY_DEMO_PASSWORD must be at least 8 characters'))),
  PARLEY_CONSOLE_ORIGINS: v.optional(v.string(), ''),
  LOG_LEVEL: v.optional(
    v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'),
    'info',
  ),
  PARLEY_MAX_FRAME_BYTES: v.optional(int('PARLEY_MAX_FRAME_BYTES', 1024, 16 * 1024 * 1024), '65536'),
  PARLEY_HEARTBEAT_MS: v.optional(int('PARLEY_HEARTBEAT_MS', 50, 600_000), '30000'),
  PARLEY_MAX_BUFFERED_BYTES: v.optional(int('PARLEY_MAX_BUFFERED_BYTES', 1024, 1024 ** 3), '4194304'),
  PARLEY_RATE_LIMIT: v.optional(int('PARLEY_RATE_LIMIT', 1, 1_000_000), '30'),
  PARLEY_AUTH_RATE_LIMIT: v.optional(int('PARLEY_AUTH_RATE_LIMIT', 1, 1_000_000), '30'),
  PARLEY_SECURE_COOKIES: v.optional(v.picklist(['true', 'false'], 'PARLEY_SECURE_COOKIES must be true or false'), 'false'),
  PARLEY_TRUST_PROXY: v.optional(v.picklist(['true', 'false'], 'PARLEY_TRUST_PROXY must be true or false'), 'false'),
  PARLEY_MAX_UPLOAD_BYTES: v.optional(int('PARLEY_MAX_UPLOAD_BYTES', 1024, 100 * 1024 * 1024), String(10 * 1024 * 1024)),
  PARLEY_AGENT_STALE_MS: v.optional(int('PARLEY_AGENT_STALE_MS', 1000, 86_400_000), '60000'),
  PARLEY_ARCHIVE_AFTER_DAYS: v.optional(int('PARLEY_ARCHIVE_AFTER_DAYS', 0, 3650), '7'),
  PARLEY_UNSEEN_EMAIL_AFTER_MS: v.optional(int('PARLEY_UNSEEN_EMAIL_AFTER_MS', 100, 7 * 86_400_000), '60000'),
  PARLEY_MAIL_FROM: v.optional(
    v.pipe(
      v.string(),
      // A bare address, or a display name with the address in angle brackets (RFC 5322 name-addr).
      v.regex(/^(?:[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, 'PARLEY_MAIL_FROM must be an e-mail address, like no-reply@example.com or Support <no-reply@example.com>'),
    ),
    'Parley <no-reply@localhost>',
  ),
  PARLEY_SMTP_URL: v.optional(
    v.pipe(v.string(), v.regex(/^smtps?:\/\/[^/?#]+/, 'PARLEY_SMTP_URL must be an smtp:// or smtps:// URL, like smtp://user:password@mail.example.com:587')),
  ),
  PARLEY_MAIL_OUTBOX: v.optional(v.pipe(v.string(), v.minLength(1))),
  PARLEY_MAIL_RETRY_MS: v.optional(int('PARLEY_MAIL_RETRY_MS', 10, 3_600_000), '30000'),
  PARLEY_MAIL_ATTEMPTS: v.optional(int('PARLEY_MAIL_ATTEMPTS', 1, 100), '10'),
});

/** Variables whose value may hold a password: an error about them does not repeat it. */
const SECRET_VARIABLES = new Set(['PARLEY_SMTP_URL']);

/** A configuration error: names the variable and what it expects. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the configuration from an environment. Throws a ConfigError naming every variable that
 * is wrong and what it expects.
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = v.safeParse(EnvSchema, present);
  if (!result.success) {
    const lines = result.issues.map((issue) => {
      const key = v.getDotPath(issue) ?? '';
      const got = key in present && !SECRET_VARIABLES.has(key) ? ` (got ${JSON.stringify(present[key])})` : '';
      return `  ${key}: ${issue.message}${got}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.output;
  if (e.PARLEY_SMTP_URL !== undefined && !URL.canParse(e.PARLEY_SMTP_URL)) {
    throw new ConfigError('Invalid configuration:\n  PARLEY_SMTP_URL: must be an smtp:// or smtps:// URL, like smtp://user:password@mail.example.com:587 (it does not parse as a URL; percent-encode special characters in the user and password)');
  }
  const consoleOrigins = e.PARLEY_CONSOLE_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of consoleOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(`Invalid configuration:\n  PARLEY_CONSOLE_ORIGINS: each entry must be an origin like https://support.example.com (got ${JSON.stringify(origin)})`);
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(cwd, e.PARLEY_DATA_DIR),
    demoAppSecret: e.PARLEY_DEMO_APP_SECRET,
    demoPassword: e.PARLEY_DEMO_PASSWORD,
    consoleOrigins,
    logLevel: e.LOG_LEVEL,
    maxFrameBytes: e.PARLEY_MAX_FRAME_BYTES,
    heartbeatMs: e.PARLEY_HEARTBEAT_MS,
    maxBufferedBytes: e.PARLEY_MAX_BUFFERED_BYTES,
    rateLimitPerSecond: e.PARLEY_RATE_LIMIT,
    authRateLimitPerMinute: e.PARLEY_AUTH_RATE_LIMIT,
    secureCookies: e.PARLEY_SECURE_COOKIES === 'true',
    trustProxy: e.PARLEY_TRUST_PROXY === 'true',
    maxUploadBytes: e.PARLEY_MAX_UPLOAD_BYTES,
    agentStaleMs: e.PARLEY_AGENT_STALE_MS,
    archiveAfterDays: e.PARLEY_ARCHIVE_AFTER_DAYS,
    unseenEmailAfterMs: e.PARLEY_UNSEEN_EMAIL_AFTER_MS,
    mailFrom: e.PARLEY_MAIL_FROM,
    smtpUrl: e.PARLEY_SMTP_URL,
    mailOutbox: resolve(cwd, e.PARLEY_MAIL_OUTBOX ?? join(e.PARLEY_DATA_DIR, 'outbox')),
    mailRetryMs: e.PARLEY_MAIL_RETRY_MS,
    mailAttempts: e.PARLEY_MAIL_ATTEMPTS,
  };
}
