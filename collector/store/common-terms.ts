// The collector's side of the logs' common terms (lib/domain/logs/log-terms.ts): loads the list the
// database holds, and makes each term the learner proposes durable in `log_common_terms` before the
// encoder leaves it out of the index. Shared by every request the collector accepts.
//
// Several collectors (replicas) share one database, each with its own learner. Each adopts only terms
// the table holds (read from it, or its own insert committed), so the rule searches rely on holds
// whichever replica wrote a row: a row lacks a term only if the table listed that term before the row
// was written. A replica that has not adopted a term another one listed still indexes it: harmless
// (the search does not ask the index for a listed term), just not the saving. `refresh()`, run every
// REFRESH_MS, adopts what the others listed: a count of the table's rows (at most 5,000, its primary
// key), and the whole list only when that count is above the terms this replica holds.
import { CommonTermLearner } from '../../lib/domain/logs/log-terms';
import type { SqlExecutor } from './sql-executor';

export class CommonTerms {
  /** How often a running collector reads the terms other replicas listed. */
  static readonly REFRESH_MS = 30_000;

  readonly learner: CommonTermLearner;
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<number> | undefined;

  constructor(
    private readonly db: SqlExecutor,
    private readonly onError: (error: unknown) => void,
    private readonly nowNs: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
  ) {
    this.learner = new CommonTermLearner((terms) => this.promote(terms));
  }

  /** Adopts the terms already listed (by this collector before, or another one). */
  async load(): Promise<void> {
    const rows = await this.db.query<{ term: string }>('SELECT term FROM log_common_terms');
    this.learner.adopt(rows.map((row) => row.term));
  }

  /**
   * Adopts the terms listed since (by another replica); resolves with how many were new. Cheap when
   * nothing changed: one count. Every term adopted is in the table (the list only grows), so an equal
   * count means the same list.
   */
  refresh(): Promise<number> {
    return (this.refreshing ??= (async () => {
      try {
        const [row] = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_common_terms');
        if (Number(row?.n ?? 0) <= this.learner.common.size) return 0;
        const before = this.learner.common.size;
        await this.load();
        return this.learner.common.size - before;
      } finally {
        this.refreshing = undefined;
      }
    })());
  }

  /** Refreshes every `intervalMs` until stop(); a failed refresh is reported and tried again next time. */
  start(intervalMs = CommonTerms.REFRESH_MS): void {
    this.stop();
    this.timer = setInterval(() => void this.refresh().catch(this.onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private promote(terms: string[]): void {
    const write = this.db
      .query(`INSERT INTO log_common_terms (term, added_ns) SELECT t, $2::bigint FROM unnest($1::text[]) AS t ON CONFLICT (term) DO NOTHING`, [
        terms,
        this.nowNs().toString(),
      ])
      .then(
        () => this.learner.adopt(terms),
        (error: unknown) => {
          this.learner.forget(terms);
          this.onError(error);
        },
      );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Resolves once every promotion started so far has finished (tests, benchmarks). */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
