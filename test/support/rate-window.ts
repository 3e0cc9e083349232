/**
 * The AI rate limit counts per UTC minute; a burst that straddles a window boundary is counted in two windows.
 * Starting a burst early in a window keeps it inside one.
 */
export async function startOfAFreshWindowIfLate(latestSecond = 50): Promise<void> {
  const secondsIntoMinute = new Date().getUTCSeconds();
  if (secondsIntoMinute >= latestSecond) {
    await new Promise((resolve) => setTimeout(resolve, (61 - secondsIntoMinute) * 1000));
  }
}
