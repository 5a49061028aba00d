// A TCP proxy in front of PostgreSQL that cuts the connection at a chosen protocol message, for
// fault tests: either before the message reaches the server ("the statement never ran") or after
// the server answered it but before the client hears the answer ("it ran; the acknowledgement was
// lost" — for COMMIT, the case that makes naive retries store a batch twice).
// Frontend messages: https://www.postgresql.org/docs/current/protocol-message-formats.html
import net from 'node:net';
import { ADMIN_URL, createScratchDatabase, type ScratchDatabase } from './scratch-database';

export interface CutRule {
  /** 'Q' simple query, 'P' parse (extended query), 'd' CopyData, 'c' CopyDone. */
  type: 'Q' | 'P' | 'd' | 'c';
  /** For Q and P: a fragment the statement's text must contain. */
  sqlContains?: string;
  when: 'before' | 'after-response';
}

export class CuttingProxy {
  private readonly server: net.Server;
  private readonly open = new Set<net.Socket>();
  private refusing = false;
  private rule: CutRule | undefined;
  /** How many times an armed rule has cut a connection. */
  cuts = 0;

  constructor(private readonly upstreamPort: number, private readonly upstreamHost = '127.0.0.1') {
    this.server = net.createServer((client) => this.connect(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Cuts the next connection that sends a matching message, once. */
  arm(rule: CutRule): void {
    this.rule = rule;
  }

  /** Cuts every open connection at once, as a database stopped with `-m immediate` would. */
  cutAll(): void {
    for (const socket of this.open) socket.destroy();
  }

  /** The database is "down": open connections are cut and new ones are closed at once. */
  down(): void {
    this.refusing = true;
    this.cutAll();
  }

  up(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.rule = undefined;
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.upstreamPort, this.upstreamHost);
    this.open.add(client);
    this.open.add(upstream);
    client.on('close', () => this.open.delete(client));
    upstream.on('close', () => this.open.delete(upstream));
    let cutOnResponse = false;
    let startup = true;
    let pending: Buffer = Buffer.alloc(0);
    const cut = () => {
      this.cuts++;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.on('data', (chunk: Buffer) => {
      if (cutOnResponse) return cut();
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      // Split the stream into messages so a rule sees whole messages.
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let offset = 0;
      const out: Buffer[] = [];
      while (true) {
        if (startup) {
          // StartupMessage (and SSLRequest): int32 length, no type byte.
          if (pending.length - offset < 4) break;
          const length = pending.readInt32BE(offset);
          if (pending.length - offset < length) break;
          out.push(pending.subarray(offset, offset + length));
          offset += length;
          startup = false;
          continue;
        }
        if (pending.length - offset < 5) break;
        const length = pending.readInt32BE(offset + 1);
        if (pending.length - offset < length + 1) break;
        const message = pending.subarray(offset, offset + length + 1);
        offset += length + 1;
        const rule = this.rule;
        if (rule && this.matches(rule, message)) {
          this.rule = undefined;
          if (rule.when === 'before') {
            if (out.length) upstream.write(Buffer.concat(out));
            return cut();
          }
          cutOnResponse = true;
        }
        out.push(message);
      }
      pending = pending.subarray(offset);
      if (out.length) upstream.write(Buffer.concat(out));
    });
  }

  private matches(rule: CutRule, message: Buffer): boolean {
    if (String.fromCharCode(message[0]!) !== rule.type) return false;
    if (rule.sqlContains === undefined) return true;
    // Q: the query text; P: statement name, then the query text (both NUL-terminated).
    const body = message.subarray(5).toString('utf8');
    const text = rule.type === 'P' ? body.slice(body.indexOf('\u0000') + 1) : body;
    return text.includes(rule.sqlContains);
  }
}

/** A scratch database reached through a CuttingProxy in front of the test PostgreSQL. */
export interface ProxiedDatabase {
  database: ScratchDatabase;
  proxy: CuttingProxy;
  /** The database's URL through the proxy. */
  url: string;
  close(): Promise<void>;
}

export async function proxiedScratchDatabase(prefix: string): Promise<ProxiedDatabase> {
  const database = await createScratchDatabase(prefix);
  const admin = new URL(ADMIN_URL);
  const proxy = new CuttingProxy(Number(admin.port || 5432), admin.hostname);
  const url = new URL(database.url);
  url.host = `127.0.0.1:${await proxy.listen()}`;
  return {
    database,
    proxy,
    url: url.toString(),
    async close() {
      await proxy.close();
      await database.drop();
    },
  };
}
