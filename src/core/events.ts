/**
 * The typed event map and a safe in-process emitter. Core services emit after
 * their rows are committed; listeners (WebSocket fan-out, webhooks, worker
 * wake-ups) must never break the emitter, so their errors are reported, not thrown.
 */
import type { OutboxStatus } from './outbox/lifecycle.js';

export interface EventMap {
  /** A message changed status (one event per message). */
  'email:status': { projectId: string; messageId: string; status: OutboxStatus; reason: string | null; at: number };
  /** New due work was committed: wake workers now instead of at the next poll. */
  'outbox:work': { projectId: string; count: number };
  /** Email blocks changed (seed 002 EMAIL_BLOCK_ADD and friends); times are epoch ms. */
  'block:add': BlockEventPayload;
  'block:update': BlockEventPayload;
  'block:delete': BlockEventPayload;
  /** Email templates changed (EMAIL_TEMPLATE_ADD and friends). */
  'template:add': TemplateEventPayload;
  'template:update': TemplateEventPayload;
  'template:delete': TemplateEventPayload;
}

export interface BlockEventPayload {
  projectId: string;
  uuid: string;
  name: string;
  content: string;
  createdAt: number;
  updatedAt: number | null;
}

export interface TemplateEventPayload {
  projectId: string;
  uuid: string;
  name: string;
  subject: string;
  createdAt: number;
  updatedAt: number | null;
}

export type EventName = keyof EventMap;
type Listener<K extends EventName> = (payload: EventMap[K]) => void;

export interface EventBus {
  on<K extends EventName>(event: K, listener: Listener<K>): () => void;
  emit<K extends EventName>(event: K, payload: EventMap[K]): void;
}

export function createEventBus(onListenerError: (error: unknown, event: EventName) => void): EventBus {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as Listener<typeof event>)(payload);
        } catch (error) {
          onListenerError(error, event);
        }
      }
    },
  };
}
