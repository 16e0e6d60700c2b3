import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { LearningResource } from '@/api/types';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import ResourceDialog from './ResourceDialog.vue';

const CATEGORIES = [{ id: 3, name: '理论学习', position: 1 }];
const REFUSAL = {
  code: 'confidentiality.classified',
  message: '该内容带有密级标志“机密★”（位于标题），涉密内容不得上传到互联网系统：未保存任何内容。',
  field: 'title',
};

function created(body: Record<string, unknown>): Partial<LearningResource> {
  return { id: 'res-1', title: String(body.title), kind: 'article', status: 'published' };
}

async function mountDialog(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const wrapper = mount(ResourceDialog, {
    props: { open: false, resource: null, categories: CATEGORIES },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
  await wrapper.setProps({ open: true });
  await flushPromises();
  return { wrapper, calls };
}

const $ = (selector: string) => document.querySelector(selector);

async function fill(selector: string, value: string): Promise<void> {
  // Element Plus puts the attributes of el-input on its <input>/<textarea>.
  const found = $(selector);
  const input = (
    found?.matches('input, textarea') ? found : found?.querySelector('input, textarea')
  ) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('the new resource dialog', () => {
  it('posts an article with its text as HTML and says it was created', async () => {
    const { wrapper, calls } = await mountDialog((call) =>
      call.method === 'POST' ? [201, created(call.body as Record<string, unknown>)] : [404, {}],
    );
    await fill('[data-test="resource-title"]', '加强党员教育');
    await fill('[data-test="editor-text"]', '全体党员要加强**理论学习**。\n\n- 学党章\n- 学党规');
    ($('[data-test="resource-publish"] input') as HTMLInputElement).click();
    await flushPromises();
    ($('[data-test="resource-save"]') as HTMLButtonElement).click();
    await flushPromises();

    const posted = calls.find((call) => call.method === 'POST');
    expect(posted?.url).toBe('/api/v1/learning/resources');
    expect(posted?.body).toMatchObject({
      kind: 'article',
      title: '加强党员教育',
      body_html: '<p>全体党员要加强<strong>理论学习</strong>。</p>\n<ul><li>学党章</li><li>学党规</li></ul>',
      marking: 'internal',
      file_upload: null,
      image_uploads: [],
      publish: true,
    });
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: 'res-1' });
    expect(wrapper.emitted('update:open')?.at(-1)).toEqual([false]);
  });

  it("shows a classified-content refusal with the server's message at the top", async () => {
    const { wrapper } = await mountDialog((call) => (call.method === 'POST' ? [400, REFUSAL] : [404, {}]));
    await fill('[data-test="resource-title"]', '机密★ 测试');
    await fill('[data-test="editor-text"]', '正文');
    ($('[data-test="resource-save"]') as HTMLButtonElement).click();
    await flushPromises();

    const alert = $('[data-test="classified-refusal"]');
    expect(alert?.textContent).toContain('涉密内容，已拒收');
    expect(alert?.textContent).toContain('机密★');
    expect(wrapper.emitted('saved')).toBeUndefined();
    expect(wrapper.emitted('update:open')).toBeUndefined();
  });

  it('asks for the uploaded file of a document (the server blames `file`)', async () => {
    const missing = { code: 'learning.incomplete', message: '请先上传文件。', field: 'file' };
    const { wrapper, calls } = await mountDialog((call) => (call.method === 'POST' ? [400, missing] : [404, {}]));
    ($('[data-test="resource-kind"] [data-kind="document"] input') as HTMLInputElement).click();
    await flushPromises();
    expect($('[data-test="resource-file"]')).not.toBeNull();
    await fill('[data-test="resource-title"]', '学习材料');
    ($('[data-test="resource-save"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(calls.at(-1)?.body).toMatchObject({ kind: 'document', file_upload: null });
    // The message sits under the file field (Element Plus shows it after a short debounce).
    const item = wrapper
      .findAllComponents({ name: 'ElFormItem' })
      .find((found) => found.find('[data-test="resource-file"]').exists());
    expect(item?.props('error')).toBe('请先上传文件。');
    expect(item?.classes()).toContain('is-error');
  });
});
