export const suppressionReasons = ['bounced', 'unsubscribed', 'manual'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export interface Suppression {
  projectId: string;
  /** Lower-cased. */
  email: string;
  reason: SuppressionReason;
  detail: string | null;
  createdAt: number;
}

export interface SuppressionStore {
  /** Ordered by email; `after` is the last email of the previous page. */
  list(projectId: string, options: { limit: number; after?: string | undefined }): Promise<Suppression[]>;
  get(projectId: string, email: string): Promise<Suppression | undefined>;
  /** Inserts or replaces the entry for that address. */
  put(entry: Suppression): Promise<void>;
  /** Returns false when there was no entry. */
  remove(projectId: string, email: string): Promise<boolean>;
}
