// Prometheus durations (`1h30m`, `15s`, `500ms`, `2d`; units y w d h m s ms, largest first, as in
// prometheus/common/model.ParseDuration) and the API's time parameters (RFC 3339 or Unix seconds).

const UNIT_MS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Milliseconds of a Prometheus duration string; undefined when it is not one. "0" is 0. */
export function parsePromDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  let ms = 0;
  UNITS.forEach((unit, i) => {
    if (match[i + 1] !== undefined) ms += Number(match[i + 1]) * UNIT_MS[unit]!;
  });
  return ms;
}

/** The API's duration form: a Prometheus duration or a float number of seconds. */
export function parseDurationParam(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  }
  return parsePromDuration(trimmed);
}

/** The API's time form: Unix seconds (float) or RFC 3339. Milliseconds, or undefined when invalid. */
export function parseTimeParam(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `1m30s`-style text of a duration in milliseconds (the UI's step and range labels). */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit]!;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
