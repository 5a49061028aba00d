// A slow client over a real socket (the slowloris shape): connects, writes its first bytes, then a
// byte now and then; resolves with what the server sent once the server ends the connection.
import net from 'node:net';

export interface Outcome {
  /** What the server sent before the connection ended. */
  received: string;
  /** Bytes the client managed to send. */
  sent: number;
}

/**
 * Connects and writes `first` at once, then `trickle` a byte every `everyMs` (over and over, or
 * just `once`); resolves when the server ends the connection. Rejects after `giveUpMs` if it never does.
 */
export function slowClient(port: number, first: string, trickle: string, everyMs: number, giveUpMs = 60_000, once = false): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a slow connection open for ${giveUpMs} ms (sent ${sent} bytes)`));
    }, giveUpMs);
    socket.on('connect', () => {
      if (first) socket.write(first);
      sent += first.length;
      let i = 0;
      if (trickle) {
        timer = setInterval(() => {
          if (!socket.writable || (once && i >= trickle.length)) return;
          socket.write(trickle[i++ % trickle.length]!);
          sent++;
        }, everyMs);
      }
    });
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ received, sent });
    });
  });
}
