// Code under test in the "Testing with @sysbind/testing-fakes" guide: an application function
// that fans work out to clone VMs.
// #region fan-out
import type { Gridcentric } from '@sysbind/gridcentric';

/**
 * Clones this VM up to `count` times (as many as the controller grants) and resolves to the exit
 * codes of the clones, in vmid order. In a clone, it resolves to `undefined`: the clone's copy of
 * the program goes on with its share of the work instead.
 */
export async function fanOut(gc: Gridcentric, count: number): Promise<number[] | undefined> {
  const ticket = await gc.requestTicket(count);
  const granted = (await gc.listTickets()).find((info) => info.ticket === ticket)?.granted ?? 0;
  const vmids: number[] = [];
  for (let index = 0; index < granted; index++) {
    const result = await gc.clone(ticket);
    if (result.role === 'clone') return undefined;
    vmids.push(result.vmid);
  }
  const exits = await Promise.all(vmids.map((vmid) => gc.waitDomain(vmid)));
  return exits.map((exit) => exit.code);
}
// #endregion fan-out
