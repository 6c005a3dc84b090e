/**
 * Which anomalies rule out which consistency models, as Elle relates them (Adya's PL levels, the
 * Highly Available Transactions hierarchy, Cerone et al.'s axioms): a graph of models (a → b: a
 * history satisfying a satisfies b), the anomalies each model directly forbids, and a graph of
 * anomalies (a → b: finding a means b is present too). From these: the anomalies a set of models
 * forbids, and the models a set of anomalies rules out, reported as Elle's `not` (the weakest
 * models ruled out) and `alsoNot` (the stronger ones).
 *
 * Names are Elle's friendly ones; Adya's PL names are accepted as aliases.
 */

type Dag = Record<string, readonly string[]>;

/** a → b: every history that satisfies a satisfies b. */
const MODELS: Dag = {
  'causal-cerone': ['read-atomic'],
  'consistent-view': ['cursor-stability', 'monotonic-view'],
  'cursor-stability': ['read-committed'],
  'forward-consistent-view': ['consistent-view'],
  'read-committed': ['read-uncommitted'],
  serializable: ['repeatable-read', 'update-serializable', 'snapshot-isolation', 'view-serializable'],
  'update-serializable': ['forward-consistent-view'],
  'monotonic-atomic-view': ['read-committed'],
  'monotonic-view': ['read-committed'],
  'monotonic-snapshot-read': ['read-committed'],
  'parallel-snapshot-isolation': ['causal-cerone', 'update-atomic'],
  prefix: ['causal-cerone'],
  'read-atomic': ['monotonic-atomic-view'],
  'repeatable-read': ['cursor-stability', 'monotonic-atomic-view'],
  'update-atomic': ['read-atomic'],
  'snapshot-isolation': ['forward-consistent-view', 'monotonic-atomic-view', 'monotonic-snapshot-read', 'parallel-snapshot-isolation', 'prefix'],
  'strict-serializable': ['serializable', 'snapshot-isolation', 'strong-snapshot-isolation', 'strong-session-serializable'],
  'strong-session-read-uncommitted': ['read-uncommitted'],
  'strong-session-read-committed': ['read-committed', 'strong-session-read-uncommitted'],
  'strong-read-uncommitted': ['strong-session-read-uncommitted'],
  'strong-read-committed': ['strong-session-read-committed', 'strong-read-uncommitted'],
  'strong-session-serializable': ['serializable', 'strong-session-snapshot-isolation'],
  'strong-session-snapshot-isolation': ['snapshot-isolation', 'strong-session-read-committed'],
  'strong-snapshot-isolation': ['strong-session-snapshot-isolation', 'strong-read-committed'],
};

const ALIASES: Record<string, string> = {
  'PL-1': 'read-uncommitted',
  'PL-2': 'read-committed',
  'PL-2+': 'consistent-view',
  'PL-2L': 'monotonic-view',
  'PL-2.99': 'repeatable-read',
  'PL-3': 'serializable',
  'PL-3U': 'update-serializable',
  'PL-CS': 'cursor-stability',
  'PL-FCV': 'forward-consistent-view',
  'PL-MSR': 'monotonic-snapshot-read',
  'PL-SI': 'snapshot-isolation',
  'PL-SS': 'strict-serializable',
  'conflict-serializable': 'serializable',
  'strong-serializable': 'strict-serializable',
  'strong-session-PL-1': 'strong-session-read-uncommitted',
  'strong-session-PL-2': 'strong-session-read-committed',
  'strong-PL-1': 'strong-read-uncommitted',
  'strong-PL-2': 'strong-read-committed',
};

/** The anomalies each model forbids beyond those of the models it implies. */
const PROSCRIBED: Dag = {
  'causal-cerone': ['internal', 'G1a'],
  'cursor-stability': ['G1', 'G-cursor', 'lost-update'],
  'monotonic-view': ['G1', 'G-monotonic'],
  'monotonic-snapshot-read': ['G1', 'G-MSR'],
  'consistent-view': ['G1', 'G-single'],
  'forward-consistent-view': ['G1', 'G-SIb'],
  'parallel-snapshot-isolation': ['internal', 'G1a'],
  serializable: ['G1', 'G2', 'predicate-read-miss', 'PL-3-cycle-exists', 'internal'],
  'read-committed': ['G1', 'PL-2-cycle-exists'],
  'read-uncommitted': ['G0', 'duplicate-elements', 'cyclic-versions', 'PL-1-cycle-exists'],
  prefix: ['internal', 'G1a'],
  'snapshot-isolation': ['internal', 'G1', 'G-SI', 'G-nonadjacent', 'PL-SI-cycle-exists'],
  'read-atomic': ['internal', 'G1a', 'future-read'],
  'repeatable-read': ['G1', 'G2-item', 'PL-2.99-cycle-exists', 'lost-update'],
  'update-atomic': ['lost-update'],
  'strict-serializable': ['G1', 'G1c-realtime', 'G2-realtime', 'PL-SS-cycle-exists'],
  'strong-session-read-uncommitted': ['strong-session-PL-1-cycle-exists', 'G0-process'],
  'strong-session-read-committed': ['strong-session-PL-2-cycle-exists', 'G1c-process'],
  'strong-read-uncommitted': ['strong-PL-1-cycle-exists', 'G0-realtime'],
  'strong-read-committed': ['strong-PL-2-cycle-exists', 'G1c-realtime'],
  'strong-session-snapshot-isolation': ['internal', 'G1-process', 'G-nonadjacent-process', 'strong-session-snapshot-isolation-cycle-exists'],
  'strong-snapshot-isolation': ['internal', 'G1-realtime', 'G-nonadjacent-realtime', 'strong-snapshot-isolation-cycle-exists'],
  'strong-session-serializable': ['G1-process', 'G2-process', 'strong-session-serializable-cycle-exists'],
  'update-serializable': ['G1', 'G-update'],
};

/** a → b: a history showing a also shows b. */
const IMPLIED: Dag = {
  G0: ['G1c', 'G0-process'],
  'G0-process': ['G1c-process', 'G0-realtime'],
  'G0-realtime': ['G1c-realtime'],
  G1a: ['G1'],
  G1b: ['G1'],
  G1c: ['G1', 'G1c-process'],
  'G1c-process': ['G1c-realtime', 'G1-process'],
  'G1c-realtime': ['G1-realtime'],
  G1: ['G1-process'],
  'G1-process': ['G1-realtime'],
  'G-single-item': ['G-single', 'G-single-item-process', 'G-nonadjacent-item'],
  'G-single-item-process': ['G-single-process', 'G-single-item-realtime', 'G-nonadjacent-item-process'],
  'G-single-item-realtime': ['G-single-realtime', 'G-nonadjacent-item-realtime'],
  'G-single': ['G-nonadjacent', 'GSIb', 'G-single-process'],
  'G-single-process': ['G-nonadjacent-process', 'G-single-realtime'],
  'G-single-realtime': ['G-nonadjacent-realtime'],
  'G-nonadjacent-item': ['G-nonadjacent', 'G2-item', 'G-nonadjacent-item-process'],
  'G-nonadjacent-item-process': ['G-nonadjacent-process', 'G2-item-process', 'G-nonadjacent-item-realtime'],
  'G-nonadjacent-item-realtime': ['G2-item-realtime', 'G-nonadjacent-realtime'],
  'G-nonadjacent': ['G2', 'G-nonadjacent-process'],
  'G-nonadjacent-process': ['G2-process', 'G-nonadjacent-realtime'],
  'G-nonadjacent-realtime': ['G2-realtime'],
  G2: ['G2-process'],
  'G2-item': ['G2', 'G2-item-process'],
  'G2-item-process': ['G2-process', 'G2-item-realtime'],
  'G2-item-realtime': ['G2-realtime'],
  'G2-process': ['G2-realtime'],
  GSIa: ['GSI'],
  GSIb: ['GSI'],
  // Two committed reads that no single append order explains: a dirty read.
  'incompatible-order': ['G1a'],
  // Reading one's own later write is a trivial wr cycle.
  'future-read': ['G1c'],
  'dirty-update': ['G1a'],
  'lost-update': ['write-skew', 'G2-item'],
  'write-skew': ['G2'],
  // Ours (not Elle's): an acknowledged append that no read invoked after its acknowledgement
  // shows; such a read is serialised before the append while starting after it (a real-time
  // anti-dependency cycle), unless the reads disagree altogether (incompatible-order).
  'lost-append': ['G-single-item-realtime'],
};

/** Anomalies that make a result `unknown` rather than invalid. */
export const UNKNOWN_ANOMALIES: ReadonlySet<string> = new Set(['empty-transaction-graph', 'cycle-search-timeout']);

function reverse(d: Dag): Map<string, string[]> {
  const r = new Map<string, string[]>();
  for (const [a, bs] of Object.entries(d)) for (const b of bs) (r.get(b) ?? r.set(b, []).get(b)!).push(a);
  return r;
}
const MODELS_IN = reverse(MODELS);
const IMPLIED_IN = reverse(IMPLIED);
const PROSCRIBED_IN = reverse(PROSCRIBED);

function closure(start: Iterable<string>, next: (x: string) => readonly string[] | undefined): Set<string> {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    for (const y of next(x) ?? []) todo.push(y);
  }
  return seen;
}

export function canonicalModel(name: string): string {
  return ALIASES[name] ?? name;
}

export const KNOWN_MODELS: ReadonlySet<string> = new Set([...Object.keys(MODELS), ...Object.values(MODELS).flat(), ...Object.keys(PROSCRIBED)]);

/** Throws on a model name nobody knows (a typo must not pass as "no anomalies forbidden"). */
export function validateModels(models: readonly string[]): string[] {
  const out = models.map(canonicalModel);
  const bad = out.filter((m) => !KNOWN_MODELS.has(m));
  if (bad.length > 0)
    throw new Error(`unknown consistency model ${bad.map((m) => JSON.stringify(m)).join(', ')} (known: ${[...KNOWN_MODELS].sort().join(', ')})`);
  return out;
}

/** Models implied by `models` (themselves included). */
export function impliedModels(models: readonly string[]): Set<string> {
  return closure(validateModels(models), (m) => MODELS[m]);
}

/** `anomalies` and every anomaly they imply. */
export function impliedAnomalies(anomalies: Iterable<string>): Set<string> {
  return closure(anomalies, (a) => IMPLIED[a]);
}

/** `anomalies` and every anomaly implying one of them. */
export function anomaliesImplying(anomalies: Iterable<string>): Set<string> {
  return closure(anomalies, (a) => IMPLIED_IN.get(a));
}

/** The anomalies that cannot be present if all of `models` hold. */
export function anomaliesProhibitedBy(models: readonly string[]): Set<string> {
  const direct: string[] = [];
  for (const m of impliedModels(models)) direct.push(...(PROSCRIBED[m] ?? []));
  return anomaliesImplying(direct);
}

/** The models that cannot hold given these anomalies. */
export function impossibleModels(anomalies: Iterable<string>): Set<string> {
  const direct: string[] = [];
  for (const a of impliedAnomalies(anomalies)) direct.push(...(PROSCRIBED_IN.get(a) ?? []));
  return closure(direct, (m) => MODELS_IN.get(m));
}

/** Elle's boundary: the weakest impossible models (`not`) and the rest (`alsoNot`). */
export function boundary(anomalies: Iterable<string>): { not: string[]; alsoNot: string[] } {
  const impossible = impossibleModels(anomalies);
  const not: string[] = [];
  const alsoNot: string[] = [];
  for (const m of impossible) {
    // Weakest: implies no other impossible model.
    const below = closure(MODELS[m] ?? [], (x) => MODELS[x]);
    let weakest = true;
    for (const x of below) if (impossible.has(x)) weakest = false;
    (weakest ? not : alsoNot).push(m);
  }
  return { not: not.sort(), alsoNot: alsoNot.sort() };
}

/** For each model in `models`, the found anomalies that rule it out (directly or through what they imply). */
export function whyNot(models: readonly string[], anomalies: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of models) {
    const forbidden = anomaliesProhibitedBy([m]);
    const culprits = anomalies.filter((a) => forbidden.has(a));
    if (culprits.length > 0) out[m] = culprits;
  }
  return out;
}
