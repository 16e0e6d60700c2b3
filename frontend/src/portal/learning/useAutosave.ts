import { ref } from 'vue';

import { messageOf } from '@/api/errors';

/**
 * Save the latest value after every change, one request at a time: a change made while a save
 * is under way is sent right after it (only the newest value; older ones are superseded).
 * `settle()` waits until everything given so far has been sent.
 */
export function useAutosave<T>(save: (value: T) => Promise<unknown>) {
  const status = ref<'idle' | 'saving' | 'saved' | 'failed'>('idle');
  const error = ref<string | null>(null);
  let pending: { value: T } | null = null;
  let running: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (pending) {
      const { value } = pending;
      pending = null;
      status.value = 'saving';
      try {
        await save(value);
        if (!pending) status.value = 'saved';
        error.value = null;
      } catch (failure) {
        status.value = 'failed';
        error.value = messageOf(failure);
      }
    }
  }

  function queue(value: T): void {
    pending = { value };
    if (!running) running = drain().finally(() => (running = null));
  }

  async function settle(): Promise<void> {
    while (running) await running;
  }

  return { status, error, queue, settle };
}
