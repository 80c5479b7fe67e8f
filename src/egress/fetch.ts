// The gateway's only way to make outbound HTTP requests. Model providers are handed this
// fetch instead of reaching the network on their own, so that the egress rules (allowlists,
// audit) apply to model traffic too as they are added.
export const egressFetch: typeof fetch = (input, init) => fetch(input, init);

/** Asks a local service whether it answers, without waiting long. */
export async function probe(url: string, timeoutMs: number): Promise<Response | null> {
  try {
    return await egressFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return null;
  }
}
