import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openEngine, migrateToLatest } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { engineKinds, freshDatabaseUrl } from '../support/engines.js';

describe.each(engineKinds)('migrations on %s', (engine) => {
  it('build the whole schema from an empty database, then apply nothing the second time', async () => {
    const db = await openEngine(freshDatabaseUrl(engine));
    try {
      const applied = await migrateToLatest(db);
      expect(applied).toEqual(expect.arrayContaining(['0001-init', '0002-outbox']));
      expect(applied).toEqual([...applied].sort());
      for (const table of ['projects', 'api_keys', 'users', 'outbox_messages', 'outbox_transitions', 'delivery_attempts', 'drafts', 'idempotency_keys', 'suppressions'] as const) {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.db);
        expect(Number(rows[0]!.n)).toBe(0);
      }
      expect(await migrateToLatest(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('migrations from several processes at once', () => {
  it('are applied exactly once when two processes start together against one PostgreSQL database', async () => {
    const url = freshDatabaseUrl('postgres');
    const [a, b] = await Promise.all([runCli(['migrate'], { DATABASE_URL: url }), runCli(['migrate'], { DATABASE_URL: url })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const appliers = [a, b].filter((r) => r.stdout.startsWith('applied:'));
    expect(appliers).toHaveLength(1);
    expect([a, b].filter((r) => r.stdout.includes('is up to date'))).toHaveLength(1);

    const db = await openEngine(url);
    try {
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db.db);
      const names = rows.map((r) => r.name);
      expect(names).toEqual([...new Set(names)]);
      expect(names).toEqual(expect.arrayContaining(['0001-init', '0002-outbox']));
    } finally {
      await db.close();
    }
  });
});
