import { getCurrentScope, onScopeDispose, ref } from 'vue';

/**
 * Run `tick` every `intervalMs` while started: the next run is scheduled only after the
 * previous one settled (no pile-up on a slow server). Stops by itself when the component goes.
 */
export function usePolling(tick: () => Promise<unknown>, intervalMs = 2000) {
  const running = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;

  function schedule(): void {
    timer = setTimeout(async () => {
      timer = null;
      if (!running.value) return;
      try {
        await tick();
      } catch (error) {
        console.warn('polling failed', error);
      }
      if (running.value) schedule();
    }, intervalMs);
  }

  function start(): void {
    if (running.value) return;
    running.value = true;
    schedule();
  }

  function stop(): void {
    running.value = false;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  if (getCurrentScope()) onScopeDispose(stop);
  return { running, start, stop };
}
