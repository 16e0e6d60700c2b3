import { i18n } from '@/i18n';

/** One error as the API renders it: a stable code, a human (translated) message, the field. */
export interface ApiErrorItem {
  code: string;
  message: string;
  field: string | null;
}

/** The error body of every API response: `{code, message, field}`; validation adds `errors`. */
export interface ApiErrorBody extends ApiErrorItem {
  errors?: ApiErrorItem[];
  retry_after?: number;
}

/** A failed API call. `message` is what the user reads; `field` names the form input to blame. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  readonly errors: ApiErrorItem[];
  /** The whole body: some errors carry what the client needs to act (e.g. an import's column-mapping `proposal`). */
  readonly body: ApiErrorBody & Record<string, unknown>;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field ?? null;
    this.errors = body.errors ?? [];
    this.body = body as ApiErrorBody & Record<string, unknown>;
  }

  get isUnauthenticated(): boolean {
    return this.status === 401;
  }
}

export function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === 'string' && typeof body.message === 'string';
}

/** An ApiError for a response whose body is not in the API's error format (proxy, crash). */
export function errorFromResponse(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(status, body);
  const t = i18n.global.t;
  const message = status === 404 ? t('error.notFound') : t('error.server', { status });
  return new ApiError(status, { code: `http.${status}`, message, field: null });
}

export function networkError(): ApiError {
  return new ApiError(0, { code: 'network', message: i18n.global.t('error.network'), field: null });
}

/** What to show for any thrown value: the API's message, else a generic one. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return i18n.global.t('error.unknown');
}

export interface MappedErrors {
  /** Messages by form field, for the fields this form has. */
  fields: Record<string, string>;
  /** The message to show above the form, when no field of the form can carry it. */
  message: string | null;
}

/**
 * Spread an API error over a form: each error whose `field` the form knows goes to that
 * field (`aliases` maps API field names to form field names); the rest is one message.
 */
export function mapApiError(
  error: unknown,
  formFields: readonly string[],
  aliases: Record<string, string> = {},
): MappedErrors {
  if (!(error instanceof ApiError)) return { fields: {}, message: messageOf(error) };
  const items = error.errors.length ? error.errors : [{ code: error.code, message: error.message, field: error.field }];
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const item of items) {
    const name = item.field ? (aliases[item.field] ?? item.field) : null;
    if (name && formFields.includes(name)) {
      fields[name] ??= item.message;
    } else {
      unplaced.push(item.message);
    }
  }
  const message = unplaced.length ? (Object.keys(fields).length ? unplaced.join('；') : error.message) : null;
  return { fields, message };
}
