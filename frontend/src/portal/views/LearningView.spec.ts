import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { fakeFetch, freshApp, type FakeCall } from '../../../tests/unit/helpers';

import LearningView from './LearningView.vue';

const ROW = {
  id: 'alpha:resource:r1',
  kind: 'article',
  title: '加强党员教育管理',
  summary: '摘要',
  category: '理论学习',
  tags: [],
  source: 'tenant',
  owner_tenant: 'alpha',
  published_at: '2026-05-01T08:00:00Z',
  score: 1,
  highlights: {
    title: ['加强<em>党员</em><em>教育</em>管理'],
    body: ['全体<em>党员</em>要接受<em>教育</em>，&lt;script&gt;不执行&lt;/script&gt;'],
  },
  data: { uuid: 'r1', has_cover: true },
};
const REGULATION = {
  ...ROW,
  id: 'public:regulation:5',
  kind: 'regulation',
  title: '中国共产党章程 第三条',
  source: 'group',
  owner_tenant: 'public',
  highlights: { title: [], body: ['<em>党员</em>必须履行下列义务'] },
  data: { regulation: 'reg-1', article: 5 },
};
const FACETS = {
  kind: [
    { value: 'article', count: 1 },
    { value: 'regulation', count: 1 },
  ],
  category: [{ value: '理论学习', count: 1 }],
  tags: [],
  source: [],
};

async function mountSearch(path: string, answer?: (call: FakeCall) => [number, unknown]) {
  const calls = fakeFetch(
    answer ??
      (() => [200, { count: 2, page: 1, page_size: 10, results: [ROW, REGULATION], facets: FACETS, took_ms: 3 }]),
  );
  const stub = { template: '<p />' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/learning', name: 'learning', component: LearningView },
      { path: '/learning/item/:uuid', name: 'learning-item', component: stub },
      { path: '/learning/me', name: 'learning-me', component: stub },
      { path: '/learning/quizzes', name: 'learning-quizzes', component: stub },
      { path: '/learning/courses', name: 'learning-courses', component: stub },
      { path: '/learning/regulations', name: 'learning-regulations', component: stub },
      { path: '/learning/regulations/:uuid', name: 'learning-regulation', component: stub },
    ],
  });
  await router.push(path);
  const { plugins } = freshApp();
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [...(plugins as never[]), router] } });
  await flushPromises();
  return { wrapper, calls, router };
}

afterEach(() => vi.unstubAllGlobals());

describe('the learning search on the phone', () => {
  it('searches what the URL says and shows the highlights as <em>, never as markup', async () => {
    const { wrapper, calls } = await mountSearch('/learning?q=党员教育');
    expect(calls[0]?.url).toBe(`/api/v1/search?q=${encodeURIComponent('党员教育')}&page=1&page_size=10`);
    const results = wrapper.findAll('[data-test="search-result"]');
    expect(results).toHaveLength(2);
    const title = results[0]!.find('[data-test="result-title"]');
    expect(title.findAll('em').map((em) => em.text())).toEqual(['党员', '教育']);
    const fragment = results[0]!.find('[data-test="result-fragment"]');
    expect(fragment.text()).toContain('<script>不执行</script>');
    expect(fragment.find('script').exists()).toBe(false);
    expect(results[0]!.find('img').attributes('src')).toBe('/api/v1/learning/library/r1/cover');
    expect(wrapper.find('[data-test="search-count"]').text()).toContain('“党员教育”共找到 2 条');
  });

  it('narrows by a facet chip (and lets it go again) through the URL', async () => {
    const { wrapper, calls, router } = await mountSearch('/learning?q=党员');
    const chip = wrapper.findAll('[data-test="facet-kind"] .pc-chip').find((found) => found.text().includes('文章'));
    await chip!.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: '党员', kind: 'article' });
    expect(calls.at(-1)?.url).toContain('kind=article');

    await wrapper
      .findAll('[data-test="facet-kind"] .pc-chip')
      .find((found) => found.text().includes('文章'))!
      .trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: '党员' });
  });

  it("opens our resources in the reader and the group's regulation at the article found", async () => {
    const { wrapper, router } = await mountSearch('/learning?q=党员');
    const [article, regulation] = wrapper.findAll('[data-test="search-result"]');
    expect(regulation!.text()).toContain('党员必须履行下列义务');
    await regulation!.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/learning/regulations/reg-1?article=5');
    await router.push('/learning?q=党员');
    await flushPromises();
    await wrapper.findAll('[data-test="search-result"]')[0]!.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/learning/item/r1');
    expect(article!.exists()).toBe(true);
  });

  it('never shows one bucket twice: a category named like a kind chip is left out', async () => {
    const facets = { ...FACETS, category: [{ value: '党规党章', count: 1 }, ...FACETS.category] };
    const { wrapper } = await mountSearch('/learning?q=党员', () => [
      200,
      { count: 2, page: 1, page_size: 10, results: [ROW, REGULATION], facets, took_ms: 3 },
    ]);
    const labels = wrapper.findAll('.pc-chip').map((chip) => chip.text().replace(/\s+/g, ''));
    expect(labels.filter((label) => label.startsWith('党规党章'))).toEqual(['党规党章1']);
    expect(wrapper.find('[data-test="facet-category"]').text()).toContain('理论学习');
  });

  it('has a way into the regulations', async () => {
    const { wrapper, router } = await mountSearch('/learning');
    await wrapper.find('[data-test="learning-regulations"] .van-grid-item__content').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('learning-regulations');
  });

  it("says so when nothing matches, with the server's error on failure", async () => {
    const empty = await mountSearch('/learning?q=不存在', () => [
      200,
      { count: 0, page: 1, page_size: 10, results: [], facets: FACETS, took_ms: 1 },
    ]);
    expect(empty.wrapper.find('[data-test="search-empty"]').text()).toContain('没有找到与“不存在”相关的内容');

    const failing = await mountSearch('/learning?q=x', () => [
      400,
      { code: 'search.invalid_page', message: '页码超出范围', field: 'page' },
    ]);
    expect(failing.wrapper.text()).toContain('页码超出范围');
  });

  it('browses the library without the search engine when no words are typed, and searches once they are', async () => {
    const { score: _score, highlights: _highlights, ...plain } = ROW;
    const browsed = {
      ...plain,
      id: 'alpha:resource:r2',
      title: 'A <b> & B',
      summary: '<em>不是高亮</em>',
      data: { uuid: 'r2' },
    };
    const { wrapper, calls } = await mountSearch('/learning?kind=article', (call) =>
      call.url.startsWith('/api/v1/learning/library')
        ? [200, { count: 1, page: 1, page_size: 10, results: [browsed], facets: FACETS }]
        : [200, { count: 2, page: 1, page_size: 10, results: [ROW, REGULATION], facets: FACETS, took_ms: 3 }],
    );
    expect(calls.map((call) => call.url)).toEqual(['/api/v1/learning/library?kind=article&page=1&page_size=10']);
    const result = wrapper.find('[data-test="search-result"]');
    // Plain text, not highlights: the title's markup and the summary's <em> are shown as typed.
    expect(result.find('[data-test="result-title"]').text()).toBe('A <b> & B');
    expect(result.find('[data-test="result-fragment"]').text()).toBe('<em>不是高亮</em>');
    expect(result.find('em').exists()).toBe(false);
    expect(wrapper.find('[data-test="search-count"]').text()).toContain('最新');
    expect(wrapper.findAll('[data-test="facet-kind"] .pc-chip')).toHaveLength(2);

    await wrapper.find('[data-test="learning-search"] input').setValue('党员');
    await wrapper.find('[data-test="learning-search-go"]').trigger('click');
    await flushPromises();
    expect(calls.at(-1)?.url).toBe(`/api/v1/search?q=${encodeURIComponent('党员')}&kind=article&page=1&page_size=10`);
    expect(wrapper.findAll('[data-test="search-result"]')).toHaveLength(2);
  });

  it('shows the library while search is down (503 only for words)', async () => {
    const { wrapper } = await mountSearch('/learning', (call) =>
      call.url.startsWith('/api/v1/search')
        ? [503, { code: 'search.unavailable', message: '检索服务暂不可用', field: null }]
        : [200, { count: 1, page: 1, page_size: 10, results: [{ ...ROW, highlights: undefined }], facets: FACETS }],
    );
    expect(wrapper.findAll('[data-test="search-result"]')).toHaveLength(1);
    expect(wrapper.text()).not.toContain('检索服务暂不可用');
  });
});
