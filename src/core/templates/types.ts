/** Seed 002 blocks and templates, and the store port the template services use. */
export interface EmailBlock {
  uuid: string;
  projectId: string;
  name: string;
  /** HTML; may hold `{{ text:key }}` and parameter placeholders, but no other blocks. */
  content: string;
  createdAt: number;
  updatedAt: number;
}

/** language code -> text key -> string */
export type Translations = Record<string, Record<string, string>>;

export interface EmailTemplate {
  uuid: string;
  projectId: string;
  name: string;
  /** The block uuids the template references (derived from its body and subject). */
  blocks: string[];
  subject: string;
  body: string;
  translations: Translations;
  /** Names of the parameters a render must be given. */
  parameters: string[];
  /** Inline the template's <style> rules into style attributes (juice) after rendering. */
  inlineCss: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A refused write changes nothing: the name is another template's, or a block vanished meanwhile. */
export type TemplateWrite = 'ok' | 'name-taken' | 'block-missing';

export interface TemplateStore {
  listBlocks(projectId: string): Promise<EmailBlock[]>;
  getBlock(projectId: string, uuid: string): Promise<EmailBlock | undefined>;
  getBlocks(projectId: string, uuids: readonly string[]): Promise<EmailBlock[]>;
  insertBlock(block: EmailBlock): Promise<void>;
  updateBlock(block: EmailBlock): Promise<void>;
  /** Deletes the block unless a template references it; returns the referencing template uuids instead. */
  deleteBlock(projectId: string, uuid: string): Promise<{ deleted: boolean; usedBy: string[] }>;
  /** Templates that reference the block. */
  templatesUsingBlock(projectId: string, uuid: string): Promise<string[]>;

  listTemplates(projectId: string): Promise<EmailTemplate[]>;
  getTemplate(projectId: string, uuid: string): Promise<EmailTemplate | undefined>;
  getTemplateByName(projectId: string, name: string): Promise<EmailTemplate | undefined>;
  /** Inserts the template and its block references in one transaction. */
  insertTemplate(template: EmailTemplate): Promise<TemplateWrite>;
  /** Replaces the template and its block references in one transaction. */
  updateTemplate(template: EmailTemplate): Promise<TemplateWrite>;
  deleteTemplate(projectId: string, uuid: string): Promise<boolean>;
}
