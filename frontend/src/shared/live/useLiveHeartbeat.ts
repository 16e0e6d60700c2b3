/**
 * Attendance heartbeats for a live lesson or its replay: `playing` every `intervalMs` (15 s)
 * while the video plays AND the page is visible, starting when both become true; one `paused`
 * or `hidden` when that stops (so the server closes the stretch at once). The session id is one
 * per browser tab (kept in sessionStorage, so a reload stays the same session); the server
 * counts a person's time once across tabs and devices.
 */
import { computed, getCurrentScope, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';

import type { HeartbeatBody, HeartbeatResult, HeartbeatState, WatchMode } from '@/api/liveWatch';

export const LIVE_HEARTBEAT_MS = 15_000;
const SESSION_KEY = 'pc.live.session';

export interface LiveHeartbeatOptions {
  send: (body: HeartbeatBody) => Promise<HeartbeatResult | void>;
  playing: Ref<boolean>;
  mode: Ref<WatchMode>;
  intervalMs?: number;
}

export interface LiveHeartbeat {
  session: string;
  /** Time counts right now (playing and visible). */
  counting: ComputedRef<boolean>;
  /** The server's last answer. */
  last: Ref<HeartbeatResult | null>;
  dispose: () => void;
}

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** This tab's watching session (a uuid), the same for every lesson page opened in it. */
export function tabSession(): string {
  try {
    const kept = sessionStorage.getItem(SESSION_KEY);
    if (kept) return kept;
    const fresh = randomId();
    sessionStorage.setItem(SESSION_KEY, fresh);
    return fresh;
  } catch {
    return randomId();
  }
}

const isVisible = () => typeof document === 'undefined' || document.visibilityState === 'visible';

export function useLiveHeartbeat(options: LiveHeartbeatOptions): LiveHeartbeat {
  const { send, playing, mode } = options;
  const intervalMs = options.intervalMs ?? LIVE_HEARTBEAT_MS;
  const session = tabSession();
  const visible = ref(isVisible());
  const last = ref<HeartbeatResult | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;

  const counting = computed(() => playing.value && visible.value);

  function beat(state: HeartbeatState): void {
    send({ session, state, mode: mode.value })
      .then((answer) => {
        if (answer) last.value = answer;
      })
      .catch((error: unknown) => console.warn('live heartbeat failed', error));
  }

  function start(): void {
    if (timer !== null) return;
    beat('playing');
    timer = setInterval(() => {
      if (!isVisible()) {
        // The visibilitychange event may come late (or never, in some webviews).
        visible.value = false;
        return;
      }
      beat('playing');
    }, intervalMs);
  }

  function stop(state: HeartbeatState): void {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    beat(state);
  }

  const stopWatching = watch(
    counting,
    (now) => {
      if (now) start();
      else stop(visible.value ? 'paused' : 'hidden');
    },
    { immediate: true, flush: 'sync' },
  );
  // Live → replay happens when the lesson ends: the live stretch closes with a last live beat
  // (the server counts it up to the lesson's end when it arrives within the heartbeat gap), and
  // the replay's playing starts a new stretch.
  const stopMode = watch(
    mode,
    (_now, before) => {
      if (timer === null) return;
      clearInterval(timer);
      timer = null;
      send({ session, state: 'paused', mode: before }).catch((error: unknown) =>
        console.warn('live heartbeat failed', error),
      );
    },
    { flush: 'sync' },
  );
  // A stretch that ended with the mode restarts when playing does (false → true).
  const stopRestart = watch(
    playing,
    (now) => {
      if (now && counting.value && timer === null) start();
    },
    { flush: 'sync' },
  );

  function onVisibility(): void {
    visible.value = isVisible();
  }
  function onPageHide(): void {
    visible.value = false;
  }
  function onPageShow(): void {
    visible.value = isVisible();
  }
  const listen = typeof window !== 'undefined';
  if (listen) {
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
  }

  let disposed = false;
  function dispose(): void {
    if (disposed) return;
    disposed = true;
    stopWatching();
    stopMode();
    stopRestart();
    stop('paused');
    if (!listen) return;
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('pageshow', onPageShow);
  }
  if (getCurrentScope()) onScopeDispose(dispose);

  return { session, counting, last, dispose };
}
