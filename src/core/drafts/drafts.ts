import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import type { EmailRenderer } from '../templates/renderer.js';
import { validateBody, validateSubject } from '../outbox/validate-message.js';
import type { Draft, DraftFields, DraftStore } from './types.js';

export function createDraftService(deps: { store: DraftStore; clock: Clock; renderer: EmailRenderer }) {
  const { store, clock } = deps;

  async function check(projectId: string, fields: DraftFields): Promise<void> {
    validateSubject('subject', fields.subject);
    validateBody('html', fields.html);
    if (fields.templateId) await deps.renderer.assertTemplateExists(projectId, fields.templateId);
  }

  return {
    async create(projectId: string, fields: DraftFields): Promise<Draft> {
      await check(projectId, fields);
      const now = clock.now();
      const draft: Draft = {
        id: randomUUID(),
        projectId,
        displayName: fields.displayName ?? null,
        subject: fields.subject ?? null,
        html: fields.html ?? null,
        templateId: fields.templateId ?? null,
        variables: fields.variables ?? {},
        sentAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.insertDraft(draft);
      return draft;
    },

    async get(projectId: string, id: string): Promise<Draft> {
      const draft = await store.getDraft(projectId, id);
      if (!draft) throw notFound('draft', id);
      return draft;
    },

    list: (projectId: string) => store.listDrafts(projectId),

    async update(projectId: string, id: string, fields: DraftFields): Promise<Draft> {
      await check(projectId, fields);
      const draft = await store.updateDraft(projectId, id, fields, clock.now());
      if (!draft) throw notFound('draft', id);
      return draft;
    },

    async remove(projectId: string, id: string): Promise<void> {
      if (!(await store.deleteDraft(projectId, id))) throw notFound('draft', id);
    },

    markSent: (projectId: string, id: string) => store.markSent(projectId, id, clock.now()),
  };
}

export type DraftService = ReturnType<typeof createDraftService>;
