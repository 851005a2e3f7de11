import type { ApiDeps } from '../api/deps.js';

/** The console is one more adapter over the core services the API families use. */
export type ConsoleDeps = Pick<
  ApiDeps,
  | 'clock'
  | 'projects'
  | 'outboxQueries'
  | 'outboxBrowser'
  | 'outboxEditor'
  | 'accept'
  | 'inbox'
  | 'inboxAdmin'
  | 'consoleSessions'
  | 'typedSend'
  | 'eventHub'
  | 'webhooks'
  | 'suppressions'
  | 'blocks'
  | 'templates'
  | 'typedTemplates'
  | 'preview'
  | 'deliveryMode'
  | 'publicUrl'
>;
