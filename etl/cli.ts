// The `coopstat` command line. This entry parses the arguments and answers help and usage errors
// with nothing else loaded; a command's work is imported only when it runs (`./cli/run.ts`), so
// `coopstat --help` starts at once.
import {
  commandHelp,
  commandUsage,
  globalHelp,
  isCommand,
  parseInvocation,
  UsageError,
  type Invocation,
} from './cli/commands.ts';

let invocation: Invocation;
try {
  invocation = parseInvocation(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(
    `coopstat${error.command ? ` ${error.command}` : ''}: ${error.message}\n\n${
      error.command ? commandUsage(error.command) : globalHelp()
    }\n${error.command ? `\n\`coopstat ${error.command} --help\` shows the options and examples.\n` : ''}`,
  );
  process.exit(2);
}

const topic = invocation.positionals[0];
if (invocation.help) {
  process.stdout.write(`${commandHelp(invocation.command)}\n`);
  process.exit(0);
} else if (invocation.command === 'help' && (topic === undefined || isCommand(topic))) {
  process.stdout.write(`${topic === undefined ? globalHelp() : commandHelp(topic)}\n`);
  process.exit(0);
}

const { runCli } = await import('./cli/run.ts');
process.exit(await runCli(invocation));
