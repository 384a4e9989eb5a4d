import { csrfHeaders, sessionEnded } from './client';
import { ApiProblem } from './problem';

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Bytes in the file. */
  total: number;
}

export interface UploadRequest {
  /** An API path, e.g. `/v1/catalogue-imports`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as the body straight from disk: the browser streams a File, the page never reads it. */
  file: Blob;
  contentType: string;
  idempotencyKey?: string;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Uploads a file as a request body with upload progress, which `fetch` cannot report: an
 * XMLHttpRequest given a File sends it from disk in chunks, so a file of gigabytes never sits in
 * the page's memory. Same origin, the session cookie and CSRF token as `api`; a refusal throws
 * the API's problem document as an ApiProblem, like `unwrap`.
 */
export function uploadFile<T>(request: UploadRequest): Promise<T> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {}))
    if (value !== undefined && value !== '') params.set(name, value);
  const url = params.size > 0 ? `${request.path}?${params.toString()}` : request.path;

  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', request.contentType);
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    if (request.idempotencyKey) xhr.setRequestHeader('Idempotency-Key', request.idempotencyKey);

    xhr.upload.onprogress = (event) =>
      request.onProgress?.({
        loaded: event.loaded,
        total: event.lengthComputable ? event.total : request.file.size,
      });
    xhr.onload = () => {
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T);
        return;
      }
      if (xhr.status === 401) sessionEnded();
      const isDocument =
        typeof body === 'object' &&
        body !== null &&
        typeof (body as { title?: unknown }).title === 'string';
      reject(
        new ApiProblem(xhr.status, isDocument ? body : null, xhr.getResponseHeader('X-Request-Id')),
      );
    };
    xhr.onerror = () => reject(new ApiProblem(0, null));
    xhr.onabort = () =>
      reject(new ApiProblem(0, { title: 'Upload cancelled', detail: 'Nothing was sent in full.' }));

    if (request.signal) {
      if (request.signal.aborted) {
        xhr.abort();
        return;
      }
      request.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(request.file);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
