/** Seed 004 (Logto-style) typed email templates and their store port. */
export const templateTypes = [
  'SignIn',
  'Register',
  'ForgotPassword',
  'OrganizationInvitation',
  'Generic',
  'UserPermissionValidation',
  'BindNewIdentifier',
  'MfaVerification',
  'BindMfa',
] as const;
export type TemplateType = (typeof templateTypes)[number];

const typedRef = new RegExp(`^(${templateTypes.join('|')})(?::([A-Za-z0-9-]{1,16}))?$`);

/**
 * A template id that names a typed template: its type, optionally with a language tag (`SignIn`,
 * `SignIn:de-DE`). Clients that can only pass a template id (Resend's `template.id`, Stack's
 * `template_id`) name typed templates this way; other template ids are UUIDs and never match.
 */
export function parseTypedTemplateRef(id: string): { templateType: TemplateType; locale: string | null } | null {
  const match = typedRef.exec(id);
  return match ? { templateType: match[1] as TemplateType, locale: match[2] ?? null } : null;
}

export interface TypedTemplateDetails {
  subject: string;
  content: string;
  contentType?: 'text/html' | 'text/plain';
  replyTo?: string;
  sendFrom?: string;
}

export interface TypedTemplate {
  id: string;
  /** The project. */
  tenantId: string;
  languageTag: string;
  templateType: TemplateType;
  details: TypedTemplateDetails;
  createdAt: number;
  updatedAt: number;
}

export interface TypedTemplateFilter {
  languageTag?: string;
  templateType?: TemplateType;
}

export interface TypedTemplateStore {
  /**
   * Inserts or replaces (keeping id and createdAt) every template in one
   * transaction, keyed by (languageTag, templateType); returns them as stored.
   */
  upsert(projectId: string, templates: readonly TypedTemplate[]): Promise<TypedTemplate[]>;
  list(projectId: string, filter: TypedTemplateFilter): Promise<TypedTemplate[]>;
  get(projectId: string, id: string): Promise<TypedTemplate | undefined>;
  /** The templates of one type for any of the given language tags. */
  findByType(projectId: string, templateType: TemplateType, languageTags: readonly string[]): Promise<TypedTemplate[]>;
  delete(projectId: string, id: string): Promise<boolean>;
  deleteWhere(projectId: string, filter: TypedTemplateFilter): Promise<number>;
  updateDetails(projectId: string, id: string, details: TypedTemplateDetails, updatedAt: number): Promise<TypedTemplate | undefined>;
}
