// Code under test in the "Testing with @sysbind/testing-fakes" guide: an application function
// that fans work out to clone VMs.
// #region fan-out
import type { Clone, Gridcentric } from '@sysbind/gridcentric';

/**
 * Clones this VM up to `count` times (as many as the controller grants) and resolves to the exit
 * codes of the clones, in vmid order. In a clone, it resolves to `undefined`: the clone's copy of
 * the program goes on with its share of the work instead.
 */
export async function fanOut(gc: Gridcentric, count: number): Promise<number[] | undefined> {
  // Leaving the scope gives back whatever the loop did not use.
  await using ticket = await gc.requestTicket(count);
  const granted = (await ticket.info())?.granted ?? 0;
  const clones: Clone[] = [];
  for (let index = 0; index < granted; index++) {
    const result = await ticket.clone();
    if (result.role === 'clone') return undefined;
    clones.push(result);
  }
  const exits = await Promise.all(clones.map((clone) => clone.exited));
  return exits.map((exit) => exit.code);
}
// #endregion fan-out
