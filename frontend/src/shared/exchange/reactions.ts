/**
 * Likes and favourites change on screen at once (optimistic) and go back if the server refuses;
 * the server's answer, when it comes, is the truth (its counts include everyone else's taps).
 */
import type { ReactionKind, ReactionState } from '@/api/exchange';

export interface Counts {
  liked: boolean;
  favourited: boolean;
  like_count: number;
  favourite_count: number;
}

/** The counts as they look right after tapping `kind` (on when it was off, off when it was on). */
export function toggled(state: Counts, kind: ReactionKind): Counts {
  if (kind === 'like') {
    const liked = !state.liked;
    return { ...state, liked, like_count: Math.max(0, state.like_count + (liked ? 1 : -1)) };
  }
  const favourited = !state.favourited;
  return { ...state, favourited, favourite_count: Math.max(0, state.favourite_count + (favourited ? 1 : -1)) };
}

/**
 * Tap `kind`: `apply` shows the optimistic counts, then the server's; on failure the counts from
 * before the tap come back and the error is rethrown (the caller shows its message).
 */
export async function toggleReaction(
  state: Counts,
  kind: ReactionKind,
  send: (kind: ReactionKind, on: boolean) => Promise<ReactionState>,
  apply: (counts: Counts) => void,
): Promise<void> {
  const next = toggled(state, kind);
  apply(next);
  try {
    const answer = await send(kind, kind === 'like' ? next.liked : next.favourited);
    apply({
      liked: answer.liked,
      favourited: answer.favourited,
      like_count: answer.like_count,
      favourite_count: answer.favourite_count,
    });
  } catch (error) {
    apply(state);
    throw error;
  }
}
