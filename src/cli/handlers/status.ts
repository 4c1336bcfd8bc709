/**
 * `ztpolicy status --mg ID` (options in ../commands/status.ts): reads Azure Policy's compliance results for the
 * assignments this repo owns and prints them per unit and control (text, `--json`, `--markdown`). Exit 0 when the
 * report was read (whatever it says), 2 bad input, 3 Azure.
 */
import { openSession } from '../../publisher/session.js';
import { readStatus, renderStatusJson, renderStatusMarkdown, renderStatusText } from '../../publisher/status.js';
import type { CommandRun } from '../command.js';
import type { StatusArgs } from '../commands/status.js';
import { reporter } from '../output.js';
import { sessionOptions } from './plan.js';

export const run: CommandRun<StatusArgs> = async (args, io) => {
  const session = await openSession(sessionOptions({ ...args, adopt: false }, io));
  const say = reporter(io, args);
  say.info(`Reading compliance at management group '${session.config.managementGroupId}' from ${session.gateway.endpoint}...`);
  const report = await readStatus(session);
  io.stdout(args.json ? renderStatusJson(report) : args.markdown ? renderStatusMarkdown(report) : renderStatusText(report));
  say.info(`${session.gateway.counter.requests} request(s) to ARM.`);
};
