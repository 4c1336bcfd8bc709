import type { CommandModule } from 'yargs';
import { ZtError, ExitCode } from '../../errors.js';
import type { CliIo, CommandResult } from '../main.js';

// Placeholder until the publish command lands; replaced by its owner.
export function publishCommand(_io: CliIo, _result: CommandResult): CommandModule {
  return {
    command: 'publish',
    describe: 'Publish (not implemented yet)',
    handler: () => {
      throw new ZtError('ZT9999', 'publish is not implemented yet', { exitCode: ExitCode.bug });
    },
  };
}
