/**
 * Study time from client heartbeats (the server aggregates them into minutes and points).
 * Time counts only while the media plays / the reader is on the page (`active`), the tab is
 * visible and — for articles (`requireInteraction`) — the user did something (scroll, key,
 * pointer) in the last two minutes. Counting starting sends `start`, then `tick` every
 * `intervalMs`; counting stopping (pause, hidden tab, idle, unmount, leaving the page) sends
 * `stop`. Each mount is one study session with its own random id.
 */
import { computed, getCurrentScope, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';

import { readCookie } from '@/api/client';

export type StudyBeatState = 'start' | 'tick' | 'stop';

export interface StudyBeat {
  state: StudyBeatState;
  session: string;
  /** The media position in seconds (or a reading position), when `position` is given. */
  position?: number;
}

export interface StudyHeartbeatOptions {
  send: (beat: StudyBeat) => Promise<void>;
  /** The video plays, or the article is open. */
  active: Ref<boolean>;
  intervalMs?: number;
  /** Articles: count only while the user interacted in the last `idleMs`. */
  requireInteraction?: boolean;
  idleMs?: number;
  /** The position to report with each beat (e.g. the video's currentTime). */
  position?: () => number | undefined;
  /**
   * Where `navigator.sendBeacon` posts the `stop` when the page goes away (pagehide), as a form
   * with `csrfmiddlewaretoken` since a beacon carries no headers. Without it (or without
   * sendBeacon) that `stop` goes through `send`, which may not make it before the page is gone.
   */
  beaconUrl?: string;
  /** More fields for the beacon's form, which `send` would add itself (e.g. the resource's id). */
  beaconFields?: Record<string, string>;
}

export interface StudyHeartbeat {
  /** This mount's session id. */
  session: string;
  /** Whether study time counts right now. */
  counting: ComputedRef<boolean>;
  /** Stop (sending `stop` if counting) and remove the listeners; done by itself on unmount. */
  dispose: () => void;
}

export const DEFAULT_INTERVAL_MS = 15_000;
export const DEFAULT_IDLE_MS = 120_000;

const INTERACTIONS = ['scroll', 'wheel', 'keydown', 'pointerdown', 'pointermove', 'touchstart'] as const;

export function randomSessionId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const isVisible = () => typeof document === 'undefined' || document.visibilityState === 'visible';

export function useStudyHeartbeat(options: StudyHeartbeatOptions): StudyHeartbeat {
  const { send, active, requireInteraction = false, position, beaconUrl, beaconFields } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const session = randomSessionId();

  const visible = ref(isVisible());
  const pageShown = ref(true);
  // Opening the article counts as an interaction: its first two minutes count.
  const interacted = ref(true);
  let lastInteraction = Date.now();
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let tickTimer: ReturnType<typeof setInterval> | null = null;
  let started = false;

  const counting = computed(
    () => active.value && visible.value && pageShown.value && (!requireInteraction || interacted.value),
  );

  function beat(state: StudyBeatState): StudyBeat {
    const where = position?.();
    return where === undefined || !Number.isFinite(where) ? { state, session } : { state, session, position: where };
  }

  function emit(state: StudyBeatState): void {
    send(beat(state)).catch((error: unknown) => console.warn('study heartbeat failed', error));
  }

  function start(): void {
    if (started) return;
    started = true;
    emit('start');
    tickTimer = setInterval(() => {
      // The visibility event may not have arrived yet (or at all, in some webviews).
      if (!isVisible()) {
        visible.value = false;
        return;
      }
      emit('tick');
    }, intervalMs);
  }

  function stop(viaBeacon = false): void {
    if (!started) return;
    started = false;
    if (tickTimer !== null) clearInterval(tickTimer);
    tickTimer = null;
    if (viaBeacon && sendBeacon(beat('stop'))) return;
    emit('stop');
  }

  function sendBeacon(stopBeat: StudyBeat): boolean {
    if (!beaconUrl || typeof navigator === 'undefined' || typeof navigator.sendBeacon !== 'function') return false;
    const form = new URLSearchParams({ ...beaconFields, state: stopBeat.state, session: stopBeat.session });
    if (stopBeat.position !== undefined) form.set('position', String(stopBeat.position));
    const token = readCookie('csrftoken');
    if (token) form.set('csrfmiddlewaretoken', token);
    try {
      return navigator.sendBeacon(beaconUrl, form);
    } catch {
      return false;
    }
  }

  const stopWatching = watch(
    counting,
    (now) => {
      if (now) start();
      else stop();
    },
    { immediate: true, flush: 'sync' },
  );

  function onVisibility(): void {
    visible.value = isVisible();
  }

  function armIdleTimer(delay: number): void {
    idleTimer = setTimeout(() => {
      const idleFor = Date.now() - lastInteraction;
      if (idleFor >= idleMs) {
        idleTimer = null;
        interacted.value = false;
      } else {
        armIdleTimer(idleMs - idleFor);
      }
    }, delay);
  }

  function onInteraction(): void {
    lastInteraction = Date.now();
    interacted.value = true;
    if (idleTimer === null) armIdleTimer(idleMs);
  }

  function onPageHide(): void {
    // Leaving (or going into the back-forward cache): the stop must leave before the page does.
    if (counting.value) stop(true);
    pageShown.value = false;
  }

  function onPageShow(): void {
    pageShown.value = true;
    visible.value = isVisible();
  }

  const listen = typeof window !== 'undefined';
  if (listen) {
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    if (requireInteraction) {
      for (const name of INTERACTIONS) window.addEventListener(name, onInteraction, { capture: true, passive: true });
      armIdleTimer(idleMs);
    }
  }

  let disposed = false;
  function dispose(): void {
    if (disposed) return;
    disposed = true;
    stopWatching();
    stop();
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
    if (!listen) return;
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('pageshow', onPageShow);
    for (const name of INTERACTIONS) window.removeEventListener(name, onInteraction, { capture: true });
  }

  if (getCurrentScope()) onScopeDispose(dispose);

  return { session, counting, dispose };
}
