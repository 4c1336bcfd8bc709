/** A terminal as cli-progress sees one (isTTY, a width) that keeps what was drawn on it, for progress tests. */
import { Writable } from 'node:stream';

export function fakeTerminal(): Writable & { isTTY: boolean; columns: number; drawn: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return Object.assign(w, { isTTY: true, columns: 200, drawn: () => text });
}

/** What was drawn, one frame or line per row: each cursor move or clear starts a new row. */
export function drawnRows(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '\n').split(/[\r\n]+/).filter(Boolean);
}
