import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../../command.js';
import { newCmdContactSet } from './set.js';

export function newCmdContact(f: ContextFactory): Command {
  return defineGroup(
    'contact',
    'Whom users contact to change plans (printed by `billing show`)',
    [newCmdContactSet(f)],
    ['platformctl staff contact set billing@example.com'],
  );
}
