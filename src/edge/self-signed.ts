// `hardshell gateway --tls-self-signed`: a certificate for local testing, for localhost,
// 127.0.0.1 and ::1, made with @peculiar/x509 (Node's crypto makes keys but cannot write an
// X.509 certificate). ECDSA P-256, valid 30 days, remade when missing or about to expire.
// The key is written 0600 before any byte of it exists on disk.
import { mkdirSync, existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, webcrypto, randomBytes } from 'node:crypto';

export interface SelfSignedPair { cert: string; key: string; created: boolean }

const VALID_DAYS = 30;

/** The pair under `<home>/tls/`, made if missing or expiring within a day. */
export async function ensureSelfSigned(home: string, now = new Date()): Promise<SelfSignedPair> {
  const dir = join(home, 'tls');
  const cert = join(dir, 'self-signed-cert.pem');
  const key = join(dir, 'self-signed-key.pem');
  if (existsSync(cert) && existsSync(key)) {
    try {
      const x = new X509Certificate(readFileSync(cert));
      if (Date.parse(x.validTo) - now.getTime() > 24 * 3600 * 1000) return { cert, key, created: false };
    } catch {
      // unreadable: make a new one
    }
  }
  const pem = await makeSelfSigned(now);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(key, pem.key, { mode: 0o600 });
  chmodSync(key, 0o600);
  writeFileSync(cert, pem.cert, { mode: 0o644 });
  return { cert, key, created: true };
}

export async function makeSelfSigned(now = new Date(), names = ['localhost'], ips = ['127.0.0.1', '::1']): Promise<{ cert: string; key: string }> {
  // tsyringe, under @peculiar/x509, needs the Reflect metadata API; loaded only here.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as never);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    name: 'CN=hardshell local gateway',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + VALID_DAYS * 24 * 3600 * 1000),
    keys: keys as never,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.map((value) => ({ type: 'dns' as const, value })),
        ...ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem') + '\n', key };
}
