// The collector's side of the logs' common terms (lib/domain/logs/log-terms.ts): loads the list the
// database holds, and makes each term the learner proposes durable in `log_common_terms` before the
// encoder leaves it out of the index. Shared by every request the collector accepts.
import { CommonTermLearner } from '../../lib/domain/logs/log-terms';
import type { SqlExecutor } from './sql-executor';

export class CommonTerms {
  readonly learner: CommonTermLearner;
  private readonly pending = new Set<Promise<void>>();

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
