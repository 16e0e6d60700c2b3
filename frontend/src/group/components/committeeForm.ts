import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';

import { useApiForm } from '@/composables/useApiForm';

/** The fields a new party committee needs (provisioning and applications share them). */
export const COMMITTEE_FIELDS = ['name', 'short_name', 'slug', 'unified_code'] as const;

const SLUG = /^[a-z][a-z0-9-]{1,29}$/;
const UNIFIED_CODE = /^[0-9A-Z]{18}$/;

export function useCommitteeForm<Extra extends string>(
  extraFields: readonly Extra[],
  formRef: Ref<FormInstance | undefined>,
) {
  const { t } = useI18n();
  const model = reactive({ name: '', short_name: '', slug: '', unified_code: '' });
  const state = useApiForm([...COMMITTEE_FIELDS, ...extraFields], { formRef });
  const rules = computed<FormRules>(() => ({
    name: [{ required: true, whitespace: true, message: t('committee.nameRequired'), trigger: 'blur' }],
    short_name: [{ required: true, whitespace: true, message: t('committee.shortNameRequired'), trigger: 'blur' }],
    slug: [
      { required: true, message: t('committee.slugRequired'), trigger: 'blur' },
      { pattern: SLUG, message: t('committee.slugFormat'), trigger: 'blur' },
    ],
    unified_code: [
      { required: true, message: t('committee.unifiedCodeRequired'), trigger: 'blur' },
      { pattern: UNIFIED_CODE, message: t('committee.unifiedCodeFormat'), trigger: 'blur' },
    ],
  }));

  function reset(): void {
    Object.assign(model, { name: '', short_name: '', slug: '', unified_code: '' });
    state.clear();
    formRef.value?.clearValidate();
  }

  /** The committee part of the request body, trimmed. */
  function body() {
    return {
      name: model.name.trim(),
      short_name: model.short_name.trim(),
      slug: model.slug.trim(),
      unified_code: model.unified_code.trim().toUpperCase(),
    };
  }

  return { model, rules, reset, body, ...state };
}
