import type { Scenario } from '../lib/scenario.js';
import { scenario as pgRestart } from './pg-restart.js';
import { scenario as pgFreeze } from './pg-freeze.js';
import { scenario as killWorker } from './kill-worker.js';
import { scenario as sigterm } from './sigterm.js';
import { scenario as deliveryKill9 } from './delivery-kill9.js';
import { scenario as deliveryLostAck } from './delivery-lost-ack.js';
import { scenario as delivery4xxStorm } from './delivery-4xx-storm.js';
import { scenario as deliveryRelayDown } from './delivery-relay-down.js';
import { scenario as deliverySlowReplies } from './delivery-slow-replies.js';
import { scenario as deliverySigtermSlow } from './delivery-sigterm-slow.js';

/** The relay-side faults (issue #14): a misbehaving SMTP relay under worker processes; `npm run chaos:delivery` runs these. */
export const deliveryScenarios: Scenario[] = [deliveryKill9, deliveryLostAck, delivery4xxStorm, deliveryRelayDown, deliverySlowReplies, deliverySigtermSlow];

/** Every scenario `npm run chaos` knows, in the order it runs them. Add yours here. */
export const scenarios: Scenario[] = [pgRestart, pgFreeze, killWorker, sigterm, ...deliveryScenarios];
