/** A problem with an input file: the file, where in it, and what was expected. */
export interface InputProblem {
  readonly file: string;
  readonly pointer: string;
  readonly line?: number;
  readonly message: string;
}
