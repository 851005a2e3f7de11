import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

export const engineKinds = ['sqlite', 'postgres'] as const;
export type EngineKind = (typeof engineKinds)[number];

/** A database of its own for one test: a new SQLite file, or a new PostgreSQL schema. */
export function freshDatabaseUrl(kind: EngineKind): string {
  if (kind === 'sqlite') return `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-test-')), 'mailroom.db')}`;
  const url = new URL(inject('postgresUrl'));
  url.searchParams.set('schema', `t_${randomBytes(6).toString('hex')}`);
  return url.toString();
}
