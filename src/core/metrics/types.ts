/**
 * What the operator's metrics read from the database: cluster-wide totals that
 * every process sees alike (so a scrape of any one process tells the whole story).
 */
export interface OutboxCount {
  projectId: string;
  source: string;
  status: string;
  count: number;
}

export interface AttemptCount {
  outcome: string;
  /** The SMTP reply's basic code, or null when there was no reply (connection failures, timeouts). */
  smtpCode: number | null;
  count: number;
}

export interface LatencyBuckets {
  /** Upper bounds in ms, ascending; counts[i] = messages sent within bounds[i] (cumulative). */
  bounds: readonly number[];
  counts: number[];
  /** All sent messages and the sum of their latencies (ms). */
  total: number;
  sumMs: number;
}

export interface MetricsSnapshot {
  outbox: OutboxCount[];
  /** run_at of the oldest message that is due now and not yet claimed; null when none is waiting. */
  oldestDueAt: number | null;
  attempts: AttemptCount[];
  latency: LatencyBuckets;
  webhookDeliveries: { status: string; count: number }[];
  events: { count: number; oldestAt: number | null };
  slots: { relay: string; count: number }[];
}

/** The store port behind the metrics (store/queries/read-metrics.ts). */
export interface MetricsReader {
  read(now: number, latencyBoundsMs: readonly number[]): Promise<MetricsSnapshot>;
}
