import { computed, getCurrentScope, onScopeDispose, ref } from 'vue';

/**
 * Seconds left until a deadline, ticking every second; `onExpire` runs once at zero. The
 * deadline is taken from the server's `seconds_left` (not its clock, which may differ from ours).
 */
export function useCountdown(onExpire: () => void) {
  const left = ref(0);
  let deadline = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  function stop(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  function update(): void {
    left.value = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (left.value === 0) {
      stop();
      onExpire();
    }
  }

  function start(secondsLeft: number): void {
    stop();
    deadline = Date.now() + Math.max(0, secondsLeft) * 1000;
    left.value = Math.max(0, Math.ceil(secondsLeft));
    if (left.value === 0) {
      onExpire();
      return;
    }
    timer = setInterval(update, 1000);
  }

  if (getCurrentScope()) onScopeDispose(stop);
  /** The last minute: show it in red. */
  const urgent = computed(() => left.value > 0 && left.value <= 60);
  return { left, urgent, start, stop };
}
