export interface StoredResponse {
  status: number;
  body: unknown;
}

export type ClaimResult =
  | { claimed: true }
  | { claimed: false; requestHash: string; state: 'running' | 'committed' | 'done'; response: StoredResponse | null };

export interface IdempotencyStore {
  /**
   * Takes the key for this request unless a live record holds it; an expired record is replaced, and so
   * is a `running` one created at or before `staleRunningBefore` (its request died), by a compare-and-set
   * on that record so that only one of several retries takes it.
   */
  claim(projectId: string, key: string, requestHash: string, now: number, expiresAt: number, staleRunningBefore: number): Promise<ClaimResult>;
  complete(projectId: string, key: string, response: StoredResponse): Promise<void>;
  /** Frees a key whose request failed, so the client may retry with it; a `committed` key is kept. */
  release(projectId: string, key: string): Promise<void>;
}
