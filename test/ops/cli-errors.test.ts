import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { runCli } from '../support/cli.js';
import { freshDatabaseUrl } from '../support/engines.js';

describe('a CLI that never misleads', () => {
  it('reports an unknown command as one, with a suggestion, instead of passing it to serve', { timeout: 120_000 }, async () => {
    const typo = await runCli(['sevre']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("unknown command 'sevre'");
    expect(typo.stderr).toContain('Did you mean serve?');
    const sub = await runCli(['projects', 'lst']);
    expect(sub.code).toBe(1);
    expect(sub.stderr).toContain("unknown command 'lst'");
    expect(sub.stderr).toContain('Did you mean list?');
  });

  it('refuses to create a database outside serve and migrate, and says which one it looked for', { timeout: 120_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mailroom-cli-')), 'typo.db');
    for (const args of [['projects', 'list'], ['projects', 'create', '--name', 'x']]) {
      const res = await runCli(args, { DATABASE_URL: `sqlite:${file}` });
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr).toContain(`no database at ${file}; run \`mailroom serve\``);
      expect(res.stderr).toContain('set DATABASE_URL');
      expect(res.stdout).toBe('');
    }
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a PostgreSQL database without Mailroom tables the same way', { timeout: 120_000 }, async () => {
    const res = await runCli(['projects', 'list'], { DATABASE_URL: freshDatabaseUrl('postgres') });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no Mailroom tables in postgres.*run `mailroom serve`/);
  });

  it('prints the database it opened on stderr, and an unknown project id is an error with exit code 1', { timeout: 120_000 }, async () => {
    const url = freshDatabaseUrl('sqlite');
    const migrated = await runCli(['migrate'], { DATABASE_URL: url });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stderr).toContain(`database ${url}`);
    expect(migrated.stderr).toMatch(/done in \d+\.\d s/);

    const list = await runCli(['projects', 'list', '--json'], { DATABASE_URL: url });
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('[]\n');
    expect(list.stderr).toContain(`mailroom: database ${url}`);

    for (const args of [['keys', 'list', '--project', 'nope'], ['inbox', '--project', 'nope']]) {
      const res = await runCli(args, { DATABASE_URL: url });
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr).toContain(`no project with id nope in ${url}`);
      expect(res.stdout).toBe('');
    }
  });

  it('names the variable and the accepted form for configuration mistakes', { timeout: 120_000 }, async () => {
    const cases: [Record<string, string>, string][] = [
      [{ HOST: 'http://0.0.0.0' }, 'HOST must be an address or host name to listen on, e.g. 127.0.0.1, 0.0.0.0 or ::'],
      [{ MAILROOM_PUBLIC_URL: 'mail.example.com' }, 'MAILROOM_PUBLIC_URL must be an absolute http(s) URL such as https://mail.example.com'],
      [{ MAILROOM_PUBLIC_URL: 'ftp://mail.example.com' }, 'MAILROOM_PUBLIC_URL must be an absolute http(s) URL'],
      [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
      [{ PORT: 'eighty' }, 'PORT must be an integer between 0 and 65535, got "eighty"'],
      [{ MAILROOM_METRICS_PORT: '-1' }, 'MAILROOM_METRICS_PORT must be an integer between 0 and 65535'],
      [{ SMTP_URL: 'relay.example.com:587' }, 'SMTP_URL must be smtp://user:pass@host:port, smtps://user:pass@host:port, or "capture"'],
      [{ DATABASE_URL: 'mysql://u:secret@h/db' }, 'DATABASE_URL must be sqlite:<path> (e.g. sqlite:./data/mailroom.db) or postgres://user:pass@host:5432/db, got "mysql://***@h/db"'],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    }
    // An IPv6 listener still yields a usable public URL.
    expect(loadConfig({ HOST: '::', PORT: '8080' }).publicUrl).toBe('http://[::]:8080');
    // ... and the command prints it as `mailroom: <message>` with exit code 1.
    const res = await runCli(['projects', 'list'], { LOG_LEVEL: 'verbose' });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('mailroom: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"\n');
  });
});
