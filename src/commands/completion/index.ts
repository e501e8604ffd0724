// The completion group's entry points for main.ts: the `completion` command, and the
// hidden `__complete` the scripts call on every TAB (run before commander parses).
export { newCmdCompletion } from './completion.js';
export { runComplete } from './complete-runner.js';
