// Limits on connections, enforced on the server itself: header size, how long a client may
// take to send its headers and its whole request (slowloris), keep-alive idle time, and how
// many connections one address may hold open. Each refusal that can still be answered gets a
// JSON error saying which limit and which key.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config/schema.ts';
import { errorBody } from './errors.ts';
import { normalizeIp, type IpRanges } from './ip.ts';

export function serverOptions(config: Config) {
  const l = config.gateway.limits;
  return {
    maxHeaderSize: l.maxHeaderBytes,
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: Math.min(l.idleTimeoutMs, 65_000),
    // Node looks for expired requests every 30 s by default: too coarse for slowloris.
    connectionsCheckingInterval: 1000,
  };
}

export function applyLimits(server: Server, config: Config, trusted: IpRanges, log: (line: Record<string, unknown>) => void): void {
  const l = config.gateway.limits;
  const open = new Map<string, number>();
  // Plain TCP connections (for TLS too: 'connection' fires before the handshake).
  server.on('connection', (socket: Socket) => {
    const ip = normalizeIp(socket.remoteAddress) ?? 'unknown';
    // A trusted reverse proxy carries many clients over its connections: not counted.
    if (trusted.has(ip)) return;
    const n = (open.get(ip) ?? 0) + 1;
    if (n > l.maxConnectionsPerIp) {
      log({ level: 'warn', msg: 'connection refused: too many open connections from one address', ip, limit: l.maxConnectionsPerIp });
      socket.destroy();
      return;
    }
    open.set(ip, n);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    let status = 400, type = 'invalid_request_error', message = 'the request is not well-formed HTTP';
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431; type = 'headers_too_large';
      message = `the request headers are larger than the gateway accepts (${l.maxHeaderBytes} bytes, gateway.limits.maxHeaderBytes)`;
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408; type = 'request_timeout';
      message = `the request was not sent in time (headers within gateway.limits.headersTimeoutMs = ${l.headersTimeoutMs} ms, all of it within gateway.limits.requestTimeoutMs = ${l.requestTimeoutMs} ms)`;
    }
    const body = JSON.stringify(errorBody(type as never, message));
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`);
  });
}
