// Request bodies, read with a ceiling: a declared Content-Length over the limit is refused
// before a byte is read, and a chunked body is counted as it streams in and cut off the
// moment it passes the limit, so no request can make the gateway buffer more than that.
import { ApiError } from './errors.ts';

export function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'request_too_large',
    `the request body is larger than the gateway accepts (${limit} bytes, gateway.maxBodyBytes); send less, or raise gateway.maxBodyBytes`);
}

/** True when the request declares a body larger than `limit`. */
export function declaresTooMuch(contentLength: string | undefined, limit: number): boolean {
  if (contentLength === undefined) return false;
  const n = Number(contentLength);
  return !Number.isFinite(n) || n > limit;
}

export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  if (declaresTooMuch(request.headers.get('content-length') ?? undefined, limit)) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export async function readJsonLimited(request: Request, limit: number): Promise<unknown> {
  const bytes = await readBodyLimited(request, limit);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_request_error', 'the request body is not valid UTF-8 text; send JSON');
  }
  if (text.trim() === '') throw new ApiError(400, 'invalid_request_error', 'the request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'invalid_request_error', `the request body is not valid JSON (${(err as Error).message})`);
  }
}
