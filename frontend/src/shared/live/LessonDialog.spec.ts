import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';

import { ApiError } from '@/api/errors';
import type { IssuedKey, LessonBody } from '@/api/live';

import { freshApp } from '../../../tests/unit/helpers';

import LessonDialog from './LessonDialog.vue';
import StreamKeyDialog from './StreamKeyDialog.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

function mountDialog(save: (id: number | null, body: LessonBody) => Promise<unknown>) {
  const open = ref(true);
  let dialog!: InstanceType<typeof LessonDialog>;
  const Page = defineComponent({
    setup() {
      return () =>
        h(LessonDialog, {
          ref: (instance) => {
            if (instance) dialog = instance as InstanceType<typeof LessonDialog>;
          },
          open: open.value,
          'onUpdate:open': (value: boolean) => (open.value = value),
          lesson: null,
          api: { scope: 'tenant', save: vi.fn(save) as never },
        });
    },
  });
  const { plugins } = freshApp();
  mount(Page, { global: { plugins: plugins as never[] }, attachTo: document.body });
  return { open, dialog: () => dialog };
}

describe('the schedule dialog', () => {
  it('refuses an empty title and an end before the start without a call', async () => {
    const save = vi.fn(async () => ({ id: 1, title: 'x' }));
    const { dialog, open } = mountDialog(save);
    open.value = false;
    await flushPromises();
    open.value = true;
    await flushPromises();
    dialog().form.plannedEndAt = new Date(dialog().form.startsAt!.getTime() - 60_000);
    await dialog().submit();
    await flushPromises();
    expect(save).not.toHaveBeenCalled();
    expect(dialog().state.fieldErrors.title).toBe('请填写标题');
    expect(dialog().state.fieldErrors.planned_end_at).toBe('计划结束时间须晚于开始时间');
    await vi.waitFor(() => expect(document.body.textContent).toContain('请填写标题'));
  });

  it("sends the form and shows the server's refusal under its field", async () => {
    const refused = new ApiError(403, {
      code: 'live.out_of_scope',
      message: '不在您的管理范围内',
      field: 'organization',
    });
    const save = vi.fn().mockRejectedValueOnce(refused).mockResolvedValueOnce({ id: 3, title: '学习党章' });
    const { dialog, open } = mountDialog(save);
    open.value = false;
    await flushPromises();
    open.value = true;
    await flushPromises();
    dialog().form.title = '学习党章';
    dialog().form.organization = 12;
    await dialog().submit();
    await flushPromises();
    expect(save).toHaveBeenCalledOnce();
    const [id, body] = save.mock.calls[0] as [number | null, LessonBody];
    expect(id).toBeNull();
    expect(body).toMatchObject({ title: '学习党章', organization: 12, counts_as_party_lesson: true, materials: [] });
    expect(dialog().state.fieldErrors.organization).toBe('不在您的管理范围内');
    expect(open.value).toBe(true);

    await dialog().submit();
    await flushPromises();
    expect(open.value).toBe(false);
    expect(document.body.textContent).toContain('已安排「学习党章」');
  });
});

const KEY: IssuedKey = {
  key: 't_power.Secret-Key-123',
  rtmp_url: 'rtmp://127.0.0.1:1935/live',
  media_server_configured: true,
  obs: [
    { setting: '服务', value: '自定义' },
    { setting: '关键帧间隔', value: '2 s' },
  ],
  created_at: '2026-12-07T06:00:00Z',
};

function mountKey(hasKey: boolean, issue: () => Promise<IssuedKey>) {
  const open = ref(false);
  const Page = defineComponent({
    setup() {
      return () =>
        h(StreamKeyDialog, {
          open: open.value,
          'onUpdate:open': (value: boolean) => (open.value = value),
          title: '学习党章',
          hasKey,
          issue,
        });
    },
  });
  const { plugins } = freshApp();
  mount(Page, { global: { plugins: plugins as never[] }, attachTo: document.body });
  return open;
}

describe('the stream key dialog', () => {
  it('issues a key on opening and shows it once with the server, the OBS hints and the warning', async () => {
    const issue = vi.fn(async () => KEY);
    const open = mountKey(false, issue);
    open.value = true;
    await flushPromises();
    expect(issue).toHaveBeenCalledOnce();
    const dialog = document.querySelector('[data-test="stream-key-dialog"]')!;
    expect((dialog.querySelector('input[data-test="key-value"]') as HTMLInputElement).value).toBe(KEY.key);
    expect((dialog.querySelector('input[data-test="key-rtmp"]') as HTMLInputElement).value).toBe(KEY.rtmp_url);
    expect(dialog.querySelector('[data-test="key-once"]')?.textContent).toContain('密钥只显示这一次');
    expect(dialog.querySelector('[data-test="key-obs"]')?.textContent).toContain('关键帧间隔');
    expect(dialog.querySelector('[data-test="key-no-media"]')).toBeNull();

    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    (dialog.querySelector('[data-test="key-copy"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(KEY.key);
  });

  it('asks before rotating a key that exists, and says so when no media server is configured', async () => {
    const issue = vi.fn(async () => ({ ...KEY, rtmp_url: '', media_server_configured: false }));
    const open = mountKey(true, issue);
    open.value = true;
    await flushPromises();
    expect(issue).not.toHaveBeenCalled();
    expect(document.querySelector('[data-test="key-rotate-hint"]')?.textContent).toContain('旧密钥将立即失效');
    (document.querySelector('[data-test="key-rotate"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(issue).toHaveBeenCalledOnce();
    expect(document.querySelector('[data-test="key-no-media"]')?.textContent).toContain('尚未配置直播服务器');
  });

  it("shows the server's refusal", async () => {
    const refusal = new ApiError(409, {
      code: 'live.not_editable',
      message: '直播已结束，不能再生成密钥',
      field: null,
    });
    const open = mountKey(false, () => Promise.reject(refusal));
    open.value = true;
    await flushPromises();
    expect(document.querySelector('[data-test="stream-key-dialog"]')?.textContent).toContain(
      '直播已结束，不能再生成密钥',
    );
  });
});
