/**
 * Root hook for parallel runs under c8: each test file's worker writes its V8 coverage before
 * mocha's worker pool ends it. The pool kills a worker that takes over a second to exit, and a
 * killed worker's coverage is lost (mochajs/mocha#6219); without this c8 reported about a fifth
 * less coverage in parallel than in serial.
 */
import { takeCoverage } from "node:v8";

export const mochaHooks = {
  afterAll(): void {
    if (process.env.NODE_V8_COVERAGE) takeCoverage();
  },
};
