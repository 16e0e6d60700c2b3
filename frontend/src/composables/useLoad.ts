import { ref, shallowRef, type Ref } from 'vue';

import { messageOf } from '@/api/errors';

/**
 * One thing loaded from the API (not a paged list): `data`, `loading`, the `error` message
 * to show with a retry, and `load()`. A late answer to an older request is dropped.
 */
export function useLoad<T>(fetch: () => Promise<T>, initial: T) {
  const data = shallowRef(initial) as Ref<T>;
  const loading = ref(false);
  const error = ref<string | null>(null);
  let latest = 0;

  async function load(): Promise<void> {
    const ticket = ++latest;
    loading.value = true;
    error.value = null;
    try {
      const result = await fetch();
      if (ticket === latest) data.value = result;
    } catch (failure) {
      if (ticket === latest) error.value = messageOf(failure);
    } finally {
      if (ticket === latest) loading.value = false;
    }
  }

  return { data, loading, error, load };
}
