import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';

import { i18n, setLocale } from '@/i18n';

import HlsPlayer from './HlsPlayer.vue';

/** hls.js as far as the player uses it; the test drives its events. */
const { FakeHls } = vi.hoisted(() => {
  type Handler = (event: string, data: unknown) => void;
  class FakeHls {
    static supported = true;
    static instances: FakeHls[] = [];
    static Events = { MANIFEST_PARSED: 'hlsManifestParsed', ERROR: 'hlsError' };
    static ErrorTypes = { NETWORK_ERROR: 'networkError', MEDIA_ERROR: 'mediaError', OTHER_ERROR: 'otherError' };
    static isSupported(): boolean {
      return FakeHls.supported;
    }
    handlers = new Map<string, Handler>();
    source = '';
    media: HTMLVideoElement | null = null;
    destroyed = false;
    currentLevel = -1;
    recoveries = 0;
    constructor(readonly config: unknown) {
      FakeHls.instances.push(this);
    }
    on(event: string, handler: Handler): void {
      this.handlers.set(event, handler);
    }
    loadSource(source: string): void {
      this.source = source;
    }
    attachMedia(media: HTMLVideoElement): void {
      this.media = media;
    }
    destroy(): void {
      this.destroyed = true;
    }
    recoverMediaError(): void {
      this.recoveries += 1;
    }
    fire(event: string, data: unknown): void {
      this.handlers.get(event)?.(event, data);
    }
  }
  return { FakeHls };
});

vi.mock('hls.js', () => ({ default: FakeHls }));

const SRC = 'https://media.test/t/alpha/video/1/master.m3u8';

function mountPlayer(src = SRC) {
  return mount(HlsPlayer, { props: { src, poster: '/poster.jpg' }, global: { plugins: [i18n] } });
}

async function loaded(count = 1): Promise<InstanceType<typeof FakeHls>> {
  await vi.waitFor(() => expect(FakeHls.instances).toHaveLength(count));
  return FakeHls.instances[count - 1]!;
}

const levels = (...heights: number[]) => ({
  levels: heights.map((height) => ({ height, bitrate: height * 2000 })),
});

let wrapper: VueWrapper | null = null;

beforeEach(() => {
  setLocale('zh-CN', { remember: false });
  FakeHls.supported = true;
  FakeHls.instances = [];
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.restoreAllMocks();
});

describe('HlsPlayer', () => {
  it('plays through hls.js inline with controls and the poster', async () => {
    wrapper = mountPlayer();
    const hls = await loaded();
    const video = wrapper.find('video');
    expect(hls.source).toBe(SRC);
    expect(hls.media).toBe(video.element);
    expect(video.attributes()).toMatchObject({ poster: '/poster.jpg', controls: '', playsinline: '' });
    expect(wrapper.find('[data-test="quality"]').exists()).toBe(false);
  });

  it('offers auto and each quality, lowest first, and switches the level', async () => {
    wrapper = mountPlayer();
    const hls = await loaded();
    hls.fire(FakeHls.Events.MANIFEST_PARSED, levels(720, 360));
    await nextTick();

    const select = wrapper.find('select');
    expect(select.findAll('option').map((option) => option.text())).toEqual(['自动', '360p', '720p']);
    await select.setValue('0'); // hls.js's level 0 is the 720p one.
    expect(hls.currentLevel).toBe(0);
    await select.setValue('-1');
    expect(hls.currentLevel).toBe(-1);
  });

  it('shows no quality selector for a single level', async () => {
    wrapper = mountPlayer();
    const hls = await loaded();
    hls.fire(FakeHls.Events.MANIFEST_PARSED, levels(720));
    await nextTick();
    expect(wrapper.find('select').exists()).toBe(false);
  });

  it('passes on the video events', async () => {
    wrapper = mountPlayer();
    await loaded();
    const video = wrapper.find('video');
    Object.defineProperty(video.element, 'currentTime', { configurable: true, value: 42 });
    Object.defineProperty(video.element, 'duration', { configurable: true, value: 600 });

    await video.trigger('playing');
    await video.trigger('timeupdate');
    await video.trigger('pause');
    await video.trigger('ended');

    expect(wrapper.emitted('playing')).toEqual([[42]]);
    expect(wrapper.emitted('timeupdate')).toEqual([[42, 600]]);
    expect(wrapper.emitted('paused')).toEqual([[42]]);
    expect(wrapper.emitted('ended')).toEqual([[]]);
  });

  it('reports a fatal network error in words, and ignores non-fatal ones', async () => {
    wrapper = mountPlayer();
    const hls = await loaded();
    hls.fire(FakeHls.Events.ERROR, { type: 'networkError', details: 'fragLoadError', fatal: false });
    expect(wrapper.emitted('error')).toBeUndefined();

    hls.fire(FakeHls.Events.ERROR, {
      type: 'networkError',
      details: 'manifestLoadError',
      fatal: true,
      response: { code: 404 },
    });
    await nextTick();
    expect(wrapper.emitted('error')).toEqual([['视频不存在或尚未转码完成']]);
    expect(wrapper.find('[role="alert"]').text()).toBe('视频不存在或尚未转码完成');
    expect(hls.destroyed).toBe(true);
  });

  it('tries to recover a media error once before giving up', async () => {
    wrapper = mountPlayer();
    const hls = await loaded();
    const mediaError = { type: 'mediaError', details: 'bufferAppendError', fatal: true };
    hls.fire(FakeHls.Events.ERROR, mediaError);
    expect(hls.recoveries).toBe(1);
    expect(wrapper.emitted('error')).toBeUndefined();
    hls.fire(FakeHls.Events.ERROR, mediaError);
    expect(wrapper.emitted('error')).toEqual([['视频解码失败，请刷新页面后重试']]);
  });

  it('destroys hls.js on unmount and when the source changes', async () => {
    wrapper = mountPlayer();
    const first = await loaded();
    await wrapper.setProps({ src: 'https://media.test/2/master.m3u8' });
    const second = await loaded(2);
    expect(first.destroyed).toBe(true);
    expect(second.source).toBe('https://media.test/2/master.m3u8');
    wrapper.unmount();
    wrapper = null;
    expect(second.destroyed).toBe(true);
  });

  it("uses the browser's own HLS where hls.js cannot run (Safari on iOS)", async () => {
    FakeHls.supported = false;
    vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockImplementation((type) =>
      type === 'application/vnd.apple.mpegurl' ? 'maybe' : '',
    );
    wrapper = mountPlayer();
    const video = wrapper.find('video');
    await vi.waitFor(() => expect(video.attributes('src')).toBe(SRC));
    expect(FakeHls.instances).toHaveLength(0);
  });

  it('says so when the browser cannot play HLS at all', async () => {
    FakeHls.supported = false;
    vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('');
    wrapper = mountPlayer();
    await vi.waitFor(() =>
      expect(wrapper!.emitted('error')).toEqual([['当前浏览器无法播放此视频，请更换浏览器后重试']]),
    );
  });
});
