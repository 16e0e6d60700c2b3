/**
 * A micro-video is checked against the limits the server publishes (`/exchange/limits`) before
 * a single byte is sent: the type, the size, and the length read from the file's own metadata.
 * The server checks again (the size when the post claims the upload, the length once probed).
 */
import { i18n } from '@/i18n';
import { formatBytes, formatDuration } from '@/shared/format';

export interface VideoLimits {
  micro_video_max_seconds: number;
  micro_video_max_bytes: number;
  video_types: string[];
}

/** Why `file` (lasting `seconds`, null if unknown) cannot be sent, or null when it can. */
export function videoProblem(
  file: Pick<File, 'size' | 'type'>,
  seconds: number | null,
  limits: VideoLimits,
): string | null {
  const t = i18n.global.t;
  if (limits.video_types.length && !limits.video_types.includes(file.type)) return t('exchange.upload.badType');
  if (file.size > limits.micro_video_max_bytes) {
    return t('exchange.upload.tooBig', {
      size: formatBytes(file.size),
      limit: formatBytes(limits.micro_video_max_bytes),
    });
  }
  if (seconds !== null && seconds > limits.micro_video_max_seconds) {
    return t('exchange.upload.tooLong', {
      length: formatDuration(Math.round(seconds)),
      limit: formatDuration(limits.micro_video_max_seconds),
    });
  }
  return null;
}

/** The length of a video file in seconds, read by the browser (null when it cannot tell). */
export function videoSeconds(file: File, timeoutMs = 8000): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const video = document.createElement('video');
    let done = false;
    const finish = (value: number | null) => {
      if (done) return;
      done = true;
      URL.revokeObjectURL(url);
      resolve(value);
    };
    video.preload = 'metadata';
    video.onloadedmetadata = () => finish(Number.isFinite(video.duration) ? video.duration : null);
    video.onerror = () => finish(null);
    setTimeout(() => finish(null), timeoutMs);
    video.src = url;
  });
}
