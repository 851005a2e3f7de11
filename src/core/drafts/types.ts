/** A saved email the app can send later by `draft_id`. */
export interface Draft {
  id: string;
  projectId: string;
  displayName: string | null;
  subject: string | null;
  html: string | null;
  templateId: string | null;
  variables: Record<string, unknown>;
  sentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface DraftFields {
  displayName?: string | null;
  subject?: string | null;
  html?: string | null;
  templateId?: string | null;
  variables?: Record<string, unknown> | null;
}

export interface DraftStore {
  insertDraft(draft: Draft): Promise<void>;
  getDraft(projectId: string, id: string): Promise<Draft | undefined>;
  listDrafts(projectId: string): Promise<Draft[]>;
  updateDraft(projectId: string, id: string, fields: DraftFields, at: number): Promise<Draft | undefined>;
  deleteDraft(projectId: string, id: string): Promise<boolean>;
  markSent(projectId: string, id: string, at: number): Promise<void>;
}
