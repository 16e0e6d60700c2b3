import { api, call } from '@/api/client';
import type { LearningCategory } from '@/api/types';
import { useLoad } from '@/composables/useLoad';

/** The categories of this host's library (not paginated), for filters and forms. */
export function useCategories() {
  return useLoad(async () => (await call(api.GET('/api/v1/learning/categories'))) as LearningCategory[], []);
}

export type Categories = ReturnType<typeof useCategories>;
