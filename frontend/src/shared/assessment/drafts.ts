/**
 * The indicator editors' drafts: made from what the API returned, compared with it on save, so
 * that only what changed is sent (created, changed, removed, and the order).
 */
import type { IndicatorDraft, IndicatorFields } from './types';

let counter = 0;

export function draftOf(indicator: IndicatorFields): IndicatorDraft {
  return {
    key: indicator.id ? `id-${indicator.id}` : `new-${(counter += 1)}`,
    id: indicator.id,
    area: indicator.area ?? '',
    title: indicator.title ?? '',
    description: indicator.description ?? '',
    weight: indicator.weight === undefined || indicator.weight === null ? '' : String(indicator.weight),
    scoring: indicator.scoring ?? 'binary',
    levels: (indicator.levels ?? []).map((level) => ({ label: level.label, fraction: String(level.fraction) })),
    target: indicator.target ?? null,
    evidence_required: indicator.evidence_required ?? '',
    evidence_source: indicator.evidence_source ?? 'manual',
    deadline: indicator.deadline ?? null,
    origin: indicator.origin,
  };
}

export function newDraft(area = ''): IndicatorDraft {
  return draftOf({ area, title: '', weight: '', scoring: 'binary' });
}

/** The body the APIs take for an indicator (levels and target only where the rule uses them). */
export function indicatorBody(draft: IndicatorDraft) {
  return {
    area: draft.area.trim(),
    title: draft.title.trim(),
    description: draft.description,
    weight: draft.weight,
    scoring: draft.scoring,
    levels: draft.scoring === 'graded' ? draft.levels : [],
    target: draft.scoring === 'count' ? draft.target : null,
    evidence_required: draft.evidence_required,
    evidence_source: draft.evidence_source,
    deadline: draft.deadline || null,
  };
}

export type IndicatorBody = ReturnType<typeof indicatorBody>;

export interface DraftChanges {
  created: IndicatorDraft[];
  changed: IndicatorDraft[];
  removed: number[];
  /** The ids in the drafts' order (after creating), when it differs from the original order. */
  reordered: boolean;
}

/** What saving `drafts` over `original` has to do. */
export function changesOf(original: readonly IndicatorFields[], drafts: readonly IndicatorDraft[]): DraftChanges {
  const before = new Map(original.filter((row) => row.id).map((row) => [row.id as number, row]));
  const kept = new Set(drafts.filter((draft) => draft.id).map((draft) => draft.id as number));
  const created = drafts.filter((draft) => !draft.id);
  const changed = drafts.filter((draft) => {
    if (!draft.id) return false;
    const was = before.get(draft.id);
    return !was || JSON.stringify(indicatorBody(draftOf(was))) !== JSON.stringify(indicatorBody(draft));
  });
  const removed = [...before.keys()].filter((id) => !kept.has(id));
  const originalOrder = original.map((row) => row.id).filter((id) => id && kept.has(id));
  const draftOrder = drafts.map((draft) => draft.id).filter(Boolean);
  const reordered = created.length > 0 || JSON.stringify(originalOrder) !== JSON.stringify(draftOrder);
  return { created, changed, removed, reordered };
}

export function hasChanges(changes: DraftChanges): boolean {
  return changes.created.length > 0 || changes.changed.length > 0 || changes.removed.length > 0 || changes.reordered;
}

/** The calls that store an editor's indicators (the group's template or a tenant's draft cascade). */
export interface IndicatorOps {
  /** Create one; answers the container with its indicators (the new one among them). */
  create: (body: IndicatorBody) => Promise<{ indicators: { id: number }[] }>;
  update: (id: number, body: Partial<IndicatorBody>) => Promise<unknown>;
  remove: (id: number) => Promise<unknown>;
  /** Every indicator id in the new order (optional: a cascade keeps its order of creation). */
  reorder?: (ids: number[]) => Promise<unknown>;
}

/** The fields a cascade may adapt on an indicator it received from above. */
const ADAPTABLE = ['weight', 'levels', 'target', 'deadline'] as const;

/**
 * Store `drafts` over `original`: remove, change, create, then reorder (created rows take their
 * place in the drafts' order). `restricted`: for rows from above only the adaptable fields are sent.
 */
export async function saveIndicators(
  original: readonly IndicatorFields[],
  drafts: readonly IndicatorDraft[],
  ops: IndicatorOps,
  restricted: (draft: IndicatorDraft) => boolean = () => false,
): Promise<void> {
  const changes = changesOf(original, drafts);
  for (const id of changes.removed) await ops.remove(id);
  for (const draft of changes.changed) {
    const body = indicatorBody(draft);
    const sent = restricted(draft) ? Object.fromEntries(ADAPTABLE.map((field) => [field, body[field]])) : body;
    await ops.update(draft.id as number, sent);
  }
  const ids = new Map<string, number>();
  for (const draft of changes.created) {
    const known = new Set([...ids.values(), ...drafts.map((row) => row.id).filter(Boolean)]);
    const answer = await ops.create(indicatorBody(draft));
    const fresh = answer.indicators.map((row) => row.id).find((id) => !known.has(id));
    if (fresh !== undefined) ids.set(draft.key, fresh);
  }
  if (changes.reordered && ops.reorder) {
    const order = drafts.map((draft) => draft.id ?? ids.get(draft.key)).filter((id): id is number => !!id);
    await ops.reorder(order);
  }
}
