import { DataFileError } from '../../lib/base/errors';

/** Awaits a rejection and checks it is a DataFileError about `file` whose problem matches. */
export async function expectFileError(promise: Promise<unknown>, file: string, problem: RegExp): Promise<DataFileError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  const e = error as DataFileError;
  expect(e.file).toBe(file);
  expect(e.message).toContain(file);
  expect(e.problem).toMatch(problem);
  return e;
}
