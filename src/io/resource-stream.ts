/**
 * Resource exports of any size, as an async stream of entries in input order.
 *
 * A file up to `streamAboveBytes` (64 MiB by default) is read whole and parsed with JSON.parse: on such a file
 * that is about 2.5x faster than a streaming parser (bench: `npm run bench -- evaluate`). A larger file is
 * stream-parsed with @streamparser/json, element by element, so nothing ever holds the whole text: V8 cannot
 * make a string longer than about 512 MB (2^29 - 24 characters), and an `az graph query` dump of a million
 * resources is over 1 GB. Only the list shapes an export of that size takes are streamed: a plain array
 * (`az resource list`, `az graph query --query ... -o json` piped through jq), `{ "data": [...] }` (`az graph
 * query`) and `{ "value": [...] }` (an ARM list response); a large object that has neither list is read whole
 * (it is one resource, or a template), which is the same code path as a small file.
 *
 * Malformed JSON in the middle of a stream is reported with the file, the byte offset and line/column, and the
 * JSON path of the element being read; the entries before it have already been yielded (and evaluated), the
 * rest of the file is skipped and the next file is read.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { TokenParser, Tokenizer } from '@streamparser/json';
import {
  InputCode,
  acceptResource,
  displayPath,
  listJsonFiles,
  readJsonFile,
  resourceEntriesIn,
  type InputProblem,
  type LoadResourcesOptions,
  type ResourceEntry,
} from './evaluate-inputs.js';

export const DEFAULT_STREAM_ABOVE_BYTES = 64 * 1024 * 1024;

export interface ResourceStreamOptions extends LoadResourcesOptions {
  /** Files larger than this many bytes are stream-parsed (default DEFAULT_STREAM_ABOVE_BYTES). */
  streamAboveBytes?: number;
  /** Called about every `progressEvery` entries of a streamed file (default 50,000). */
  onStreamProgress?: (file: string, entries: number, bytesRead: number, bytesTotal: number) => void;
  progressEvery?: number;
}

/** Total size in bytes of the files under `paths` (to pick a strategy before reading). */
export function inputBytes(paths: readonly string[]): number {
  let total = 0;
  const scratch: InputProblem[] = [];
  for (const p of paths) for (const f of listJsonFiles(p, scratch)) total += safeSize(f);
  return total;
}

function safeSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The resources of every file under `paths`, in order (files sorted as listJsonFiles sorts them). Problems are
 * appended to `problems` as they are found; iteration never throws for bad input.
 */
export async function* resourceEntries(paths: readonly string[], problems: InputProblem[], options: ResourceStreamOptions = {}): AsyncGenerator<ResourceEntry> {
  const limit = options.streamAboveBytes ?? DEFAULT_STREAM_ABOVE_BYTES;
  let count = 0;
  for (const path of paths) {
    for (const file of listJsonFiles(path, problems)) {
      const size = safeSize(file);
      if (size <= limit) {
        const read = readJsonFile(file, problems);
        if (!read.ok) continue;
        for (const e of resourceEntriesIn(read.value, file, problems, options)) {
          count++;
          yield e;
        }
        options.onFile?.(file, count, read.bytes);
        continue;
      }
      for await (const e of streamFile(file, size, problems, options)) {
        count++;
        yield e;
      }
      options.onFile?.(file, count, size);
    }
  }
}

interface Head {
  /** Bytes to skip (a byte order mark). */
  skip: number;
  encoding: 'utf8' | 'utf16le';
  /** First significant character, or undefined for an empty (all-whitespace) file. */
  first: string | undefined;
}

/** The encoding (UTF-8, or UTF-16LE with its BOM from PowerShell 5 redirection) and the first JSON character. */
function readHead(file: string): Head {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n);
    if (head[0] === 0xff && head[1] === 0xfe) {
      const text = head.subarray(2, n - (n % 2)).toString('utf16le');
      return { skip: 2, encoding: 'utf16le', first: /\S/.exec(text)?.[0] };
    }
    const skip = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    return { skip, encoding: 'utf8', first: /\S/.exec(head.subarray(skip).toString('latin1'))?.[0] };
  } finally {
    closeSync(fd);
  }
}

/** Line and column of a byte offset, counted by reading the file up to it (only done for an error message). */
async function lineColumn(file: string, offset: number, skip: number): Promise<string> {
  let line = 1;
  let lastNewline = -1;
  let seen = 0;
  for await (const chunk of createReadStream(file, { start: skip, end: skip + Math.max(0, offset - 1), highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      line++;
      lastNewline = seen + i;
    }
    seen += chunk.length;
  }
  return `line ${line} column ${offset - lastNewline}`;
}

async function* streamFile(file: string, size: number, problems: InputProblem[], options: ResourceStreamOptions): AsyncGenerator<ResourceEntry> {
  const shown = displayPath(file);
  let head: Head;
  try {
    head = readHead(file);
  } catch (error) {
    problems.push({ file: shown, code: InputCode.unreadable, severity: 'error', message: `cannot read: ${(error as Error).message}` });
    return;
  }
  if (head.first !== '[' && head.first !== '{') {
    problems.push({
      file: shown,
      code: InputCode.invalidJson,
      severity: 'error',
      message: head.first === undefined ? 'invalid JSON: the file holds only whitespace' : `invalid JSON: a resource export starts with [ or {, this file with "${head.first}"`,
      hint: 'export with az graph query -o json or az resource list -o json (-o table or -o tsv is not JSON)',
    });
    return;
  }
  // Elements of the top-level array, or of the top-level "data" / "value" list. keepStack: false drops each
  // element from its parent once emitted, which is what keeps memory bounded. The tokenizer and token parser are
  // chained by hand (as the library documents) to know the offset of the last token for error messages.
  const tokenizer = new Tokenizer();
  const tokens = new TokenParser({ paths: head.first === '[' ? ['$.*'] : ['$.data.*', '$.value.*'], keepStack: false });
  let ready: ResourceEntry[] = [];
  let listKey: string | undefined;
  let elements = 0;
  let failure: Error | undefined;
  let ended = false;
  let lastOffset = -1;
  tokenizer.onToken = (info) => {
    lastOffset = info.offset;
    tokens.write(info);
  };
  tokenizer.onEnd = () => {
    if (!tokens.isEnded) tokens.end();
  };
  tokenizer.onError = (error) => {
    failure ??= error;
  };
  tokens.onError = tokenizer.error.bind(tokenizer);
  tokens.onEnd = () => {
    ended = true;
    if (!tokenizer.isEnded) tokenizer.end();
  };
  tokens.onValue = ({ value, key, stack }) => {
    // stack[1] is the top-level list's key for { data: [...] } / { value: [...] }.
    listKey = stack.length > 1 ? String(stack[1]!.key) : undefined;
    elements++;
    const entry = acceptResource(value, listKey === undefined ? `$[${String(key)}]` : `$.${listKey}[${String(key)}]`, shown, problems, options);
    if (entry) ready.push(entry);
  };
  const stream = createReadStream(file, { start: head.skip, highWaterMark: 1 << 20 });
  const decoder = head.encoding === 'utf16le' ? new TextDecoder('utf-16le') : undefined;
  let bytesRead = head.skip;
  const every = options.progressEvery ?? 50_000;
  let nextProgress = every;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      if (!ended) {
        try {
          tokenizer.write(decoder ? decoder.decode(chunk, { stream: true }) : chunk);
        } catch (error) {
          failure ??= error as Error;
        }
      } else if (/\S/.test(chunk.toString('latin1'))) {
        failure ??= new Error('unexpected data after the end of the top-level value');
      }
      if (ready.length > 0) {
        const out = ready;
        ready = [];
        yield* out;
      }
      if (elements >= nextProgress) {
        nextProgress = elements + every;
        options.onStreamProgress?.(shown, elements, bytesRead, size);
      }
      if (failure) break;
    }
    if (!failure && !ended) {
      try {
        tokenizer.end();
      } catch (error) {
        failure ??= error as Error;
      }
    }
  } finally {
    stream.destroy();
  }
  yield* ready;
  if (failure) {
    // The tokenizer names the absolute position of a lexical error; a structural one is at the last token.
    const pos = /absolute position "?(\d+)"?/.exec(failure.message);
    const offset = pos ? Number(pos[1]) : lastOffset >= 0 ? lastOffset : undefined;
    const unit = head.encoding === 'utf16le' ? 'character' : 'byte';
    const where = offset !== undefined ? `at ${unit} ${offset + (unit === 'byte' ? head.skip : 0)} (${unit === 'byte' ? await lineColumn(file, offset, head.skip) : 'UTF-16 file'})` : `after byte ${bytesRead}`;
    const path = elements > 0 || head.first === '[' ? (listKey === undefined ? `$[${elements}]` : `$.${listKey}[${elements}]`) : undefined;
    problems.push({
      file: shown,
      ...(path ? { jsonPath: path } : {}),
      code: InputCode.invalidJson,
      severity: 'error',
      message: `invalid JSON ${where}${path ? `, in the element after ${elements} complete one(s)` : ''}: ${failure.message.replace(/\s*\(?absolute position[^)]*\)?/, '')}; the rest of the file is not evaluated`,
      hint: /ended|mid-parsing|middle of a token/i.test(failure.message)
        ? 'the file ends before the JSON does: was the export cut short (disk full, interrupted download)?'
        : 'fix the JSON at that position (az CLI output with -o json is valid JSON)',
    });
    return;
  }
  if (elements === 0 && head.first === '{') {
    // Not a { data } / { value } list: one resource, a template, or a table-format result; read it whole.
    const read = readJsonFile(file, problems);
    if (read.ok) yield* resourceEntriesIn(read.value, file, problems, options);
  }
}

/**
 * Export files as a preview source (estate/engine.ts). Inputs that together fit under the streaming threshold
 * are read once and kept (a second pass for existence-check documents costs nothing); larger ones are streamed
 * again for that pass, which reports no problem twice.
 */
export function fileSource(
  paths: readonly string[],
  problems: InputProblem[],
  options: ResourceStreamOptions = {},
): { entries(): AsyncIterable<ResourceEntry>; ofTypes(types: ReadonlySet<string> | undefined): AsyncIterable<ResourceEntry> } {
  const limit = options.streamAboveBytes ?? DEFAULT_STREAM_ABOVE_BYTES;
  let cached: ResourceEntry[] | undefined;
  const small = inputBytes(paths) <= limit;
  const all = async (): Promise<ResourceEntry[]> => {
    if (!cached) {
      cached = [];
      for await (const e of resourceEntries(paths, problems, options)) cached.push(e);
    }
    return cached;
  };
  return {
    async *entries() {
      if (small) {
        const list = await all();
        cached = undefined; // evaluated once: let the documents go as the engine drops them
        yield* list;
      } else yield* resourceEntries(paths, problems, options);
    },
    async *ofTypes(types) {
      const pick = (e: ResourceEntry) => types === undefined || types.has(String(e.resource.type).toLowerCase());
      if (small) {
        for (const e of await all()) if (pick(e)) yield e;
        return;
      }
      const scratch: InputProblem[] = [];
      for await (const e of resourceEntries(paths, scratch, { ...options, onFile: undefined, onStreamProgress: undefined })) if (pick(e)) yield e;
    },
  };
}
