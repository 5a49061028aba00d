// Times GET requests from a fresh process (request → last byte, body discarded), so a benchmark's
// own memory and garbage collection do not pollute what it measures.
//   tsx scripts/bench-http-get.ts <url> <warmups> <iterations>   → prints {"p50":…, "p95":…, "bytes":…}
import http from 'node:http';

const [url, warmups = '5', iterations = '30'] = process.argv.slice(2);
if (!url) {
  console.error('usage: bench-http-get.ts <url> [warmups] [iterations]');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true });

function timedGet(target: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    http
      .get(target, { agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${target} answered ${res.statusCode}`));
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ ms: performance.now() - start, bytes }));
      })
      .on('error', reject);
  });
}

for (let i = 0; i < Number(warmups); i++) await timedGet(url);
const times: number[] = [];
let bytes = 0;
for (let i = 0; i < Number(iterations); i++) {
  const result = await timedGet(url);
  times.push(result.ms);
  bytes = result.bytes;
}
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(JSON.stringify({ p50: at(0.5), p95: at(0.95), bytes }));
agent.destroy();
