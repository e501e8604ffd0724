import type { Prompter } from '../../src/io/prompter.js';

/** One question a test expects, in order, with its answer. */
export type Step =
  | { kind: 'input'; message: string | RegExp; answer: string }
  | { kind: 'password'; message: string | RegExp; answer: string }
  | { kind: 'choose'; message: string | RegExp; answer: boolean; answers?: [yes: string, no: string] };

const matches = (want: string | RegExp, got: string) => (typeof want === 'string' ? want === got : want.test(got));

/**
 * A prompter that answers only the questions a test expects, in order, and fails on any
 * other: a command that asks something unexpected (or too much) fails its test.
 */
export function scriptedPrompter(steps: Step[]) {
  const asked: string[] = [];
  const next = (kind: Step['kind'], message: string): Step => {
    asked.push(message);
    const step = steps.shift();
    if (!step || step.kind !== kind || !matches(step.message, message))
      throw new Error(`unexpected ${kind} prompt: ${message}`);
    return step;
  };
  const prompter: Prompter = {
    input: async (m) => (next('input', m) as Extract<Step, { kind: 'input' }>).answer,
    password: async (m) => (next('password', m) as Extract<Step, { kind: 'password' }>).answer,
    choose: async (m, yes, no) => {
      const step = next('choose', m) as Extract<Step, { kind: 'choose' }>;
      if (step.answers && (step.answers[0] !== yes || step.answers[1] !== no)) {
        throw new Error(`prompt offered "${yes}" / "${no}", expected "${step.answers[0]}" / "${step.answers[1]}"`);
      }
      return step.answer;
    },
  };
  return { prompter, asked, left: () => steps.length };
}

/** Steps for visible prompts answered in order: [message, answer] pairs. */
export const inputSteps = (pairs: [string | RegExp, string][]): Step[] =>
  pairs.map(([message, answer]) => ({ kind: 'input', message, answer }));

/** Steps for password prompts answered in order: [message, answer] pairs. */
export const passwordSteps = (pairs: [string, string][]): Step[] =>
  pairs.map(([message, answer]) => ({ kind: 'password', message, answer }));
