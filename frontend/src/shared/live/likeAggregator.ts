/**
 * Likes from taps: a member may tap the heart many times a second; the socket gets at most one
 * `like` per `intervalMs` carrying the taps since the last one (at most `maxPerSend`, the
 * server's limit; the rest follow in the next sends). The first tap after a quiet second goes
 * out at once, so a single tap shows up for everyone without waiting.
 */
export interface LikeAggregatorOptions {
  send: (count: number) => void;
  intervalMs?: number;
  maxPerSend?: number;
  now?: () => number;
}

export interface LikeAggregator {
  tap: (count?: number) => void;
  /** Taps not sent yet. */
  pending: () => number;
  /** Send what is pending now (e.g. when leaving the page) and stop the timer. */
  flush: () => void;
  dispose: () => void;
}

export const LIKE_INTERVAL_MS = 1000;
export const LIKE_MAX_PER_SEND = 50;

export function createLikeAggregator(options: LikeAggregatorOptions): LikeAggregator {
  const { send } = options;
  const intervalMs = options.intervalMs ?? LIKE_INTERVAL_MS;
  const maxPerSend = options.maxPerSend ?? LIKE_MAX_PER_SEND;
  const now = options.now ?? (() => Date.now());
  let waiting = 0;
  let lastSent = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  function sendSome(): void {
    const count = Math.min(waiting, maxPerSend);
    if (count <= 0) return;
    waiting -= count;
    lastSent = now();
    send(count);
  }

  function schedule(): void {
    if (timer !== null || waiting <= 0 || disposed) return;
    const wait = Math.max(0, lastSent + intervalMs - now());
    timer = setTimeout(() => {
      timer = null;
      sendSome();
      schedule();
    }, wait);
  }

  function tap(count = 1): void {
    if (disposed || count <= 0) return;
    waiting += Math.floor(count);
    if (timer === null && now() - lastSent >= intervalMs) sendSome();
    schedule();
  }

  function stopTimer(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function flush(): void {
    stopTimer();
    while (waiting > 0) sendSome();
  }

  return {
    tap,
    pending: () => waiting,
    flush,
    dispose(): void {
      flush();
      disposed = true;
    },
  };
}
