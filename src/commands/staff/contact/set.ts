import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../../command.js';
import { setSupportContact } from '../../../domain/staff.js';
import { printJson } from '../../../output/json.js';
import { success } from '../../../output/messages.js';
import { printable } from '../../../text.js';

export interface SetOptions extends Deps {
  contact: string;
}

export async function run(o: SetOptions): Promise<void> {
  const r = await setSupportContact(await o.services(), o.credential(), o.contact);
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    r.changed
      ? `The support contact is now ${printable(r.supportContact)}; \`billing show\` prints it.`
      : `The support contact is already ${printable(r.supportContact)}.`,
  );
}

export function newCmdContactSet(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'set',
    'Set the support contact (an e-mail, URL or phone) that `billing show` prints for changing plans (SUPPORT)',
    [
      'platformctl staff contact set billing@example.com',
      'platformctl staff contact set https://example.com/support',
      'platformctl staff contact set "+1 555 0100"',
    ],
  )
    .argument('<text>', 'an e-mail address, a URL (https://…, mailto:…) or a phone number')
    .action(async (contact: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), contact }));
}
