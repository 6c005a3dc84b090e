/**
 * The repository's dependency rules (ARCHITECTURE.md "Dependency rules"), checked in CI:
 * the system under test knows nothing of its tester; checkers are pure functions of a history.
 */
const tests = '\\.test\\.ts$';
module.exports = {
  forbidden: [
    {
      name: 'server-knows-no-tester',
      comment: 'server/ imports nothing from harness/, workloads/, checkers/ or reports/',
      severity: 'error',
      from: { path: '^server/', pathNot: tests },
      to: { path: '^(harness|workloads|checkers|reports)/' },
    },
    {
      name: 'checkers-are-pure',
      comment: 'checkers/ import no server/, harness/, workloads/ or reports/ code',
      severity: 'error',
      from: { path: '^checkers/', pathNot: tests },
      to: { path: '^(server|harness|workloads|reports)/' },
    },
    {
      name: 'checkers-do-no-io',
      comment: 'checkers/ do no network or process I/O of their own (file reading lives in harness/history)',
      severity: 'error',
      from: { path: '^checkers/', pathNot: tests },
      to: { path: '^(node:)?(net|http|https|child_process|dgram|tls)$', dependencyTypes: ['core'] },
    },
    {
      name: 'reports-render-only',
      comment: 'reports/ render results and histories: no server/ or harness/ code',
      severity: 'error',
      from: { path: '^reports/', pathNot: tests },
      to: { path: '^(server|harness)/' },
    },
    {
      name: 'workloads-over-the-wire',
      comment: 'workloads/ reach the server only over the wire and take their randomness from the harness as an interface',
      severity: 'error',
      from: { path: '^workloads/', pathNot: tests },
      to: { path: '^(server|harness)/' },
    },
    {
      name: 'cli-declarations-stay-light',
      comment:
        "the CLI's command line (harness/cli/main, program/) loads before every call: it imports the harness only with import() inside an action (ARCHITECTURE.md, CLI)",
      severity: 'error',
      from: { path: '^harness/(cli/(main|listings|options|usage)\\.ts$|cli/program/|toxiproxy/command\\.ts$)', pathNot: tests },
      to: {
        dependencyTypesNot: ['dynamic-import', 'type-only', 'core'],
        pathNot:
          '^(harness/cli/(listings|options|usage)\\.ts|harness/cli/program/|harness/toxiproxy/command\\.ts|harness/run/scenario\\.ts|node_modules/commander/)',
      },
    },
    {
      name: 'no-circular',
      comment: 'value import cycles make load order matter (type-only imports vanish at compile time and may form cycles)',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|store)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
