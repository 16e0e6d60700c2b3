import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, freshApp, type FakeCall } from '../../../../tests/unit/helpers';

import ReportTrackView from './ReportTrackView.vue';

vi.mock('vant/es/toast/style', () => ({}));

const CODE = 'GNW8EK3R5PN6SZ48';
const TRACKED = {
  number: 'JB-2026-0001',
  kind: 'report',
  status: 'acknowledged',
  received_at: '2026-12-08T03:48:00Z',
  acknowledge_due: '2026-12-29',
  acknowledged_at: '2026-12-08T03:49:00Z',
  close_due: '2027-02-06',
  extended_days: 0,
  closed_at: null,
  fed_back_at: null,
  result: null,
  messages: [{ id: 1, author_kind: 'inspector', body: '请问是哪几个月份？', created_at: '2026-12-08T03:50:00Z' }],
  attachments: [],
};

const mounted: { unmount: () => void }[] = [];
afterEach(() => {
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/report/track');
});

async function open(address: string, answer: (call: FakeCall) => [number, unknown], state: unknown = null) {
  history.replaceState(state, '', address);
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const wrapper = mount(ReportTrackView, {
    global: { plugins: plugins as never[], stubs: { AttachmentUploader: true } },
  });
  mounted.push(wrapper);
  await flushPromises();
  return { wrapper, calls };
}

describe('tracking a report by code', () => {
  it('reads the code from a link’s fragment, POSTs it, and drops it from the address', async () => {
    const { wrapper, calls } = await open(`/report/track#${CODE.slice(0, 4)}-${CODE.slice(4)}`, () => [200, TRACKED]);
    expect(calls.map((call) => [call.method, call.url, call.body])).toEqual([
      ['POST', '/api/v1/supervision/reports/track', { code: CODE }],
    ]);
    expect(window.location.hash).toBe('');
    expect(wrapper.find('[data-test="report-track"]').attributes('data-step')).toBe('report');
    expect(wrapper.find('[data-test="track-number"]').text()).toBe('JB-2026-0001');
    expect(wrapper.find('[data-test="track-message"]').attributes('data-author')).toBe('inspector');
  });

  it('takes the code handed over by the filing page in the history state, not the address', async () => {
    const { calls } = await open('/report/track', () => [200, TRACKED], { code: CODE });
    expect(calls[0]!.body).toEqual({ code: CODE });
    expect(window.location.href).not.toContain(CODE);
  });

  it('refuses what is not a code without asking the server, and shows the server’s one answer for a wrong one', async () => {
    const { wrapper, calls } = await open('/report/track', () => [
      404,
      { code: 'supervision.tracking_unknown', message: '查询码不正确', field: 'code' },
    ]);
    await wrapper.find('[data-test="track-code"] input').setValue('abc');
    await wrapper.find('[data-test="track-open"]').trigger('click');
    await flushPromises();
    expect(calls).toHaveLength(0);
    expect(wrapper.text()).toContain('查询码格式不正确');
    await wrapper.find('[data-test="track-code"] input').setValue(CODE.toLowerCase());
    await wrapper.find('[data-test="track-open"]').trigger('click');
    await flushPromises();
    expect(calls).toHaveLength(1);
    expect(wrapper.text()).toContain('查询码不正确');
  });

  it('sends the reporter’s answer with the code and shows it', async () => {
    const answered = {
      ...TRACKED,
      messages: [
        ...TRACKED.messages,
        { id: 2, author_kind: 'reporter', body: '七月和九月', created_at: '2026-12-08T03:51:00Z' },
      ],
    };
    let tracked = TRACKED;
    const { wrapper, calls } = await open(`/report/track#${CODE}`, ({ url }) => {
      if (url.endsWith('/answer')) {
        tracked = answered;
        return [201, answered.messages[1]];
      }
      return [200, tracked];
    });
    await wrapper.find('[data-test="track-reply"] textarea').setValue('七月和九月');
    await wrapper.find('[data-test="track-send"]').trigger('click');
    await flushPromises();
    expect(calls[1]!.body).toEqual({ code: CODE, body: '七月和九月' });
    expect(wrapper.findAll('[data-test="track-message"]').map((m) => m.attributes('data-author'))).toEqual([
      'inspector',
      'reporter',
    ]);
  });
});
