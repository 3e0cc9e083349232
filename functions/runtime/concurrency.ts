/** Runs `work` over `items` with at most `limit` in flight; rejects with the first failure once all settle. */
export async function forEachWithConcurrency<Item>(
  items: readonly Item[],
  limit: number,
  work: (item: Item) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as Item;
      await work(item).catch((error: unknown) => {
        failures.push(error);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failures.length > 0) throw failures[0];
}

/**
 * Like forEachWithConcurrency, but the first item runs alone until it calls `ready` (or settles); then the rest
 * start, at most `limit` in flight in all. For work that the first item makes cheaper for the others, such as
 * writing a prompt cache that they read.
 */
export async function forEachAfterFirstIsReady<Item>(
  items: readonly Item[],
  limit: number,
  work: (item: Item, ready: () => void) => Promise<void>,
): Promise<void> {
  const [first, ...rest] = items;
  if (first === undefined) return;
  const failures: unknown[] = [];
  let ready = () => {};
  const firstIsReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  let next = 0;
  const lane = async () => {
    while (next < rest.length) {
      const item = rest[next++] as Item;
      await work(item, () => {}).catch((error: unknown) => {
        failures.push(error);
      });
    }
  };
  // The first item's lane takes on the rest when it is done.
  const firstLane = work(first, ready)
    .catch((error: unknown) => {
      failures.push(error);
    })
    .finally(ready)
    .then(lane);
  await firstIsReady;
  await Promise.all([firstLane, ...Array.from({ length: Math.min(limit - 1, rest.length) }, lane)]);
  if (failures.length > 0) throw failures[0];
}
