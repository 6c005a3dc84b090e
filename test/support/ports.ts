/** A free TCP port on loopback (bind to 0, read, close). Callers bind it right away. */
export { freePort } from '../../harness/util/ports.js';
