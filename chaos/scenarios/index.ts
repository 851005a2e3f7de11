import type { Scenario } from '../lib/scenario.js';
import { scenario as pgRestart } from './pg-restart.js';
import { scenario as pgFreeze } from './pg-freeze.js';
import { scenario as killWorker } from './kill-worker.js';
import { scenario as sigterm } from './sigterm.js';

/** Every scenario `npm run chaos` knows, in the order it runs them. Add yours here. */
export const scenarios: Scenario[] = [pgRestart, pgFreeze, killWorker, sigterm];
