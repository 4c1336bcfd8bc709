// Module hooks that log every resolved import (url, parent url, specifier) to the file named in the data, one
// per line: test/cli/registry.test.ts reads it to see which modules a CLI start or a command loads. Registered by
// record-imports-register.mjs with `node --import`.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, `${resolved.url}\t${context.parentURL ?? ''}\t${specifier}\n`);
  return resolved;
}
