import type { CommandModule } from 'yargs';
import { ZtError, ExitCode } from '../../errors.js';
import type { CliIo, CommandResult } from '../main.js';

// Placeholder until the build command lands; replaced by its owner.
export function buildCommand(_io: CliIo, _result: CommandResult): CommandModule {
  return {
    command: 'build',
    describe: 'Build (not implemented yet)',
    handler: () => {
      throw new ZtError('ZT9999', 'build is not implemented yet', { exitCode: ExitCode.bug });
    },
  };
}
