import { computed } from 'vue';

import { listKinds, type ActivityKind } from '@/api/meetings';
import { useLoad } from '@/composables/useLoad';

/** The activity kinds (builtin and the tenant's own) for selects; `active` those in use. */
export function useKinds() {
  const { data, loading, error, load } = useLoad(listKinds, [] as ActivityKind[]);
  const active = computed(() => data.value.filter((kind) => kind.is_active));
  const byId = computed(() => new Map(data.value.map((kind) => [kind.id, kind])));
  return { kinds: data, active, byId, loading, error, load };
}
