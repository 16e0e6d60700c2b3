/**
 * The shapes of the direct-to-storage upload API (`/api/v1/uploads`). Hand-written until the
 * back end's schema is generated into `src/api/schema.d.ts`; the adapter keeps the uploader
 * independent of how the calls are made (fetch today, the typed client later, fakes in tests).
 */

/** The server's id of an upload session (a UUID or a number, passed through as is). */
export type UploadId = string | number;

export interface UploadStartRequest {
  purpose: string;
  filename: string;
  content_type: string;
  size: number;
}

/** A presigned POST: send every field first, then the file last under the name `file`. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export interface MultipartPlan {
  part_size: number;
  part_count: number;
}

export interface UploadStart {
  id: UploadId;
  key: string;
  method: 'post' | 'multipart';
  post: PresignedPost | null;
  multipart: MultipartPlan | null;
  expires_at: string;
}

export interface SignedPart {
  part_number: number;
  url: string;
}

/** A part the store already holds (`GET /uploads/{id}/parts`). */
export interface StoredPart {
  part_number: number;
  etag: string;
  size: number;
}

export interface CompletedPart {
  part_number: number;
  etag: string;
}

/** The answer of `POST /uploads/{id}/complete`: the bytes were checked and accepted. */
export interface VerifiedUpload {
  id: UploadId;
  status: 'verified';
  size: number;
  detected_type: string;
}

/**
 * The API calls the uploader needs. Errors are thrown as `ApiError` (see `uploadApi.ts`), so
 * a refusal such as `confidentiality.classified` reaches the screen with the server's message.
 */
export interface UploadAdapter {
  start(request: UploadStartRequest, signal?: AbortSignal): Promise<UploadStart>;
  /** Presigned PUT URLs for these parts (at most `MAX_PARTS_PER_SIGN` per call). */
  signParts(id: UploadId, partNumbers: number[], signal?: AbortSignal): Promise<SignedPart[]>;
  /** The parts already stored, for resuming. */
  listParts(id: UploadId, signal?: AbortSignal): Promise<StoredPart[]>;
  /** `parts` is null for a presigned POST upload (the body is then `{}`). */
  complete(id: UploadId, parts: CompletedPart[] | null, signal?: AbortSignal): Promise<VerifiedUpload>;
  abort(id: UploadId): Promise<void>;
}

/** The server signs at most this many part URLs per call. */
export const MAX_PARTS_PER_SIGN = 100;
