import { reactive, ref } from 'vue';

import { mapApiError } from '@/api/errors';

/**
 * Server-side errors of one form: `fieldErrors[name]` for the form item the API blamed
 * (`field`), `formError` for the rest. `aliases` maps API field names to form field names.
 */
export function useFormErrors<F extends string>(fields: readonly F[], aliases: Record<string, F> = {}) {
  const fieldErrors: Partial<Record<F, string>> = reactive({});
  const formError = ref<string | null>(null);

  function clear(): void {
    for (const name of fields) delete fieldErrors[name];
    formError.value = null;
  }

  function apply(error: unknown): void {
    clear();
    const mapped = mapApiError(error, fields, aliases);
    Object.assign(fieldErrors, mapped.fields);
    formError.value = mapped.message;
  }

  return { fieldErrors, formError, clear, apply };
}
