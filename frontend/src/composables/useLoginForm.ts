import { computed, onMounted, reactive, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';

import { useSessionStore } from '@/stores/session';

import { useApiForm } from './useApiForm';

/** Where to go after signing in: the page that asked (same app only), else home. */
export function redirectTarget(redirect: unknown): string {
  return typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
}

/** Sign-in by phone or employee card number, shared by the desktop and the portal login pages. */
export function useLoginForm(formRef?: Ref<{ validate(): Promise<unknown> } | undefined>) {
  const { t } = useI18n();
  const route = useRoute();
  const router = useRouter();
  const session = useSessionStore();
  const form = reactive({ identifier: '', password: '' });
  const state = useApiForm(['identifier', 'password'] as const, { formRef });
  const siteName = computed(() => session.site?.name ?? t('app.name'));

  onMounted(() => void session.loadSite());

  const submit = () =>
    state.run(async () => {
      await session.login(form.identifier.trim(), form.password);
      await router.replace(redirectTarget(route.query.redirect));
    });

  return { form, siteName, submit, ...state };
}
