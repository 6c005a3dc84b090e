/**
 * Everything a run starts (nodes, proxies, iptables chains) registers its teardown here, so
 * that normal exit, SIGINT/SIGTERM and an uncaught error all stop it — within 5 s, as promised.
 */
type Teardown = () => Promise<void> | void;

const teardowns: { name: string; fn: Teardown }[] = [];
let installed = false;
let running: Promise<void> | null = null;

export function onCleanup(name: string, fn: Teardown): () => void {
  const entry = { name, fn };
  teardowns.push(entry);
  installSignalHandlers();
  return () => {
    const i = teardowns.indexOf(entry);
    if (i >= 0) teardowns.splice(i, 1);
  };
}

/** Run every registered teardown (newest first), each bounded in time. Idempotent. */
export function cleanupAll(timeoutMs = 4500): Promise<void> {
  if (running) return running;
  running = (async () => {
    const list = teardowns.splice(0).reverse();
    const deadline = Date.now() + timeoutMs;
    for (const t of list) {
      const left = Math.max(100, deadline - Date.now());
      try {
        await Promise.race([Promise.resolve(t.fn()), new Promise((r) => setTimeout(r, left).unref())]);
      } catch (err) {
        process.stderr.write(`cleanup of ${t.name} failed: ${(err as Error).message}\n`);
      }
    }
  })();
  const p = running;
  void p.then(() => (running = null));
  return p;
}

/** Handlers that abort the current run; set by the run so SIGINT can stop it gracefully first. */
let interruptHandler: ((signal: string) => void) | null = null;
export function setInterruptHandler(fn: ((signal: string) => void) | null): void {
  interruptHandler = fn;
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (interruptHandler && count === 1) {
      interruptHandler(sig);
      // Hard stop if the graceful path takes too long.
      setTimeout(() => void cleanupAll().then(() => process.exit(130)), 5000).unref();
      return;
    }
    void cleanupAll().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', (err) => {
    process.stderr.write(`splitbrain: uncaught error: ${err.stack ?? err.message}\n`);
    void cleanupAll().then(() => process.exit(4));
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`splitbrain: unhandled rejection: ${(err as Error)?.stack ?? String(err)}\n`);
    void cleanupAll().then(() => process.exit(4));
  });
}
