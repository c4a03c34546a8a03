/** A clock that moves only when the test says: pass `now` to what takes a clock. */
export class ManualClock {
  constructor(public ms = Date.now()) {}

  readonly now = (): Date => new Date(this.ms);

  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }

  /** The instant `seconds` from the clock's now. */
  in(seconds: number): Date {
    return new Date(this.ms + seconds * 1000);
  }
}

/** A promise the test opens when it chooses, e.g. to hold a handler mid-run. */
export function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
