import type { Engine } from '../database.js';

/** The few DDL spellings that differ between engines. */
export interface MigrationDialect {
  /** An auto-incrementing integer primary key column type. */
  readonly serial: 'integer' | 'bigserial';
}

export function migrationDialect(kind: Engine['kind']): MigrationDialect {
  return { serial: kind === 'sqlite' ? 'integer' : 'bigserial' };
}
