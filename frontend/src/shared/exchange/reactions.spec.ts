import { describe, expect, it, vi } from 'vitest';

import type { ReactionState } from '@/api/exchange';

import { toggleReaction, toggled, type Counts } from './reactions';

const start: Counts = { liked: false, favourited: true, like_count: 4, favourite_count: 2 };

function answer(counts: Counts): ReactionState {
  return { target_type: 'post', target_id: 1, scope: 'tenant', ...counts };
}

describe('toggled', () => {
  it('likes and unlikes, never below zero', () => {
    expect(toggled(start, 'like')).toMatchObject({ liked: true, like_count: 5 });
    expect(toggled({ ...start, liked: true, like_count: 0 }, 'like')).toMatchObject({ liked: false, like_count: 0 });
  });

  it('unfavourites a favourite', () => {
    expect(toggled(start, 'favourite')).toMatchObject({ favourited: false, favourite_count: 1 });
  });
});

describe('toggleReaction', () => {
  it('shows the optimistic counts, then the server’s', async () => {
    const shown: Counts[] = [];
    const send = vi.fn().mockResolvedValue(answer({ ...start, liked: true, like_count: 9 }));
    await toggleReaction(start, 'like', send, (counts) => shown.push(counts));
    expect(send).toHaveBeenCalledWith('like', true);
    expect(shown.map((counts) => counts.like_count)).toEqual([5, 9]);
  });

  it('rolls back and rethrows when the server refuses', async () => {
    const shown: Counts[] = [];
    const failure = new Error('offline');
    const send = vi.fn().mockRejectedValue(failure);
    await expect(toggleReaction(start, 'favourite', send, (counts) => shown.push(counts))).rejects.toBe(failure);
    expect(send).toHaveBeenCalledWith('favourite', false);
    expect(shown).toEqual([{ ...start, favourited: false, favourite_count: 1 }, start]);
  });
});
