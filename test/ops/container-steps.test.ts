import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/smtp-sink.js';

const script = new URL('../../scripts/container-steps.sh', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The Dockerfile's start and healthcheck steps, run on this checkout's build (npm test builds first).
 * The whole clean-copy sequence (install -> build -> migrate -> start -> /readyz) is `npm run test:container`, run by CI.
 */
describe('container steps', () => {
  it('start migrates, then serves; healthcheck turns green on /readyz; SIGTERM stops it cleanly', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const env = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      SMTP_URL: 'capture',
      MAILROOM_WORKERS: '1',
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-container-')), 'mailroom.db')}`,
      LOG_LEVEL: 'warn',
    };
    const healthcheck = () => spawnSync('bash', [script, 'healthcheck'], { env, encoding: 'utf8' });
    expect(healthcheck().status).toBe(1);

    const child = spawn('bash', [script, 'start'], { env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await eventually(async () => (healthcheck().status === 0 ? true : undefined), 90_000, 500);
      expect(output).toMatch(/applied: 0001-init/);
      await eventually(async () => (output.includes('Mailroom is ready at') ? true : undefined), 10_000);
      expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toMatchObject({ status: 'ready', transport: expect.stringContaining('capture') });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('names its steps when called without one', () => {
    const res = spawnSync('bash', [script], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('usage: scripts/container-steps.sh build | start [command] | healthcheck | ci');
  });
});
