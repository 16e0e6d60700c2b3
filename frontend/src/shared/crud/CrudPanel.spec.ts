import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';

import { ApiError } from '@/api/errors';
import type { Page } from '@/api/types';
import { usePagedList } from '@/composables/usePagedList';

import { freshApp } from '../../../tests/unit/helpers';

import CrudPanel from './CrudPanel.vue';
import { useCrudDialog } from './useCrudDialog';

interface Row extends Record<string, unknown> {
  id: number;
  name: string;
}

/** A page with one CrudPanel over `fetchPage`, its dialog saving through `save`. */
function mountPanel(options: {
  rows?: Row[];
  save?: (form: { name: string }, editing: Row | null) => Promise<unknown>;
}) {
  const fetchPage = vi.fn(async (): Promise<Page<Row>> => ({
    count: options.rows?.length ?? 0,
    next: null,
    previous: null,
    results: options.rows ?? [],
  }));
  const save = vi.fn(options.save ?? (async () => ({})));
  let dialog!: ReturnType<typeof useCrudDialog<Row, { name: string }, 'name'>>;
  const Page = defineComponent({
    setup() {
      const list = usePagedList<Row>(fetchPage);
      void list.load();
      dialog = useCrudDialog({
        blank: () => ({ name: '' }),
        edit: (row: Row) => ({ name: row.name }),
        fields: ['name'] as const,
        check: (form) => (form.name.trim() ? null : { field: 'name', message: '请填写名称' }),
        list,
        save: (form, editing) => save({ name: form.name }, editing),
      });
      const filter = ref('');
      return () =>
        h(
          CrudPanel<Row>,
          {
            list,
            empty: '暂无数据',
            hint: '说明',
            createLabel: '新建',
            editLabel: '编辑',
            createTest: 'create',
            tableTest: 'table',
            dialog,
            dialogTest: 'dialog',
          },
          {
            filters: () => h('span', { 'data-test': 'filter' }, filter.value || '筛选'),
            default: () => [],
            form: () => h('p', { 'data-test': 'name-error' }, dialog.state.fieldErrors.name ?? ''),
          },
        );
    },
  });
  const { plugins } = freshApp();
  const wrapper = mount(Page, { global: { plugins: plugins as never[] }, attachTo: document.body });
  return { wrapper, fetchPage, save, dialog: () => dialog };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the CRUD kit', () => {
  it('shows the toolbar, the list and its empty state', async () => {
    const { wrapper, fetchPage } = mountPanel({});
    await flushPromises();
    expect(fetchPage).toHaveBeenCalledWith({ page: 1, page_size: 20 });
    expect(wrapper.find('[data-test="filter"]').text()).toBe('筛选');
    expect(wrapper.text()).toContain('说明');
    expect(wrapper.find('[data-test="create"]').text()).toBe('新建');
    expect(wrapper.find('[data-test="table"]').text()).toContain('暂无数据');
  });

  it('refuses an incomplete form without a call, then saves, closes and reloads from page 1', async () => {
    const { wrapper, fetchPage, save, dialog } = mountPanel({});
    await flushPromises();
    await wrapper.find('[data-test="create"]').trigger('click');
    expect(dialog().open.value).toBe(true);
    await dialog().submit();
    await flushPromises();
    expect(save).not.toHaveBeenCalled();
    expect(document.querySelector('[data-test="name-error"]')?.textContent).toBe('请填写名称');

    dialog().form.name = '第一党支部';
    await dialog().submit();
    await flushPromises();
    expect(save).toHaveBeenCalledWith({ name: '第一党支部' }, null);
    expect(dialog().open.value).toBe(false);
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(document.body.textContent).toContain('已保存');
  });

  it("shows the server's field error under its field and its other message above the form", async () => {
    const refused = new ApiError(400, { code: 'x.duplicate', message: '名称已存在', field: 'name' });
    const { save, dialog } = mountPanel({ save: () => Promise.reject(refused) });
    await flushPromises();
    dialog().show(null);
    dialog().form.name = '重复';
    await dialog().submit();
    await flushPromises();
    expect(save).toHaveBeenCalledOnce();
    expect(dialog().open.value).toBe(true);
    expect(dialog().state.fieldErrors.name).toBe('名称已存在');

    const other = new ApiError(409, { code: 'x.locked', message: '已锁定', field: null });
    save.mockImplementation(() => Promise.reject(other));
    await dialog().submit();
    await flushPromises();
    expect(document.querySelector('[data-test="form-error"]')?.textContent).toContain('已锁定');
  });

  it('opens on the values of the row to edit and sends it with them', async () => {
    const row = { id: 7, name: '旧名称' };
    const { wrapper, save, dialog, fetchPage } = mountPanel({ rows: [row] });
    await flushPromises();
    dialog().show(row);
    await flushPromises();
    expect(dialog().form.name).toBe('旧名称');
    expect(document.querySelector('[data-test="dialog"] .el-dialog__title')?.textContent).toBe('编辑');
    dialog().form.name = '新名称';
    await dialog().submit();
    await flushPromises();
    expect(save).toHaveBeenCalledWith({ name: '新名称' }, row);
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(wrapper.find('[data-test="table"]').exists()).toBe(true);
  });
});
