// `npm run demo -- [options]`: parsed with node:util's parseArgs, validated with zod.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_TIMING } from './chaos-cycle';
import { DEFAULT_PORT_BASE } from './ports';
import { scenarioSchema, SCENARIOS } from './scenarios';

export const USAGE = `Usage: npm run demo -- [options]

Starts Meshlight and a small fleet of instrumented services, drives traffic through them, and
cycles through incidents so there is always something to investigate.

Options:
  --rate N            requests per second from the load generator (default 8)
  --chaos SCENARIO    pin one scenario instead of cycling: ${SCENARIOS.join(', ')}
  --no-chaos          healthy traffic only
  --duration S        stop after S seconds (default: run until Ctrl-C)
  --warmup S          calm traffic before the first incident (default ${DEFAULT_TIMING.warmupMs / 1000})
  --incident S        how long each incident lasts (default ${DEFAULT_TIMING.incidentMs / 1000})
  --recovery S        calm traffic after each incident (default ${DEFAULT_TIMING.recoveryMs / 1000})
  --no-meshlight      do not start Meshlight; send to MESHLIGHT_OTLP_ENDPOINT or 127.0.0.1:4318
  --port-base N       first of the fleet's ports (default ${DEFAULT_PORT_BASE}; uses N..N+14)
  --no-rabbitmq       use the in-process broker even if RabbitMQ is reachable
  --no-postgres       keep orders in memory even if PostgreSQL is reachable
  --no-redis          keep stock in memory even if Redis is reachable
  -h, --help          this text

Environment: MESHLIGHT_OTLP_ENDPOINT (send to an already running Meshlight), DATABASE_URL (Meshlight's
database; embedded when unset), DEMO_AMQP_URL, DEMO_PG_ADMIN_URL, DEMO_REDIS_URL (the fleet's
dependencies; the local defaults otherwise).`;

const seconds = z.coerce.number().min(0).max(86_400);

const optionsSchema = z
  .object({
    rate: z.coerce.number().positive().max(200).default(8),
    chaos: scenarioSchema.optional(),
    noChaos: z.boolean().default(false),
    duration: seconds.positive().optional(),
    warmup: seconds.default(DEFAULT_TIMING.warmupMs / 1000),
    incident: seconds.positive().default(DEFAULT_TIMING.incidentMs / 1000),
    recovery: seconds.positive().default(DEFAULT_TIMING.recoveryMs / 1000),
    noMeshlight: z.boolean().default(false),
    portBase: z.coerce.number().int().min(1024).max(65_000).default(DEFAULT_PORT_BASE),
    noRabbitmq: z.boolean().default(false),
    noPostgres: z.boolean().default(false),
    noRedis: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .refine((o) => !(o.chaos && o.noChaos), { message: '--chaos and --no-chaos exclude each other' });

export type DemoOptions = z.infer<typeof optionsSchema>;

export class UsageError extends Error {}

export function parseDemoArgs(argv: string[]): DemoOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string' },
        chaos: { type: 'string' },
        'no-chaos': { type: 'boolean' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        incident: { type: 'string' },
        recovery: { type: 'string' },
        'no-meshlight': { type: 'boolean' },
        'port-base': { type: 'string' },
        'no-rabbitmq': { type: 'boolean' },
        'no-postgres': { type: 'boolean' },
        'no-redis': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = optionsSchema.safeParse({
    rate: values.rate,
    chaos: values.chaos,
    noChaos: values['no-chaos'],
    duration: values.duration,
    warmup: values.warmup,
    incident: values.incident,
    recovery: values.recovery,
    noMeshlight: values['no-meshlight'],
    portBase: values['port-base'],
    noRabbitmq: values['no-rabbitmq'],
    noPostgres: values['no-postgres'],
    noRedis: values['no-redis'],
    help: values.help,
  });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => (i.path.length ? `--${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  }
  return parsed.data;
}
