import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import MfaSection from '@/portal/components/MfaSection.vue';

import { fakeFetch, freshApp, type FakeCall } from './helpers';

const OFF = { enabled: false, required: false, confirmed_at: null, recovery_codes_left: 0 };
const ON = { enabled: true, required: false, confirmed_at: '2026-12-07T10:00:00+08:00', recovery_codes_left: 10 };
const CODES = Array.from({ length: 10 }, (_, index) => `abcd-efgh-jkmn-pq${index}${index}`);

async function mountSection(answer: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(answer);
  const { plugins } = freshApp();
  const wrapper = mount(MfaSection, { global: { plugins: plugins as never[] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls };
}

async function submitCode(wrapper: Awaited<ReturnType<typeof mountSection>>['wrapper'], code: string) {
  await wrapper.find('input[name="code"]').setValue(code);
  await wrapper.find('form').trigger('submit');
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 0)); // Vant validates asynchronously
  await flushPromises();
}

describe('two-factor sign-in on the profile', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('lets a member turn it on: QR code, first code, recovery codes', async () => {
    let enabled = false;
    const { wrapper, calls } = await mountSection((call) => {
      if (call.url === '/api/v1/me/mfa') return [200, enabled ? ON : OFF];
      if (call.url === '/api/v1/me/mfa/enrolment')
        return [200, { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_svg: '<svg></svg>' }];
      enabled = true;
      return [200, { recovery_codes: CODES }];
    });
    expect(wrapper.find('[data-test="mfa-status"]').text()).toBe('未开启');
    await wrapper.find('[data-test="mfa-enable"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test="mfa-qr"] svg').exists()).toBe(true);
    await submitCode(wrapper, '123456');
    expect(calls.find((call) => call.url === '/api/v1/me/mfa/confirm')?.body).toEqual({ code: '123456' });
    expect(wrapper.findAll('[data-test="recovery-codes"] li')).toHaveLength(10);
    expect(wrapper.find('[data-test="mfa-status"]').text()).toBe('已开启');
  });

  it('offers no way to turn it off when the roles require it', async () => {
    const { wrapper } = await mountSection(() => [200, { ...ON, required: true }]);
    expect(wrapper.find('[data-test="mfa-disable"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="mfa-regenerate"]').exists()).toBe(true);
    expect(wrapper.text()).toContain('您的角色要求使用双因素登录');
  });

  it('shows the server refusal under the code field', async () => {
    const message = '验证码错误或已过期（还可尝试 4 次）。';
    const { wrapper } = await mountSection((call) =>
      call.url === '/api/v1/me/mfa' ? [200, ON] : [400, { code: 'accounts.mfa_invalid_code', message, field: 'code' }],
    );
    await wrapper.find('[data-test="mfa-disable"]').trigger('click');
    await flushPromises();
    await submitCode(wrapper, '000000');
    expect(wrapper.find('.van-field__error-message').text()).toBe(message);
  });
});
