import type { CommandModule } from 'yargs';
import { ZtError, ExitCode } from '../../errors.js';
import type { CliIo, CommandResult } from '../main.js';

// Placeholder until the evaluate command lands; replaced by its owner.
export function evaluateCommand(_io: CliIo, _result: CommandResult): CommandModule {
  return {
    command: 'evaluate',
    describe: 'Evaluate (not implemented yet)',
    handler: () => {
      throw new ZtError('ZT9999', 'evaluate is not implemented yet', { exitCode: ExitCode.bug });
    },
  };
}
