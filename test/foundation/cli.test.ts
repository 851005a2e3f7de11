import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';
import { freshDatabaseUrl } from '../support/engines.js';

describe('the mailroom command', () => {
  it('explains itself with --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'projects', 'keys']) expect(stdout).toContain(command);
    const keys = await runCli(['keys', '--help']);
    expect(keys.stdout).toMatch(/create[\s\S]*list[\s\S]*revoke/);
  });

  it('creates a project as JSON, then creates, lists and revokes keys', { timeout: 180_000 }, async () => {
    const env = { DATABASE_URL: freshDatabaseUrl('sqlite') };
    // Only serve and migrate create a database.
    expect((await runCli(['migrate'], env)).code).toBe(0);
    const created = await runCli(['projects', 'create', '--name', 'From CLI', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const project = JSON.parse(created.stdout) as Record<string, string>;
    expect(Object.keys(project).sort()).toEqual(['admin_key', 'project_id', 'publishable_client_key', 'secret_server_key']);
    expect(project.secret_server_key).toMatch(/^mr_sk_/);

    const scoped = await runCli(['keys', 'create', '--project', project.project_id!, '--kind', 'scoped', '--permissions', 'email.blocks:read', '--json'], env);
    expect(scoped.code, scoped.stderr).toBe(0);
    const key = JSON.parse(scoped.stdout) as { id: string; key: string; permissions: string[] };
    expect(key).toMatchObject({ permissions: ['email.blocks:read'], key: expect.stringMatching(/^mr_rk_/) });

    const listed = await runCli(['keys', 'list', '--project', project.project_id!, '--json'], env);
    const keys = JSON.parse(listed.stdout) as Array<{ id: string; kind: string; revokedAt: number | null }>;
    expect(keys.map((k) => k.kind).sort()).toEqual(['admin', 'publishable', 'scoped', 'secret']);
    expect(listed.stdout).not.toContain(key.key);

    expect((await runCli(['keys', 'revoke', '--project', project.project_id!, key.id], env)).code).toBe(0);
    const after = JSON.parse((await runCli(['keys', 'list', '--project', project.project_id!, '--json'], env)).stdout) as typeof keys;
    expect(after.find((k) => k.id === key.id)?.revokedAt).toEqual(expect.any(Number));

    const bad = await runCli(['keys', 'create', '--project', project.project_id!, '--kind', 'scoped', '--permissions', 'nope'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a known permission');
  });

  it('serves on first start with a default project, answers, and shuts down cleanly on SIGTERM', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroom-serve-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, PORT: '0', MAILROOM_WORKERS: '0' };
    const { child, output } = await startCli(['serve'], env, /"msg":"mailroom is ready"/);
    expect(output()).toContain('Created a default project');
    // The keys are a banner for people, not a field of the JSON log stream.
    for (const line of output().split('\n').filter((l) => l.includes('secret_server_key'))) expect(line.startsWith('{')).toBe(false);
    const secret = /secret_server_key:\s+(\S+)/.exec(output())![1]!;
    const projectId = /project_id:\s+(\S+)/.exec(output())![1]!;
    const port = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output())![1]!;

    const res = await fetch(`http://127.0.0.1:${port}/api/v1/projects/current`, {
      headers: { 'x-stack-secret-server-key': secret, 'x-stack-project-id': projectId },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: projectId, name: 'default' });

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('shutting down');

    // A second start finds the project and prints no keys.
    const again = await startCli(['serve'], env, /"msg":"mailroom is ready"/);
    expect(again.output()).not.toContain('Created a default project');
    const exitedAgain = new Promise<number | null>((resolve) => again.child.on('exit', resolve));
    again.child.kill('SIGINT');
    expect(await exitedAgain).toBe(0);
  });
});
