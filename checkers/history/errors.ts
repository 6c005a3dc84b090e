/** A history the checkers refuse to judge. The message is `file:line: reason`, ready for stderr. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly file: string,
    /** 1-based line number; 0 when the problem is not tied to a line (e.g. an empty file). */
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
  }
}
