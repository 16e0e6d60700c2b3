import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { TenantCapability } from '@/api/types';
import { CONSOLE_PAGES, homeFor, pagesFor } from '@/console/capabilities';

import { fakeFetch, freshApp } from './helpers';

// What /me answers for each role (tenants/access/capabilities.py; tests/test_workbench.py checks the server side).
const ADMIN: TenantCapability[] = CONSOLE_PAGES.map((page) => page.capability);
const SECRETARY: TenantCapability[] = ['workbench', 'organizations', 'members', 'transfers', 'development', 'dues'];
const INSPECTOR: TenantCapability[] = ['annual_report', 'audit'];

function me(capabilities: TenantCapability[]) {
  return {
    id: 7,
    name: '第一支部书记',
    phone: '15000000007',
    employee_card_number: null,
    email: '',
    group_roles: [],
    tenants: [],
    current_tenant: { id: 1, name: '甲公司党委', slug: 'alpha', roles: [], capabilities, locale: 'zh-hans' },
  };
}

/** The real console router and layout, signed in with ``capabilities``. */
async function signedIn(capabilities: TenantCapability[]) {
  fakeFetch((call) => {
    if (call.url === '/api/v1/me') return [200, me(capabilities)];
    if (call.url === '/api/v1/workbench')
      return [
        200,
        { today: '2026-12-07', month: '2026-12-01', whole_tenant: false, scope: [], todos: [], figures: [] },
      ];
    return [200, { count: 0, next: null, previous: null, results: [] }];
  });
  vi.resetModules();
  const { plugins } = freshApp();
  const { router } = await import('@/console/router');
  const App = { template: '<router-view />' };
  const wrapper = mount(App, { global: { plugins: [...(plugins as never[]), router] }, attachTo: document.body });
  return { router, wrapper };
}

async function go(router: Awaited<ReturnType<typeof signedIn>>['router'], path: string) {
  await router.push(path);
  await flushPromises();
  await vi.dynamicImportSettled();
  await flushPromises();
}

describe('the console menu follows the capabilities of the roles', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('derives the pages and the landing page from the capabilities', () => {
    expect(pagesFor(ADMIN).map((page) => page.to)).toEqual(CONSOLE_PAGES.map((page) => page.to));
    expect(pagesFor(SECRETARY).map((page) => page.to)).toEqual([
      '/workbench',
      '/organizations',
      '/members',
      '/transfers',
      '/development',
      '/dues',
    ]);
    expect(homeFor(ADMIN)).toBe('/workbench');
    expect(homeFor(INSPECTOR)).toBe('/annual-report');
    expect(homeFor([])).toBeNull();
  });

  it('gives every page its own icon', () => {
    expect(new Set(CONSOLE_PAGES.map((page) => page.icon)).size).toBe(CONSOLE_PAGES.length);
  });

  it(
    'shows a secretary the reduced menu, lands on the workbench and forbids the admin pages',
    { timeout: 60000 },
    async () => {
      const { router, wrapper } = await signedIn(SECRETARY);
      await go(router, '/');
      expect(router.currentRoute.value.name).toBe('workbench');
      const menu = wrapper.findAll('.pc-menu-label').map((item) => item.text());
      expect(menu).toEqual(['工作台', '党组织管理', '党员管理', '组织关系转接', '发展党员', '党费管理']);
      await go(router, '/roles');
      expect(router.currentRoute.value.name).toBe('forbidden');
      await go(router, '/members/import');
      expect(router.currentRoute.value.name).toBe('forbidden');
    },
  );

  it('sends a member without console pages to "no access" with the way to the portal', { timeout: 60000 }, async () => {
    const { router, wrapper } = await signedIn([]);
    await go(router, '/');
    expect(router.currentRoute.value.name).toBe('forbidden');
    expect(wrapper.findAll('.pc-menu-label')).toHaveLength(0);
    expect(wrapper.find('a[href="/"]').exists()).toBe(true);
  });
});
