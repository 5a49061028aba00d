// Log severity, normalized to OTLP's SeverityNumber (logs data model, "Field: SeverityNumber":
// https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber): six ranges of four,
// TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24, 0 = unspecified.
// Maps the levels other loggers write onto it: pino and bunyan numbers (10 trace … 60 fatal),
// syslog/winston/log4j/Python names, and the short forms ("wrn", "E", "crit").

export const SEVERITY_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

export interface Severity {
  number: number;
  text: string;
}

/** The range name of a SeverityNumber; 'unspecified' for 0 or out-of-range numbers. */
export function severityName(severityNumber: number): SeverityName | 'unspecified' {
  if (!Number.isInteger(severityNumber) || severityNumber < 1 || severityNumber > 24) return 'unspecified';
  return SEVERITY_NAMES[Math.floor((severityNumber - 1) / 4)]!;
}

/** Inclusive SeverityNumber bounds of a range name. */
export function severityRange(name: SeverityName): { min: number; max: number } {
  const index = SEVERITY_NAMES.indexOf(name);
  return { min: index * 4 + 1, max: index * 4 + 4 };
}

export function isSeverityName(value: string): value is SeverityName {
  return (SEVERITY_NAMES as readonly string[]).includes(value);
}

const NAMED: Record<string, number> = {
  trace: 1,
  finest: 1,
  verbose: 2, // winston: between debug and silly
  silly: 1,
  finer: 2,
  debug: 5,
  dbug: 5,
  dbg: 5,
  fine: 5,
  config: 7,
  d: 5,
  info: 9,
  information: 9,
  informational: 9,
  inf: 9,
  i: 9,
  http: 9, // winston npm levels
  notice: 10,
  warn: 13,
  warning: 13,
  wrn: 13,
  w: 13,
  error: 17,
  err: 17,
  eror: 17,
  e: 17,
  severe: 17,
  crit: 21,
  critical: 21,
  fatal: 21,
  f: 21,
  alert: 22,
  emerg: 23,
  emergency: 23,
  panic: 24,
};

/**
 * Severity from a level a JSON logger wrote: pino/bunyan numbers (10, 20, …, 60, and in-between
 * custom levels), syslog numbers are not guessed; names in any case. Undefined when unrecognised.
 */
export function severityOfLevel(level: unknown): Severity | undefined {
  if (typeof level === 'number' && Number.isFinite(level)) {
    // pino/bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
    if (level >= 10 && level < 70) {
      const band = Math.min(5, Math.floor(level / 10) - 1);
      const within = Math.min(3, Math.floor(((level % 10) / 10) * 4));
      return { number: band * 4 + 1 + within, text: SEVERITY_NAMES[band]! };
    }
    if (level >= 1 && level <= 24 && Number.isInteger(level)) return { number: level, text: severityName(level) };
    return undefined;
  }
  if (typeof level === 'string') {
    const trimmed = level.trim();
    if (trimmed === '') return undefined;
    if (/^\d+$/.test(trimmed)) {
      const parsed = severityOfLevel(Number(trimmed));
      return parsed && { number: parsed.number, text: trimmed };
    }
    const n = NAMED[trimmed.toLowerCase()];
    return n === undefined ? undefined : { number: n, text: trimmed };
  }
  return undefined;
}

/** The severity of an OTLP record that sent only a text ("ERROR") and no number. */
export function severityNumberOfText(text: string): number {
  return severityOfLevel(text)?.number ?? 0;
}
