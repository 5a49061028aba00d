// The small read interfaces the alert evaluator needs from each signal, so the rules stay pure and
// each signal's storage can change on its own: breakers and lag (collector/health → breaker_status,
// lag_status), RED per service and minute (service_red_minutes), and logs (not stored yet: the
// source is optional and the built-in log rule says so while it is absent).

export interface BreakerView {
  service: string;
  name: string;
  target: string | null;
  state: string;
  sinceMs: number;
}

export interface LagView {
  system: string;
  cluster: string;
  destination: string;
  group: string;
  status: string;
  lag: number;
  lagSeconds: number | null;
}

/** One service's RED in one minute; `histogram` is the 72-bucket latency histogram. */
export interface RedMinute {
  service: string;
  minuteMs: number;
  calls: number;
  errors: number;
  histogram: readonly number[];
}

export interface HealthSource {
  /** Breakers seen recently (not forgotten), whatever their state. */
  breakers(nowMs: number): Promise<BreakerView[]>;
  lagGroups(nowMs: number): Promise<LagView[]>;
}

export interface RedSource {
  /** Per service and minute, minutes starting in [startMs, endMs). */
  serviceMinutes(startMs: number, endMs: number): Promise<RedMinute[]>;
}

/** An error type (exception type or normalized message) seen in logs for a service. */
export interface LogErrorType {
  service: string;
  errorType: string;
  count: number;
  firstSeenMs: number;
}

export interface LogErrorSource {
  /** Error types logged in [recentStartMs, nowMs] that never appeared in [baselineStartMs, recentStartMs). */
  newErrorTypes(baselineStartMs: number, recentStartMs: number, nowMs: number): Promise<LogErrorType[]>;
}

export interface SignalSources {
  health: HealthSource;
  red: RedSource;
  /** Undefined where no logs are stored: the built-in log rule then reports "no logs are stored yet". */
  logs?: LogErrorSource;
}
