/**
 * Writes items as they come, grouped: one write runs at a time, and whatever
 * arrives while it runs goes into the next one. Each item's promise settles
 * when the write that carried it has committed, so grouping never delays an
 * item by more than one write, and never lets the caller go ahead before its
 * own item is on record. Delivery records hand-offs and outcomes with it; SMTP
 * ingest commits the messages received together with it.
 *
 * A write starts on the next turn of the event loop, not at once: better-sqlite3
 * runs a whole transaction without yielding, so a write started inside one SMTP
 * reply's callback would commit that single item before the replies already
 * waiting in the same poll phase could join it (one transaction per message).
 */
export function groupCommit<T, R>(write: (items: T[]) => Promise<R[]>, retryable: (error: unknown) => boolean = () => false): (item: T) => Promise<R> {
  let waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      for (let attempt = 1; ; attempt++) {
        try {
          const results = await write(group.map((g) => g.item));
          group.forEach((g, i) => g.resolve(results[i]!));
        } catch (error) {
          // A transaction the database chose to abort (a deadlock victim) wrote nothing: write the group again.
          if (attempt < 3 && retryable(error)) continue;
          group.forEach((g) => g.reject(error));
        }
        break;
      }
    }
    running = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!running) {
        running = true;
        setImmediate(() => void drain());
      }
    });
}
