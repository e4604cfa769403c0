/**
 * Group commit: items submitted while a call is running wait and go out together in the next
 * call, so a burst of completions costs one round trip instead of one each, and a lone item is
 * not held back. At most `max` items per call. Each submit resolves with its own item's result.
 */
export class GroupCommit<T, R> {
  private waiting: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly max = 500,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.max);
        try {
          const results = await this.run(group.map((g) => g.item));
          group.forEach((g, i) => g.resolve(results[i] as R));
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
