/**
 * The card sign-in panel's input. A card reader "types" the card number and Enter into the
 * focused input; the host may also type a number. Each Enter submits one card; cards read while
 * the previous one is still being checked wait their turn; the same card read twice within a
 * moment (a double swipe) is submitted once; the input is cleared for the next card.
 */

/** The same card again within this many ms is a double read, not a second sign-in. */
export const CARD_REPEAT_MS = 3_000;

/** A card number as the roster keeps it: no spaces, letters upper case; dashes are part of the
 * number (E100-0001), as the backend's card validation allows. */
export function normalizeCardNumber(raw: string): string {
  return raw.replace(/\s/g, '').toUpperCase();
}

/** Whether `value` looks like a card number at all (letters, digits or dashes, 4–32 of them). */
export function isCardNumber(value: string): boolean {
  return /^[0-9A-Z-]{4,32}$/.test(value);
}

export type CardOutcome<T> =
  | { kind: 'ok'; card: string; result: T }
  | { kind: 'refused'; card: string; error: unknown }
  | { kind: 'invalid'; card: string }
  | { kind: 'repeat'; card: string };

export interface CardQueueOptions<T> {
  submit: (card: string) => Promise<T>;
  onOutcome: (outcome: CardOutcome<T>) => void;
  now?: () => number;
}

/**
 * Takes the raw text of each Enter (`push`), normalizes it and submits the cards one at a time,
 * reporting each outcome in order. `pending` is the number of cards not answered yet.
 */
export function createCardQueue<T>(options: CardQueueOptions<T>) {
  const now = options.now ?? (() => Date.now());
  const queue: string[] = [];
  let busy = false;
  let last: { card: string; at: number } | null = null;

  async function drain(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (queue.length) {
        const card = queue.shift()!;
        try {
          const result = await options.submit(card);
          options.onOutcome({ kind: 'ok', card, result });
        } catch (error) {
          options.onOutcome({ kind: 'refused', card, error });
        }
      }
    } finally {
      busy = false;
    }
  }

  return {
    /** One Enter's text. Resolves when every card queued so far has been answered. */
    push(raw: string): Promise<void> {
      const card = normalizeCardNumber(raw);
      if (!card) return Promise.resolve();
      if (!isCardNumber(card)) {
        options.onOutcome({ kind: 'invalid', card });
        return Promise.resolve();
      }
      const at = now();
      if (last && last.card === card && at - last.at < CARD_REPEAT_MS) {
        last = { card, at };
        options.onOutcome({ kind: 'repeat', card });
        return Promise.resolve();
      }
      last = { card, at };
      queue.push(card);
      return drain();
    },
    get pending(): number {
      return queue.length + (busy ? 1 : 0);
    },
  };
}

/**
 * A reader's text may come in one `input` event with the Enter as a line break (some readers
 * are configured to "paste"): split it into card numbers, keeping any unfinished rest.
 */
export function splitReaderText(text: string): { cards: string[]; rest: string } {
  const parts = text.split(/\r\n|\r|\n/);
  const rest = parts.pop() ?? '';
  return { cards: parts.filter((part) => part.trim() !== ''), rest };
}
