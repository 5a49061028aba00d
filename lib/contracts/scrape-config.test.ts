import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseScrapeConfig, ScrapeConfigError } from './scrape-config';

it('reads a Prometheus scrape configuration with global defaults', () => {
  const jobs = parseScrapeConfig(`
global:
  scrape_interval: 30s
  scrape_timeout: 5s
  evaluation_interval: 1m
rule_files: [rules.yml]
scrape_configs:
  - job_name: fleet
    file_sd_configs:
      - files: [targets/*.json]
        refresh_interval: 1m
  - job_name: node
    scrape_interval: 10s
    scrape_timeout: 20s
    metrics_path: /probe
    scheme: https
    params: { module: [http_2xx] }
    honor_labels: true
    basic_auth: { username: u, password: p }
    static_configs:
      - targets: ['localhost:9100', '[::1]:9100']
        labels: { env: dev }
`);
  assert.equal(jobs.length, 2);
  assert.deepEqual({ i: jobs[0]!.intervalMs, t: jobs[0]!.timeoutMs, path: jobs[0]!.metricsPath, sd: jobs[0]!.fileSd }, { i: 30_000, t: 5000, path: '/metrics', sd: [{ files: ['targets/*.json'], refreshMs: 60_000 }] });
  const node = jobs[1]!;
  assert.equal(node.intervalMs, 10_000);
  assert.equal(node.timeoutMs, 10_000, 'the timeout never exceeds the interval');
  assert.equal(node.scheme, 'https');
  assert.deepEqual(node.params, { module: ['http_2xx'] });
  assert.equal(node.honorLabels, true);
  assert.deepEqual(node.authorization?.basic, { username: 'u', password: 'p', passwordFile: undefined });
  assert.deepEqual(node.staticConfigs, [{ targets: ['localhost:9100', '[::1]:9100'], labels: { env: 'dev' } }]);
});

it('says what is wrong with an invalid file', () => {
  assert.throws(() => parseScrapeConfig('scrape_configs: [{ job_name: a, scrape_interval: fast }]'), /scrape_configs.0.scrape_interval: not a Prometheus duration/);
  assert.throws(() => parseScrapeConfig('scrape_configs: [{ job_name: a }, { job_name: a }]'), /duplicate job_name "a"/);
  assert.throws(() => parseScrapeConfig('scrape_configs: [{ job_name: a, static_configs: [{ targets: ["http://x:1/metrics"] }] }]'), /host:port/);
  assert.throws(() => parseScrapeConfig('scrape_configs: [oops'), ScrapeConfigError);
  assert.deepEqual(parseScrapeConfig(''), []);
});
