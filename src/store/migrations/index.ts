import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../database.js';
import { migrationDialect, type MigrationDialect } from './dialect.js';
import * as init from './0001-init.js';
import * as outbox from './0002-outbox.js';
import * as sendApi from './0003-send-api.js';
import * as templates from './0005-templates.js';
import * as verification from './0006-verification.js';
import * as events from './0007-events.js';
import * as dropRedundantIndexes from './0008-drop-redundant-indexes.js';
import * as delivery from './0004-delivery.js';
import * as outboxContents from './0009-outbox-contents.js';
import * as compactEvents from './0010-compact-events.js';
import * as acceptedStatus from './0011-accepted-status.js';
import * as consoleSessions from './0012-console-sessions.js';
import * as consoleIndexes from './0013-console-indexes.js';
import * as sendOnContent from './0014-send-on-content.js';
import * as leanOutboxWrites from './0015-lean-outbox-writes.js';

type Step = (db: Kysely<any>, dialect: MigrationDialect) => Promise<void>;

/**
 * Every migration, in order. Names sort in the order they must run; a new
 * migration is a new file here, never an edit of one that has shipped.
 */
const steps: Record<string, { up: Step; down?: Step }> = {
  '0001-init': init,
  '0002-outbox': outbox,
  '0003-send-api': sendApi,
  '0005-templates': templates,
  '0006-verification': verification,
  '0007-events': events,
  '0008-drop-redundant-indexes': dropRedundantIndexes,
  '0004-delivery': delivery,
  '0009-outbox-contents': outboxContents,
  '0010-compact-events': compactEvents,
  '0011-accepted-status': acceptedStatus,
  '0012-console-sessions': consoleSessions,
  '0013-console-indexes': consoleIndexes,
  '0014-send-on-content': sendOnContent,
  '0015-lean-outbox-writes': leanOutboxWrites,
};

export function migrationsFor(kind: Engine['kind']): Record<string, Migration> {
  const dialect = migrationDialect(kind);
  return Object.fromEntries(
    Object.entries(steps).map(([name, step]) => [
      name,
      { up: (db) => step.up(db, dialect), ...(step.down ? { down: (db: Kysely<unknown>) => step.down!(db, dialect) } : {}) },
    ]),
  );
}
