import { Command, Option } from 'commander';
import { keyKinds, type KeyKind } from '../../core/auth/permissions.js';
import { print, requireProject, withCore } from '../context.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('create, list and revoke API keys of a project');

  keys
    .command('create')
    .description('create a key and print it (shown only once)')
    .requiredOption('--project <id>', 'project id')
    .addOption(new Option('--kind <kind>', 'key kind').choices(keyKinds).default('secret'))
    .option('--name <name>', 'a label for the key')
    .option('--permissions <list>', 'comma-separated permissions for a scoped key, e.g. email.blocks:read,email.templates:*')
    .option('--json', 'print JSON')
    .action(async (options: { project: string; kind: KeyKind; name?: string; permissions?: string; json?: boolean }) => {
      const permissions = options.permissions?.split(',').map((p) => p.trim()).filter(Boolean);
      const { key, apiKey } = await withCore(async (core) => {
        await requireProject(core, options.project);
        return core.projects.createKey(options.project, { kind: options.kind, ...(options.name ? { name: options.name } : {}), ...(permissions ? { permissions } : {}) });
      });
      print({ id: apiKey.id, kind: apiKey.kind, permissions: apiKey.permissions, key }, options.json === true, () => `${apiKey.id}  ${apiKey.kind}  ${key}`);
    });

  keys
    .command('list')
    .description('list the keys of a project (the keys themselves are never shown again)')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print JSON')
    .action(async (options: { project: string; json?: boolean }) => {
      const list = await withCore(async (core) => {
        await requireProject(core, options.project);
        return core.projects.listKeys(options.project);
      });
      print(list, options.json === true, () =>
        list
          .map((k) => `${k.id}  ${k.kind.padEnd(11)} ${k.prefix}…  ${k.revokedAt ? 'revoked' : 'active'}  ${k.permissions.join(',')}`)
          .join('\n') || '(no keys)',
      );
    });

  keys
    .command('revoke')
    .description('revoke a key; requests with it fail from now on')
    .requiredOption('--project <id>', 'project id')
    .argument('<keyId>', 'the key id (from keys list)')
    .action(async (keyId: string, options: { project: string }) => {
      await withCore(async (core) => {
        await requireProject(core, options.project);
        await core.projects.revokeKey(options.project, keyId);
      });
      process.stdout.write(`revoked ${keyId}\n`);
    });

  return keys;
}
