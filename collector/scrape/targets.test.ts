import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseScrapeConfig } from '../../lib/contracts/scrape-config';
import { scrapeUrl, targetsOfJob, withTargetLabels } from './targets';

it('builds targets with job/instance labels and Prometheus __ overrides', () => {
  const [job] = parseScrapeConfig(`
scrape_configs:
  - job_name: rabbit
    params: { a: ['1'] }
`);
  const targets = targetsOfJob(
    job!,
    [
      { targets: ['mq:15692'], labels: { env: 'dev' } },
      { targets: ['mq:15692'], labels: { job: 'rabbitmq-queues', __metrics_path__: '/metrics/detailed', __param_family: 'queue_coarse_metrics', __scheme__: 'https', instance: 'broker-1' } },
    ],
    'file_sd',
  );
  assert.deepEqual(targets.map((t) => [t.job, t.labels, scrapeUrl(t)]), [
    ['rabbit', { job: 'rabbit', env: 'dev', instance: 'mq:15692' }, 'http://mq:15692/metrics?a=1'],
    ['rabbitmq-queues', { job: 'rabbitmq-queues', instance: 'broker-1' }, 'https://mq:15692/metrics/detailed?a=1&family=queue_coarse_metrics'],
  ]);
});

it('resolves label clashes as honor_labels says', () => {
  const scraped = { __name__: 'up', job: 'exporter', instance: '' , exported_job: 'x' };
  const target = { job: 'node', instance: 'h:9100' };
  assert.deepEqual(withTargetLabels(scraped, target, false), { __name__: 'up', job: 'node', exported_exported_job: 'exporter', exported_job: 'x', instance: 'h:9100' });
  assert.deepEqual(withTargetLabels(scraped, target, true), { __name__: 'up', job: 'exporter', exported_job: 'x', instance: 'h:9100' });
});
