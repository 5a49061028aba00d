// The UI answers only to the Host names it is configured for (MESHLIGHT_ALLOWED_HOSTS): a page
// on an attacker's domain whose DNS later points at 127.0.0.1 (DNS rebinding) sends its own name
// as Host and is refused. An IP address cannot be rebound, so when the UI listens on every
// interface and no names are configured, an address Host is accepted as well.
import { normalizeHostName, type UiSecurity } from '../contracts/ui-security-env';

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

export function hostAllowed(hostHeader: string | null, security: Pick<UiSecurity, 'allowedHosts' | 'anyIpHost'>): boolean {
  if (security.allowedHosts === 'any') return true;
  if (!hostHeader) return false;
  const name = normalizeHostName(hostHeader);
  if (security.allowedHosts.has(name)) return true;
  return security.anyIpHost && (IPV4.test(name) || IPV6.test(name));
}

export function misdirectedMessage(hostHeader: string | null): string {
  return `Meshlight does not answer to Host '${hostHeader ?? ''}'. Add it to MESHLIGHT_ALLOWED_HOSTS (comma-separated names, or * to allow any) if this is how you reach it.\n`;
}
