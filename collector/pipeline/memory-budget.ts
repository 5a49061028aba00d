// One memory limit shared by every signal's queue. Half of it is reserved in equal parts, one per
// queue, so a flood of one signal cannot starve another; the other half goes to whichever queue
// needs it. Queues count bytes of encoded rows (RowsCodec.bytes).

export interface BudgetUser {
  readonly queuedBytes: number;
}

export class MemoryBudget {
  private readonly users = new Set<BudgetUser>();

  constructor(readonly maxBytes: number) {}

  register(user: BudgetUser): void {
    this.users.add(user);
  }

  get usedBytes(): number {
    let used = 0;
    for (const user of this.users) used += user.queuedBytes;
    return used;
  }

  /** The part of the budget each registered queue may always use (all of it for a single queue). */
  get reservedBytes(): number {
    return this.users.size <= 1 ? this.maxBytes : this.maxBytes / 2 / this.users.size;
  }

  /**
   * Whether `user` may add `bytes`: within its reserved part, or within what is left once every
   * other queue's unused reserved part is set aside for it.
   */
  allows(user: BudgetUser, bytes: number): boolean {
    const reserved = this.reservedBytes;
    if (user.queuedBytes + bytes <= reserved) return true;
    let used = 0;
    let reservedForOthers = 0;
    for (const other of this.users) {
      used += other.queuedBytes;
      if (other !== user) reservedForOthers += Math.max(0, reserved - other.queuedBytes);
    }
    return used + bytes + reservedForOthers <= this.maxBytes;
  }
}
