// The OTLP messages every signal shares, decoded once for both encodings: Resource,
// InstrumentationScope, KeyValue and AnyValue (opentelemetry-proto common/v1/common.proto and
// resource/v1/resource.proto). The trace, metrics and logs decoders call these for their
// `resource`, `scope` and `attributes` fields and decode only their own messages themselves.
//
// Protobuf: each function takes the reader positioned after the field's tag, and the tag.
// JSON: each takes the parsed value (proto3 JSON mapping; lowerCamelCase and snake_case names).
// Both throw MalformedPayloadError with the path inside the message (callers prefix theirs).
import type { AttributeValue, Attributes, InstrumentationScope, Resource } from '../domain/model';
import { MAX_VALUE_DEPTH, doubleAttribute, int64Attribute, setAttribute } from './attribute-values';
import { expectArray, expectObject, jsonBase64, jsonBool, jsonDouble, jsonInt64Attribute, jsonString, jsonUint32, type JsonObject } from './json-values';
import { MalformedPayloadError, rethrowWithin } from './malformed';
import type { ProtobufReader } from './protobuf-reader';

export function emptyResource(): Resource {
  return { attributes: {}, droppedAttributesCount: 0 };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: {} };
}

// ---- protobuf ---------------------------------------------------------------------------------

// Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
// A message field that occurs twice is merged (protobuf semantics), hence "Into".
export function decodeResourceInto(r: ProtobufReader, tag: number, resource: Resource): void {
  const outer = r.enter(tag);
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        decodeKeyValueInto(r, t, resource.attributes, 0);
        break;
      case 2:
        resource.droppedAttributesCount = r.uint32(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
}

// InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3;
//                        uint32 dropped_attributes_count = 4; } — the model has no place for 4.
export function decodeScopeInto(r: ProtobufReader, tag: number, scope: InstrumentationScope): void {
  const outer = r.enter(tag);
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        scope.name = r.repeatedString(t);
        break;
      case 2:
        scope.version = r.repeatedString(t);
        break;
      case 3:
        decodeKeyValueInto(r, t, scope.attributes, 0);
        break;
      case 4:
        r.uint32(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
}

// KeyValue { string key = 1; AnyValue value = 2; } — added to `target`; a missing value is null.
export function decodeKeyValueInto(r: ProtobufReader, tag: number, target: Attributes, depth: number): void {
  const outer = r.enter(tag);
  let key = '';
  let value: AttributeValue = null;
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        key = r.repeatedString(t);
        break;
      case 2:
        value = decodeAnyValue(r, t, depth);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  setAttribute(target, key, value);
}

// AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
//   double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6;
//   bytes bytes_value = 7; } } — for a oneof the last field on the wire wins.
export function decodeAnyValue(r: ProtobufReader, tag: number, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH) {
    throw new MalformedPayloadError(`attribute values nested more than ${MAX_VALUE_DEPTH} levels deep at byte ${r.pos}`);
  }
  const outer = r.enter(tag);
  let value: AttributeValue = null;
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        value = r.string(t);
        break;
      case 2:
        value = r.bool(t);
        break;
      case 3:
        value = int64Attribute(r.int64(t));
        break;
      case 4:
        value = doubleAttribute(r.double(t));
        break;
      case 5:
        value = decodeArrayValue(r, t, depth + 1);
        break;
      case 6:
        value = decodeKeyValueList(r, t, depth + 1);
        break;
      case 7:
        value = r.base64(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return value;
}

// ArrayValue { repeated AnyValue values = 1; }
function decodeArrayValue(r: ProtobufReader, tag: number, depth: number): AttributeValue[] {
  const outer = r.enter(tag);
  const values: AttributeValue[] = [];
  while (r.hasMore()) {
    const t = r.readTag();
    if (t >>> 3 === 1) values.push(decodeAnyValue(r, t, depth));
    else r.skip(t);
  }
  r.leave(outer);
  return values;
}

// KeyValueList { repeated KeyValue values = 1; }
function decodeKeyValueList(r: ProtobufReader, tag: number, depth: number): Attributes {
  const outer = r.enter(tag);
  const values: Attributes = {};
  while (r.hasMore()) {
    const t = r.readTag();
    if (t >>> 3 === 1) decodeKeyValueInto(r, t, values, depth);
    else r.skip(t);
  }
  r.leave(outer);
  return values;
}

// ---- JSON -------------------------------------------------------------------------------------

export function decodeResourceJsonInto(input: unknown, resource: Resource): void {
  const o = expectObject(input, 'a Resource');
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'attributes':
          decodeAttributesJsonInto(value, resource.attributes);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          resource.droppedAttributesCount = jsonUint32(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
}

export function decodeScopeJsonInto(input: unknown, scope: InstrumentationScope): void {
  const o = expectObject(input, 'an InstrumentationScope');
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'name':
          scope.name = jsonString(value);
          break;
        case 'version':
          scope.version = jsonString(value);
          break;
        case 'attributes':
          decodeAttributesJsonInto(value, scope.attributes);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          jsonUint32(value); // validated; the model has no place for it
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
}

/** `repeated KeyValue`: an array of {key, value} objects, added to `target`. */
export function decodeAttributesJsonInto(input: unknown, target: Attributes, depth = 0): void {
  const list = expectArray(input);
  for (let i = 0; i < list.length; i++) {
    try {
      const kv = expectObject(list[i], 'a KeyValue');
      let key = '';
      let value: AttributeValue = null;
      try {
        if (kv.key != null) key = jsonString(kv.key);
      } catch (error) {
        rethrowWithin(error, 'key');
      }
      try {
        if (kv.value != null) value = decodeAnyValueJson(kv.value, depth);
      } catch (error) {
        rethrowWithin(error, 'value');
      }
      setAttribute(target, key, value);
    } catch (error) {
      rethrowWithin(error, `[${i}]`);
    }
  }
}

/** AnyValue: a oneof, so at most one member may be set; none set (or `{}`) is null. */
export function decodeAnyValueJson(input: unknown, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH) throw new MalformedPayloadError(`attribute values nested more than ${MAX_VALUE_DEPTH} levels deep`);
  const o = expectObject(input, 'an AnyValue');
  let result: AttributeValue = null;
  let member: string | undefined;
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    let decoded: AttributeValue;
    try {
      switch (key) {
        case 'stringValue':
        case 'string_value':
          decoded = jsonString(value);
          break;
        case 'boolValue':
        case 'bool_value':
          decoded = jsonBool(value);
          break;
        case 'intValue':
        case 'int_value':
          decoded = jsonInt64Attribute(value);
          break;
        case 'doubleValue':
        case 'double_value':
          decoded = doubleAttribute(jsonDouble(value));
          break;
        case 'arrayValue':
        case 'array_value':
          decoded = decodeArrayValueJson(value, depth + 1);
          break;
        case 'kvlistValue':
        case 'kvlist_value':
          decoded = decodeKeyValueListJson(value, depth + 1);
          break;
        case 'bytesValue':
        case 'bytes_value':
          decoded = jsonBase64(value);
          break;
        default:
          continue; // unknown field
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
    if (member !== undefined) throw new MalformedPayloadError(`AnyValue sets both ${member} and ${key}; it is a oneof`);
    member = key;
    result = decoded;
  }
  return result;
}

function decodeArrayValueJson(input: unknown, depth: number): AttributeValue[] {
  const values = arrayMember(expectObject(input, 'an ArrayValue'));
  const result: AttributeValue[] = new Array<AttributeValue>(values.length);
  for (let i = 0; i < values.length; i++) {
    const item = values[i];
    try {
      result[i] = item == null ? null : decodeAnyValueJson(item, depth);
    } catch (error) {
      rethrowWithin(error, `values[${i}]`);
    }
  }
  return result;
}

function decodeKeyValueListJson(input: unknown, depth: number): Attributes {
  const values = arrayMember(expectObject(input, 'a KeyValueList'));
  const result: Attributes = {};
  try {
    decodeAttributesJsonInto(values, result, depth);
  } catch (error) {
    rethrowWithin(error, 'values');
  }
  return result;
}

/** The `values` member of ArrayValue / KeyValueList; absent or null means empty. */
function arrayMember(o: JsonObject): unknown[] {
  const values = o.values;
  return values == null ? [] : expectArray(values);
}
