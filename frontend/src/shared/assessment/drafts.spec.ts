import { describe, expect, it, vi } from 'vitest';

import { changesOf, draftOf, hasChanges, newDraft, saveIndicators } from './drafts';

const ROWS = [
  { id: 1, area: '政治建设', title: '理论学习', weight: '40.00', scoring: 'binary', levels: [], target: null },
  { id: 2, area: '组织建设', title: '三会一课', weight: '60.00', scoring: 'count', levels: [], target: 12 },
];

describe('changesOf', () => {
  it('finds nothing to do in an untouched copy', () => {
    const drafts = ROWS.map(draftOf);
    expect(hasChanges(changesOf(ROWS, drafts))).toBe(false);
  });

  it('finds created, changed, removed and reordered rows', () => {
    const drafts = ROWS.map(draftOf);
    drafts[0]!.weight = '30';
    const created = { ...newDraft('组织建设'), title: '主题党日', weight: '10' };
    const changes = changesOf(ROWS, [drafts[0]!, created]);
    expect(changes.changed.map((row) => row.id)).toEqual([1]);
    expect(changes.created).toEqual([created]);
    expect(changes.removed).toEqual([2]);
    expect(changesOf(ROWS, [drafts[1]!, drafts[0]!]).reordered).toBe(true);
  });
});

describe('saveIndicators', () => {
  it('removes, updates, creates, then reorders with the new ids in place', async () => {
    const drafts = ROWS.map(draftOf);
    drafts[1]!.weight = '50';
    const created = { ...newDraft('政治建设'), title: '专题研讨', weight: '10' };
    const ops = {
      create: vi.fn(async () => ({ indicators: [{ id: 1 }, { id: 2 }, { id: 7 }] })),
      update: vi.fn(async () => ({})),
      remove: vi.fn(async () => ({})),
      reorder: vi.fn(async () => ({})),
    };
    await saveIndicators(ROWS, [drafts[0]!, created, drafts[1]!], ops);
    expect(ops.remove).not.toHaveBeenCalled();
    expect(ops.update).toHaveBeenCalledWith(2, expect.objectContaining({ weight: '50', target: 12 }));
    expect(ops.create).toHaveBeenCalledWith(expect.objectContaining({ title: '专题研讨', levels: [], target: null }));
    expect(ops.reorder).toHaveBeenCalledWith([1, 7, 2]);
  });

  it('sends only the adaptable fields of an indicator received from above', async () => {
    const drafts = ROWS.map(draftOf);
    drafts[0]!.weight = '45';
    const ops = { create: vi.fn(), update: vi.fn(async () => ({})), remove: vi.fn() };
    await saveIndicators(ROWS, drafts, ops, () => true);
    expect(ops.update).toHaveBeenCalledWith(1, { weight: '45', levels: [], target: null, deadline: null });
  });
});
