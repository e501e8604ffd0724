import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdList } from './list.js';
import { newCmdShow } from './show.js';
import { newCmdSwitch } from './switch.js';
import { newCmdLeave } from './leave.js';

export function newCmdCompany(f: ContextFactory): Command {
  return defineGroup(
    'company',
    'List, show, switch between and leave companies',
    [newCmdList(f), newCmdShow(f), newCmdSwitch(f), newCmdLeave(f)],
    ['platformctl company list', 'platformctl company switch "Acme Company"'],
  );
}
