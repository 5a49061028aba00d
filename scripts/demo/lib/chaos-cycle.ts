// The default demo's incident schedule: calm traffic, then each scenario in turn with a calm
// recovery after it, repeating. Pure (time comes in as elapsed milliseconds) so it is tested
// without waiting; run-demo drives it with a timer.
import { SCENARIOS, type ChaosState } from './scenarios';

export interface ChaosPhase {
  state: ChaosState;
  durationMs: number;
}

export interface CycleTiming {
  /** Calm traffic before the first incident: enough to fill the dashboard with a healthy baseline. */
  warmupMs: number;
  /** How long each incident lasts. */
  incidentMs: number;
  /** Calm after each incident: long enough for the breaker to close and the queue to drain. */
  recoveryMs: number;
}

export const DEFAULT_TIMING: CycleTiming = { warmupMs: 120_000, incidentMs: 60_000, recoveryMs: 90_000 };

/** The phases of one round after the warm-up; the round repeats for as long as the demo runs. */
export function cyclePhases(timing: CycleTiming): ChaosPhase[] {
  return SCENARIOS.flatMap((scenario): ChaosPhase[] => [
    { state: scenario, durationMs: timing.incidentMs },
    { state: 'none', durationMs: timing.recoveryMs },
  ]);
}

export interface PhaseAt {
  state: ChaosState;
  /** Milliseconds until the next phase starts. */
  remainingMs: number;
  /** The state of the next phase, for "next: payments down in 40 s". */
  next: ChaosState;
}

/** Which phase the cycle is in `elapsedMs` after it started. */
export function phaseAt(timing: CycleTiming, elapsedMs: number): PhaseAt {
  const round = cyclePhases(timing);
  if (elapsedMs < timing.warmupMs) {
    return { state: 'none', remainingMs: timing.warmupMs - elapsedMs, next: round[0]!.state };
  }
  const roundMs = round.reduce((sum, phase) => sum + phase.durationMs, 0);
  let offset = (elapsedMs - timing.warmupMs) % roundMs;
  for (let i = 0; i < round.length; i++) {
    const phase = round[i]!;
    if (offset < phase.durationMs) {
      return { state: phase.state, remainingMs: phase.durationMs - offset, next: round[(i + 1) % round.length]!.state };
    }
    offset -= phase.durationMs;
  }
  // Unreachable: offset < roundMs always lands in some phase.
  throw new Error('phaseAt: offset outside the round');
}
