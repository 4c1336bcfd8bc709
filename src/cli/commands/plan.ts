import type { CommandModule } from 'yargs';
import { ZtError, ExitCode } from '../../errors.js';
import type { CliIo, CommandResult } from '../main.js';

// Placeholder until the plan command lands; replaced by its owner.
export function planCommand(_io: CliIo, _result: CommandResult): CommandModule {
  return {
    command: 'plan',
    describe: 'Plan (not implemented yet)',
    handler: () => {
      throw new ZtError('ZT9999', 'plan is not implemented yet', { exitCode: ExitCode.bug });
    },
  };
}
