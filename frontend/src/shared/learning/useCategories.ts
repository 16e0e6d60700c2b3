import { listCategories } from '@/api/learning';
import type { LearningCategory } from '@/api/types';
import { useLoad } from '@/composables/useLoad';

/** The categories of this host's library (not paginated), for filters and forms. */
export function useCategories() {
  return useLoad(listCategories, [] as LearningCategory[]);
}

export type Categories = ReturnType<typeof useCategories>;
