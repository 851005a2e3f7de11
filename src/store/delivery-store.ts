import type { DeliveryStore } from '../core/delivery/types.js';
import type { Engine } from './database.js';
import { claimDue } from './queries/claim-due.js';
import { dueProjects } from './queries/due-projects.js';
import { finishRendering } from './queries/finish-rendering.js';
import { lookupUsers } from './queries/lookup-users.js';
import { nextWakeAt } from './queries/next-wake-at.js';
import { promoteDue } from './queries/promote-due.js';
import { extendLeases } from './queries/extend-leases.js';
import { recordProgress } from './queries/record-progress.js';
import { recoverExpiredLeases } from './queries/recover-expired-leases.js';
import { releaseLeases } from './queries/release-leases.js';
import { suppressedAmong } from './queries/suppressed-among.js';
import { returnTokens, takeTokens } from './queries/take-tokens.js';

/** The queue operations the delivery workers use, one SQL operation per query file. */
export function createDeliveryStore(engine: Engine): DeliveryStore {
  const db = engine.db;
  return {
    dueProjects: (now, limit) => dueProjects(db, now, limit),
    claimDue: (request) => claimDue(engine, request),
    promoteDue: (now) => promoteDue(db, now),
    nextWakeAt: () => nextWakeAt(db),
    lookupUsers: (projectId, ids) => lookupUsers(db, projectId, ids),
    suppressedAmong: (projectId, emails) => suppressedAmong(db, projectId, emails),
    finishRendering: (owner, now, results) => finishRendering(db, owner, now, results),
    recordProgress: (owner, now, progress) => recordProgress(db, owner, now, progress),
    releaseLeases: (owner, now, options) => releaseLeases(db, owner, now, options),
    extendLeases: (owner, until, ids) => extendLeases(engine, owner, until, ids),
    recoverExpiredLeases: (now, maxAttempts) => recoverExpiredLeases(db, now, maxAttempts),
    interruptOwned: (owner, now, maxAttempts) => recoverExpiredLeases(db, now, maxAttempts, owner),
    takeTokens: (key, perSecond, want, now, burst) => takeTokens(engine, key, perSecond, want, now, burst),
    returnTokens: (key, perSecond, count, now) => returnTokens(engine, key, perSecond, count, now),
  };
}
