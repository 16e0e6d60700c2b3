import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Vant from 'vant';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import VoteView from './VoteView.vue';

// Vant's style entries are plain CSS, which Node cannot import; the confirmation is answered here.
vi.mock('vant/es/toast/style', () => ({}));
vi.mock('vant/es/dialog/style', () => ({}));
const confirmed = vi.hoisted(() => ({ messages: [] as string[] }));
vi.mock('vant', async (original) => ({
  ...(await original<typeof Vant>()),
  showConfirmDialog: vi.fn(async (options: { message: string }) => {
    confirmed.messages.push(options.message);
  }),
}));

afterEach(() => {
  vi.unstubAllGlobals();
  confirmed.messages = [];
});

const VOTE = {
  id: 4,
  title: '推选优秀党务工作者',
  organization: { id: 2, name: '综合管理党支部' },
  max_choices: 1,
  status: 'open',
  opens_at: '2026-07-01T01:00:00Z',
  closes_at: '2026-07-08T10:00:00Z',
  voted: false,
  can_vote: true,
  tally_available: false,
  eligible_count: 2,
  voted_count: 0,
  turnout: 0,
  description: '',
  options: [
    { id: 11, position: 0, text: '张建国' },
    { id: 12, position: 1, text: '李秀英' },
  ],
};

async function open(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const stub = { template: '<p />' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/supervision/votes/:id', component: VoteView, props: (route) => ({ id: Number(route.params.id) }) },
      { path: '/supervision/votes', name: 'votes', component: stub },
    ],
  });
  await router.push('/supervision/votes/4');
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [...(plugins as never[]), router] } });
  await flushPromises();
  return { wrapper, calls };
}

describe('a vote on the phone', () => {
  it('casts the chosen option after a confirmation that says the vote is anonymous and final', async () => {
    const { wrapper, calls } = await open((call) =>
      call.method === 'POST' ? [200, { voted: true, eligible_count: 2, voted_count: 1, turnout: 50 }] : [200, VOTE],
    );
    expect(wrapper.find('[data-test="vote-anonymity"]').text()).toContain('不记录谁投了什么');
    await wrapper.findAll('[data-test="vote-options"] .van-cell')[1]!.trigger('click');
    await wrapper.find('[data-test="vote-submit"]').trigger('click');
    await flushPromises();

    expect(confirmed.messages[0]).toContain('李秀英');
    expect(confirmed.messages[0]).toContain('不能更改');
    const cast = calls.find((call) => call.method === 'POST')!;
    expect(cast.url).toBe('/api/v1/supervision/votes/mine/4/cast');
    expect(cast.body).toEqual({ options: [12] });
    expect(wrapper.find('[data-test="vote-turnout-text"]').text()).toBe('已投 1 / 2');
    expect(wrapper.find('[data-test="vote-done"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="vote-submit"]').exists()).toBe(false);
  });

  it('sends nothing without a choice', async () => {
    const { wrapper, calls } = await open(() => [200, VOTE]);
    await wrapper.find('[data-test="vote-submit"]').trigger('click');
    await flushPromises();
    expect(confirmed.messages).toEqual([]);
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
  });

  it('shows the tally once the vote is closed', async () => {
    const closed = { ...VOTE, status: 'closed', can_vote: false, voted: true, tally_available: true, voted_count: 2 };
    const tally = {
      id: 4,
      title: VOTE.title,
      max_choices: 1,
      closed_at: '2026-07-08T10:00:00Z',
      eligible_count: 2,
      voted_count: 2,
      turnout: 100,
      options: [
        { id: 11, position: 0, text: '张建国', count: 0, percent: 0 },
        { id: 12, position: 1, text: '李秀英', count: 2, percent: 100 },
      ],
    };
    const { wrapper } = await open((call) => [200, call.url.endsWith('/tally') ? tally : closed]);
    const rows = wrapper.findAll('[data-test="vote-tally-row"]').map((row) => row.text());
    expect(rows).toEqual(['张建国0 票', '李秀英2 票']);
  });
});
