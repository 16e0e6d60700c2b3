import { ref, type Ref } from 'vue';

import { useFormErrors } from './useFormErrors';

/** What the form libraries' instances have in common: Element Plus rejects, others return false. */
interface Validatable {
  validate(): Promise<unknown>;
}

/**
 * One form that sends to the API: `run(action)` clears old errors, validates the form (when
 * `formRef` is given), shows `busy` while `action` runs, and spreads an API error over the
 * form's fields (see useFormErrors).
 */
export function useApiForm<F extends string>(
  fields: readonly F[],
  options: { aliases?: Record<string, F>; formRef?: Ref<Validatable | undefined> } = {},
) {
  const errors = useFormErrors(fields, options.aliases);
  const busy = ref(false);

  async function valid(): Promise<boolean> {
    const form = options.formRef?.value;
    if (!form) return true;
    return form.validate().then(
      (result) => result !== false,
      () => false,
    );
  }

  async function run(action: () => Promise<unknown>): Promise<void> {
    errors.clear();
    if (!(await valid())) return;
    busy.value = true;
    try {
      await action();
    } catch (error) {
      errors.apply(error);
    } finally {
      busy.value = false;
    }
  }

  return { ...errors, busy, run };
}
