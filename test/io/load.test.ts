import { describe, expect, it } from 'vitest';
import { describeImportError } from '../../src/io/load.js';

describe('import errors', () => {
  it('keep the message, drop the stack and machine paths, and find the line in the file', () => {
    const file = '/proj/definitions/storage/a.ts';
    const e = new Error('boom in /proj/definitions/storage/a.ts');
    e.stack = `Error: boom\n    at <anonymous> (file://${file}?tsx-namespace=1:12:7)\n    at x (node:internal/x:1:1)`;
    const d = describeImportError(e, file, '/proj');
    expect(d).toEqual({ message: 'boom in definitions/storage/a.ts', line: 12, column: 7 });
  });
});
