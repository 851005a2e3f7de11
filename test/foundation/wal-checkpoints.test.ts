import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/store/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SQLite WAL checkpoints', () => {
  it('copy a large commit into the database file from their own thread, and a closed database leaves no WAL behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroom-wal-'));
    dirs.push(dir);
    const file = join(dir, 'wal.db');
    const engine = await openEngine(`sqlite:${file}`);
    await sql`create table blobs (id integer primary key, body text not null)`.execute(engine.db);
    // ~8 MB in one commit: past the 4 MB at which checkpoints leave the event loop (nothing checkpoints inside a commit).
    const body = 'x'.repeat(8000);
    await engine.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 1000; i++) await sql`insert into blobs (body) values (${body})`.execute(trx);
    });
    expect(statSync(file).size).toBeLessThan(1_000_000);
    // From here on the event loop's connection must not copy pages: count its checkpoints.
    const sqlite = engine.sqlite!;
    const pragma = sqlite.pragma.bind(sqlite);
    let checkpointsHere = 0;
    sqlite.pragma = ((source: string, options?: object) => {
      if (source.startsWith('wal_checkpoint')) checkpointsHere++;
      return pragma(source, options as never);
    }) as typeof sqlite.pragma;
    // The main thread stops checkpointing once the WAL is large; the file fills from the checkpoint thread.
    const deadline = Date.now() + 15_000;
    while (statSync(file).size < 8_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(statSync(file).size).toBeGreaterThanOrEqual(8_000_000);
    expect(checkpointsHere).toBe(0);
    // Writes go on beside the thread.
    await sql`insert into blobs (body) values ('after')`.execute(engine.db);
    await engine.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = await openEngine(`sqlite:${file}`);
    const { rows } = await sql<{ n: number }>`select count(*) as n from blobs`.execute(reopened.db);
    expect(Number(rows[0]!.n)).toBe(1001);
    await reopened.close();
  });
});
