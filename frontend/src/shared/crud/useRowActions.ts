import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { useI18n } from 'vue-i18n';

import { messageOf } from '@/api/errors';
import { confirmThen } from '@/shared/desktop/actions';

/**
 * The row actions of a CRUD panel (the library's categories, courses, regulations, quizzes,
 * banks, resources): a state change (publish, withdraw, close) that reloads the list or shows the
 * server's refusal, and a deletion confirmed by name (`ElMessageBox`). `list` is the table to
 * reload afterwards.
 */
export function useRowActions(list: { load: () => Promise<void> }) {
  const { t } = useI18n();

  /** Run `request`; on success say `done` (if given) and reload, else show why not. */
  async function change(request: () => Promise<unknown>, done?: string): Promise<boolean> {
    try {
      await request();
    } catch (error) {
      ElMessage.error({ message: messageOf(error), duration: 6000 });
      return false;
    }
    if (done) ElMessage.success(done);
    await list.load();
    return true;
  }

  /** Ask "delete «title»?" (or `texts.message`), then run `request` and reload. */
  async function remove(
    title: string,
    request: () => Promise<unknown>,
    texts: { message?: string; done?: string } = {},
  ): Promise<boolean> {
    const done = await confirmThen(
      {
        title: t('learning.manage.delete'),
        message: texts.message ?? t('learning.manage.confirmDelete', { title }),
        confirm: t('learning.manage.delete'),
        cancel: t('common.cancel'),
        done: texts.done ?? t('learning.manage.deleted', { title }),
      },
      request,
    );
    if (done) await list.load();
    return done;
  }

  return { change, remove };
}
