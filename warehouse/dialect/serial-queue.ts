/**
 * A first-in, first-out mutex: `acquire()` resolves once every earlier holder has released.
 *
 * A DuckDB connection runs one statement and one transaction at a time; queueing in JS keeps
 * concurrent callers from interleaving on it. Release functions are idempotent.
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  /** Waits for the turn of this caller and returns the function that ends it. */
  async acquire(): Promise<() => void> {
    const previous = this.#tail;
    let open!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      open = resolve;
    });
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      open();
    };
  }
}
