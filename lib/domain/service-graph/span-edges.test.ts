// Golden fixtures: trace (drawn) → expected edges (drawn). Every fixture is also replayed with its
// spans in every rotation, so each pair is seen arriving client-first and server-first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveEdges } from './edge-deriver';
import { edgeLine, parseAsciiTrace, rotateSpans } from './testdata/ascii-trace';

interface Golden {
  name: string;
  trace: string;
  edges: string[];
}

const GOLDEN: Golden[] = [
  {
    name: 'HTTP call between two services; the root SERVER span is called by a user',
    trace: `
      frontend   SERVER  "GET /checkout"  0-100
      └─ frontend  CLIENT  "POST /pay"      10-60
         └─ payments  SERVER  "POST /pay"     15-55`,
    edges: [
      'user:user ─request→ service:frontend  100ms',
      'service:frontend ─request→ service:payments  50ms',
    ],
  },
  {
    name: 'a failing server fails the call; a failing client alone does too',
    trace: `
      frontend   SERVER  "GET /"  0-100  !
      ├─ frontend  CLIENT  "GET /a"  10-30
      │  └─ alpha  SERVER  "GET /a"  12-28  !
      └─ frontend  CLIENT  "GET /b"  40-90  !
         └─ beta   SERVER  "GET /b"  45-60`,
    edges: [
      'user:user ─request→ service:frontend  100ms !',
      'service:frontend ─request→ service:alpha  20ms !',
      'service:frontend ─request→ service:beta  50ms !',
    ],
  },
  {
    name: 'a service calling itself makes no edge; INTERNAL spans in between do not matter',
    trace: `
      api  SERVER  "GET /x"  0-50
      └─ api  INTERNAL  "handler"  1-49
         └─ api  CLIENT  "GET /y"  5-40
            └─ api  SERVER  "GET /y"  6-39`,
    edges: ['user:user ─request→ service:api  50ms'],
  },
  {
    name: 'databases and caches, in old and new semantic conventions, are nodes of their own at once',
    trace: `
      orders  SERVER  "POST /orders"  0-100
      ├─ orders  CLIENT  "INSERT"  10-20  db.system.name=postgresql db.namespace=shop
      ├─ orders  CLIENT  "SELECT"  20-25  db.system=postgresql db.name=shop
      ├─ orders  CLIENT  "GET"     30-31  db.system.name=redis db.namespace=0
      └─ orders  CLIENT  "find"    40-48  db.system=mongodb`,
    edges: [
      'user:user ─request→ service:orders  100ms',
      'service:orders ─database→ database:postgresql/shop  10ms',
      'service:orders ─database→ database:postgresql/shop  5ms',
      'service:orders ─database→ cache:redis  1ms',
      'service:orders ─database→ database:mongodb  8ms',
    ],
  },
  {
    name: 'CLIENT spans nobody answered go to virtual nodes named by their peer attributes',
    trace: `
      shop  SERVER  "GET /"  0-200
      ├─ shop  CLIENT  "charge"   10-20  service.peer.name=stripe server.address=api.stripe.com
      ├─ shop  CLIENT  "legacy"   20-30  peer.service=mainframe
      ├─ shop  CLIENT  "GET"      30-40  server.address=api.github.com server.port=443
      ├─ shop  CLIENT  "GET"      40-50  net.peer.name=10.0.0.7 net.peer.port=8080
      ├─ shop  CLIENT  "GET"      50-60  http.url=http://inventory.local:9000/items?id=1
      ├─ shop  CLIENT  "GET"      60-70  url.full=https://[::1]:8443/health
      └─ shop  CLIENT  "mystery"  70-80`,
    edges: [
      'user:user ─request→ service:shop  200ms',
      'service:shop ─virtual→ external:stripe  10ms',
      'service:shop ─virtual→ external:mainframe  10ms',
      'service:shop ─virtual→ external:api.github.com  10ms',
      'service:shop ─virtual→ external:10.0.0.7:8080  10ms',
      'service:shop ─virtual→ external:inventory.local:9000  10ms',
      'service:shop ─virtual→ external:[::1]:8443  10ms',
    ],
  },
  {
    name: 'a SERVER span whose client never arrived draws nothing (no guessing)',
    trace: `
      gateway  CLIENT  "GET /x"  0-10
      | the client span above names no peer, so it cannot be drawn either
      trace B
      backend  SERVER  "GET /x"  1-9  orphan`,
    edges: ['root:gateway'],
  },
  {
    name: 'messaging, consumer a child of the producer: the destination sits between them',
    trace: `
      orders  SERVER  "POST /orders"  0-50
      └─ orders  PRODUCER  "orders publish"  10-12  messaging.system=rabbitmq messaging.destination.name=orders
         └─ notifier  CONSUMER  "orders process"  40-70  messaging.system=rabbitmq messaging.destination.name=orders`,
    edges: [
      'user:user ─request→ service:orders  50ms',
      'service:orders ─messaging→ messaging:rabbitmq/orders  2ms',
      'messaging:rabbitmq/orders ─messaging→ service:notifier  28ms',
    ],
  },
  {
    name: 'messaging through a span link, the consumer in a trace of its own (old semconv names)',
    trace: `
      trace P
      billing  SERVER  "POST /invoice"  0-30
      └─ billing  PRODUCER  "invoices send"  5-7  messaging.system=kafka messaging.destination=invoices  #msg
      trace C
      mailer  CONSUMER  "invoices process"  100-140  messaging.system=kafka messaging.source.name=invoices  ~>#msg`,
    edges: [
      'user:user ─request→ service:billing  30ms',
      'service:billing ─messaging→ messaging:kafka/invoices  2ms',
      'messaging:kafka/invoices ─messaging→ service:mailer  93ms',
    ],
  },
  {
    name: 'one message, two consumer groups: the producer pairs with both (fan-out)',
    trace: `
      trace P
      orders  PRODUCER  "orders publish"  0-2  messaging.system=kafka messaging.destination.name=orders  #m
      trace C1
      audit  CONSUMER  "orders process"  10-20  messaging.system=kafka messaging.destination.name=orders  ~>#m
      trace C2
      search  CONSUMER  "orders process"  30-35  messaging.system=kafka messaging.destination.name=orders  ~>#m`,
    edges: [
      'root:orders',
      'service:orders ─messaging→ messaging:kafka/orders  2ms',
      'messaging:kafka/orders ─messaging→ service:audit  8ms',
      'messaging:kafka/orders ─messaging→ service:search  28ms',
    ],
  },
  {
    name: 'a batch consumer linking to two messages makes two deliveries',
    trace: `
      trace P1
      orders  PRODUCER  "publish"  0-1  messaging.system=kafka messaging.destination.name=orders  #m1
      trace P2
      orders  PRODUCER  "publish"  2-3  messaging.system=kafka messaging.destination.name=orders  #m2
      trace C
      ledger  CONSUMER  "process batch"  10-50  messaging.system=kafka messaging.destination.name=orders  ~>#m1 ~>#m2`,
    edges: [
      'root:orders',
      'root:orders',
      'service:orders ─messaging→ messaging:kafka/orders  1ms',
      'service:orders ─messaging→ messaging:kafka/orders  1ms',
      'messaging:kafka/orders ─messaging→ service:ledger  9ms',
      'messaging:kafka/orders ─messaging→ service:ledger  7ms',
    ],
  },
  {
    name: 'no destination named on either side: producer → consumer directly',
    trace: `
      jobs  PRODUCER  "enqueue"  0-1
      └─ worker  CONSUMER  "run"  5-25  !`,
    edges: ['root:jobs', 'service:jobs ─messaging→ service:worker  4ms !'],
  },
  {
    name: 'only the consumer names the destination: producer → destination once, then the delivery',
    trace: `
      jobs  PRODUCER  "enqueue"  0-1  messaging.system=sqs  #m
      └─ worker  CONSUMER  "run"  5-25  messaging.system=sqs messaging.destination.name=tasks`,
    edges: ['root:jobs', 'service:jobs ─messaging→ messaging:sqs/tasks  1ms', 'messaging:sqs/tasks ─messaging→ service:worker  4ms'],
  },
  {
    name: 'a consumer whose producer never arrived still shows its destination, without a latency',
    trace: `
      api  SERVER  "POST /"  0-10
      | the consumer below links to a message from a trace we never received
      trace C
      worker  CONSUMER  "process"  50-60  messaging.system=rabbitmq messaging.destination.name=jobs  ~>#lost
      trace L
      ghost  INTERNAL  "not exported"  0-1  #lost`,
    edges: [
      'user:user ─request→ service:api  10ms',
      'messaging:rabbitmq/jobs ─messaging→ service:worker  -',
      'root:ghost',
    ],
  },
  {
    name: 'a CLIENT span about messaging (receive, settle) is not a request',
    trace: `
      worker  SERVER  "poll"  0-100
      └─ worker  CLIENT  "orders receive"  10-20  messaging.system=kafka messaging.destination.name=orders server.address=kafka`,
    edges: ['user:user ─request→ service:worker  100ms'],
  },
  {
    name: 'environments come from the resource, old and new attribute names',
    trace: `
      web@prod  SERVER  "GET /"  0-10
      └─ web  CLIENT  "GET /api"  1-9
         └─ api@staging  SERVER  "GET /api"  2-8
            └─ api  CLIENT  "q"  3-4  db.system=mysql`,
    edges: [
      'user:user ─request→ service:web  10ms  [prod]',
      'service:web ─request→ service:api  8ms  [prod]',
      'service:api ─database→ database:mysql  1ms  [staging]',
    ],
  },
];

for (const golden of GOLDEN) {
  test(`golden: ${golden.name}`, () => {
    const batch = parseAsciiTrace(golden.trace);
    // Root spans that are not SERVER spans make no edge; the fixture names them as `root:` lines.
    const expected = [...golden.edges].sort();
    const spans = batch.spanCount;
    for (let rotation = 0; rotation < spans; rotation++) {
      const derived = deriveEdges(rotation === 0 ? batch : rotateSpans(batch, rotation));
      const actual = [
        ...derived.edges.map(edgeLine),
        ...derived.operations.filter((o) => o.spanKind !== 2 && o.spanKind !== 5).map((o) => `root:${o.service}`),
      ].sort();
      assert.deepEqual(actual, expected, `rotation ${rotation}`);
    }
  });
}

test('entry spans (SERVER, CONSUMER, any root) are the services’ units of work', () => {
  const batch = parseAsciiTrace(`
    web  SERVER  "GET /"  0-10  !
    └─ web  CLIENT  "GET /api"  1-9
       └─ api  SERVER  "GET /api"  2-8
          └─ api  PRODUCER  "emit"  3-4
             └─ mailer  CONSUMER  "send"  5-7
    trace B
    cron  INTERNAL  "nightly"  0-1000`);
  const operations = deriveEdges(batch).operations.map((o) => `${o.service} ${o.operation} ${o.latencyUs / 1000}ms${o.error ? ' !' : ''}`);
  assert.deepEqual(operations.sort(), ['api GET /api 6ms', 'cron nightly 1000ms', 'mailer send 2ms', 'web GET / 10ms !']);
});
