// Decides which chaos state the fleet is in: the incident cycle by default, one pinned scenario
// (`--chaos`, or POST /chaos), or none at all (`--no-chaos`). It applies changes through a
// callback and ticks on the clock it is given, so tests step it by hand.
import { phaseAt, type CycleTiming } from './chaos-cycle';
import type { ChaosState } from './scenarios';

export type ChaosMode = 'cycle' | 'pinned';

export interface ChaosStatus {
  mode: ChaosMode;
  state: ChaosState;
  /** In cycle mode: what comes next and when. */
  next?: { state: ChaosState; inMs: number };
}

export class ChaosController {
  private mode: ChaosMode;
  private state: ChaosState = 'none';
  private cycleStartedAt: number;

  constructor(
    private readonly timing: CycleTiming,
    initial: { mode: 'cycle' } | { mode: 'pinned'; state: ChaosState },
    private readonly apply: (state: ChaosState, mode: ChaosMode) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.mode = initial.mode;
    this.cycleStartedAt = now();
    if (initial.mode === 'pinned') this.change(initial.state);
  }

  /** Moves the cycle on; call it every second or so. */
  tick(): void {
    if (this.mode !== 'cycle') return;
    this.change(phaseAt(this.timing, this.now() - this.cycleStartedAt).state);
  }

  pin(state: ChaosState): void {
    this.mode = 'pinned';
    this.change(state);
  }

  /** Back to cycling, starting with the first incident (the warm-up has been seen already). */
  resumeCycle(): void {
    this.mode = 'cycle';
    this.cycleStartedAt = this.now() - this.timing.warmupMs;
    this.tick();
  }

  status(): ChaosStatus {
    if (this.mode === 'pinned') return { mode: 'pinned', state: this.state };
    const phase = phaseAt(this.timing, this.now() - this.cycleStartedAt);
    return { mode: 'cycle', state: this.state, next: { state: phase.next, inMs: phase.remainingMs } };
  }

  private change(state: ChaosState): void {
    if (state === this.state) return;
    this.state = state;
    this.apply(state, this.mode);
  }
}
