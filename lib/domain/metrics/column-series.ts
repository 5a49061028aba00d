// A series whose samples are a range of float64 columns shared by a whole decoded request: the
// remote_write decoder builds one per series instead of a {t, v} object per sample (plus its two
// boxed doubles and an array), which was most of the collector's garbage on its ingest path.
// `samples` is a real Sample[] for any consumer that reads it, built on its first read (and kept);
// consumers that know this form (the store's append, the observers' latest samples) read the
// columns instead while `columnar` holds. Once `samples` was read or set, the array is the truth
// (a reader may have changed it) and the columns are not used again.
import type { Labels, Sample, SeriesSamples } from './types';

export class ColumnSeries implements SeriesSamples {
  // Private fields: not properties, so the series' own keys are `labels` only.
  #times: Float64Array;
  #values: Float64Array;
  #start: number;
  #count: number;
  #samples: Sample[] | undefined;

  constructor(
    readonly labels: Labels,
    times: Float64Array,
    values: Float64Array,
    start: number,
    count: number,
  ) {
    this.#times = times;
    this.#values = values;
    this.#start = start;
    this.#count = count;
  }

  get samples(): Sample[] {
    if (this.#samples === undefined) {
      const samples: Sample[] = new Array(this.#count);
      for (let i = 0; i < this.#count; i++) samples[i] = { t: this.#times[this.#start + i]!, v: this.#values[this.#start + i]! };
      this.#samples = samples;
    }
    return this.#samples;
  }

  set samples(samples: Sample[]) {
    this.#samples = samples;
  }

  /** True while the columns are the samples (`samples` never read or set). */
  get columnar(): boolean {
    return this.#samples === undefined;
  }

  /** The columns and this series' range in them: times[start, start + count), values likewise. */
  get times(): Float64Array {
    return this.#times;
  }

  get values(): Float64Array {
    return this.#values;
  }

  get start(): number {
    return this.#start;
  }

  get count(): number {
    return this.#count;
  }
}

/** The series as a plain { labels, samples } value (what a ColumnSeries stands for; for comparing and printing). */
export function plainSeries(series: SeriesSamples): SeriesSamples {
  return { labels: series.labels, samples: series.samples };
}

/** How many samples a series has, without building a ColumnSeries' Sample objects. */
export function seriesSampleCount(series: SeriesSamples): number {
  return series instanceof ColumnSeries && series.columnar ? series.count : series.samples.length;
}
