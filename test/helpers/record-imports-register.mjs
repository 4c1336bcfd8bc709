// `node --import ./record-imports-register.mjs`: logs every resolved import to $ZT_IMPORT_LOG (see record-imports.mjs).
import { register } from 'node:module';

register('./record-imports.mjs', import.meta.url, { data: { file: process.env.ZT_IMPORT_LOG } });
