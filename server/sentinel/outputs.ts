/**
 * What the sentinel brain asks its shell to do, and the replies the shell hands back. The brain
 * never touches a socket, a timer or a file: it appends Outputs, the shell (shell.ts, or the
 * simulator) carries them out in order and reports what happened as calls on the brain.
 */

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

export type Output =
  /** Open a connection to an instance; events about it carry `gen`. */
  | { kind: 'connect'; inst: number; conn: 'cc' | 'pc'; gen: number; host: string; port: number; sentinel: boolean }
  /** Close that connection (no event comes back for it). */
  | { kind: 'close'; inst: number; conn: 'cc' | 'pc'; gen: number }
  /** Send a command on an open connection; its reply comes back in order. */
  | { kind: 'send'; inst: number; conn: 'cc' | 'pc'; gen: number; argv: string[] }
  /** A sentinel event: logged as "<type> <msg>" and, unless debug, published on channel <type>. */
  | { kind: 'event'; level: LogLevel; type: string; msg: string }
  | { kind: 'log'; level: LogLevel; msg: string }
  /** Persist the state (the config file rewritten with sentinel myid, epochs, known instances). */
  | { kind: 'flush-config' }
  /** SENTINEL SIMULATE-FAILURE: exit(99). */
  | { kind: 'crash' };

/** A parsed reply, as hiredis would hand it to a callback. */
export type Reply =
  | { t: 'status'; s: string }
  | { t: 'error'; s: string }
  | { t: 'int'; n: number }
  | { t: 'bulk'; s: string | null }
  | { t: 'array'; items: Reply[] | null };
