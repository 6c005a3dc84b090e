/** Options whose values are secrets (Redis's SENSITIVE_CONFIG). */
const SENSITIVE_CONFIGS = new Set(['requirepass', 'masterauth', 'tls-key-file-pass', 'tls-client-key-file-pass']);

const REDACTED = '(redacted)';

/**
 * The arguments as MONITOR and SLOWLOG may show them (Redis's redactClientCommandArgument):
 * passwords of AUTH and HELLO ... AUTH, the rules of ACL SETUSER and the values of secret options
 * in CONFIG SET become "(redacted)". The same array when there is nothing to hide.
 */
export function redactSecrets(fullname: string, argv: readonly string[]): readonly string[] {
  switch (fullname) {
    case 'auth':
      return argv.map((a, i) => (i >= 1 ? REDACTED : a));
    case 'hello': {
      // HELLO <protover> [AUTH user pass] [SETNAME name]: the options in order, as helloCommand reads them.
      const out = [...argv];
      for (let j = 2; j < out.length; j++) {
        const more = out.length - 1 - j;
        const opt = out[j]!.toLowerCase();
        if (opt === 'auth' && more >= 2) {
          out[j + 1] = REDACTED;
          out[j + 2] = REDACTED;
          j += 2;
        } else if (opt === 'setname' && more >= 1) j++;
        else break;
      }
      return out;
    }
    case 'acl|setuser':
      return argv.map((a, i) => (i >= 2 ? REDACTED : a));
    case 'config|set':
      return argv.map((a, i) => (i >= 3 && i % 2 === 1 && SENSITIVE_CONFIGS.has(argv[i - 1]!.toLowerCase()) ? REDACTED : a));
  }
  return argv;
}
