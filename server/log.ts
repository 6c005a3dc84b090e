import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };

/** What the logger reads from the configuration (the server's ConfigValues). */
export interface LogSettings {
  readonly loglevel: LogLevel;
  readonly logfile: string;
}
const MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Log lines in Redis's format, e.g. `12345:M 23 Nov 2026 10:20:00.123 * Ready to accept connections tcp`,
 * so tooling that waits for Redis's lines works on ours.
 */
export class Logger {
  role: 'M' | 'S' | 'C' | 'X' = 'M';

  constructor(private readonly settings: LogSettings) {}

  log(level: LogLevel, msg: string): void {
    if (LEVELS[level] < LEVELS[this.settings.loglevel]) return;
    const d = new Date();
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const ts = `${p(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
    const line = `${process.pid}:${this.role} ${ts} ${MARK[level]} ${msg}\n`;
    const file = this.settings.logfile;
    if (file) {
      try {
        appendFileSync(file, line);
      } catch {
        process.stdout.write(line);
      }
    } else {
      process.stdout.write(line);
    }
  }

  notice(msg: string): void {
    this.log('notice', msg);
  }
  warning(msg: string): void {
    this.log('warning', msg);
  }
  verbose(msg: string): void {
    this.log('verbose', msg);
  }
  debug(msg: string): void {
    this.log('debug', msg);
  }
}
