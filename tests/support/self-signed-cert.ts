// A throwaway self-signed certificate for localhost / 127.0.0.1 (openssl, EC P-256, one day), for
// the tests of TLS on the receivers and on the UI: its files and the PEM to trust as the CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SelfSignedCert {
  certFile: string;
  keyFile: string;
  /** The certificate itself, to trust as a client's CA. */
  ca: Buffer;
}

export function makeSelfSignedCert(prefix: string): SelfSignedCert {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { certFile, keyFile, ca: readFileSync(certFile) };
}
