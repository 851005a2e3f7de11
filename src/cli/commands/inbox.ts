import { Command } from 'commander';
import { print, requireProject, withCore } from '../context.js';

/** The capture inbox from the command line: what Mailroom would have sent without SMTP_URL. */
export function inboxCommand(): Command {
  return new Command('inbox')
    .description('list captured messages of a project, or print one message (raw MIME)')
    .requiredOption('--project <id>', 'project id')
    .option('--limit <n>', 'how many messages to list', '20')
    .option('--to <address>', 'only messages to this address')
    .option('--show <id>', 'print this message as raw MIME')
    .option('--json', 'print JSON')
    .action(async (options: { project: string; limit: string; to?: string; show?: string; json?: boolean }) => {
      if (options.show) {
        const message = await withCore(async (core) => {
          await requireProject(core, options.project);
          return core.inbox.get(options.project, options.show!);
        });
        print(message, options.json === true, () => message.raw);
        return;
      }
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error('--limit must be an integer between 1 and 500');
      const page = await withCore(async (core) => {
        await requireProject(core, options.project);
        return core.inbox.list(options.project, { limit, to: options.to });
      });
      const rows = page.items.map((m) => ({ id: m.id, created_at: new Date(m.createdAt).toISOString(), to: m.envelopeTo, subject: m.subject }));
      print(rows, options.json === true, () => rows.map((r) => `${r.id}  ${r.created_at}  ${r.to.join(', ')}  ${r.subject ?? ''}`).join('\n') || '(no messages)');
    });
}
