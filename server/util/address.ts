/** Whether a peer address is the loopback interface (no address: an internal client). */
export function isLoopback(a: string | undefined): boolean {
  if (!a) return true;
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}
