import { ref, shallowRef, type Ref } from 'vue';

import { messageOf } from '@/api/errors';
import type { Page } from '@/api/types';

export interface PageParams {
  page: number;
  page_size: number;
}

/** A paginated API list for a table: rows, total, loading and the error message to show. */
export function usePagedList<T>(fetchPage: (params: PageParams) => Promise<Page<T>>, pageSize = 20) {
  const rows = shallowRef<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const size = ref(pageSize);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let latest = 0;

  /** Load `target` (default: the current page); a late answer to an older request is dropped. */
  async function load(target = page.value): Promise<void> {
    const ticket = ++latest;
    loading.value = true;
    error.value = null;
    try {
      const result = await fetchPage({ page: target, page_size: size.value });
      if (ticket !== latest) return;
      rows.value = result.results;
      total.value = result.count;
      page.value = target;
    } catch (failure) {
      if (ticket !== latest) return;
      error.value = messageOf(failure);
    } finally {
      if (ticket === latest) loading.value = false;
    }
  }

  /** A new page size starts again at page 1. */
  function resize(pageSize: number): Promise<void> {
    size.value = pageSize;
    return load(1);
  }

  return { rows, total, page, size, loading, error, load, reload: () => load(1), resize };
}

export type PagedList<T> = ReturnType<typeof usePagedList<T>>;
