import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

import { freshApp } from '../../../tests/unit/helpers';

import CodeSlips from './CodeSlips.vue';

afterEach(() => {
  document.body.innerHTML = '';
});

const CODES = [
  { id: 1, card_number: '6600000001', name: '王群众', department: '综合办公室', code: 'K7QXM2PA' },
  { id: 2, card_number: '6600000002', name: '李群众', department: '财务部', code: 'ZZ23HJKM' },
];

function setup(codes = CODES) {
  const { plugins } = freshApp();
  return mount(CodeSlips, {
    props: { codes, title: '2026年度民主评议党员', branch: '综合办公室党支部' },
    global: { plugins: plugins as never[] },
    attachTo: document.body,
  });
}

describe('the slips of the codes just issued', () => {
  it('shows each code once, grouped, with a QR code of the ballot page carrying it in the fragment', async () => {
    const wrapper = setup();
    await flushPromises();
    const slips = [...document.querySelectorAll<HTMLElement>('[data-test="slip"]')];
    expect(slips.map((slip) => slip.dataset.code)).toEqual(['K7QXM2PA', 'ZZ23HJKM']);
    expect(slips.map((slip) => slip.dataset.url)).toEqual([
      `${window.location.origin}/ballot#K7QXM2PA`,
      `${window.location.origin}/ballot#ZZ23HJKM`,
    ]);
    expect(slips[0]!.querySelector('[data-test="slip-code"]')!.textContent!.trim()).toBe('K7QX M2PA');
    expect(slips[0]!.querySelector('svg[data-test="slip-qr"] path')!.getAttribute('d')).toMatch(/^M4 4h1v1h-1z/);
    // The address printed on the slip has no code in it.
    expect(slips[0]!.textContent).toContain(`${window.location.origin}/ballot`);
    expect(slips[0]!.textContent).not.toContain('/ballot#');
    expect(document.querySelector('[data-test="slips-once"]')!.textContent).toContain('只在此处显示一次');
    wrapper.unmount();
  });

  it('closes by telling the page to forget the codes', async () => {
    const wrapper = setup();
    await flushPromises();
    document.querySelector<HTMLElement>('[data-test="slips-close"]')!.click();
    expect(wrapper.emitted('close')).toHaveLength(1);
    wrapper.unmount();
  });

  it('shows nothing without codes', async () => {
    const wrapper = setup([]);
    await flushPromises();
    expect(document.querySelector('[data-test="slip"]')).toBeNull();
    wrapper.unmount();
  });
});
