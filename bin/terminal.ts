// Terminal output for the CLI: colours and progress lines only on a TTY, nothing with --silent.
import { ANSI, PLAIN, type Style } from '../compiler/diagnostics/format.js';

export interface Terminal {
  style: Style;
  /** A result line (what was done, where): printed unless --silent. */
  info(line: string): void;
  /** A detail line (the stages' timings): printed with --verbose only, unless --silent. */
  detail(line: string): void;
  /** A transient progress line: TTY only. */
  progress(line: string): void;
  /** Problems: always printed, to stderr. */
  error(text: string): void;
  /** Machine output (--format json): always printed, to stdout. */
  data(text: string): void;
}

export function createTerminal(options: { silent: boolean; json: boolean; verbose?: boolean }): Terminal {
  const tty = process.stdout.isTTY === true && !options.json;
  const colour = tty && !process.env.NO_COLOR;
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) process.stdout.write('\r\x1b[2K');
    progressShown = false;
  };
  return {
    style: colour ? ANSI : PLAIN,
    info(line) {
      if (options.silent || options.json) return;
      clearProgress();
      process.stdout.write(`${line}\n`);
    },
    detail(line) {
      if (!options.verbose) return;
      this.info(line);
    },
    progress(line) {
      if (options.silent || !tty) return;
      clearProgress();
      process.stdout.write(`\x1b[90m${line}\x1b[39m`);
      progressShown = true;
    },
    error(text) {
      clearProgress();
      process.stderr.write(`${text}\n`);
    },
    data(text) {
      process.stdout.write(`${text}\n`);
    },
  };
}
