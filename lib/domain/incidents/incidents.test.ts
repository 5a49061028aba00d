// Grouping alerts into incidents with drawn alert timelines on a drawn service graph. A timeline
// row is `<rule> <labels> |<drawing>|`: each character is 15 s, '#' firing, '>' still firing at the
// end of the drawing, anything else not firing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupIncidents, indexGraph, queueNodes, type AlertEpisode, type GraphEdge } from './incidents';

const STEP = 15_000;
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

/** `a -> b -> c` lines; names with a `/` are messaging nodes, the rest services. */
function drawnGraph(text: string): GraphEdge[] {
  const node = (n: string) => (n.includes('/') ? `messaging:${n}` : `service:${n}`);
  return text
    .trim()
    .split('\n')
    .flatMap((line) => {
      const names = line.trim().split(/\s*->\s*/);
      return names.slice(1).map((t, i) => ({ source: node(names[i]!), target: node(t) }));
    });
}

const SIGNALS: Record<string, string> = { CircuitBreakerOpen: 'breaker', ConsumerLag: 'lag', ErrorRateJump: 'error_rate', LatencyJump: 'latency' };

function drawnAlerts(text: string): AlertEpisode[] {
  const out: AlertEpisode[] = [];
  for (const line of text.trim().split('\n')) {
    const m = /^\s*(\w+)\s+(\S+)\s+\|(.*)\|\s*$/.exec(line);
    if (!m) throw new Error(`bad line: ${line}`);
    const [, alertname, labelText, drawing] = m;
    const labels = Object.fromEntries(labelText!.split(',').map((kv) => kv.split('=') as [string, string]));
    const re = /[#>]+/g;
    let run: RegExpExecArray | null;
    while ((run = re.exec(drawing!))) {
      const startMs = T0 + run.index * STEP;
      const open = run[0].endsWith('>');
      out.push({
        id: `${alertname}|${labelText}|${startMs}`,
        ruleId: `builtin:${alertname}`,
        alertname: alertname!,
        signal: SIGNALS[alertname!] ?? 'promql',
        labels,
        summary: `${alertname} ${labelText}`,
        startMs,
        endMs: open ? null : startMs + run[0].length * STEP,
        value: 1,
      });
    }
  }
  return out;
}

const SHOP = drawnGraph(`
  gateway -> orders -> payments
  orders -> inventory
  orders -> rabbitmq/order.created -> notifier
  billing -> ledger
`);

const summary = (incidents: ReturnType<typeof groupIncidents>) =>
  incidents
    .map((i) => ({ start: (i.startMs - T0) / STEP, end: i.endMs === null ? null : (i.endMs - T0) / STEP, services: i.services.join(' '), first: i.episodes.find((e) => e.id === i.firstEpisodeId)!.alertname, root: i.rootCause?.service ?? i.rootCause?.node }))
    .reverse();

describe('incidents from drawn alert timelines', () => {
  it('payments down: the breaker and the callers’ error rates are one incident, rooted at payments', () => {
    const alerts = drawnAlerts(`
      ErrorRateJump      service=gateway                          |....#########.........|
      ErrorRateJump      service=orders                           |...##########.........|
      CircuitBreakerOpen service=orders,target=payments,breaker=p |.....######...........|
    `);
    const [incident, ...rest] = groupIncidents(alerts, SHOP);
    assert.equal(rest.length, 0);
    assert.deepEqual(summary([incident!]), [{ start: 3, end: 13, services: 'gateway orders payments', first: 'ErrorRateJump', root: 'payments' }]);
    assert.match(incident!.rootCause!.statement, /payments/);
    assert.ok(incident!.rootCause!.evidence.some((e) => /callers.*orders/.test(e)), incident!.rootCause!.evidence.join('\n'));
    assert.deepEqual(incident!.signals.sort(), ['breaker', 'error_rate']);
  });

  it('slow consumer: queue lag is rooted at its only consumer; an unrelated service elsewhere is another incident', () => {
    const alerts = drawnAlerts(`
      ConsumerLag   system=rabbitmq,destination=order.created,group=g |..##########..|
      ErrorRateJump service=ledger                                  |...####.......|
      LatencyJump   service=billing                                 |....###.......|
    `);
    const incidents = summary(groupIncidents(alerts, SHOP));
    assert.deepEqual(incidents, [
      { start: 2, end: 12, services: '', first: 'ConsumerLag', root: 'notifier' },
      { start: 3, end: 7, services: 'billing ledger', first: 'ErrorRateJump', root: 'ledger' },
    ]);
  });

  it('inventory latency: the deepest callee wins even when a caller’s alert fired first; still-firing incidents have no end', () => {
    const alerts = drawnAlerts(`
      LatencyJump service=gateway   |..#######>|
      LatencyJump service=orders    |...######>|
      LatencyJump service=inventory |....#####>|
    `);
    assert.deepEqual(summary(groupIncidents(alerts, SHOP)), [{ start: 2, end: null, services: 'gateway inventory orders', first: 'LatencyJump', root: 'inventory' }]);
  });

  it('the same services at different times are separate incidents; a gap within the slack joins them', () => {
    const alerts = drawnAlerts(`
      ErrorRateJump service=orders   |.###.......###..|
      ErrorRateJump service=payments |.....#..........|
    `);
    // payments at step 5 starts one step (15 s) after orders' first run ends (at step 4): within the slack.
    assert.deepEqual(summary(groupIncidents(alerts, SHOP)), [
      { start: 1, end: 6, services: 'orders payments', first: 'ErrorRateJump', root: 'payments' },
      { start: 11, end: 14, services: 'orders', first: 'ErrorRateJump', root: 'orders' },
    ]);
  });

  it('slow consumer in the demo: the RabbitMQ queue named after its consumer joins the exchange node and notifier — one incident, rooted at notifier', () => {
    // The spans name the exchange (`rabbitmq/meshlight-demo.orders`); RabbitMQ's metrics name the
    // queue bound to it, after its consumer. Before the queue was placed on the graph this was two
    // incidents: the lag on a node of its own, notifier's latency on another.
    const demo = drawnGraph(`
      gateway -> orders -> payments
      orders -> inventory
      orders -> rabbitmq/meshlight-demo.orders -> notifier
    `);
    const queue = 'system=rabbitmq,cluster=rabbit@host,destination=meshlight-demo.notifier.order-created,group=meshlight-demo.notifier.order-created';
    const alerts = drawnAlerts(`
      LatencyJump   service=notifier |...########.....|
      ConsumerLag   ${queue}         |....########....|
    `);
    const incidents = groupIncidents(alerts, demo);
    assert.deepEqual(summary(incidents), [{ start: 3, end: 12, services: 'notifier', first: 'LatencyJump', root: 'notifier' }]);
    assert.deepEqual(incidents[0]!.nodes, ['messaging:rabbitmq/meshlight-demo.orders', 'service:notifier']);
    assert.deepEqual(incidents[0]!.signals.sort(), ['lag', 'latency']);
    // The lag alone (notifier's latency not jumping) still names notifier, through the exchange's only consumer.
    const lagOnly = groupIncidents(drawnAlerts(`ConsumerLag ${queue} |..####..|`), demo);
    assert.deepEqual(summary(lagOnly), [{ start: 2, end: 6, services: 'notifier', first: 'ConsumerLag', root: 'notifier' }]);
    assert.equal(lagOnly[0]!.rootCause!.node, 'messaging:rabbitmq/meshlight-demo.orders');
  });

  it('places queues and consumer groups on the graph: routing-key queue, Kafka group named after its service, another broker, no match', () => {
    const graph = indexGraph(
      drawnGraph(`
        orders -> rabbitmq/demo.orders:order.created -> notifier
        orders -> kafka/payments -> billing
        orders -> kafka/payments -> ledger
      `),
    );
    assert.deepEqual(queueNodes({ system: 'rabbitmq', destination: 'demo.notifier.order-created', group: 'demo.notifier.order-created' }, graph), [
      'messaging:rabbitmq/demo.orders:order.created',
      'service:notifier',
    ]);
    assert.deepEqual(queueNodes({ system: 'kafka', destination: 'payments', group: 'billing-consumer' }, graph), ['messaging:kafka/payments', 'service:billing']);
    assert.deepEqual(queueNodes({ system: 'nats', destination: 'payments', group: 'x' }, graph), ['messaging:nats/payments']);
    assert.deepEqual(queueNodes({ system: 'rabbitmq', destination: 'audit', group: 'audit' }, graph), ['messaging:rabbitmq/audit']);
    // Seen in the demo: another fleet's queue on the same RabbitMQ is not this fleet's exchange.
    const namespaced = indexGraph(drawnGraph(`orders -> rabbitmq/meshlight-demo.hinc.orders -> notifier`));
    assert.deepEqual(queueNodes({ system: 'rabbitmq', destination: 'meshlight-demo.notifier.order-created' }, namespaced), ['messaging:rabbitmq/meshlight-demo.notifier.order-created']);
    assert.deepEqual(queueNodes({ system: 'rabbitmq', destination: 'meshlight-demo.hinc.notifier.order-created' }, namespaced), [
      'messaging:rabbitmq/meshlight-demo.hinc.orders',
      'service:notifier',
    ]);
  });

  it('incident ids stay the same as later alerts join', () => {
    const early = drawnAlerts(`ErrorRateJump service=orders |.##>|`);
    const later = drawnAlerts(`
      ErrorRateJump service=orders |.#####>|
      ErrorRateJump service=gateway |...###>|
    `);
    assert.equal(groupIncidents(early, SHOP)[0]!.id, groupIncidents(later, SHOP)[0]!.id);
  });
});
