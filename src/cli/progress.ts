/**
 * Progress of long per-item steps (e.g. "subscriptions done of total", "writes done of total"), the one mechanism
 * every command uses: give `cliProgress(io)` to the core as its `Progress` callback. On a terminal it is a live bar
 * (cli-progress) on stderr showing done of total, the current stage (e.g. the tiers being written) and, when the
 * gateway's `RetryWaits` is given, how many requests are waiting on throttling; in a log (CI, a pipe) it is plain
 * lines, one per 10 % step (with the throttled count when there is one) and one when throttling starts, so logs stay
 * short and greppable and a long Retry-After does not look like a hang. Steps below `minTotal` items finish too fast
 * to need one and print nothing. Never on stdout (results only there).
 *
 * Lines a command prints while a live bar runs must go through `line()`, which prints them above the bar (a plain
 * write would land in the middle of the bar's line).
 */
import { MultiBar } from 'cli-progress';
import type { RetryWaits } from '../publisher/retry-waits.js';
import type { Progress, ProgressTask } from '../publisher/types.js';
import type { CliIo } from './command.js';

export interface ProgressOptions {
  /** Smaller steps print no progress at all (default 20). */
  minTotal?: number;
  /** Clock for the elapsed time in plain lines (tests). */
  now?: () => number;
  /** The gateway's wait counter: the display shows the requests waiting on throttling. */
  waits?: RetryWaits;
}

/** A `Progress` that also prints a line of text without breaking a live bar. */
export type CliProgress = Progress & { line(text: string): void };

const NOOP: ProgressTask = { tick: () => undefined, stage: () => undefined, done: () => undefined };

function throttledText(waits: RetryWaits | undefined): string {
  const n = waits?.waiting('throttled') ?? 0;
  return n > 0 ? `${n} waiting on throttling` : '';
}

/** The one live display of a command: a MultiBar with a bar per running step, stopped when the last one ends. */
interface LiveDisplay {
  multi: MultiBar;
  open: number;
}

function newDisplay(stream: NodeJS.WritableStream): LiveDisplay {
  const multi = new MultiBar({
    stream: stream as NodeJS.WriteStream,
    format: `{label} [{bar}] {value}/{total} ({percentage}%, {duration_formatted}){stage}{throttled}`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
  });
  return { multi, open: 0 };
}

/**
 * A bar in the display: steps that run side by side (publish's writes and, beside them, the Defender plans per
 * subscription) each get one, drawn together; a finished bar stays at its end until the display stops.
 */
function liveBar(display: LiveDisplay, label: string, total: number, waits: RetryWaits | undefined, release: () => void): ProgressTask {
  let stage = '';
  const payload = () => ({ label, stage: stage ? ` · ${stage}` : '', throttled: throttledText(waits) ? ` · ${throttledText(waits)}` : '' });
  const bar = display.multi.create(total, 0, payload());
  display.open += 1;
  let done = 0;
  const refresh = () => bar.update(Math.min(done, total), payload());
  const unsubscribe = waits?.subscribe(refresh);
  let stopped = false;
  return {
    tick: (n = 1) => {
      done += n;
      refresh();
    },
    stage: (text) => {
      stage = text;
      refresh();
    },
    done: () => {
      if (stopped) return;
      stopped = true;
      unsubscribe?.();
      stage = '';
      refresh();
      release();
    },
  };
}

function plainLines(io: CliIo, label: string, total: number, now: () => number, waits: RetryWaits | undefined): ProgressTask {
  const started = now();
  let done = 0;
  let printedStep = 0;
  let finished = false;
  let throttledBefore = 0;
  // One line when throttling starts (not one per wait: a tenant-wide 429 storm would flood the log).
  const unsubscribe = waits?.subscribe(() => {
    const n = waits.waiting('throttled');
    if (n > 0 && throttledBefore === 0 && !finished) io.stderr(`${label}: ${done}/${total}, ${n} waiting on throttling (ARM asked to slow down; its Retry-After is honoured)\n`);
    throttledBefore = n;
  });
  io.stderr(`${label}: 0/${total}\n`);
  return {
    tick: (n = 1) => {
      done = Math.min(total, done + n);
      const step = Math.floor((done * 10) / total);
      if (step > printedStep && done < total) {
        printedStep = step;
        const throttled = throttledText(waits);
        io.stderr(`${label}: ${done}/${total} (${step * 10}%)${throttled ? `, ${throttled}` : ''}\n`);
      }
    },
    // The stage is for the live display; in a log the command prints its own line per stage.
    stage: () => undefined,
    done: () => {
      if (finished) return;
      finished = true;
      unsubscribe?.();
      io.stderr(`${label}: ${done}/${total} done in ${((now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}

export function cliProgress(io: CliIo, options: ProgressOptions = {}): CliProgress {
  const minTotal = options.minTotal ?? 20;
  const now = options.now ?? Date.now;
  const tty = io.stderrIsTty ?? Boolean(process.stderr.isTTY);
  let display: LiveDisplay | undefined;
  const progress = (label: string, total: number): ProgressTask => {
    if (total < minTotal) return NOOP;
    if (!tty) return plainLines(io, label, total, now, options.waits);
    const d = (display ??= newDisplay(io.stderrStream ?? process.stderr));
    return liveBar(d, label, total, options.waits, () => {
      d.open -= 1;
      if (d.open > 0) return;
      // Lines logged since the last frame wait in cli-progress's buffer, which stop() drops: draw once more first.
      d.multi.update();
      d.multi.stop();
      if (display === d) display = undefined;
    });
  };
  return Object.assign(progress, {
    line: (text: string) => (display ? display.multi.log(`${text}\n`) : io.stderr(`${text}\n`)),
  });
}
