import type { Kysely } from 'kysely';
import type { CaptureAdminStore } from '../core/delivery/inbox-admin.js';
import type { OutboxBrowseStore } from '../core/outbox/browse.js';
import type { Engine } from './database.js';
import { browseOutbox } from './queries/browse-outbox.js';
import { deleteCaptured } from './queries/delete-captured.js';
import { outboxOverview } from './queries/outbox-overview.js';
import { searchCaptured } from './queries/search-captured.js';
import type { Database } from './schema.js';

/** Read-side queries the console's core services need (outbox browsing, overview, dev inbox admin). */
export function createOutboxBrowseStore(db: Kysely<Database>, kind: Engine['kind']): OutboxBrowseStore {
  return {
    list: (projectId, filter, limit, position) => browseOutbox(db, kind, projectId, filter, limit, position),
    overview: (projectId, window) => outboxOverview(db, projectId, window),
  };
}

export function createCaptureAdminStore(db: Kysely<Database>): CaptureAdminStore {
  return {
    search: (projectId, options) => searchCaptured(db, projectId, options),
    remove: (projectId, id) => deleteCaptured(db, projectId, id),
  };
}
