/**
 * Tracing: which conditions decided a result. Issue 10: formatting a readable line for every condition of every
 * evaluation cost more than evaluating it (a plain evaluatePolicy loop took 3 to 6 times JSON.parse of the same
 * data), so a record keeps the raw operands and formats its `detail` only when someone reads it (a failing test
 * expectation, the CLI's explanation). JSON.stringify gives { path, result, detail } through toJSON.
 */
import { preview } from './operators.js';
import type { TraceEntry } from './types.js';

export class TraceRecord implements TraceEntry {
  readonly path: string;
  readonly result: boolean;
  // Private fields: not own enumerable keys, so a record looks like { path, result, detail } to its readers.
  readonly #subject: string;
  readonly #left: unknown;
  readonly #op: string;
  readonly #right: unknown;
  #detail: string | undefined;

  /**
   * `op` empty: `subject` is the whole detail. Otherwise the detail reads `<subject> <left> <op> <right>`, e.g.
   * subject "field 'location' =", left "westus", op "notIn", right ["eastus"].
   */
  constructor(path: string, result: boolean, subject: string, left?: unknown, op = '', right?: unknown) {
    this.path = path;
    this.result = result;
    this.#subject = subject;
    this.#left = left;
    this.#op = op;
    this.#right = right;
  }

  /** What was compared, formatted on first read. */
  get detail(): string {
    return (this.#detail ??= this.#op === '' ? this.#subject : `${this.#subject} ${preview(this.#left)} ${this.#op} ${preview(this.#right)}`);
  }

  toJSON(): TraceEntry {
    return { path: this.path, result: this.result, detail: this.detail };
  }
}
