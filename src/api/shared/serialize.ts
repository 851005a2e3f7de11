/** Field-style helpers shared by the families' serializers. */
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : iso(ms));

/** The capture transport took the message (reason "captured" on its `sent` transition): stored, not delivered. */
export const wasCaptured = (transitions: readonly { status: string; reason: string | null }[]): boolean =>
  transitions.some((t) => t.status === 'sent' && t.reason === 'captured');
