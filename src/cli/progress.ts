/**
 * Progress of long per-item steps (e.g. "subscriptions done of total"), the one mechanism every command uses:
 * give `cliProgress(io)` to the core as its `Progress` callback. On a terminal it is a live bar (cli-progress) on
 * stderr; in a log (CI, a pipe) it is plain lines, one per 10 % step, so logs stay short and greppable. Steps
 * below `minTotal` items finish too fast to need one and print nothing. Never on stdout (results only there).
 */
import { SingleBar } from 'cli-progress';
import type { Progress, ProgressTask } from '../publisher/types.js';
import type { CliIo } from './command.js';

export interface ProgressOptions {
  /** Smaller steps print no progress at all (default 20). */
  minTotal?: number;
  /** Clock for the elapsed time in plain lines (tests). */
  now?: () => number;
}

const NOOP: ProgressTask = { tick: () => undefined, done: () => undefined };

function liveBar(label: string, total: number): ProgressTask {
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {value}/{total} ({percentage}%, {duration_formatted})`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
  });
  bar.start(total, 0);
  let done = 0;
  return {
    tick: (n = 1) => {
      done += n;
      bar.update(Math.min(done, total));
    },
    done: () => bar.stop(),
  };
}

function plainLines(io: CliIo, label: string, total: number, now: () => number): ProgressTask {
  const started = now();
  let done = 0;
  let printedStep = 0;
  let finished = false;
  io.stderr(`${label}: 0/${total}\n`);
  return {
    tick: (n = 1) => {
      done = Math.min(total, done + n);
      const step = Math.floor((done * 10) / total);
      if (step > printedStep && done < total) {
        printedStep = step;
        io.stderr(`${label}: ${done}/${total} (${step * 10}%)\n`);
      }
    },
    done: () => {
      if (finished) return;
      finished = true;
      io.stderr(`${label}: ${done}/${total} done in ${((now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}

export function cliProgress(io: CliIo, options: ProgressOptions = {}): Progress {
  const minTotal = options.minTotal ?? 20;
  const now = options.now ?? Date.now;
  const tty = io.stderrIsTty ?? Boolean(process.stderr.isTTY);
  return (label, total) => {
    if (total < minTotal) return NOOP;
    return tty ? liveBar(label, total) : plainLines(io, label, total, now);
  };
}
