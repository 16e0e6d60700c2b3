import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';

import { ApiError } from '@/api/errors';

import { freshApp } from '../../../tests/unit/helpers';

import { useRowActions } from './useRowActions';

function withActions() {
  const list = { load: vi.fn(async () => undefined) };
  let actions!: ReturnType<typeof useRowActions>;
  const Host = defineComponent({
    setup() {
      actions = useRowActions(list);
      return () => h('div');
    },
  });
  const { plugins } = freshApp();
  mount(Host, { global: { plugins: plugins as never[] }, attachTo: document.body });
  return { list, actions: () => actions };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('the library panels’ row actions', () => {
  it('reloads the list after a change and shows the refusal instead when the server says no', async () => {
    const { list, actions } = withActions();
    expect(await actions().change(async () => ({}), '已发布')).toBe(true);
    expect(list.load).toHaveBeenCalledTimes(1);
    const refused = new ApiError(409, { code: 'learning.quiz_closed', message: '测试已结束', field: null });
    expect(await actions().change(() => Promise.reject(refused))).toBe(false);
    expect(list.load).toHaveBeenCalledTimes(1);
    expect(document.body.textContent).toContain('测试已结束');
  });

  it('deletes only after the user confirms the named row', async () => {
    const { list, actions } = withActions();
    const request = vi.fn(async () => undefined);
    const pending = actions().remove('党章知识测试', request);
    await vi.advanceTimersByTimeAsync(50);
    expect(document.querySelector('.el-message-box__message')?.textContent).toContain('党章知识测试');
    (document.querySelector('.el-message-box__btns .el-button--primary') as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(50);
    await flushPromises();
    expect(await pending).toBe(true);
    expect(request).toHaveBeenCalledOnce();
    expect(list.load).toHaveBeenCalledOnce();
  });
});
