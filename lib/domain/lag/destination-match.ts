// Which messaging node of the service graph (named from spans: `<system>/<destination>`, often an
// exchange or topic) a broker's consumer group or queue (named by the broker's metrics) belongs to.
// The same name; or the queue's name containing the node's last name segment (queues named after
// the routing key: `demo.notifier.order-created` for `demo.orders:order.created`); or, for a queue
// named after its consumer, the queue's name containing both a consumer service of the node and the
// node's name without its last dotted part (`meshlight-demo.notifier.order-created` for exchange
// `meshlight-demo.orders` consumed by `notifier`; not for `meshlight-demo.staging.orders`, another
// fleet's exchange on the same broker). Pure.

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export function destinationMatches(nodeName: string, system: string, destination: string, consumers: readonly string[] = []): boolean {
  const slash = nodeName.indexOf('/');
  const nodeSystem = slash > 0 ? nodeName.slice(0, slash) : '';
  if (nodeSystem && nodeSystem !== system) return false;
  const dest = slash > 0 ? nodeName.slice(slash + 1) : nodeName;
  const queue = squash(destination);
  if (squash(dest) === queue) return true;
  const segments = dest.split(/[:/]/).filter(Boolean);
  const last = squash(segments.at(-1) ?? dest);
  if (last.length >= 3 && queue.includes(last)) return true;
  const dotted = (segments[0] ?? dest).split('.');
  const prefix = squash((dotted.length > 1 ? dotted.slice(0, -1) : dotted).join('.'));
  return prefix.length >= 3 && queue.includes(prefix) && consumers.some((c) => squash(c).length >= 3 && queue.includes(squash(c)));
}
