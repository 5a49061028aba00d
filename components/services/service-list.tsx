// The services overview: every service seen, its operations and when it last reported.
import Link from 'next/link';
import type { ServiceOverview } from '@/lib/domain/services';
import { formatAgo, formatTimestampNs, serviceColor } from '../ui/format';

export function ServiceList({ services, nowMs }: { services: ServiceOverview[]; nowMs: number }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Service</th>
          <th className="num">Operations</th>
          <th>Last span</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {services.map((service) => {
          const href = `/traces?service=${encodeURIComponent(service.name)}`;
          return (
            <tr key={service.name}>
              <td>
                <Link href={href} className="service-name">
                  <span className="dot" style={{ background: serviceColor(service.name) }} aria-hidden="true" />
                  {service.name}
                </Link>
              </td>
              <td className="num">{service.operationCount}</td>
              <td title={formatTimestampNs(service.lastSeenNs)}>{formatAgo(service.lastSeenNs, nowMs)}</td>
              <td className="actions">
                <Link href={href}>Find traces →</Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
