import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '@/api/errors';
import { i18n, setLocale } from '@/i18n';

import { FakeStore, FakeXHR, fakeApi, type FakeApi } from './testing';
import UploadButton from './UploadButton.vue';

const multipart = { method: 'multipart' as const, post: null, multipart: { part_size: 10, part_count: 3 } };
const video = () =>
  new File(['0123456789', 'abcdefghij', 'KLMNO'], '七一党课.mp4', { type: 'video/mp4', lastModified: 1 });

let store: FakeStore;
let api: FakeApi;

function mountButton(props: Record<string, unknown> = {}) {
  return mount(UploadButton, {
    props: { purpose: 'learning.video', adapter: api.adapter, options: { retryDelayMs: 1 }, ...props },
    global: { plugins: [i18n] },
  });
}

async function pick(wrapper: ReturnType<typeof mountButton>, file: File): Promise<void> {
  const input = wrapper.find('[data-test="upload-input"]');
  Object.defineProperty(input.element, 'files', { configurable: true, value: [file] });
  await input.trigger('change');
}

beforeEach(() => {
  setLocale('zh-CN', { remember: false });
  localStorage.clear();
  store = new FakeStore();
  FakeXHR.store = store;
  vi.stubGlobal('XMLHttpRequest', FakeXHR);
  api = fakeApi(store, multipart);
});

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('UploadButton', () => {
  it('uploads the picked file, shows its name, size and progress, and emits the verified upload', async () => {
    const wrapper = mountButton({ accept: ['.mp4', 'video/*'] });
    expect(wrapper.find('[data-test="upload-input"]').attributes('accept')).toBe('.mp4,video/*');
    expect(wrapper.text()).toContain('支持的格式：.mp4 video/*');
    expect(wrapper.find('[data-test="upload-pick"]').text()).toBe('选择文件');

    await pick(wrapper, video());
    expect(wrapper.find('[data-test="upload-file"]').text()).toContain('七一党课.mp4');
    expect(wrapper.find('[data-test="upload-file"]').text()).toContain('25 B');
    expect(wrapper.find('[data-test="upload-progress"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="upload-pick"]').attributes('disabled')).toBeDefined();

    await vi.waitFor(() => expect(wrapper.emitted('uploaded')).toHaveLength(1));
    const [verified, file] = wrapper.emitted('uploaded')![0] as [unknown, File];
    expect(verified).toEqual({ id: 'up-1', status: 'verified', size: 25, detected_type: 'video/mp4' });
    expect(file.name).toBe('七一党课.mp4');
    await flushPromises();
    expect(wrapper.find('[data-test="upload-status"]').text()).toBe('上传完成');
    expect(wrapper.find('[data-test="upload-progress"]').attributes('aria-valuenow')).toBe('100');
    expect(wrapper.find('[data-test="upload-pick"]').text()).toBe('重新选择');
    expect(wrapper.find('[data-test="upload-error"]').exists()).toBe(false);
  });

  it("shows the server's refusal as is", async () => {
    api.refuseComplete = new ApiError(400, {
      code: 'confidentiality.classified',
      message: '文件含有涉密标识（机密），禁止上传到学习平台',
      field: 'file',
    });
    const wrapper = mountButton();

    await pick(wrapper, video());

    await vi.waitFor(() => expect(wrapper.find('[data-test="upload-error"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="upload-error"]').text()).toBe('文件含有涉密标识（机密），禁止上传到学习平台');
    expect(wrapper.emitted('uploaded')).toBeUndefined();
    expect(wrapper.find('[data-test="upload-pick"]').attributes('disabled')).toBeUndefined();
  });

  it('cancels: aborts the transfers and deletes the upload', async () => {
    for (const part of [1, 2, 3]) store.failures.set(part, ['hold']);
    const wrapper = mountButton();
    await pick(wrapper, video());
    // Half of each part went out before the store stopped answering: 5 + 5 + 2 of 25 bytes.
    await vi.waitFor(() => expect(wrapper.find('[data-test="upload-progress"]').text()).toBe('48%'));
    expect(store.puts).toHaveLength(3);

    await wrapper.find('[data-test="upload-cancel"]').trigger('click');

    await vi.waitFor(() => expect(wrapper.find('[data-test="upload-cancelled"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="upload-cancelled"]').text()).toBe('已取消上传');
    expect(store.puts.every((xhr) => xhr.aborted)).toBe(true);
    expect(api.calls.at(-1)).toBe('abort up-1');
    expect(wrapper.find('[data-test="upload-error"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="upload-cancel"]').exists()).toBe(false);
  });

  it('shows the speed over the last seconds', async () => {
    vi.useFakeTimers();
    try {
      for (const part of [1, 2, 3]) store.failures.set(part, ['hold']);
      const wrapper = mountButton();
      await pick(wrapper, video());
      await vi.advanceTimersByTimeAsync(0); // Half of each part goes out: 12 bytes at once.
      expect(store.puts).toHaveLength(3);

      await vi.advanceTimersByTimeAsync(1000);
      store.puts[0]!.progress(10, 10); // 5 more bytes a second later.
      await flushPromises();

      expect(wrapper.find('[data-test="upload-status"]').text()).toBe('17 B/秒');
      expect(wrapper.find('[data-test="upload-progress"]').text()).toBe('68%');
      wrapper.unmount();
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts a running upload when it goes away', async () => {
    for (const part of [1, 2, 3]) store.failures.set(part, ['hold']);
    const wrapper = mountButton();
    await pick(wrapper, video());
    await vi.waitFor(() => expect(store.puts).toHaveLength(3));

    wrapper.unmount();

    await vi.waitFor(() => expect(api.calls.at(-1)).toBe('abort up-1'));
  });
});
