import type { CommandModule } from 'yargs';
import { ZtError, ExitCode } from '../../errors.js';
import type { CliIo, CommandResult } from '../main.js';

// Placeholder until the check command lands; replaced by its owner.
export function checkCommand(_io: CliIo, _result: CommandResult): CommandModule {
  return {
    command: 'check',
    describe: 'Check (not implemented yet)',
    handler: () => {
      throw new ZtError('ZT9999', 'check is not implemented yet', { exitCode: ExitCode.bug });
    },
  };
}
