import selfsigned from 'selfsigned';

export interface EmulatorCertificate {
  key: string;
  cert: string;
}

let pending: Promise<EmulatorCertificate> | undefined;

/**
 * A self-signed certificate for 127.0.0.1 / localhost, generated in memory once per process (EC P-256
 * keeps generation fast). The SAN must carry IP:127.0.0.1, or Node's TLS check fails even when the
 * certificate is trusted (publisher-mechanics §2.2). It is its own trust anchor: clients pass it as `ca`.
 */
export function emulatorCertificate(): Promise<EmulatorCertificate> {
  pending ??= selfsigned
    .generate([{ name: 'commonName', value: 'ztpolicy ARM emulator' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    })
    .then((pems) => ({ key: pems.private, cert: pems.cert }));
  return pending;
}
