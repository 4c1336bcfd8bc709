/**
 * Start-up (issue 8.4): yargs renders a command's whole help text right after calling its handler, unless main()
 * switches that off (skipHelpCaching). The hook is yargs-internal; this test fails if an update moves it, and checks
 * that a command run no longer renders help while `--help` still does.
 */
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { main, skipHelpCaching } from '../../src/cli/main.js';

function internalUsage(parser: ReturnType<typeof yargs>): { help(): string } {
  return (parser as unknown as { getInternalMethods(): { getUsageInstance(): { help(): string } } }).getInternalMethods().getUsageInstance();
}

describe('help text is rendered only when asked for', () => {
  it('finds yargs\' help cache hook and stops a command run from rendering help', async () => {
    let renders = 0;
    const parser = yargs(['go']).exitProcess(false);
    expect(skipHelpCaching(parser)).toBe(true);
    const usage = internalUsage(parser);
    const help = usage.help.bind(usage);
    usage.help = () => {
      renders++;
      return help();
    };
    let ran = false;
    await parser.command('go', 'run it', {}, () => void (ran = true)).parseAsync();
    expect(ran).toBe(true);
    expect(renders).toBe(0);
  });

  it('renders it without the hook switched off (the cost the switch removes)', async () => {
    let renders = 0;
    const parser = yargs(['go']).exitProcess(false);
    const usage = internalUsage(parser);
    const help = usage.help.bind(usage);
    usage.help = () => {
      renders++;
      return help();
    };
    await parser.command('go', 'run it', {}, () => {}).parseAsync();
    expect(renders).toBe(1);
  });

  it('still prints a command\'s help on --help', async () => {
    const out: string[] = [];
    const code = await main(['plan', '--help'], { stdout: (s: string) => void out.push(s), stderr: () => {} } as never);
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/ztpolicy plan/);
    expect(out.join('')).toMatch(/--mg/);
  });
});
