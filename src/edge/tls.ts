// HTTPS for the gateway: TLS 1.2 at least (1.3 is preferred by Node whenever the client has
// it), a private key only its owner can read, and certificate and key reloaded when their
// files change, so a renewed certificate takes effect without a restart.
import { readFileSync, statSync, watchFile, unwatchFile } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Server as HttpsServer } from 'node:https';
import type { Config } from '../config/schema.ts';
import { GatewayStartError } from './errors.ts';

export const TLS_MIN_VERSION = 'TLSv1.2' as const;

export interface TlsFiles { cert: string; key: string }

/** The certificate and key paths, or a start error naming the missing key. */
export function tlsFiles(config: Config): TlsFiles {
  const { cert, key } = config.gateway.tls;
  if (!cert || !key) {
    throw new GatewayStartError(
      `gateway.tls.enabled is true but gateway.tls.${!cert ? 'cert' : 'key'} is not set; set both gateway.tls.cert and gateway.tls.key to PEM files ` +
      '(or run "hardshell gateway --tls-self-signed" to make a pair for local testing)',
    );
  }
  return { cert: resolve(cert), key: resolve(key) };
}

/** Reads and checks the pair; throws GatewayStartError saying which file and what to do. */
export function loadTls(files: TlsFiles): SecureContextOptions {
  let mode: number;
  try {
    mode = statSync(files.key).mode;
  } catch (err) {
    throw new GatewayStartError(`cannot read the TLS key ${files.key} (gateway.tls.key): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new GatewayStartError(
      `the TLS key ${files.key} (gateway.tls.key) can be read by other users (mode ${(mode & 0o777).toString(8)}); ` +
      `run: chmod 600 ${files.key}`,
    );
  }
  let cert: Buffer, key: Buffer;
  try {
    cert = readFileSync(files.cert);
  } catch (err) {
    throw new GatewayStartError(`cannot read the TLS certificate ${files.cert} (gateway.tls.cert): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  key = readFileSync(files.key);
  const options: SecureContextOptions = { cert, key, minVersion: TLS_MIN_VERSION };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new GatewayStartError(`the TLS certificate ${files.cert} and key ${files.key} cannot be used together: ${(err as Error).message}`);
  }
  return options;
}

/**
 * Watches both files and swaps the server's certificate when they change. A half-written or
 * mismatched pair (the moment between two file writes) keeps the old one and says so; the
 * next change tries again. Returns a function that stops watching.
 */
export function watchTls(server: HttpsServer, files: TlsFiles, log: (line: Record<string, unknown>) => void, intervalMs = 1000): () => void {
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      try {
        server.setSecureContext(loadTls(files));
        log({ level: 'info', msg: 'TLS certificate reloaded', cert: files.cert });
      } catch (err) {
        log({ level: 'warn', msg: `TLS certificate not reloaded, keeping the current one: ${(err as Error).message}` });
      }
    }, 100);
    timer.unref();
  };
  const opts = { interval: intervalMs, persistent: false };
  watchFile(files.cert, opts, reload);
  watchFile(files.key, opts, reload);
  return () => {
    clearTimeout(timer);
    unwatchFile(files.cert, reload);
    unwatchFile(files.key, reload);
  };
}
