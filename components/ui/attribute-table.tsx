// Key/value attributes as a compact two-column table.
import type { Attributes } from '@/lib/domain/model';
import { formatAttributeValue } from './format';

export function AttributeTable({ attributes, title }: { attributes: Attributes; title: string }) {
  const keys = Object.keys(attributes).sort();
  if (keys.length === 0) return null;
  return (
    <div className="attr-block">
      <h4>{title}</h4>
      <table className="attr-table">
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <th>{key}</th>
              <td>{formatAttributeValue(attributes[key]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
