import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { reactive, ref, shallowRef, type Ref, type UnwrapNestedRefs } from 'vue';
import { useI18n } from 'vue-i18n';

import { useApiForm } from '@/composables/useApiForm';

/** A field the dialog refuses before sending, and why. */
export interface Refusal<F extends string> {
  field: F;
  message: string;
}

/** The refusals for every field of `required` that is empty in `form` (blank text, no value, no item). */
export function missing<F extends string>(form: object, required: readonly (readonly [F, string])[]): Refusal<F>[] {
  const values = form as Record<string, unknown>;
  return required
    .filter(([field]) => {
      const value = values[field];
      return (
        value === undefined ||
        value === null ||
        (typeof value === 'string' ? !value.trim() : Array.isArray(value) && !value.length)
      );
    })
    .map(([field, message]) => ({ field, message }));
}

/** What the dialog reloads after a save: a paged list (`reload` = page 1) or one loaded list. */
export interface Reloadable {
  load: () => Promise<unknown>;
  reload?: () => Promise<unknown>;
}

export interface CrudDialogOptions<Row, Form extends object, F extends string, Saved> {
  /** The form's fields an API error may name (see useFormErrors); `aliases` maps other names. */
  fields: readonly F[];
  aliases?: Record<string, F>;
  /** A fresh form for a new record. */
  blank: () => Form;
  /** The form's values for editing `row` (over `blank()`); without it the dialog only creates. */
  edit?: (row: Row) => Partial<Form>;
  /**
   * Refusals before anything is sent (e.g. an empty member picker): the field and why, a list of
   * them (every empty required field at once), or null / an empty list.
   */
  check?: (form: UnwrapNestedRefs<Form>) => Refusal<F> | Refusal<F>[] | null;
  /**
   * Send the form: create when `editing` is null, else update `editing`. Resolving to `false`
   * means the page showed a refusal itself: the dialog stays open, nothing is reloaded.
   */
  save: (form: UnwrapNestedRefs<Form>, editing: Row | null) => Promise<Saved | false>;
  /** Also reset the page's own state of the dialog (an upload widget, a refusal) on opening. */
  onShow?: (row: Row | null) => void;
  /** What to reload afterwards: a new record goes back to page 1, an edit stays on the page. */
  list: Reloadable;
  /** The success message: an i18n key (default `common.saved`) or the text for what was saved. */
  savedMessage?: string | ((form: UnwrapNestedRefs<Form>, saved: Saved) => string);
}

/**
 * The create/edit dialog of a CRUD panel: `show(row)` opens it on a fresh form (or the row's
 * values), `submit()` checks, sends, shows the server's field errors under the fields (see
 * useApiForm), confirms, closes and reloads the list.
 */
export function useCrudDialog<Row, Form extends object, F extends string, Saved = unknown>(
  options: CrudDialogOptions<Row, Form, F, Saved>,
) {
  const { t } = useI18n();
  const open = ref(false);
  const editing = shallowRef<Row | null>(null) as Ref<Row | null>;
  const form = reactive(options.blank());
  const state = useApiForm(options.fields, { aliases: options.aliases });

  function show(row: Row | null = null): void {
    editing.value = row;
    Object.assign(form, options.blank(), row && options.edit ? options.edit(row) : {});
    state.clear();
    options.onShow?.(row);
    open.value = true;
  }

  const submit = () =>
    state.run(async () => {
      const checked = options.check?.(form) ?? [];
      const refused = Array.isArray(checked) ? checked : [checked];
      if (refused.length) {
        for (const { field, message } of refused) {
          (state.fieldErrors as Partial<Record<F, string>>)[field] = message;
        }
        return;
      }
      const row = editing.value;
      const saved = await options.save(form, row);
      if (saved === false) return;
      const message = options.savedMessage ?? 'common.saved';
      ElMessage.success(typeof message === 'string' ? t(message) : message(form, saved));
      open.value = false;
      await (row || !options.list.reload ? options.list.load() : options.list.reload());
    });

  const close = () => {
    open.value = false;
  };

  return { open, editing, form, state, show, submit, close };
}

/** What CrudPanel reads of a `useCrudDialog` (any row and form). */
export interface CrudDialog {
  open: Ref<boolean>;
  editing: Ref<unknown>;
  state: { formError: Ref<string | null>; busy: Ref<boolean> };
  show: (row: null) => void;
  submit: () => Promise<void>;
  close: () => void;
}
