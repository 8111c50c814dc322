export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true (a throw counts as not yet) or `ms` pass; returns the last answer. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms: number,
  everyMs = 100,
): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await Promise.resolve()
      .then(check)
      .catch(() => false);
    if (ok || Date.now() > end) return ok;
    await sleep(everyMs);
  }
}

/** Reads until `ok` says the value is what the test waits for, or `ms` pass; returns the last value read. */
export async function readUntil<T>(
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await sleep(50);
  }
}

/** Polls `get` until it returns something truthy and returns that; throws naming `what` after `ms`. */
export async function waitForValue<T>(
  what: string,
  get: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
