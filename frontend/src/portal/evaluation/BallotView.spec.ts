import { flushPromises, mount } from '@vue/test-utils';
import type * as Vant from 'vant';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import BallotView from './BallotView.vue';

// Vant's style entries are plain CSS, which Node cannot import; the confirmation before casting: accepted.
vi.mock('vant/es/dialog/style', () => ({}));
vi.mock('vant', async (original) => ({
  ...(await original<typeof Vant>()),
  showConfirmDialog: vi.fn(() => Promise.resolve('confirm')),
}));

const BALLOT = {
  title: '2026年度民主评议党员',
  year: 2026,
  branch: '综合办公室党支部',
  people: [
    { id: 11, name: '郑书记' },
    { id: 12, name: '冯晓明' },
  ],
};
const USED = { code: 'evaluation.already_voted', message: '此测评码已使用。', field: 'code' };

beforeEach(() => history.replaceState(null, '', '/ballot'));
const mounted: { unmount: () => void }[] = [];
afterEach(() => {
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  vi.unstubAllGlobals();
});

async function open(hash: string, answer: (call: FakeCall) => [number, unknown]) {
  history.replaceState(null, '', `/ballot${hash}`);
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const wrapper = mount(BallotView, { global: { plugins: plugins as never[] } });
  mounted.push(wrapper);
  await flushPromises();
  return { wrapper, calls };
}

const step = (wrapper: Awaited<ReturnType<typeof open>>['wrapper']) =>
  wrapper.find('[data-test="ballot"]').attributes('data-step');

async function rate(wrapper: Awaited<ReturnType<typeof open>>['wrapper'], grades: string[]) {
  const people = wrapper.findAll('[data-test="ballot-person"]');
  for (const [index, grade] of grades.entries())
    await people[index]!.find(`button[data-grade="${grade}"]`).trigger('click');
}

describe('the masses’ ballot', () => {
  it('reads the code from the fragment, POSTs it, and drops it from the address', async () => {
    const { wrapper, calls } = await open('#k7qx-m2pa', () => [200, BALLOT]);
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ['POST', '/api/v1/assessment/ballot/open', { code: 'K7QXM2PA' }],
    ]);
    expect(calls[0]!.url).not.toContain('K7QX');
    expect(window.location.hash).toBe('');
    expect(step(wrapper)).toBe('ballot');
    expect(wrapper.find('[data-test="ballot-title"]').text()).toBe('2026年度民主评议党员');
    expect(wrapper.findAll('[data-test="ballot-person"]').map((p) => p.attributes('data-name'))).toEqual([
      '郑书记',
      '冯晓明',
    ]);
  });

  it('rates everyone (the branch optional), casts once and thanks', async () => {
    const { wrapper, calls } = await open('#K7QXM2PA', ({ url }) =>
      url.endsWith('/open') ? [200, BALLOT] : [200, { voted: true }],
    );
    await rate(wrapper, ['excellent']);
    await wrapper.find('[data-test="ballot-submit"]').trigger('click');
    await flushPromises();
    // One person is not rated yet: nothing is sent.
    expect(wrapper.find('[data-test="ballot-missing"]').text()).toBe('还有 1 名党员未评价');
    expect(calls).toHaveLength(1);

    await rate(wrapper, ['excellent', 'qualified']);
    await wrapper.find('[data-test="ballot-branch"] button[data-grade="qualified"]').trigger('click');
    await wrapper.find('[data-test="ballot-submit"]').trigger('click');
    await flushPromises();
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ['POST', '/api/v1/assessment/ballot/open', { code: 'K7QXM2PA' }],
      [
        'POST',
        '/api/v1/assessment/ballot/vote',
        {
          code: 'K7QXM2PA',
          branch_grade: 'qualified',
          ratings: [
            { participant: 11, grade: 'excellent' },
            { participant: 12, grade: 'qualified' },
          ],
        },
      ],
    ]);
    expect(step(wrapper)).toBe('done');
    expect(wrapper.find('[data-test="ballot-end-title"]').text()).toBe('测评已提交');
  });

  it('says 此测评码已使用 for a code that has voted', async () => {
    const { wrapper } = await open('#K7QXM2PA', () => [409, USED]);
    expect(step(wrapper)).toBe('used');
    expect(wrapper.find('[data-test="ballot-end-title"]').text()).toBe('此测评码已使用');
  });

  it('opens the link again in the same tab (only the fragment changes) and says the code was used', async () => {
    let voted = false;
    const { wrapper, calls } = await open('#K7QXM2PA', ({ url }) => {
      if (url.endsWith('/vote')) {
        voted = true;
        return [200, { voted: true }];
      }
      return voted ? [409, USED] : [200, BALLOT];
    });
    await rate(wrapper, ['qualified', 'qualified']);
    await wrapper.find('[data-test="ballot-submit"]').trigger('click');
    await flushPromises();
    expect(step(wrapper)).toBe('done');
    history.replaceState(null, '', '/ballot#K7QXM2PA');
    window.dispatchEvent(new Event('hashchange'));
    await flushPromises();
    expect(calls.map((call) => call.url)).toEqual([
      '/api/v1/assessment/ballot/open',
      '/api/v1/assessment/ballot/vote',
      '/api/v1/assessment/ballot/open',
    ]);
    expect(window.location.hash).toBe('');
    expect(step(wrapper)).toBe('used');
  });

  it('says so too when the code was spent meanwhile (a second phone)', async () => {
    const { wrapper } = await open('#K7QXM2PA', ({ url }) => (url.endsWith('/open') ? [200, BALLOT] : [409, USED]));
    await rate(wrapper, ['qualified', 'qualified']);
    await wrapper.find('[data-test="ballot-submit"]').trigger('click');
    await flushPromises();
    expect(step(wrapper)).toBe('used');
  });

  it('asks for a code without one, and refuses what cannot be a code before asking the server', async () => {
    const { wrapper, calls } = await open('', () => [
      400,
      { code: 'evaluation.code_invalid', message: '测评码无效，或测评未开放。', field: 'code' },
    ]);
    expect(step(wrapper)).toBe('code');
    await wrapper.find('[data-test="ballot-code"] input').setValue('abc');
    await wrapper.find('[data-test="ballot-start"]').trigger('click');
    await flushPromises();
    expect(calls).toEqual([]);
    expect(wrapper.text()).toContain('测评码应为 6 位以上的字母或数字');

    await wrapper.find('[data-test="ballot-code"] input').setValue('zzzz 9999');
    await wrapper.find('[data-test="ballot-start"]').trigger('click');
    await flushPromises();
    expect(calls.map((call) => call.body)).toEqual([{ code: 'ZZZZ9999' }]);
    expect(step(wrapper)).toBe('code');
    expect(wrapper.text()).toContain('测评码无效，或测评未开放。');
  });
});
