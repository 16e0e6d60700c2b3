import { ElMessage, ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';

import { messageOf } from '@/api/errors';
import { downloadFile } from '@/shared/files';

/**
 * Ask, then act: `action` runs after the user confirms; its error shows as a message.
 * Resolves true when it ran and succeeded.
 */
export async function confirmThen(
  options: { message: string; title: string; confirm: string; cancel: string; done: string },
  action: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(options.message, options.title, {
      type: 'warning',
      confirmButtonText: options.confirm,
      cancelButtonText: options.cancel,
    });
  } catch {
    return false;
  }
  try {
    await action();
    ElMessage.success(options.done);
    return true;
  } catch (error) {
    ElMessage.error(messageOf(error));
    return false;
  }
}

/**
 * Ask for a note, then act with it while the dialog shows a spinner; a refusal keeps the
 * dialog open with the server's message. Resolves true when it succeeded.
 */
export async function promptThen(
  options: {
    message: string;
    title: string;
    confirm: string;
    cancel: string;
    placeholder: string;
    required?: string;
    danger?: boolean;
  },
  action: (note: string) => Promise<string>,
): Promise<boolean> {
  let succeeded = false;
  try {
    await ElMessageBox.prompt(options.message, options.title, {
      inputType: 'textarea',
      inputPlaceholder: options.placeholder,
      inputValidator: options.required ? (value) => (value?.trim() ? true : options.required!) : undefined,
      confirmButtonText: options.confirm,
      cancelButtonText: options.cancel,
      confirmButtonClass: options.danger ? 'el-button--danger' : '',
      type: options.danger ? 'warning' : 'info',
      beforeClose: async (choice, instance, done) => {
        if (choice !== 'confirm') return done();
        instance.confirmButtonLoading = true;
        try {
          ElMessage.success(await action(instance.inputValue?.trim() ?? ''));
          succeeded = true;
          done();
        } catch (error) {
          ElMessage.error(messageOf(error));
        } finally {
          instance.confirmButtonLoading = false;
        }
      },
    });
  } catch {
    // Cancelled.
  }
  return succeeded;
}

/** Download an API file; a failure shows as a message. */
export async function download(url: string, fallbackName: string): Promise<void> {
  try {
    await downloadFile(url, fallbackName);
  } catch (error) {
    ElMessage.error(messageOf(error));
  }
}
