// `npx tsx scripts/hash-password.ts`: prints the scrypt hash for MESHLIGHT_UI_PASSWORD_HASH. The
// password is read from standard input (typed, then Enter; or piped), so it stays out of the
// shell's history and the process list.
import { createInterface } from 'node:readline';
import { hashPassword } from '../lib/http/ui-auth';

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

const password = await readPassword();
if (password.length < 8) {
  console.error('hash-password: use at least 8 characters');
  process.exit(1);
}
console.log(await hashPassword(password));
