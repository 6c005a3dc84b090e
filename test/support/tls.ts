/** TLS material for tests: the throwaway PKI lives in harness/util/pki.ts (benches use it too). */
export { makeTestPki, type TestPki, tlsClientOptions, tlsServerArgs } from '../../harness/util/pki.js';
