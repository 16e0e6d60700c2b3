/**
 * When the QR sign-in screen asks for the next code. A code is valid for its 30-second window
 * and the one after (the server's `expires_at`); the screen refreshes every ~25 s, and always a
 * little before `expires_at`, so that a phone never scans a code that is about to die.
 */

/** The longest the screen keeps one image (the brief's "every ~25 s"). */
export const QR_MAX_DELAY_MS = 25_000;
/** Ask this long before the code expires (a request and a scan take a moment). */
export const QR_LEAD_MS = 3_000;
/** Never ask more often than this (a clock far off, an expiry already past). */
export const QR_MIN_DELAY_MS = 1_000;
/** After a failed request, try again this soon (the old image stays until it expires). */
export const QR_RETRY_DELAY_MS = 3_000;

/**
 * Milliseconds until the next request for a code that expires at `expiresAt` (ISO), seen at
 * `now`: 25 s, or `QR_LEAD_MS` before the expiry when that is sooner; when the code is already
 * within its lead (the server sent one about to expire), right after the expiry so the next
 * request gets the next window's code; never sooner than `QR_MIN_DELAY_MS`.
 */
export function qrRefreshDelay(expiresAt: string, now: number): number {
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires)) return QR_MIN_DELAY_MS;
  const left = expires - now;
  if (left <= 0) return QR_MIN_DELAY_MS;
  const beforeLead = left - QR_LEAD_MS;
  const delay = beforeLead >= QR_MIN_DELAY_MS ? beforeLead : left + 500;
  return Math.max(QR_MIN_DELAY_MS, Math.min(QR_MAX_DELAY_MS, delay));
}

/** Whether the shown code has expired (the screen then greys it out until a new one comes). */
export function qrExpired(expiresAt: string | null | undefined, now: number): boolean {
  if (!expiresAt) return true;
  const expires = Date.parse(expiresAt);
  return Number.isNaN(expires) || expires <= now;
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
