/** Running an exercise's check in a test: its status, or the hint of an answer it must fail. */
import { runCheck } from '../../lib/exercises/registry';

/** What the check concluded about an answer: passed, failed or not attempted. */
export async function status(id: string, answer: unknown): Promise<string> {
  return (await runCheck(id, answer)).status;
}

/** The hint of a check that must fail the answer (the test fails if it does not). */
export async function hint(id: string, answer: unknown): Promise<string> {
  const verdict = await runCheck(id, answer);
  expect(verdict.status).toBe('failed');
  return verdict.message;
}
