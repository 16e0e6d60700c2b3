import { computed, onMounted, watch } from 'vue';
import { useRoute } from 'vue-router';

import { getDashboard, listDrillOrganizations } from '@/api/rollups';
import { useLoad } from '@/composables/useLoad';

import { periodOf } from './figures';
import type { Dashboard, OrganizationRow } from './types';

/**
 * What the drill-down pages share: the tenant and period from the route, the tenant's name
 * (from the dashboard, cached on the server) and its organizations (own and subtree figures).
 */
export function useDrillContext() {
  const route = useRoute();
  const tenantId = computed(() => Number(route.params.tenantId));
  const period = computed(() => {
    const value = route.query.period;
    return typeof value === 'string' && /^\d{4}-\d{2}$/.test(value) ? value : periodOf(new Date());
  });

  const board = useLoad<Dashboard | null>(() => getDashboard({ period: period.value }), null);
  const organizations = useLoad<OrganizationRow[]>(
    () => listDrillOrganizations(tenantId.value, { period: period.value }),
    [],
  );
  const tenantName = computed(() => {
    const row = board.data.value?.tenants.find((tenant) => tenant.id === tenantId.value);
    return row?.name ?? '';
  });

  function load(): void {
    void board.load();
    void organizations.load();
  }
  onMounted(load);
  watch([tenantId, period], load);

  return { tenantId, period, tenantName, board, organizations, reload: load };
}
