import { computed, shallowRef } from 'vue';

import { listOrganizationKinds, listOrganizations } from '@/api/organizations';
import type { Organization, OrganizationKind, OrganizationKindInfo } from '@/api/types';
import { useLoad } from '@/composables/useLoad';

export type OrganizationNode = Organization & { children?: OrganizationNode[] };

/** Days before the term ends from which a re-election (换届) is due soon. */
export const RE_ELECTION_WARNING_DAYS = 90;

/** Whole days from `today` to the date `iso` (negative when it is past). */
export function daysUntil(iso: string | null | undefined, today: Date = new Date()): number | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return null;
  const start = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((Date.UTC(y, m - 1, d) - start) / 86400000);
}

/** The flat list (ordered by tree path) as a tree: roots are rows whose parent is not in the list. */
export function buildTree(rows: Organization[]): OrganizationNode[] {
  const nodes = new Map<number, OrganizationNode>(rows.map((row) => [row.id, { ...row }]));
  const roots: OrganizationNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent != null ? nodes.get(node.parent) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** `id` and every organization below it. */
export function subtreeIds(rows: Organization[], id: number): Set<number> {
  const ids = new Set([id]);
  for (const row of rows) if (row.parent != null && ids.has(row.parent)) ids.add(row.id);
  return ids;
}

/**
 * The tenant's organizations (one page of up to 200, ordered by path: enough for a select and
 * the tree) and which kinds each kind may contain.
 */
export function useOrganizations() {
  const kinds = shallowRef<OrganizationKindInfo[]>([]);
  const {
    data: rows,
    loading,
    error,
    load,
  } = useLoad(async () => {
    const [page, kindList] = await Promise.all([
      listOrganizations({ page_size: 200 }),
      kinds.value.length ? Promise.resolve(null) : listOrganizationKinds(),
    ]);
    if (kindList) kinds.value = kindList;
    return page.results;
  }, [] as Organization[]);

  const active = computed(() => rows.value.filter((row) => row.is_active));
  const tree = computed(() => buildTree(active.value));
  /** Names by id (merged organizations too: the history refers to them). */
  const names = computed(() => new Map(rows.value.map((row) => [row.id, row.name])));
  /** Select options, indented by depth. */
  const options = computed(() =>
    active.value.map((row) => ({ value: row.id, label: row.name, depth: row.depth, kind: row.kind })),
  );
  const childKinds = (kind: OrganizationKind | null): OrganizationKind[] =>
    kind === null ? ['committee'] : (kinds.value.find((k) => k.value === kind)?.children ?? []);

  return { rows, kinds, loading, error, load, active, tree, names, options, childKinds };
}
