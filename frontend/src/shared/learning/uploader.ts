/**
 * Direct-to-storage uploads: the API hands out presigned URLs and the browser sends the bytes
 * to the store itself (a presigned POST for small files, presigned multipart PUTs for large
 * video), then asks the API to verify the object. XMLHttpRequest carries the bytes because
 * fetch reports no upload progress.
 *
 * Multipart uploads are resumable: `{uploadId, fingerprint, part_size}` is kept in localStorage
 * until the upload completes or is aborted, so picking the same file again (after a dropped
 * connection or a reload) uploads only the parts the store does not hold yet.
 */
import { ApiError, networkError } from '@/api/errors';
import { i18n } from '@/i18n';

import {
  MAX_PARTS_PER_SIGN,
  type CompletedPart,
  type StoredPart,
  type UploadAdapter,
  type UploadId,
  type UploadStart,
  type VerifiedUpload,
} from './types';

export interface UploadOptions {
  /** Bytes of the file sent so far (never decreases) and the file's size. */
  onProgress?: (loaded: number, total: number) => void;
  /** Aborting stops the transfers in flight and deletes the upload on the server. */
  signal?: AbortSignal;
  /** Parts sent at the same time (multipart only). */
  concurrency?: number;
  /** Retries of one transfer after a network error, a 5xx, 408, 429 or an expired URL (403). */
  retries?: number;
  /** The first retry waits about this long, each further one twice as long. */
  retryDelayMs?: number;
  /** Where resumable uploads are remembered (localStorage; null: nowhere). */
  storage?: KeyValueStore | null;
}

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * A transfer to the store failed: `network` (status 0, no answer), `upload.transfer_failed`
 * (the store's HTTP status), `upload.no_etag` (the store's CORS rules hide ETag) or a broken
 * promise of the API (`upload.protocol`). The resume record stays, so a later try resumes.
 */
export class TransferError extends ApiError {
  constructor(status: number, code?: string) {
    const t = i18n.global.t;
    const resolved = code ?? (status === 0 ? 'network' : 'upload.transfer_failed');
    const message =
      resolved === 'network'
        ? networkError().message
        : resolved === 'upload.transfer_failed'
          ? t('learning.upload.transferFailed', { status })
          : resolved === 'upload.no_etag'
            ? t('learning.upload.noEtag')
            : t('learning.upload.protocol');
    super(status, { code: resolved, message, field: null });
    this.name = 'TransferError';
  }

  /** Worth another try: no answer, a server error, throttling, or a presigned URL that expired. */
  get retryable(): boolean {
    if (this.code !== 'network' && this.code !== 'upload.transfer_failed') return false;
    return [0, 403, 408, 429].includes(this.status) || this.status >= 500;
  }
}

export function abortError(): DOMException {
  return new DOMException(i18n.global.t('learning.upload.cancelled'), 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

// ---------------------------------------------------------------------------------------------
// The resume record

export const RESUME_PREFIX = 'pc.upload.';

interface ResumeRecord {
  uploadId: UploadId;
  key: string;
  name: string;
  size: number;
  lastModified: number;
  part_size: number;
  expires_at: string;
}

function defaultStorage(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // Storage disabled: uploads still work, they just cannot resume.
  }
}

/** One record per (purpose, file): the same file picked again finds it. */
function recordKey(file: File, purpose: string): string {
  return RESUME_PREFIX + JSON.stringify([purpose, file.name, file.size, file.lastModified]);
}

function readRecord(storage: KeyValueStore | null, file: File, purpose: string): ResumeRecord | null {
  if (!storage) return null;
  try {
    const text = storage.getItem(recordKey(file, purpose));
    if (!text) return null;
    const record = JSON.parse(text) as ResumeRecord;
    const fits =
      record.name === file.name &&
      record.size === file.size &&
      record.lastModified === file.lastModified &&
      record.part_size > 0 &&
      Date.parse(record.expires_at) > Date.now();
    if (fits) return record;
  } catch {
    // Unreadable: start over.
  }
  forgetRecord(storage, file, purpose);
  return null;
}

function writeRecord(storage: KeyValueStore | null, file: File, purpose: string, record: ResumeRecord): void {
  try {
    storage?.setItem(recordKey(file, purpose), JSON.stringify(record));
  } catch {
    // Quota or private mode: this upload just cannot resume.
  }
}

function forgetRecord(storage: KeyValueStore | null, file: File, purpose: string): void {
  try {
    storage?.removeItem(recordKey(file, purpose));
  } catch {
    // Nothing to do.
  }
}

export interface UploadSession {
  upload: UploadStart;
  /** Parts the store already holds (empty for a new upload). */
  stored: StoredPart[];
  resumed: boolean;
}

/**
 * The multipart upload this file was already being sent in, with the parts the store holds,
 * or a new upload. A remembered upload the server no longer knows (expired, aborted, another
 * user's) is forgotten and a new one started.
 */
export async function resumeOrStart(
  file: File,
  purpose: string,
  adapter: UploadAdapter,
  options: { signal?: AbortSignal; storage?: KeyValueStore | null } = {},
): Promise<UploadSession> {
  const storage = options.storage === undefined ? defaultStorage() : options.storage;
  const record = readRecord(storage, file, purpose);
  if (record) {
    try {
      const stored = await adapter.listParts(record.uploadId, options.signal);
      const upload: UploadStart = {
        id: record.uploadId,
        key: record.key,
        method: 'multipart',
        post: null,
        multipart: { part_size: record.part_size, part_count: Math.ceil(file.size / record.part_size) },
        expires_at: record.expires_at,
      };
      return { upload, stored, resumed: true };
    } catch (error) {
      throwIfAborted(options.signal);
      if (!(error instanceof ApiError) || !isFinalRefusal(error)) throw error;
      forgetRecord(storage, file, purpose);
    }
  }
  const upload = await adapter.start(
    { purpose, filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size },
    options.signal,
  );
  if (upload.method === 'multipart' && upload.multipart) {
    writeRecord(storage, file, purpose, {
      uploadId: upload.id,
      key: upload.key,
      name: file.name,
      size: file.size,
      lastModified: file.lastModified,
      part_size: upload.multipart.part_size,
      expires_at: upload.expires_at,
    });
  }
  return { upload, stored: [], resumed: false };
}

/** An API refusal that a later try would get again (not a lost session, a timeout or throttling). */
function isFinalRefusal(error: ApiError): boolean {
  if (error instanceof TransferError) return false;
  return error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status);
}

// ---------------------------------------------------------------------------------------------
// Progress and transfers

/** Confirmed bytes plus the bytes of the transfers in flight, reported only when they grow. */
class Progress {
  private confirmed = 0;
  private reported = -1;
  private readonly inFlight = new Map<number, number>();

  constructor(
    private readonly total: number,
    private readonly listener?: (loaded: number, total: number) => void,
  ) {}

  sending(part: number, loaded: number): void {
    this.inFlight.set(part, loaded);
    this.report();
  }

  /** A failed transfer's bytes no longer count (the total reported does not go back). */
  dropped(part: number): void {
    this.inFlight.delete(part);
  }

  confirm(part: number, size: number, report = true): void {
    this.inFlight.delete(part);
    this.confirmed += size;
    if (report) this.report();
  }

  report(): void {
    let loaded = this.confirmed;
    for (const bytes of this.inFlight.values()) loaded += bytes;
    loaded = Math.min(loaded, this.total);
    if (loaded > this.reported) {
      this.reported = loaded;
      this.listener?.(loaded, this.total);
    }
  }
}

interface TransferResult {
  status: number;
  etag: string | null;
}

/** One XMLHttpRequest to the store; `onProgress(loaded, total)` from its upload events. */
function transfer(
  method: 'POST' | 'PUT',
  url: string,
  body: Blob | FormData,
  signal: AbortSignal,
  onProgress: (loaded: number, total: number) => void,
): Promise<TransferResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const stop = () => xhr.abort();
    const settle = () => signal.removeEventListener('abort', stop);
    xhr.open(method, url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
    xhr.onload = () => {
      settle();
      resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag') });
    };
    xhr.onerror = xhr.ontimeout = () => {
      settle();
      reject(new TransferError(0));
    };
    xhr.onabort = () => {
      settle();
      reject(abortError());
    };
    signal.addEventListener('abort', stop, { once: true });
    xhr.send(body);
  });
}

const succeeded = (status: number) => status >= 200 && status < 300;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError());
      return;
    }
    const wake = () => {
      signal.removeEventListener('abort', cancel);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    const cancel = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal.addEventListener('abort', cancel, { once: true });
  });
}

interface RetryPolicy {
  retries: number;
  retryDelayMs: number;
  signal: AbortSignal;
}

/** Run `attempt` until it succeeds, retrying retryable transfer errors with exponential backoff. */
async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (error: TransferError) => void,
): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (policy.signal.aborted || !(error instanceof TransferError) || !error.retryable || tries >= policy.retries) {
        throw error;
      }
      onRetry(error);
      // Jitter keeps the parts of many clients from retrying in lockstep.
      await sleep(policy.retryDelayMs * 2 ** tries * (0.5 + Math.random() / 2), policy.signal);
    }
  }
}

/** The presigned POST: every field first, the file last under `file` (S3 rejects any other order). */
async function sendPost(file: File, upload: UploadStart, progress: Progress, policy: RetryPolicy): Promise<void> {
  const post = upload.post;
  if (!post) throw new TransferError(0, 'upload.protocol');
  await withRetries(
    async () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
      form.append('file', file);
      const result = await transfer('POST', post.url, form, policy.signal, (loaded, total) =>
        // The form's own bytes (fields, boundaries) make `total` a little larger than the file.
        progress.sending(0, total > 0 ? Math.round((loaded * file.size) / total) : loaded),
      );
      if (!succeeded(result.status)) throw new TransferError(result.status);
      progress.confirm(0, file.size);
    },
    policy,
    () => progress.dropped(0),
  );
}

/** Send the parts the store lacks, `concurrency` at a time; the etags of all parts, in order. */
async function sendParts(
  file: File,
  upload: UploadStart,
  stored: StoredPart[],
  adapter: UploadAdapter,
  progress: Progress,
  policy: RetryPolicy,
  concurrency: number,
): Promise<CompletedPart[]> {
  const plan = upload.multipart;
  if (!plan || plan.part_size <= 0) throw new TransferError(0, 'upload.protocol');
  const { part_size: partSize, part_count: partCount } = plan;
  const sizeOf = (part: number) => Math.max(0, Math.min(partSize, file.size - (part - 1) * partSize));

  const etags = new Map<number, string>();
  for (const part of stored) {
    // A part of another size was cut differently: send it again.
    if (part.part_number >= 1 && part.part_number <= partCount && part.etag && part.size === sizeOf(part.part_number)) {
      etags.set(part.part_number, part.etag);
      progress.confirm(part.part_number, part.size, false);
    }
  }
  progress.report(); // The stored parts count at once.
  const queue: number[] = [];
  for (let part = 1; part <= partCount; part += 1) if (!etags.has(part)) queue.push(part);

  const urls = new Map<number, string>();
  let signing: Promise<void> | null = null;

  /** The part's URL, signing it with the next parts of the queue (≤ 100 per call). */
  async function urlOf(part: number): Promise<string> {
    for (;;) {
      const url = urls.get(part);
      if (url) return url;
      if (signing) {
        await signing;
        continue;
      }
      const from = Math.max(0, queue.indexOf(part));
      const batch = [part, ...queue.slice(from).filter((n) => n !== part && !urls.has(n) && !etags.has(n))].slice(
        0,
        MAX_PARTS_PER_SIGN,
      );
      signing = adapter.signParts(upload.id, batch, policy.signal).then((signed) => {
        for (const item of signed) urls.set(item.part_number, item.url);
      });
      try {
        await signing;
      } finally {
        signing = null;
      }
      const signed = urls.get(part);
      if (!signed) throw new TransferError(0, 'upload.protocol');
      return signed;
    }
  }

  async function sendPart(part: number): Promise<void> {
    const url = await urlOf(part);
    const start = (part - 1) * partSize;
    const body = file.slice(start, start + partSize);
    const result = await transfer('PUT', url, body, policy.signal, (loaded) => progress.sending(part, loaded));
    if (!succeeded(result.status)) throw new TransferError(result.status);
    // The store's CORS rules must expose ETag, or the upload cannot be completed.
    if (!result.etag) throw new TransferError(result.status, 'upload.no_etag');
    etags.set(part, result.etag);
    progress.confirm(part, body.size);
  }

  let next = 0;
  async function worker(): Promise<void> {
    while (next < queue.length) {
      throwIfAborted(policy.signal);
      const part = queue[next++] as number;
      await withRetries(
        () => sendPart(part),
        policy,
        (error) => {
          progress.dropped(part);
          if (error.status === 403) urls.delete(part); // Probably expired: sign it again.
        },
      );
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));

  const parts: CompletedPart[] = [];
  for (let part = 1; part <= partCount; part += 1) {
    const etag = etags.get(part);
    if (!etag) throw new TransferError(0, 'upload.protocol');
    parts.push({ part_number: part, etag });
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------

/**
 * Upload `file` for `purpose` straight to the store and have the server verify it. Resolves
 * with the verified upload; rejects with an `ApiError` carrying the server's message (e.g.
 * `confidentiality.classified`), a `TransferError`, or an AbortError DOMException when
 * `signal` aborted it (the upload is then deleted on the server).
 */
export async function uploadFile(
  file: File,
  purpose: string,
  adapter: UploadAdapter,
  options: UploadOptions = {},
): Promise<VerifiedUpload> {
  const { signal, concurrency = 3, retries = 3, retryDelayMs = 1000 } = options;
  const storage = options.storage === undefined ? defaultStorage() : options.storage;
  throwIfAborted(signal);
  const progress = new Progress(file.size, options.onProgress);
  progress.report();

  let session: UploadSession;
  try {
    session = await resumeOrStart(file, purpose, adapter, { signal, storage });
  } catch (error) {
    if (signal?.aborted) throw abortError();
    throw error;
  }
  const { upload, stored } = session;

  // The parts share one controller so that the first part to fail for good stops the others.
  const transfers = new AbortController();
  const stopTransfers = () => transfers.abort();
  signal?.addEventListener('abort', stopTransfers, { once: true });
  if (signal?.aborted) transfers.abort();
  const policy: RetryPolicy = { retries, retryDelayMs, signal: transfers.signal };

  try {
    let verified: VerifiedUpload;
    if (upload.method === 'post') {
      await sendPost(file, upload, progress, policy);
      throwIfAborted(signal);
      verified = await adapter.complete(upload.id, null, signal);
    } else {
      let parts: CompletedPart[];
      try {
        parts = await sendParts(file, upload, stored, adapter, progress, policy, concurrency);
      } finally {
        transfers.abort(); // Whatever still runs after a failure.
      }
      throwIfAborted(signal);
      verified = await adapter.complete(upload.id, parts, signal);
    }
    forgetRecord(storage, file, purpose);
    return verified;
  } catch (error) {
    if (signal?.aborted) {
      forgetRecord(storage, file, purpose);
      await adapter.abort(upload.id).catch(() => undefined);
      throw abortError();
    }
    // Refused for good (e.g. classified content, an expired upload): resuming would not help.
    if (error instanceof ApiError && isFinalRefusal(error)) forgetRecord(storage, file, purpose);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopTransfers);
  }
}
