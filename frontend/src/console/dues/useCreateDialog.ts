import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { reactive, ref, type UnwrapNestedRefs } from 'vue';
import { useI18n } from 'vue-i18n';

import { useApiForm } from '@/composables/useApiForm';

/**
 * A "new record" dialog over a paged list: open it on a fresh form, post, confirm, close and
 * reload the list. With `requireMember`, an empty member picker is refused before posting.
 */
export function useCreateDialog<T extends object, F extends string>(options: {
  blank: () => T;
  fields: readonly F[];
  save: (form: UnwrapNestedRefs<T>) => Promise<unknown>;
  list: { reload: () => Promise<unknown> };
  requireMember?: boolean;
  savedMessage?: string;
}) {
  const { t } = useI18n();
  const open = ref(false);
  const form = reactive(options.blank());
  const state = useApiForm(options.fields);
  function show(): void {
    Object.assign(form, options.blank());
    state.clear();
    open.value = true;
  }
  const submit = () =>
    state.run(async () => {
      if (options.requireMember && !(form as { member?: number }).member) {
        (state.fieldErrors as Record<string, string>).member = t('console.dues.memberRequired');
        return;
      }
      await options.save(form);
      ElMessage.success(t(options.savedMessage ?? 'common.saved'));
      open.value = false;
      await options.list.reload();
    });
  return { open, form, state, show, submit };
}
