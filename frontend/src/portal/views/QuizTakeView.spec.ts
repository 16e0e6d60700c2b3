import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import type { AttemptQuestion, QuizAttempt } from '@/api/types';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import QuizTakeView from './QuizTakeView.vue';

// Vant's style entries are plain CSS, which Node cannot import.
vi.mock('vant/es/dialog/style', () => ({}));
vi.mock('vant/es/toast/style', () => ({}));

const QUIZ = {
  id: 3,
  title: '党章知识测试',
  bank: 1,
  status: 'published',
  question_count: 2,
  time_limit_minutes: 10,
  pass_percent: 60,
  max_attempts: 2,
  my_attempts: 0,
  created_at: '2026-05-01T00:00:00Z',
};
const QUESTIONS: AttemptQuestion[] = [
  { id: 21, kind: 'single', stem: '党的最高理想是什么？', options: ['实现共产主义', '发展经济'], given: null },
  { id: 22, kind: 'true_false', stem: '党员应当按期缴纳党费。', options: ['正确', '错误'], given: null },
];
const attempt = (changes: Partial<QuizAttempt> = {}): QuizAttempt => ({
  id: 11,
  quiz: 3,
  quiz_title: QUIZ.title,
  started_at: '2026-05-01T08:00:00Z',
  deadline_at: '2026-05-01T08:10:00Z',
  seconds_left: 600,
  submitted_at: null,
  score: null,
  max_score: '20.00',
  passed: null,
  questions: QUESTIONS,
  ...changes,
});
const HANDED_IN = attempt({
  submitted_at: '2026-05-01T08:05:00Z',
  seconds_left: 0,
  score: '10.00',
  passed: false,
  questions: [
    { ...QUESTIONS[0]!, given: [0], answer: [0], correct: true, explanation: '党章总纲。' },
    { ...QUESTIONS[1]!, given: [1], answer: [0], correct: false, explanation: '党章第四条。' },
  ],
});

async function mountQuiz(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const stub = { template: '<p />' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/learning/quizzes', name: 'learning-quizzes', component: stub },
      { path: '/learning/quizzes/:id', name: 'learning-quiz', component: QuizTakeView },
      { path: '/learning/attempts/:attempt', name: 'learning-attempt', component: QuizTakeView },
    ],
  });
  await router.push('/learning/quizzes/3');
  const { plugins } = freshApp();
  const wrapper = mount(
    { template: '<router-view />' },
    { global: { plugins: [...(plugins as never[]), router] }, attachTo: document.body },
  );
  await flushPromises();
  return { wrapper, calls, router };
}

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('taking a quiz on the phone', () => {
  it('starts, saves every answer at once, hands in and shows the explanations', async () => {
    const { wrapper, calls, router } = await mountQuiz((call) => {
      if (call.url === '/api/v1/learning/quizzes/3') return [200, QUIZ];
      if (call.url === '/api/v1/learning/quizzes/3/start') return [201, attempt()];
      if (call.method === 'PATCH') return [200, attempt()];
      if (call.url === '/api/v1/learning/attempts/11/submit') return [200, HANDED_IN];
      return [404, {}];
    });
    expect(wrapper.find('[data-test="quiz-intro"]').text()).toContain('党章知识测试');
    await wrapper.find('[data-test="quiz-start"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/learning/attempts/11');
    expect(wrapper.find('[data-test="quiz-clock"]').text()).toContain('10:00');

    const questions = wrapper.findAll('[data-test="quiz-question"]');
    await questions[0]!.findAll('.van-radio')[0]!.trigger('click');
    await flushPromises();
    await questions[1]!.findAll('.van-radio')[1]!.trigger('click');
    await flushPromises();
    const saves = calls.filter((call) => call.method === 'PATCH');
    expect(saves.map((call) => call.url)).toEqual(['/api/v1/learning/attempts/11', '/api/v1/learning/attempts/11']);
    expect(saves.at(-1)?.body).toEqual({ answers: { '21': [0], '22': [1] } });
    expect(wrapper.find('[data-test="quiz-save"]').text()).toBe('已自动保存');

    await wrapper.find('[data-test="quiz-submit"]').trigger('click');
    await flushPromises();
    (document.querySelector('.van-dialog__confirm') as HTMLButtonElement).click();
    await flushPromises();
    const submitted = calls.find((call) => call.url === '/api/v1/learning/attempts/11/submit');
    expect(submitted?.body).toEqual({ answers: { '21': [0], '22': [1] } });

    expect(wrapper.find('[data-test="quiz-score"]').text()).toContain('10.00');
    expect(wrapper.find('[data-test="quiz-score"]').text()).toContain('不及格');
    const explained = wrapper.findAll('[data-test="quiz-explanation"]').map((found) => found.text());
    expect(explained[0]).toContain('回答正确');
    expect(explained[1]).toContain('正确答案：A. 正确');
    expect(explained[1]).toContain('你的答案：B. 错误');
    expect(explained[1]).toContain('党章第四条。');
    expect(wrapper.find('[data-test="quiz-clock"]').exists()).toBe(false);
  });

  it("hands in by itself when time is up, and shows the server's refusal to start", async () => {
    const { wrapper, calls } = await mountQuiz((call) => {
      if (call.url === '/api/v1/learning/quizzes/3') return [200, QUIZ];
      if (call.url === '/api/v1/learning/quizzes/3/start') return [201, attempt({ seconds_left: 3 })];
      if (call.url === '/api/v1/learning/attempts/11/submit') return [200, HANDED_IN];
      return [404, {}];
    });
    await wrapper.find('[data-test="quiz-start"]').trigger('click');
    await flushPromises();
    await vi.advanceTimersByTimeAsync(3500);
    await flushPromises();
    expect(calls.some((call) => call.url === '/api/v1/learning/attempts/11/submit')).toBe(true);
    expect(wrapper.find('[data-test="quiz-score"]').exists()).toBe(true);
  });
});
