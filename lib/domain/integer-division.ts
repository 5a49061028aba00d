// Division of bigint times into whole units (days, minutes): floor and ceiling, where BigInt's `/`
// truncates toward zero (a time before 1970 would otherwise fall in the unit after its own).

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}
