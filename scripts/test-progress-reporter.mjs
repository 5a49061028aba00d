// A second reporter for `npm test` beside `spec`: it prints to stderr when a test file ends (with
// its time), and every minute names the files still running and for how long. The spec reporter
// prints a file's results only when its process ends, so without this a file that hangs leaves
// nothing in the log to say which it was. The runner reports a file as a test whose name is the
// file's path: `test:dequeue` when its process starts, `test:complete` when it ends.
const started = new Map();

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;

function stillRunning() {
  if (started.size === 0) return;
  const now = Date.now();
  const list = [...started].map(([file, at]) => `${file} (${seconds(now - at)})`).join(', ');
  process.stderr.write(`meshlight-test: still running: ${list}\n`);
}

export default async function* progress(source) {
  const timer = setInterval(stillRunning, 60_000);
  timer.unref();
  const root = process.cwd() + '/';
  try {
    for await (const event of source) {
      const { name, file } = event.data ?? {};
      if (typeof file !== 'string' || name !== file) continue;
      const shown = file.startsWith(root) ? file.slice(root.length) : file;
      if (event.type === 'test:dequeue') started.set(shown, Date.now());
      else if (event.type === 'test:complete' && started.has(shown)) {
        const verdict = event.data.details?.passed === false ? 'FAILED' : 'done';
        process.stderr.write(`meshlight-test: ${verdict} ${shown} in ${seconds(Date.now() - started.get(shown))}\n`);
        started.delete(shown);
      }
    }
  } finally {
    clearInterval(timer);
  }
  yield '';
}
