import axios, { AxiosError } from 'axios';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import axiosRetry from 'axios-retry';
import type { z } from 'zod';
import { HarnessApiError } from './errors.js';
import type { RequestBudget } from './request-budget.js';
import { harnessError } from './wire.js';

/**
 * The one place that speaks HTTP to Harness: auth headers, timeouts, the shared request
 * budget, retries with full-jitter exponential backoff (Harness sends no Retry-After), and
 * errors that name the endpoint and Harness's own message, never the key.
 */
export interface HarnessHttpOptions {
  baseUrl: string;
  apiKey: string;
  accountId: string;
  budget: RequestBudget;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Told of each request once its retries are over (metrics); `error` is what it throws. */
  observe?: (method: string, path: string, seconds: number, error: HarnessApiError | undefined) => void;
}

/** When a failed request may be sent again. */
export type RetryPolicy =
  /** Reads: network errors, timeouts, 429, 5xx, unreadable bodies. */
  | 'safe'
  /** Writes that must happen at most once: only when the request surely never reached Harness. */
  | 'not-sent-only';

export interface HarnessRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  params?: Record<string, string | number | boolean | undefined>;
  data?: unknown;
  contentType?: string;
  retry: RetryPolicy;
  /** A person's own token instead of the bot's key. */
  apiKey?: string;
  /** Overrides the client's timeout (running a Git-stored pipeline can take long). */
  timeoutMs?: number;
}

const MALFORMED = 'ERR_HARNESS_MALFORMED';
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const TIMEOUT = new Set(['ECONNABORTED', 'ETIMEDOUT']);

export class HarnessHttp {
  private readonly axios: AxiosInstance;

  constructor(private readonly opts: HarnessHttpOptions) {
    this.axios = axios.create({
      baseURL: opts.baseUrl,
      timeout: opts.timeoutMs,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      headers: { 'Harness-Account': opts.accountId, Accept: 'application/json' },
    });
    // Every attempt, retries included, waits for its turn in the shared budget.
    this.axios.interceptors.request.use(async (config) => {
      await opts.budget.acquire();
      return config;
    });
    // Registered before axios-retry's, so an unreadable 2xx body is retried like a failure.
    this.axios.interceptors.response.use((response: AxiosResponse) => {
      if (typeof response.data === 'string') {
        try {
          response.data = response.data === '' ? null : (JSON.parse(response.data) as unknown);
        } catch {
          throw new AxiosError('unreadable JSON', MALFORMED, response.config, response.request, response);
        }
      }
      return response;
    });
    axiosRetry(this.axios, {
      retries: opts.retries,
      // Each attempt gets the full timeout.
      shouldResetTimeout: true,
      retryCondition: (err) => isRetryable(err, 'safe'),
      retryDelay: (attempt) => Math.random() * Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** attempt),
    });
  }

  get accountId(): string {
    return this.opts.accountId;
  }

  async request<T extends z.ZodType>(schema: T, req: HarnessRequest): Promise<z.infer<T>> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await this.send(schema, req);
      this.opts.observe?.(req.method, req.path, seconds(), undefined);
      return result;
    } catch (err) {
      const error = err instanceof HarnessApiError ? err : toHarnessError(`${req.method} ${req.path}`, err);
      this.opts.observe?.(req.method, req.path, seconds(), error);
      throw err;
    }
  }

  private async send<T extends z.ZodType>(schema: T, req: HarnessRequest): Promise<z.infer<T>> {
    const endpoint = `${req.method} ${req.path}`;
    const config: AxiosRequestConfig = {
      method: req.method,
      url: req.path,
      params: { accountIdentifier: this.opts.accountId, ...req.params },
      data: req.data,
      ...(req.timeoutMs === undefined ? {} : { timeout: req.timeoutMs }),
      headers: {
        'x-api-key': req.apiKey ?? this.opts.apiKey,
        ...(req.contentType === undefined ? {} : { 'Content-Type': req.contentType }),
      },
      'axios-retry': { retryCondition: (err) => isRetryable(err, req.retry) },
    };
    let response: AxiosResponse;
    try {
      response = await this.axios.request(config);
    } catch (err) {
      throw toHarnessError(endpoint, err);
    }
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) {
      throw new HarnessApiError(
        endpoint,
        response.status,
        `unexpected response shape (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        'malformed',
      );
    }
    return parsed.data;
  }
}

function isRetryable(err: AxiosError, policy: RetryPolicy): boolean {
  const status = err.response?.status;
  if (policy === 'not-sent-only')
    return status === 429 || (status === undefined && NOT_SENT.has(err.code ?? ''));
  if (err.code === MALFORMED) return true;
  if (status === undefined) return err.code !== 'ERR_CANCELED';
  return status === 429 || status >= 500;
}

/** Whether the failed request may have been acted on by Harness. */
export function mayHaveReachedHarness(err: HarnessApiError): boolean {
  if (err.kind === 'network') return err.networkCode === undefined || !NOT_SENT.has(err.networkCode);
  if (err.kind === 'timeout' || err.kind === 'malformed') return true;
  return err.status === undefined || err.status >= 500;
}

function toHarnessError(endpoint: string, err: unknown): HarnessApiError {
  if (!(err instanceof AxiosError))
    return new HarnessApiError(endpoint, undefined, (err as Error).message, 'network');
  const response = err.response;
  if (err.code === MALFORMED) return new HarnessApiError(endpoint, response?.status, undefined, 'malformed');
  if (response === undefined) {
    const kind = TIMEOUT.has(err.code ?? '') ? 'timeout' : 'network';
    return new HarnessApiError(
      endpoint,
      undefined,
      kind === 'network' ? err.code : undefined,
      kind,
      undefined,
      err.code,
    );
  }
  let body: unknown = response.data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const parsed = harnessError.safeParse(body);
  const message = parsed.success
    ? (parsed.data.message ?? parsed.data.responseMessages?.[0]?.message ?? undefined)
    : undefined;
  return new HarnessApiError(
    endpoint,
    response.status,
    message ?? undefined,
    'http',
    parsed.success ? (parsed.data.correlationId ?? undefined) : undefined,
  );
}
