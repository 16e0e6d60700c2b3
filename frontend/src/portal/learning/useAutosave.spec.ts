import { describe, expect, it } from 'vitest';

import { useAutosave } from './useAutosave';

/** A save the test settles by hand. */
function manualSave() {
  const sent: number[] = [];
  const pending: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const save = (value: number) =>
    new Promise<void>((resolve, reject) => {
      sent.push(value);
      pending.push({ resolve, reject });
    });
  return { sent, pending, save };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('useAutosave', () => {
  it('sends one save at a time and then only the newest value', async () => {
    const { sent, pending, save } = manualSave();
    const autosave = useAutosave(save);
    autosave.queue(1);
    autosave.queue(2);
    autosave.queue(3);
    expect(sent).toEqual([1]);
    expect(autosave.status.value).toBe('saving');

    pending.shift()!.resolve();
    await tick();
    expect(sent).toEqual([1, 3]); // 2 was superseded by 3 before it could leave.
    pending.shift()!.resolve();
    await autosave.settle();
    expect(autosave.status.value).toBe('saved');
  });

  it('says when a save failed, and recovers with the next change', async () => {
    const { sent, pending, save } = manualSave();
    const autosave = useAutosave(save);
    autosave.queue(1);
    pending.shift()!.reject(new Error('offline'));
    await autosave.settle();
    expect(autosave.status.value).toBe('failed');
    expect(autosave.error.value).toBeTruthy();

    autosave.queue(2);
    pending.shift()!.resolve();
    await autosave.settle();
    expect(sent).toEqual([1, 2]);
    expect(autosave.status.value).toBe('saved');
    expect(autosave.error.value).toBeNull();
  });

  it('settles at once when nothing is under way', async () => {
    const autosave = useAutosave(async () => undefined);
    await autosave.settle();
    expect(autosave.status.value).toBe('idle');
  });
});
