import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';

import DevelopmentView from '@/console/views/DevelopmentView.vue';

import { fakeFetch, freshApp } from './helpers';

const EMPTY_PAGE = { count: 0, next: null, previous: null, results: [] };

describe('the new development application form', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('preselects no gender and asks for one', { timeout: 60000 }, async () => {
    const calls = fakeFetch((call) => {
      if (call.url.startsWith('/api/v1/development/cases/todo')) return [200, { items: [] }];
      if (call.url.startsWith('/api/v1/organizations/kinds')) return [200, { kinds: [] }];
      return [200, EMPTY_PAGE];
    });
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/development', name: 'development', component: DevelopmentView }],
    });
    await router.push('/development');
    const { plugins } = freshApp();
    const wrapper = mount(DevelopmentView, {
      global: { plugins: [...(plugins as never[]), router] },
      attachTo: document.body,
    });
    await flushPromises();
    await wrapper.find('[data-test="case-create"]').trigger('click');
    await flushPromises();
    const gender = document.querySelector('[data-test="case-gender"]')!;
    expect(gender.querySelectorAll('input[type="radio"]')).toHaveLength(2);
    expect(gender.querySelectorAll('input[type="radio"]:checked')).toHaveLength(0);
    (document.querySelector('[data-test="case-save"]') as HTMLButtonElement).click();
    await flushPromises();
    vi.advanceTimersByTime(150); // Element Plus shows a validation message 100 ms after the state changes.
    await nextTick();
    expect(document.querySelector('[data-test="case-dialog"]')!.textContent).toContain('请选择性别');
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(0);
  });
});
