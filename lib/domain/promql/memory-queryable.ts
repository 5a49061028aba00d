// An in-memory SeriesQueryable: the conformance runner's and unit tests' storage, and a reference for
// how `select` must behave (every matcher applied, anchored regexes, samples in [start, end]).
import type { LabelMatcher, Labels, Sample, SeriesQueryable, SeriesSamples } from '../metrics/types';
import { compareLabels, labelsKey } from './labels';
import { anchoredRegex } from './regex';

export function matchesAll(labels: Labels, matchers: readonly LabelMatcher[]): boolean {
  for (const m of matchers) {
    const v = labels[m.name] ?? '';
    switch (m.type) {
      case '=':
        if (v !== m.value) return false;
        break;
      case '!=':
        if (v === m.value) return false;
        break;
      case '=~':
        if (!anchoredRegex(m.value).test(v)) return false;
        break;
      case '!~':
        if (anchoredRegex(m.value).test(v)) return false;
        break;
    }
  }
  return true;
}

export class MemoryQueryable implements SeriesQueryable {
  private readonly series = new Map<string, SeriesSamples>();
  /** Series in Prometheus's label order, rebuilt after an add. */
  private sorted: SeriesSamples[] | null = null;

  /** Appends samples (kept sorted by time; a sample at an existing time replaces it). */
  add(labels: Labels, samples: Sample[]): void {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) if (v !== '') clean[k] = v;
    const key = labelsKey(clean);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels: clean, samples: [] }));
    this.sorted = null;
    const all = [...s.samples, ...samples].sort((a, b) => a.t - b.t);
    const dedup: Sample[] = [];
    for (const p of all) {
      if (dedup.length && dedup[dedup.length - 1]!.t === p.t) dedup[dedup.length - 1] = p;
      else dedup.push(p);
    }
    s.samples = dedup;
  }

  clear(): void {
    this.series.clear();
    this.sorted = null;
  }

  async select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    // Prometheus's storage returns series sorted by label set.
    this.sorted ??= [...this.series.values()].sort((a, b) => compareLabels(a.labels, b.labels));
    const out: SeriesSamples[] = [];
    for (const s of this.sorted) {
      if (!matchesAll(s.labels, matchers)) continue;
      const from = firstAtOrAfter(s.samples, startMs);
      const to = firstAtOrAfter(s.samples, endMs + 1);
      if (to > from) out.push({ labels: s.labels, samples: s.samples.slice(from, to) });
    }
    return out;
  }
}

function firstAtOrAfter(samples: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (samples[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
