import { splitArgs } from '../resp/parser.js';
/**
 * The Redis 7 AOF manifest (appendonly.aof.manifest in appenddirname): one line per file,
 * `file <name> seq <n> type <b|h|i>`; the base first, then history, then the incr files in
 * sequence order. Parsing follows aofLoadManifestFromFile's rules and error texts.
 */

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export interface AofManifest {
  base: AofFileInfo | null;
  incrs: AofFileInfo[];
  history: AofFileInfo[];
  /** Highest sequence numbers in use (new files take the next ones). */
  baseSeq: number;
  incrSeq: number;
}

export class ManifestError extends Error {}

export function emptyManifest(): AofManifest {
  return { base: null, incrs: [], history: [], baseSeq: 0, incrSeq: 0 };
}

export function parseManifest(text: string): AofManifest {
  const m = emptyManifest();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ManifestError('Found an empty AOF manifest');
  let maxSeq = 0;
  for (const raw of lines) {
    if (raw.startsWith('#')) continue;
    const line = raw.trim();
    if (line === '') throw new ManifestError('Invalid AOF manifest file format');
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format');
    let name: string | undefined;
    let seq = 0;
    let type = '';
    for (let i = 0; i < argv.length; i += 2) {
      const k = argv[i]!.toLowerCase();
      if (k === 'file') {
        name = argv[i + 1]!;
        if (name.includes('/')) throw new ManifestError("File can't be a path, just a filename");
      } else if (k === 'seq') seq = parseInt(argv[i + 1]!, 10) || 0;
      else if (k === 'type') type = argv[i + 1]![0] ?? '';
    }
    if (!name || !seq || !type) throw new ManifestError('Invalid AOF manifest file format');
    if (type === 'b') {
      if (m.base) throw new ManifestError('Found duplicate base file information');
      m.base = { name, seq, type };
      m.baseSeq = seq;
    } else if (type === 'h') {
      m.history.push({ name, seq, type });
    } else if (type === 'i') {
      if (seq <= maxSeq) throw new ManifestError('Found a non-monotonic sequence number');
      m.incrs.push({ name, seq, type });
      m.incrSeq = maxSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type');
    }
  }
  return m;
}

function quoteIfNeeded(name: string): string {
  if (!/[\s"'\\]|[^\x21-\x7e]/.test(name)) return name;
  let s = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') s += '\\' + ch;
    else if (c < 0x20 || c > 0x7e) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += ch;
  }
  return s + '"';
}

export function formatManifest(m: AofManifest): string {
  const line = (f: AofFileInfo) => `file ${quoteIfNeeded(f.name)} seq ${f.seq} type ${f.type}\n`;
  let s = '';
  if (m.base) s += line(m.base);
  for (const h of m.history) s += line(h);
  for (const i of m.incrs) s += line(i);
  return s;
}
