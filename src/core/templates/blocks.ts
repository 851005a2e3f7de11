/** Block use-cases (seed 002): validated on save, events after commit, refused delete while used. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { MailroomError, notFound } from '../errors.js';
import type { EventBus } from '../events.js';
import type { LiquidEngine } from './liquid-engine.js';
import type { TemplateCache } from './template-cache.js';
import type { EmailBlock, TemplateStore } from './types.js';
import { invalidTemplate, validateBlockContent, validateTemplate } from './validate.js';

export interface BlockServiceDeps {
  store: TemplateStore;
  engine: LiquidEngine;
  clock: Clock;
  events: EventBus;
  cache: TemplateCache;
}

export function createBlockService(deps: BlockServiceDeps) {
  const { store, engine, clock, events, cache } = deps;

  async function get(projectId: string, uuid: string): Promise<EmailBlock> {
    const block = await store.getBlock(projectId, uuid);
    if (!block) throw notFound('block', uuid);
    return block;
  }

  /** Every template using the block must still render with its new content. */
  async function checkUsers(block: EmailBlock): Promise<void> {
    for (const templateId of await store.templatesUsingBlock(block.projectId, block.uuid)) {
      const template = await store.getTemplate(block.projectId, templateId);
      if (!template) continue;
      const blocks = new Map((await store.getBlocks(block.projectId, template.blocks)).map((b) => [b.uuid, b.content]));
      blocks.set(block.uuid, block.content);
      try {
        validateTemplate(engine, template, blocks);
      } catch (error) {
        const problem = error instanceof MailroomError ? error.message : String(error);
        throw invalidTemplate('content', `template ${template.name} (${template.uuid}) would not render: ${problem}`);
      }
    }
  }

  return {
    list: (projectId: string) => store.listBlocks(projectId),
    get,

    async create(projectId: string, input: { name: string; content: string }): Promise<EmailBlock> {
      validateBlockContent(engine, input.content);
      const now = clock.now();
      const block: EmailBlock = { uuid: randomUUID(), projectId, name: input.name, content: input.content, createdAt: now, updatedAt: now };
      await store.insertBlock(block);
      events.emit('block:add', block);
      return block;
    },

    async update(projectId: string, uuid: string, patch: { name?: string; content?: string }): Promise<EmailBlock> {
      const current = await get(projectId, uuid);
      const block: EmailBlock = { ...current, ...patch, updatedAt: Math.max(clock.now(), current.updatedAt + 1) };
      if (patch.content !== undefined) {
        validateBlockContent(engine, block.content);
        await checkUsers(block);
      }
      await store.updateBlock(block);
      cache.invalidate(projectId);
      events.emit('block:update', block);
      return block;
    },

    async delete(projectId: string, uuid: string): Promise<void> {
      const block = await get(projectId, uuid);
      const result = await store.deleteBlock(projectId, uuid);
      if (result.usedBy.length > 0) {
        throw new MailroomError('BLOCK_IN_USE', `block ${uuid} is used by ${result.usedBy.length} template(s)`, { templates: result.usedBy });
      }
      if (!result.deleted) throw notFound('block', uuid);
      cache.invalidate(projectId);
      events.emit('block:delete', block);
    },
  };
}

export type BlockService = ReturnType<typeof createBlockService>;
