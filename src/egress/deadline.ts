/**
 * An abort signal that fires after `ms`, for one outbound request. A plain timer rather than
 * AbortSignal.any(AbortSignal.timeout()): composed signals can be collected before they fire.
 * `timedOut()` tells the deadline from any other abort; `clear()` once the request has settled.
 */
export function deadline(ms: number) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    timedOut: () => timedOut,
    clear: () => clearTimeout(timer),
  };
}
