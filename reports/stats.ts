/**
 * The tests behind the statistical gate (reports/gate.ts), exact where the sample sizes of a gate
 * (a few seeds per side) allow and deterministic everywhere (no resampling: the same runs always
 * give the same verdict).
 *
 * - Mann-Whitney U (Wilcoxon rank-sum), one-sided "current tends to be larger": the exact
 *   permutation distribution of the rank sum, conditional on ties (midranks), by dynamic
 *   programming — exact for any sample size a gate sees.
 * - van Elteren's stratified rank-sum test: one test of a metric across all scenarios (strata),
 *   each stratum's rank sum weighted by 1/(n+1), normal approximation with tie correction.
 * - Fisher's exact test, one-sided, for "more runs show this than before".
 * - Holm's step-down procedure over every test of a gate: the chance that a gate of an unchanged
 *   system reports any regression stays below 1 − confidence, however many tests it runs.
 * - Effect sizes: the Hodges-Lehmann shift (median of all current − baseline differences) and
 *   Cliff's delta (P(c > b) − P(c < b), in [−1, 1]).
 */

/** Midranks (1-based) of `values`; ties share the mean of their ranks. */
export function midranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * One-sided exact Mann-Whitney p-value: P(rank sum of a random `current`-sized subset ≥ the observed
 * rank sum of `current`), over all equally likely splits of the pooled values (ties kept). Counts
 * subsets by (size, doubled rank sum) — integers, exact in doubles up to C(50, 25).
 */
export function mannWhitneyGreater(baseline: readonly number[], current: readonly number[]): number {
  const nb = baseline.length;
  const nc = current.length;
  if (nb === 0 || nc === 0) return 1;
  const ranks2 = midranks([...baseline, ...current]).map((r) => Math.round(r * 2));
  const observed = ranks2.slice(nb).reduce((a, b) => a + b, 0);
  const maxSum = ranks2.reduce((a, b) => a + b, 0);
  // ways[k][s]: subsets of size k with doubled rank sum s.
  let ways: Float64Array[] = Array.from({ length: nc + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  for (const r of ranks2) {
    const next = ways.map((row) => Float64Array.from(row));
    for (let k = 0; k < nc; k++) {
      const row = ways[k]!;
      const dst = next[k + 1]!;
      for (let s = 0; s + r <= maxSum; s++) if (row[s]! > 0) dst[s + r]! += row[s]!;
    }
    ways = next;
  }
  const dist = ways[nc]!;
  let total = 0;
  let tail = 0;
  for (let s = 0; s <= maxSum; s++) {
    total += dist[s]!;
    if (s >= observed) tail += dist[s]!;
  }
  return tail / total;
}

/** The smallest p-value a one-sided exact rank test can reach with these sample sizes (no ties). */
export function minPValue(nb: number, nc: number): number {
  let c = 1;
  for (let i = 1; i <= nc; i++) c = (c * (nb + i)) / i;
  return 1 / c;
}

/** Standard normal upper tail, via erfc (Numerical Recipes' erfcc, relative error < 1.2e-7). */
export function normalUpper(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const upper = erfc / 2;
  return z >= 0 ? upper : 1 - upper;
}

export interface Stratum {
  baseline: readonly number[];
  current: readonly number[];
}

/**
 * van Elteren's test, one-sided (current larger), over strata with at least one value per side:
 * z = Σ (W − E[W])/(N+1) / sqrt(Σ Var[W]/(N+1)²), W the current rank sum of a stratum.
 */
export function vanElterenGreater(strata: readonly Stratum[]): { p: number; z: number; strata: number } {
  let num = 0;
  let den = 0;
  let used = 0;
  for (const s of strata) {
    const nb = s.baseline.length;
    const nc = s.current.length;
    if (nb === 0 || nc === 0) continue;
    const n = nb + nc;
    const ranks = midranks([...s.baseline, ...s.current]);
    const w = ranks.slice(nb).reduce((a, b) => a + b, 0);
    // Tie correction: Σ (t³ − t) over tie groups.
    const counts = new Map<number, number>();
    for (const v of [...s.baseline, ...s.current]) counts.set(v, (counts.get(v) ?? 0) + 1);
    let ties = 0;
    for (const t of counts.values()) ties += t * t * t - t;
    const variance = ((nb * nc) / 12) * (n + 1 - ties / (n * (n - 1) || 1));
    if (variance <= 0) continue; // every value equal: no information
    const weight = 1 / (n + 1);
    num += weight * (w - (nc * (n + 1)) / 2);
    den += weight * weight * variance;
    used++;
  }
  if (den === 0) return { p: 1, z: 0, strata: used };
  const z = num / Math.sqrt(den);
  return { p: normalUpper(z), z, strata: used };
}

/** One-sided Fisher exact p: P(at least `kc` of `nc` current runs show it) given k = kb + kc of nb + nc. */
export function fisherGreater(kb: number, nb: number, kc: number, nc: number): number {
  const k = kb + kc;
  const n = nb + nc;
  const logC = (a: number, b: number): number => lgammaInt(a + 1) - lgammaInt(b + 1) - lgammaInt(a - b + 1);
  const denom = logC(n, k);
  let p = 0;
  for (let x = kc; x <= Math.min(k, nc); x++) {
    if (k - x > nb) continue;
    p += Math.exp(logC(nc, x) + logC(nb, k - x) - denom);
  }
  return Math.min(1, p);
}

function lgammaInt(n: number): number {
  let s = 0;
  for (let i = 2; i < n; i++) s += Math.log(i);
  return s;
}

/** Hodges-Lehmann shift: the median of all (current − baseline) differences. */
export function hodgesLehmann(baseline: readonly number[], current: readonly number[]): number | null {
  const d: number[] = [];
  for (const c of current) for (const b of baseline) d.push(c - b);
  if (d.length === 0) return null;
  d.sort((a, b) => a - b);
  const m = d.length >> 1;
  return d.length % 2 ? d[m]! : (d[m - 1]! + d[m]!) / 2;
}

/** Cliff's delta: P(c > b) − P(c < b) over all pairs. */
export function cliffsDelta(baseline: readonly number[], current: readonly number[]): number | null {
  if (baseline.length === 0 || current.length === 0) return null;
  let s = 0;
  for (const c of current) for (const b of baseline) s += c > b ? 1 : c < b ? -1 : 0;
  return s / (baseline.length * current.length);
}

/** Holm's step-down: which of `pValues` are rejected at family-wise level `alpha`. */
export function holm(pValues: readonly number[], alpha: number): boolean[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<boolean>(pValues.length).fill(false);
  const m = pValues.length;
  for (let k = 0; k < m; k++) {
    const [p, i] = order[k]!;
    if (p > alpha / (m - k)) break;
    out[i] = true;
  }
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
