// Repeated scalar fields for the metrics decoder: proto3 writes them packed (one LEN field holding
// the values back to back), and parsers must also accept them unpacked (one field per value).
// A local stop-gap: ProtobufReader is gaining packed-repeated support on another branch; once it
// has it, these three can go and the call sites use the reader's own methods.
import { ProtobufReader, WireType } from './protobuf-reader';

/** repeated fixed64 (counts) → numbers (exact below 2^53). */
export function readRepeatedFixed64Into(r: ProtobufReader, tag: number, out: number[]): void {
  if ((tag & 7) !== WireType.LEN) {
    out.push(Number(r.fixed64(tag)));
    return;
  }
  const outer = r.enter(tag);
  while (r.hasMore()) out.push(Number(r.readFixed64()));
  r.leave(outer);
}

/** repeated double (bucket bounds). */
export function readRepeatedDoubleInto(r: ProtobufReader, tag: number, out: number[]): void {
  if ((tag & 7) !== WireType.LEN) {
    out.push(r.double(tag));
    return;
  }
  const outer = r.enter(tag);
  while (r.hasMore()) out.push(r.readDouble());
  r.leave(outer);
}

/** repeated uint64 (exponential histogram bucket counts) → numbers. */
export function readRepeatedUint64Into(r: ProtobufReader, tag: number, out: number[]): void {
  if ((tag & 7) !== WireType.LEN) {
    out.push(Number(r.uint64(tag)));
    return;
  }
  const outer = r.enter(tag);
  while (r.hasMore()) out.push(Number(r.readVarint64()));
  r.leave(outer);
}
