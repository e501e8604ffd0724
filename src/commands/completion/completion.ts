import { Argument, type Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import { completionScript, SHELLS, type Shell } from './shared/scripts.js';

export interface Options {
  io: IOStreams;
  shell: Shell;
}

export function run(o: Options): void {
  o.io.out.write(completionScript(o.shell));
}

export function newCmdCompletion(f: ContextFactory, runF = run): Command {
  return defineCommand('completion', 'Print the shell completion script for bash, zsh or fish', [
    'source <(platformctl completion bash)        # bash, this shell',
    'platformctl completion bash > ~/.local/share/bash-completion/completions/platformctl',
    'platformctl completion zsh > "${fpath[1]}/_platformctl"',
    'platformctl completion fish > ~/.config/fish/completions/platformctl.fish',
  ])
    .addArgument(new Argument('<shell>', 'your shell').choices(SHELLS))
    .action((shell: Shell, _o, cmd: Command) => runF({ io: f(cmd.optsWithGlobals()).io, shell }));
}
