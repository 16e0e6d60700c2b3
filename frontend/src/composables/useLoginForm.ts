import { computed, onMounted, reactive, ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';

import { isChallenge, logInWithCode, logInWithEnrolment, startSignInEnrolment } from '@/api/accounts';
import { ApiError } from '@/api/errors';
import type { TotpEnrolment } from '@/api/types';
import { useSessionStore } from '@/stores/session';

import { useApiForm } from './useApiForm';

/** Where to go after signing in: the page that asked (same app only), else home. */
export function redirectTarget(redirect: unknown): string {
  return typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
}

/**
 * The steps of a sign-in: the password; then, with two-factor sign-in, the authenticator's code
 * (`code`), or for staff who have not set one up, the enrolment (`enrol`: QR code, key, first
 * code) and the recovery codes shown once (`recovery`).
 */
export type LoginStep = 'password' | 'code' | 'enrol' | 'recovery';

/** Sign-in by phone or employee card number, shared by the desktop and the portal login pages. */
export function useLoginForm(formRef?: Ref<{ validate(): Promise<unknown> } | undefined>) {
  const { t } = useI18n();
  const route = useRoute();
  const router = useRouter();
  const session = useSessionStore();
  const form = reactive({ identifier: '', password: '', code: '' });
  const state = useApiForm(['identifier', 'password', 'code'] as const, { formRef });
  const siteName = computed(() => session.site?.name ?? t('app.name'));
  const step = ref<LoginStep>('password');
  const challenge = ref('');
  const enrolment = ref<TotpEnrolment | null>(null);
  const recoveryCodes = ref<string[]>([]);
  // Set when an idle session ended (the API's accounts.session_expired sent us here).
  const notice = computed(() => (route.query.expired ? t('login.sessionExpired') : null));

  onMounted(() => void session.loadSite());

  const done = () => router.replace(redirectTarget(route.query.redirect));

  /** An expired or refused challenge: start again from the password. */
  function restartOn(error: unknown): never {
    if (error instanceof ApiError && error.code === 'accounts.mfa_challenge_invalid') {
      step.value = 'password';
      form.code = '';
    }
    throw error;
  }

  const submit = () =>
    state.run(async () => {
      const answer = await session.login(form.identifier.trim(), form.password);
      if (!isChallenge(answer)) return done();
      challenge.value = answer.challenge;
      form.code = '';
      if (answer.step === 'code') {
        step.value = 'code';
        return;
      }
      enrolment.value = await startSignInEnrolment(answer.challenge);
      step.value = 'enrol';
    });

  const submitCode = () =>
    state.run(async () => {
      const user = await logInWithCode({ challenge: challenge.value, code: form.code.trim() }).catch(restartOn);
      session.signedIn(user);
      await done();
    });

  const submitEnrolment = () =>
    state.run(async () => {
      const { recovery_codes, ...user } = await logInWithEnrolment({
        challenge: challenge.value,
        code: form.code.trim(),
      }).catch(restartOn);
      recoveryCodes.value = recovery_codes;
      session.signedIn(user);
      step.value = 'recovery';
    });

  /** Back to the password (another account, or a lost phone: ask a group admin for a reset). */
  function back(): void {
    step.value = 'password';
    form.code = '';
    state.clear();
  }

  return {
    form,
    siteName,
    step,
    enrolment,
    recoveryCodes,
    notice,
    submit,
    submitCode,
    submitEnrolment,
    finish: done,
    back,
    ...state,
  };
}
