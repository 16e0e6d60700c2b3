import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { freshApp } from '../../../tests/unit/helpers';

import ReviewForm, { type ReviewActions, type ReviewedBook } from './ReviewForm.vue';
import type { BookIndicator } from './types';

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const indicator = (id: number, fields: Partial<BookIndicator>): BookIndicator => ({
  id,
  area: '组织建设',
  title: `指标${id}`,
  weight: '50.00',
  scoring: 'binary',
  levels: [],
  target: null,
  self_value: null,
  self_score: null,
  review_value: null,
  review_score: null,
  review_comment: '',
  evidence: [],
  ...fields,
});

const SUBMITTED: ReviewedBook = {
  status: 'submitted',
  review_comment: '',
  self_score: '80.00',
  review_score: null,
  final_score: null,
  indicators: [
    indicator(1, {
      title: '三会一课',
      scoring: 'count',
      target: 12,
      weight: '40.00',
      self_value: { count: 12 },
      self_score: '40.00',
      measured: { value: '0.9167', numerator: 11, denominator: 12 },
      evidence_source: 'meetings_held',
    }),
    indicator(2, {
      title: '主题党日',
      scoring: 'graded',
      weight: '60.00',
      levels: [
        { label: '优秀', fraction: '1.000' },
        { label: '良好', fraction: '0.800' },
        { label: '一般', fraction: '0.600' },
      ],
      self_value: null,
      evidence: [{ id: 5, note: '全年开展 12 次', filename: '', url: null, created_at: '2026-11-01T02:00:00Z' }],
    }),
  ],
};

function setup(book: ReviewedBook, canReview = true) {
  const { plugins } = freshApp();
  const actions = {
    save: vi.fn(async () => ({})),
    returnBook: vi.fn(async () => ({})),
    approve: vi.fn(async () => ({})),
    reopen: vi.fn(async () => ({})),
  } satisfies ReviewActions;
  const wrapper = mount(ReviewForm, {
    props: { book, actions, canReview },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
  return { wrapper, actions };
}

describe('the review form', () => {
  it('starts from the self-assessment, shows the frozen platform figure and scores live', async () => {
    const { wrapper } = setup(SUBMITTED);
    await flushPromises();
    expect(wrapper.find('[data-test="review-score-1"]').text()).toBe('40.00');
    // Not self-assessed: no value yet, scores 0 and approving waits for it.
    expect(wrapper.find('[data-test="review-score-2"]').text()).toBe('0.00');
    expect(wrapper.text()).toContain('91.7%（11 / 12）');
    expect(wrapper.find('[data-test="review-total"]').text()).toContain('40.00');
    expect(wrapper.find('[data-test="review-approve"]').attributes('disabled')).toBeDefined();

    // The count input: 9 of 12 → 30.00.
    const count = wrapper.find('[data-test="review-value-1"] input');
    await count.setValue('9');
    await count.trigger('blur');
    await flushPromises();
    expect(wrapper.find('[data-test="review-score-1"]').text()).toBe('30.00');
    expect(wrapper.find('[data-test="review-total"]').text()).toContain('30.00');
  });

  it('saves every indicator’s value and comment, then approves after the confirmation', async () => {
    vi.useFakeTimers();
    const book: ReviewedBook = {
      ...SUBMITTED,
      indicators: [
        SUBMITTED.indicators[0]!,
        { ...SUBMITTED.indicators[1]!, self_value: { level: 1 }, self_score: '48.00' },
      ],
    };
    const { wrapper, actions } = setup(book);
    await flushPromises();
    expect(wrapper.find('[data-test="review-score-2"]').text()).toBe('48.00');
    await wrapper.find('input[data-test="review-comment-2"]').setValue('材料齐全');
    await wrapper.find('textarea[data-test="review-book-comment"]').setValue('完成较好');
    await wrapper.find('[data-test="review-save"]').trigger('click');
    await flushPromises();
    expect(actions.save).toHaveBeenCalledWith({
      indicators: [
        { id: 1, value: { count: 12 }, comment: '' },
        { id: 2, value: { level: 1 }, comment: '材料齐全' },
      ],
      comment: '完成较好',
    });

    expect(wrapper.find('[data-test="review-approve"]').attributes('disabled')).toBeUndefined();
    await wrapper.find('[data-test="review-approve"]').trigger('click');
    await vi.advanceTimersByTimeAsync(50);
    await flushPromises();
    expect(document.querySelector('.el-message-box__message')?.textContent).toContain('88.00');
    (document.querySelector('.el-message-box__btns .el-button--primary') as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(50);
    await flushPromises();
    expect(actions.save).toHaveBeenCalledTimes(2);
    expect(actions.approve).toHaveBeenCalledOnce();
    expect(wrapper.emitted('changed')).toBeTruthy();
  });

  it('shows an approved book read-only with its final score, and reopening to a reviewer', async () => {
    const approved: ReviewedBook = {
      ...SUBMITTED,
      status: 'approved',
      final_score: '88.00',
      review_score: '88.00',
      indicators: SUBMITTED.indicators.map((row) => ({ ...row, review_value: row.self_value, review_score: '44.00' })),
    };
    const { wrapper } = setup(approved);
    await flushPromises();
    expect(wrapper.find('[data-test="final-score"]').text()).toBe('88.00');
    expect(wrapper.find('[data-test="review-value-1"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="review-save"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="review-reopen"]').exists()).toBe(true);

    const unit = setup(approved, false);
    await flushPromises();
    expect(unit.wrapper.find('[data-test="review-reopen"]').exists()).toBe(false);
  });

  it('keeps a book not yet submitted out of review', async () => {
    const { wrapper } = setup({ ...SUBMITTED, status: 'issued' });
    await flushPromises();
    expect(wrapper.find('[data-test="review-form"]').attributes('data-open')).toBe('false');
    expect(wrapper.find('[data-test="review-approve"]').exists()).toBe(false);
  });
});
