/**
 * A list that grows a page at a time (van-list's infinite scroll, or a "more" button): the rows so
 * far, whether the last page came, and the error of the last try. `reload()` starts again (a filter
 * changed, a pull to refresh).
 */
import { ref, shallowRef, type Ref } from 'vue';

import { messageOf } from '@/api/errors';
import type { Page } from '@/api/types';

export interface Paged<T> {
  rows: Ref<T[]>;
  loading: Ref<boolean>;
  finished: Ref<boolean>;
  error: Ref<string>;
  /** Nothing loaded yet (the first page is on its way). */
  first: Ref<boolean>;
  loadMore: () => Promise<void>;
  reload: () => Promise<void>;
}

export function usePaged<T>(fetchPage: (page: number) => Promise<Page<T>>): Paged<T> {
  const rows = shallowRef<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const finished = ref(false);
  const error = ref('');
  const first = ref(true);
  let page = 0;
  let generation = 0;

  async function loadMore(): Promise<void> {
    const mine = generation;
    loading.value = true;
    error.value = '';
    try {
      const answer = await fetchPage(page + 1);
      if (mine !== generation) return; // A reload started meanwhile: this page is stale.
      page += 1;
      rows.value = [...rows.value, ...answer.results];
      finished.value = !answer.next || answer.results.length === 0;
    } catch (failure) {
      if (mine === generation) error.value = messageOf(failure);
    } finally {
      if (mine === generation) {
        loading.value = false;
        first.value = false;
      }
    }
  }

  async function reload(): Promise<void> {
    generation += 1;
    page = 0;
    rows.value = [];
    finished.value = false;
    first.value = true;
    await loadMore();
  }

  return { rows, loading, finished, error, first, loadMore, reload };
}
