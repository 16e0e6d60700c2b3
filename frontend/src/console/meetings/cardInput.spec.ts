import { describe, expect, it } from 'vitest';

import {
  CARD_REPEAT_MS,
  createCardQueue,
  isCardNumber,
  normalizeCardNumber,
  splitReaderText,
  type CardOutcome,
} from './cardInput';

describe('normalizeCardNumber / isCardNumber', () => {
  it('drops spaces, keeps the dashes the roster keeps, upper-cases letters', () => {
    expect(normalizeCardNumber(' 0012 3456 78 ')).toBe('0012345678');
    expect(normalizeCardNumber('e100-0001')).toBe('E100-0001');
  });

  it('accepts 4 to 32 letters, digits or dashes only', () => {
    expect(isCardNumber('0012345678')).toBe(true);
    expect(isCardNumber('E2E-0B5BB')).toBe(true);
    expect(isCardNumber('ab:12.cd')).toBe(false);
    expect(isCardNumber('123')).toBe(false);
    expect(isCardNumber('12#45')).toBe(false);
    expect(isCardNumber('1'.repeat(33))).toBe(false);
  });
});

describe('splitReaderText', () => {
  it('splits pasted reader output on line breaks and keeps the unfinished rest', () => {
    expect(splitReaderText('111111\r\n222222\n33')).toEqual({ cards: ['111111', '222222'], rest: '33' });
    expect(splitReaderText('4444')).toEqual({ cards: [], rest: '4444' });
    expect(splitReaderText('\n\n5555\n')).toEqual({ cards: ['5555'], rest: '' });
  });
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createCardQueue', () => {
  it('submits cards one at a time, in the order read, and reports each outcome', async () => {
    const calls: string[] = [];
    const waits = new Map<string, ReturnType<typeof deferred<string>>>();
    const outcomes: CardOutcome<string>[] = [];
    let clock = 0;
    const queue = createCardQueue<string>({
      submit: (card) => {
        calls.push(card);
        const d = deferred<string>();
        waits.set(card, d);
        return d.promise;
      },
      onOutcome: (o) => outcomes.push(o),
      now: () => clock,
    });
    const first = queue.push('1111 2222');
    clock += 100;
    const second = queue.push('33334444');
    expect(calls).toEqual(['11112222']); // the second waits for the first
    expect(queue.pending).toBe(2);
    waits.get('11112222')!.resolve('张三');
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual(['11112222', '33334444']);
    waits.get('33334444')!.reject(new Error('unknown card'));
    await Promise.all([first, second]);
    expect(outcomes.map((o) => [o.kind, o.card])).toEqual([
      ['ok', '11112222'],
      ['refused', '33334444'],
    ]);
    expect(queue.pending).toBe(0);
  });

  it('ignores a double read of the same card but takes it again after a while', async () => {
    let clock = 0;
    const submitted: string[] = [];
    const outcomes: string[] = [];
    const queue = createCardQueue<string>({
      submit: async (card) => {
        submitted.push(card);
        return card;
      },
      onOutcome: (o) => outcomes.push(o.kind),
      now: () => clock,
    });
    await queue.push('55556666');
    clock += 500;
    await queue.push('55556666');
    clock += CARD_REPEAT_MS + 1;
    await queue.push('55556666');
    expect(submitted).toEqual(['55556666', '55556666']);
    expect(outcomes).toEqual(['ok', 'repeat', 'ok']);
  });

  it('says an entry is not a card number without asking the server; blank Enters do nothing', async () => {
    const submitted: string[] = [];
    const outcomes: CardOutcome<string>[] = [];
    const queue = createCardQueue<string>({
      submit: async (card) => {
        submitted.push(card);
        return card;
      },
      onOutcome: (o) => outcomes.push(o),
    });
    await queue.push('12');
    await queue.push('   ');
    expect(submitted).toEqual([]);
    expect(outcomes).toEqual([{ kind: 'invalid', card: '12' }]);
  });
});
