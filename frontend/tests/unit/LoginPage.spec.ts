import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';

import LoginPage from '@/shared/desktop/LoginPage.vue';

import { fakeFetch, freshApp, type FakeCall } from './helpers';

const SITE = { name: '测试集团党委', kind: 'group', locale: 'zh-hans' };

async function mountLogin(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch((call) => {
    if (call.url === '/api/v1/site') return [200, SITE];
    if (call.url === '/api/v1/auth/csrf') return [200, { csrf_token: 'x' }];
    return answer(call);
  });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginPage },
      { path: '/', name: 'home', component: { template: '<p>home</p>' } },
    ],
  });
  await router.push('/login');
  const { plugins } = freshApp();
  const wrapper = mount(LoginPage, {
    props: { app: '集团党委管理平台' },
    global: { plugins: [...(plugins as never[]), router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, calls, router };
}

async function fill(wrapper: Awaited<ReturnType<typeof mountLogin>>['wrapper'], identifier: string, password: string) {
  await wrapper.find('input[name="identifier"]').setValue(identifier);
  await wrapper.find('input[name="password"]').setValue(password);
}

async function submit(wrapper: Awaited<ReturnType<typeof mountLogin>>['wrapper']) {
  await wrapper.find('form').trigger('submit');
  await flushPromises();
  await vi.dynamicImportSettled();
  await flushPromises();
  vi.advanceTimersByTime(150); // Element Plus shows a validation message 100 ms after the state changes.
  await nextTick();
}

describe('the desktop login form', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows the party committee name from /site', async () => {
    const { wrapper } = await mountLogin(() => [500, {}]);
    expect(wrapper.find('[data-test="site-name"]').text()).toBe('测试集团党委');
  });

  it('asks for both fields in Chinese and sends nothing when they are empty', async () => {
    const { wrapper, calls } = await mountLogin(() => [500, {}]);
    await submit(wrapper);
    const errors = wrapper.findAll('.el-form-item__error').map((node) => node.text());
    expect(errors).toEqual(['请输入手机号或员工卡号', '请输入密码']);
    expect(calls.filter((call) => call.url === '/api/v1/auth/login')).toHaveLength(0);
  });

  it('shows the server message when the credentials are wrong', async () => {
    const message = '手机号、卡号或密码错误（还可尝试 4 次）。';
    const { wrapper, calls } = await mountLogin(() => [
      400,
      { code: 'auth.invalid_credentials', message, field: null },
    ]);
    await fill(wrapper, '15000000001', 'wrong-password');
    await submit(wrapper);
    expect(wrapper.find('[data-test="form-error"]').text()).toContain(message);
    expect(calls.find((call) => call.url === '/api/v1/auth/login')?.body).toEqual({
      identifier: '15000000001',
      password: 'wrong-password',
    });
  });

  it('puts a field error under its form item', async () => {
    const { wrapper } = await mountLogin(() => [
      400,
      { code: 'validation.max_length', message: '请确保这个字段不超过 64 个字符。', field: 'identifier' },
    ]);
    await fill(wrapper, '1'.repeat(65), 'whatever');
    await submit(wrapper);
    expect(wrapper.find('[data-test="form-error"]').exists()).toBe(false);
    expect(wrapper.find('.el-form-item__error').text()).toBe('请确保这个字段不超过 64 个字符。');
  });

  it('goes to the page asked for after signing in', async () => {
    const me = { id: 1, name: '张三', group_roles: ['group_admin'], tenants: [], current_tenant: null };
    const { wrapper, router } = await mountLogin(() => [200, me]);
    await fill(wrapper, '15000000001', 'secret2026pass');
    await submit(wrapper);
    expect(router.currentRoute.value.fullPath).toBe('/');
  });

  it('asks for the authenticator code when the server answers 202, then signs in with it', async () => {
    const me = { id: 1, name: '张三', group_roles: ['group_admin'], tenants: [], current_tenant: null };
    const { wrapper, calls, router } = await mountLogin((call) =>
      call.url === '/api/v1/auth/login'
        ? [202, { step: 'code', challenge: 'signed-challenge', expires_in: 300 }]
        : [200, me],
    );
    await fill(wrapper, '15000000001', 'secret2026pass');
    await submit(wrapper);
    expect(router.currentRoute.value.fullPath).toBe('/login');
    expect(wrapper.text()).toContain('双因素登录');
    await wrapper.find('input[name="code"]').setValue(' 123456 ');
    await submit(wrapper);
    expect(calls.find((call) => call.url === '/api/v1/auth/login/code')?.body).toEqual({
      challenge: 'signed-challenge',
      code: '123456',
    });
    expect(router.currentRoute.value.fullPath).toBe('/');
  });

  it('shows the wrong-code message under the code field', async () => {
    const message = '验证码错误或已过期（还可尝试 4 次）。';
    const { wrapper } = await mountLogin((call) =>
      call.url === '/api/v1/auth/login'
        ? [202, { step: 'code', challenge: 'c', expires_in: 300 }]
        : [400, { code: 'accounts.mfa_invalid_code', message, field: 'code' }],
    );
    await fill(wrapper, '15000000001', 'secret2026pass');
    await submit(wrapper);
    await wrapper.find('input[name="code"]').setValue('000000');
    await submit(wrapper);
    expect(wrapper.find('.el-form-item__error').text()).toBe(message);
  });

  it('walks a required user through the enrolment and shows the recovery codes once', async () => {
    const me = { id: 1, name: '张三', group_roles: [], tenants: [], current_tenant: null };
    const codes = Array.from({ length: 10 }, (_, index) => `abcd-efgh-jkmn-pq${index}${index}`);
    const { wrapper, router } = await mountLogin((call) => {
      if (call.url === '/api/v1/auth/login') return [202, { step: 'enrol', challenge: 'e', expires_in: 300 }];
      if (call.url === '/api/v1/auth/mfa/enrolment')
        return [200, { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_svg: '<svg></svg>' }];
      return [200, { ...me, recovery_codes: codes }];
    });
    await fill(wrapper, '15000000001', 'secret2026pass');
    await submit(wrapper);
    expect(wrapper.find('[data-test="mfa-qr"] svg').exists()).toBe(true);
    expect(wrapper.find('[data-test="mfa-secret"]').text()).toBe('JBSW Y3DP EHPK 3PXP');
    await wrapper.find('input[name="code"]').setValue('654321');
    await submit(wrapper);
    expect(wrapper.findAll('[data-test="recovery-codes"] li')).toHaveLength(10);
    expect(router.currentRoute.value.fullPath).toBe('/login');
    await wrapper.find('[data-test="recovery-continue"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/');
  });

  it('says why when an idle session ended', async () => {
    const { wrapper, router } = await mountLogin(() => [500, {}]);
    await router.push('/login?expired=1');
    await flushPromises();
    expect(wrapper.find('[data-test="session-expired"]').text()).toContain('长时间未操作');
  });
});
