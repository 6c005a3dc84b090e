/**
 * Compiles the report pages' browser scripts (reports/assets/*.ts) to plain scripts in
 * dist/reports/assets/, after type-checking them against the data they embed. Only the scripts are
 * emitted: the modules they take their types from are compiled by the main build.
 */
import ts from 'typescript';

const configPath = new URL('./assets/tsconfig.json', import.meta.url).pathname;
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
if (diagnostics.length > 0) fail(diagnostics);
for (const file of config.fileNames) {
  const out = program.emit(program.getSourceFile(file));
  if (out.emitSkipped || out.diagnostics.length > 0) fail(out.diagnostics);
}

function fail(diags) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => ts.sys.newLine };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diags, host));
  process.exit(1);
}
