import { describe, it } from 'vitest';

/**
 * True on a CI machine: there, tests that need PostgreSQL, Chromium, a pseudo-terminal or
 * root must run or fail, never skip. Any CI value but an empty one, "false" or "0" counts
 * (GitHub Actions and most runners set "true", some set "1").
 */
export const inCI = ((v) => v !== undefined && v !== '' && v !== 'false' && v !== '0')(process.env.CI?.trim().toLowerCase());

/**
 * A describe block for tests that need something a machine may lack (PostgreSQL, Chromium,
 * a pseudo-terminal). `problem` says what is missing, or is undefined when it is there.
 * Elsewhere the block skips with one line on stderr; under CI it fails, as one test that
 * names the problem. (A failed precondition in beforeAll would not do: vitest reports the
 * block's tests as skipped, not failed.)
 */
export function describeNeeding(name: string, needs: string, problem: string | undefined, fn: () => void): void {
  if (!problem) {
    describe(name, fn);
  } else if (inCI) {
    describe(name, () => {
      it(`needs ${needs}`, () => {
        throw new Error(`CI=true runs every test: ${problem}`);
      });
    });
  } else {
    process.stderr.write(`skipping "${name}": ${problem}; under CI=true it fails instead\n`);
    describe.skip(name, fn);
  }
}
