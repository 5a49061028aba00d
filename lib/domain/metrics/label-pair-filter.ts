// Label matchers over series stored as label-pair ids (metric_series_blocks' pairs, ids into
// metric_label_pairs): a matcher on label `n` becomes a set of pair ids of `n`, and whether a series
// must hold one of them or none of them. Prometheus semantics: a missing label equals "", so a
// matcher that accepts "" (`n=""`, `n!="x"`, `n=~"x|"`, `n!~"x"`) accepts every series that has
// no pair of `n` it refuses; a matcher that refuses "" needs a pair of `n` it accepts.
//
// Pure: the read side (lib/db/metrics/series-lookup.ts) resolves the ids in PostgreSQL.
import type { LabelMatcher } from './types';

export interface PairFilter {
  /** `has`: the series holds one of `ids`; `hasNot`: it holds none of them. */
  mode: 'has' | 'hasNot';
  ids: ReadonlySet<number>;
}

/**
 * Does the matcher accept a missing label? Known without a regex engine for = and !=; undefined for
 * regexes (PostgreSQL answers, so one regex dialect decides).
 */
export function acceptsEmpty(matcher: LabelMatcher): boolean | undefined {
  if (matcher.type === '=') return matcher.value === '';
  if (matcher.type === '!=') return matcher.value !== '';
  return undefined;
}

/** Does a series with these pair ids pass every filter? */
export function passesPairFilters(pairs: readonly number[], filters: readonly PairFilter[]): boolean {
  for (const filter of filters) {
    let held = false;
    for (const id of pairs) {
      if (filter.ids.has(id)) {
        held = true;
        break;
      }
    }
    if (held !== (filter.mode === 'has')) return false;
  }
  return true;
}
