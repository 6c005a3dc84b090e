/**
 * The run's watchdog: a small detached process holding a pipe from the harness. Node cannot ask
 * the kernel to kill its children when it dies (no PR_SET_PDEATHSIG), so when the pipe closes
 * without the harness having removed its owner record (it was SIGKILLed, or crashed hard), the
 * watchdog reaps the record at once: kills the nodes, removes the iptables chain.
 *
 *   node watchdog.js <owner record file>
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reapRecord } from './leftovers.js';

/** Start the watchdog of a record; stop() (a clean end) lets it exit without reaping. */
export function startWatchdog(recordFile: string): { stop(): void } {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), recordFile], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  child.unref();
  // The pipe must not keep our event loop alive either.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    stop() {
      child.stdin?.end();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]!;
  process.stdin.resume();
  process.stdin.on('close', () => {
    // A clean end removed the record first; otherwise the owner is gone and its processes must go too.
    if (!existsSync(file)) process.exit(0);
    void reapRecord(file).finally(() => process.exit(0));
  });
  process.stdin.on('end', () => process.stdin.destroy());
}
