// One-line JSON logs on stderr, so they read well in a terminal and parse in a log pipeline.
import type { Logger } from './pipeline/batch-writer';

export function createLogger(component: string, quiet = false): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (quiet && level === 'info') return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields })}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
