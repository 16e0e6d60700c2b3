import { describe, expect, it, vi } from 'vitest';

import { usePaged } from './usePaged';

const page = (results: number[], next: string | null) => ({ count: 3, next, previous: null, results });

describe('usePaged', () => {
  it('appends pages until there is no next one', async () => {
    const fetchPage = vi
      .fn()
      .mockResolvedValueOnce(page([1, 2], '?page=2'))
      .mockResolvedValueOnce(page([3], null));
    const list = usePaged(fetchPage);
    await list.reload();
    expect(list.finished.value).toBe(false);
    await list.loadMore();
    expect(list.rows.value).toEqual([1, 2, 3]);
    expect(list.finished.value).toBe(true);
    expect(fetchPage.mock.calls.map((call) => call[0])).toEqual([1, 2]);
  });

  it('keeps the error and lets a later try go on from the same page', async () => {
    const fetchPage = vi
      .fn()
      .mockRejectedValueOnce(new Error('boom'))
      .mockResolvedValueOnce(page([1], null));
    const list = usePaged(fetchPage);
    await list.reload();
    expect(list.error.value).not.toBe('');
    await list.loadMore();
    expect(list.rows.value).toEqual([1]);
    expect(fetchPage.mock.calls.map((call) => call[0])).toEqual([1, 1]);
  });
});
