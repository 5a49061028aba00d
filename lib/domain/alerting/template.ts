// The subset of Prometheus's alert templating (Go text/template) that annotations use in practice:
// `{{ $labels.name }}`, `{{ .Labels.name }}`, `{{ $value }}`, `{{ .Value }}`, `{{ $externalLabels.x }}`
// and the pipes `humanize`, `humanizePercentage`, `humanizeDuration`, `printf "%.2f"`. Anything else
// is left as written, so a template we do not understand stays visible rather than vanishing.
export interface TemplateData {
  labels: Record<string, string>;
  value: number;
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;

export function expandTemplate(text: string, data: TemplateData): string {
  return text.replace(ACTION, (whole, body: string) => {
    const parts = body.split('|').map((p) => p.trim());
    let value: string | number | undefined = resolve(parts[0] ?? '', data);
    if (value === undefined) return whole;
    for (const pipe of parts.slice(1)) {
      const applied = applyPipe(pipe, value);
      if (applied === undefined) return whole;
      value = applied;
    }
    return typeof value === 'number' ? formatValue(value) : value;
  });
}

function resolve(expr: string, data: TemplateData): string | number | undefined {
  const label = /^(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (label) return data.labels[label[1]!] ?? '';
  const index = /^index\s+(?:\$labels|\.Labels)\s+"([^"]*)"$/.exec(expr);
  if (index) return data.labels[index[1]!] ?? '';
  if (expr === '$value' || expr === '.Value') return data.value;
  const printf = /^printf\s+"([^"]*)"\s+(\S+)$/.exec(expr);
  if (printf) {
    const v = resolve(printf[2]!, data);
    return v === undefined ? undefined : sprintf(printf[1]!, v);
  }
  return undefined;
}

function applyPipe(pipe: string, value: string | number): string | number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  if (pipe === 'humanize') return humanize(n);
  if (pipe === 'humanizePercentage') return `${trim(n * 100)}%`;
  if (pipe === 'humanizeDuration') return humanizeDuration(n);
  const printf = /^printf\s+"([^"]*)"$/.exec(pipe);
  if (printf) return sprintf(printf[1]!, value);
  return undefined;
}

function sprintf(format: string, v: string | number): string {
  return format.replace(/%(\.(\d+))?([fdsvg])/, (_m, _p, digits: string | undefined, verb: string) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (verb === 'f') return n.toFixed(digits ? Number(digits) : 6);
    if (verb === 'd') return String(Math.trunc(n));
    return typeof v === 'number' ? formatValue(v) : v;
  });
}

function trim(n: number): string {
  return String(Number(n.toPrecision(4)));
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

function humanize(n: number): string {
  if (!Number.isFinite(n) || n === 0) return formatValue(n);
  const units = ['', 'k', 'M', 'G', 'T', 'P'];
  let i = 0;
  let v = n;
  if (Math.abs(v) >= 1) {
    while (Math.abs(v) >= 1000 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    return `${trim(v)}${units[i]}`;
  }
  const small = ['', 'm', 'u', 'n', 'p'];
  while (Math.abs(v) < 1 && i < small.length - 1) {
    v *= 1000;
    i++;
  }
  return `${trim(v)}${small[i]}`;
}

function humanizeDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return formatValue(seconds);
  if (Math.abs(seconds) < 1) return `${trim(seconds * 1000)}ms`;
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return [d && `${d}d`, h && `${h}h`, m && `${m}m`, `${sec}s`].filter(Boolean).join(' ');
}
