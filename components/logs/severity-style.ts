// One colour per severity range, shared by the table, the histogram and the detail panel.
export const SEVERITY_COLORS: Record<string, string> = {
  fatal: '#e879f9',
  error: '#ff7b7b',
  warn: '#ffc35c',
  info: '#7cb0ff',
  debug: '#8b93a7',
  trace: '#5d6577',
  unspecified: '#5d6577',
};

export function severityColor(name: string): string {
  return SEVERITY_COLORS[name] ?? SEVERITY_COLORS.unspecified!;
}
