import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { reactive, ref, shallowRef, type Ref, type UnwrapNestedRefs } from 'vue';
import { useI18n } from 'vue-i18n';

import { useApiForm } from '@/composables/useApiForm';

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
  /** A refusal before anything is sent (e.g. an empty member picker): the field and why, or null. */
  check?: (form: UnwrapNestedRefs<Form>) => { field: F; message: string } | null;
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
      const refused = options.check?.(form);
      if (refused) {
        (state.fieldErrors as Partial<Record<F, string>>)[refused.field] = refused.message;
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
