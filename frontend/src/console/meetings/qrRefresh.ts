/**
 * When the QR sign-in screen asks for the next code. The server's `expires_at` is the end of the
 * 30-second window the code was issued in, and the code is accepted one window more (the
 * contract: the current and the previous window). The screen asks at least every ~25 s, and
 * right after each window ends, so a new code shows as soon as there is one and the code on the
 * screen always has most of a window's validity left when a phone scans it.
 */

/** The longest the screen waits between two requests (the brief's "every ~25 s"). */
export const QR_MAX_DELAY_MS = 25_000;
/** Ask this long after the window's end (clocks differ a little; the server must be in the new window). */
export const QR_SKEW_MS = 500;
/** Never ask more often than this (a clock far off, an expiry already past). */
export const QR_MIN_DELAY_MS = 1_000;
/** After a failed request, try again this soon (the old image stays while it is still valid). */
export const QR_RETRY_DELAY_MS = 3_000;

/**
 * Milliseconds until the next request for a code whose window ends at `expiresAt` (ISO), seen
 * at `now`: just after the window's end, but no later than 25 s and no sooner than 1 s.
 */
export function qrRefreshDelay(expiresAt: string, now: number): number {
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires)) return QR_MIN_DELAY_MS;
  return Math.max(QR_MIN_DELAY_MS, Math.min(QR_MAX_DELAY_MS, expires - now + QR_SKEW_MS));
}

/**
 * Whether the shown code can no longer be used (the screen greys it out until a new one comes):
 * past its window's end plus the one window more the server accepts it.
 */
export function qrExpired(expiresAt: string | null | undefined, now: number, windowSeconds = 30): boolean {
  if (!expiresAt) return true;
  const expires = Date.parse(expiresAt);
  return Number.isNaN(expires) || expires + windowSeconds * 1000 <= now;
}

export interface QrRotatorOptions<T extends { expires_at: string }> {
  fetch: () => Promise<T>;
  onCode: (code: T) => void;
  onError?: (error: unknown) => void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Fetches a code, shows it, schedules the next request with `qrRefreshDelay`, and again; a
 * failure is reported and retried after `QR_RETRY_DELAY_MS`. `stop()` ends it (the screen left).
 */
export function createQrRotator<T extends { expires_at: string }>(options: QrRotatorOptions<T>) {
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let timer: unknown = null;
  let running = false;

  function schedule(ms: number): void {
    timer = setTimer(() => {
      timer = null;
      void tick();
    }, ms);
  }

  async function tick(): Promise<void> {
    if (!running) return;
    let delay: number;
    try {
      const code = await options.fetch();
      if (!running) return;
      options.onCode(code);
      delay = qrRefreshDelay(code.expires_at, now());
    } catch (error) {
      if (!running) return;
      options.onError?.(error);
      delay = QR_RETRY_DELAY_MS;
    }
    schedule(delay);
  }

  return {
    /** Start (the first code at once). */
    start(): Promise<void> {
      if (running) return Promise.resolve();
      running = true;
      return tick();
    },
    stop(): void {
      running = false;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
    /** Fetch a new code now (e.g. the screen came back from the background). */
    refresh(): Promise<void> {
      if (!running) return Promise.resolve();
      if (timer !== null) clearTimer(timer);
      timer = null;
      return tick();
    },
    get running(): boolean {
      return running;
    },
  };
}
