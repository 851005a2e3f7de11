import { Command } from 'commander';
import { print, withCore } from '../context.js';

export function projectsCommand(): Command {
  const projects = new Command('projects').description('create and list projects');

  projects
    .command('create')
    .description('create a project and print its keys (shown only once)')
    .requiredOption('--name <name>', 'project name')
    .option('--default-sender <address>', 'sender used when a send names none')
    .option('--json', 'print {"project_id","secret_server_key","admin_key","publishable_client_key"}')
    .action(async (options: { name: string; defaultSender?: string; json?: boolean }) => {
      const created = await withCore((core) =>
        core.projects.createProject({ name: options.name, settings: options.defaultSender ? { defaultSender: options.defaultSender } : {} }),
      );
      print(created, options.json === true, () =>
        [
          `project_id:             ${created.project_id}`,
          `secret_server_key:      ${created.secret_server_key}`,
          `admin_key:              ${created.admin_key}`,
          `publishable_client_key: ${created.publishable_client_key}`,
          'Store these keys now: they are not shown again.',
        ].join('\n'),
      );
    });

  projects
    .command('list')
    .description('list projects')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withCore((core) => core.projects.listProjects());
      const rows = list.map((p) => ({ id: p.id, name: p.name, created_at: new Date(p.createdAt).toISOString() }));
      print(rows, options.json === true, () => rows.map((r) => `${r.id}  ${r.name}  ${r.created_at}`).join('\n') || '(no projects)');
    });

  return projects;
}
