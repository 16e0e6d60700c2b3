/**
 * The review form's state: one value and comment per indicator (starting from the reviewer's
 * earlier scores, else from the unit's self-assessment), the live scores and their total.
 */
import { bookScore, indicatorScore, type IndicatorValue } from './scoring';
import type { BookIndicator, IndicatorReview } from './types';

export function initialReviews(indicators: readonly BookIndicator[]): Record<number, IndicatorReview> {
  return Object.fromEntries(
    indicators.map((indicator) => [
      indicator.id,
      {
        id: indicator.id,
        value: copy(indicator.review_value ?? indicator.self_value ?? null),
        comment: indicator.review_comment ?? '',
      },
    ]),
  );
}

function copy(value: IndicatorValue | null): IndicatorValue | null {
  return value ? ({ ...value } as IndicatorValue) : null;
}

export function reviewScore(indicator: BookIndicator, review: IndicatorReview | undefined): string {
  return indicatorScore(indicator, review?.value ?? null);
}

export function reviewTotal(indicators: readonly BookIndicator[], reviews: Record<number, IndicatorReview>): string {
  return bookScore(indicators.map((indicator) => ({ rule: indicator, value: reviews[indicator.id]?.value ?? null })));
}

/** The indicators still without a value that fits their rule (the reviewer must assess every one). */
export function unassessed(indicators: readonly BookIndicator[], reviews: Record<number, IndicatorReview>): number[] {
  return indicators
    .filter((indicator) => {
      const value = reviews[indicator.id]?.value;
      return !value || indicatorScore(indicator, value) === '';
    })
    .map((indicator) => indicator.id);
}

/** The body of a review: every indicator's value and comment, in the book's order. */
export function reviewBody(
  indicators: readonly BookIndicator[],
  reviews: Record<number, IndicatorReview>,
  comment: string,
): { indicators: { id: number; value: IndicatorValue | null; comment: string }[]; comment: string } {
  return {
    indicators: indicators.map((indicator) => ({
      id: indicator.id,
      value: reviews[indicator.id]?.value ?? null,
      comment: (reviews[indicator.id]?.comment ?? '').trim(),
    })),
    comment: comment.trim(),
  };
}
