// Several SeriesQueryables read as one (stored metrics + RED from traces, ...): every select goes to
// each, concurrently, and the series are concatenated. Sources must not serve the same label set
// (each owns its metric names); a source that fails fails the query, as Prometheus's fanout does
// for its primary storage.
import type { LabelMatcher, SeriesQueryable, SeriesSamples } from '../metrics/types';

export class FanoutQueryable implements SeriesQueryable {
  private readonly sources: readonly SeriesQueryable[];

  constructor(...sources: SeriesQueryable[]) {
    this.sources = sources;
  }

  async select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const parts = await Promise.all(this.sources.map((s) => s.select(matchers, startMs, endMs)));
    return parts.flat();
  }
}
