// The demo's fleet (scripts/demo) for tests: free ports for it, and a fleet run the way `npm run
// demo` runs it — real services with the OpenTelemetry Node SDK exporting to a collector, the load
// generator, and the chaos control endpoint (POST /chaos) in front of the same ChaosController —
// with the fallbacks a bare machine gets (in-process broker, orders and stock in memory).
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import net from 'node:net';
import { ChaosController } from '../../scripts/demo/lib/chaos-controller';
import { createControlServer } from '../../scripts/demo/lib/control-server';
import { startFleet, type Fleet } from '../../scripts/demo/lib/fleet';
import type { FromService } from '../../scripts/demo/lib/ipc';
import { startLoad, type LoadGenerator } from '../../scripts/demo/lib/load-generator';
import type { DemoPorts } from '../../scripts/demo/lib/ports';
import type { ChaosState } from '../../scripts/demo/lib/scenarios';

/** Distinct free ports, found by binding them all at once. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** The fleet's ports, each free (not the demo's fixed block, which a running demo may hold). */
export async function demoPorts(): Promise<DemoPorts> {
  const [control, gateway, orders, payments, inventory, notifier, inventoryMetrics] = await freePorts(7);
  return { control: control!, gateway: gateway!, orders: orders!, payments: payments!, inventory: inventory!, notifier: notifier!, inventoryMetrics: inventoryMetrics! };
}

export interface ChaosFleet {
  ports: DemoPorts;
  load: LoadGenerator;
  /** Service messages so far (breaker transitions, queue depth). */
  messages: FromService[];
  /** Services that exited on their own. */
  unexpected: string[];
  /** POST /chaos {"scenario": …} to the control endpoint, as a user of `npm run demo` would. */
  chaos(scenario: ChaosState): Promise<void>;
  stop(): Promise<void>;
}

export async function startChaosFleet(options: { otlpEndpoint: string; otlpLogs: boolean; logDir: string; requestsPerSecond: number }): Promise<ChaosFleet> {
  const ports = await demoPorts();
  const messages: FromService[] = [];
  const unexpected: string[] = [];
  const fleet: Fleet = await startFleet(
    {
      ports,
      otlpEndpoint: options.otlpEndpoint,
      otlpLogs: options.otlpLogs,
      broker: { kind: 'in-process' },
      pgUrl: undefined,
      redisUrl: undefined,
      namespace: `test-${randomBytes(4).toString('hex')}`,
      breakerResetMs: 10_000,
      chaos: 'none',
      logDir: options.logDir,
    },
    { onMessage: (m) => messages.push(m), onUnexpectedExit: (service, code, signal) => unexpected.push(`${service} exited (${signal ?? code})`) },
  );
  const load = startLoad({ gatewayUrl: `http://127.0.0.1:${ports.gateway}`, requestsPerSecond: options.requestsPerSecond });
  const controller = new ChaosController({ warmupMs: 0, incidentMs: 60_000, recoveryMs: 60_000 }, { mode: 'pinned', state: 'none' }, (state) => fleet.setChaos(state));
  const control: Server = createControlServer({
    status: () => ({ chaos: controller.status(), load: load.counters(), ports }),
    chaos: () => controller.status(),
    pin: (state) => controller.pin(state),
    resumeCycle: () => controller.resumeCycle(),
  });
  await new Promise<void>((resolve, reject) => control.once('error', reject).listen(ports.control, '127.0.0.1', resolve));
  return {
    ports,
    load,
    messages,
    unexpected,
    async chaos(scenario) {
      const response = await fetch(`http://127.0.0.1:${ports.control}/chaos`, { method: 'POST', body: JSON.stringify({ scenario }) });
      if (response.status !== 200) throw new Error(`POST /chaos answered ${response.status}: ${await response.text()}`);
    },
    async stop() {
      await new Promise((resolve) => control.close(resolve));
      await load.stop();
      await fleet.stop();
    },
  };
}
