// Regressions of what the Linux differential fuzzer (fuzz/linux-differential.mjs) found: each
// call is made on the native addon over the simulator (the illumos path's argument checks and
// libcontract's answers) and on the Linux backend, and both must fail alike (error name, code,
// syscall) or succeed alike. The reference is the addon, never the Linux backend's own output.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CTE_INFO,
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_FORK,
  type ContractBackend,
  type ContractControlHandle,
  type ContractEventEndpoint,
  type ContractTemplateHandle,
  type RawContractEvent,
} from '@sysbind/contract-interface';
import { createLinuxContractBackend } from '@sysbind/contract-native';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { killAll, linuxSkipReason, until } from './support/linux-host.ts';

const skip = linuxSkipReason();
const spawned = new Set<number>();
const NO_CONTRACT = 987_654_321;

afterAll(() => {
  killAll(spawned);
});

function outcome(call: () => unknown): string {
  try {
    const value = call();
    return `ok ${typeof value === 'boolean' || typeof value === 'number' ? String(value) : typeof value}`;
  } catch (error) {
    const { name, code, syscall } = error as { name: string; code?: string; syscall?: string };
    return [name, code, syscall].filter((part) => part !== undefined).join(' ');
  }
}

/** The same calls on both backends: template and backend calls that need no contract. */
const STATELESS: [string, (backend: ContractBackend) => unknown][] = [
  // dotoprocs() finds no process in a contract that does not exist: ESRCH, not ENOENT.
  [
    'sigsend to no contract',
    (backend) => {
      backend.sigsend(NO_CONTRACT, 15);
    },
  ],
  [
    'sigsend to ctid 0',
    (backend) => {
      backend.sigsend(0, 15);
    },
  ],
  // The ctid is checked before the signal.
  [
    'sigsend of a bad ctid and a bad signal',
    (backend) => {
      backend.sigsend('x' as unknown as number, Number.NaN);
    },
  ],
  // A negative signal: sigsend's own EINVAL, not an argument RangeError.
  [
    'sigsend of signal -1',
    (backend) => {
      backend.sigsend(NO_CONTRACT, -1);
    },
  ],
  [
    'sigsend of signal 2**31',
    (backend) => {
      backend.sigsend(NO_CONTRACT, 2 ** 31);
    },
  ],
  ['openStatus(0)', (backend) => backend.openStatus(0)],
  ['openControl(0)', (backend) => backend.openControl(0)],
  ['openTemplate of a non-string', (backend) => backend.openTemplate(/re/ as unknown as 'process')],
  ['openLatest of a symbol', (backend) => backend.openLatest(Symbol.iterator as unknown as 'process')],
  // A term that names no libcontract function, whatever its type: EINVAL from ct_tmpl_set.
  [
    'set of a number as term',
    (backend) => {
      backend.openTemplate('process').set(5e-324 as unknown as 'cookie', 1n);
    },
  ],
  [
    'set of an unknown term',
    (backend) => {
      backend.openTemplate('process').set('nonsense' as 'cookie', 1n);
    },
  ],
  ['get of an unknown term', (backend) => backend.openTemplate('process').get('nonsense' as 'cookie')],
  // An object whose conversion to a string throws is still just a name of no term (the fuzzer
  // found Object.hasOwn's TypeError escaping from the addon backend).
  [
    'set of a null-prototype object as term',
    (backend) => {
      backend.openTemplate('process').set(Object.create(null) as 'cookie', 1n);
    },
  ],
  [
    'get of a null-prototype object as term',
    (backend) => backend.openTemplate('process').get(Object.create(null) as 'cookie'),
  ],
  // Ids overlap across types: CTDP_ACCEPT is CTPP_PARAMS, CTDP_NONEG is CTPP_SUBSUME.
  [
    'aset on a process template is the parameter set',
    (backend) => {
      const template = backend.openTemplate('process');
      template.set('aset', 2);
      return template.get('param') === 2 && template.get('aset') === 2;
    },
  ],
  ['get noneg on a process template', (backend) => backend.openTemplate('process').get('noneg')],
  [
    'clear noneg on a process template',
    (backend) => {
      backend.openTemplate('process').set('noneg', false);
    },
  ],
  ['get minor on a process template', (backend) => backend.openTemplate('process').get('minor')],
  // Failures name libcontract's own function.
  [
    'set svc_aux on a closed template',
    (backend) => {
      const template = backend.openTemplate('process');
      template.close();
      template.set('svc_aux', 'aux');
    },
  ],
  [
    'get fatal on a closed template',
    (backend) => {
      const template = backend.openTemplate('process');
      template.close();
      return template.get('fatal');
    },
  ],
];

describe.skipIf(skip !== undefined)(`Linux backend ≡ the addon over the simulator (${skip ?? 'real kernel'})`, () => {
  const linux = skip === undefined ? createLinuxContractBackend() : undefined;
  const simulator = createContractSimulator({
    followRealChildren: false,
    euid: 0,
    privileges: ['contract_event', 'contract_identity', 'contract_observer', 'proc_owner'],
  });
  const reference = createSimulatedNativeBackend(simulator);

  it.each(STATELESS)('%s', (_name, call) => {
    const expected = outcome(() => call(reference));
    expect(outcome(() => call(linux as ContractBackend))).toBe(expected);
  });

  it('a term that names nothing is EINVAL from ct_tmpl_set/ct_tmpl_get on every backend, whatever its type', () => {
    for (const backend of [reference, simulator.backend(), linux as ContractBackend])
      for (const term of [Object.create(null), Symbol('term'), 'nonsense', 7]) {
        expect(outcome(() => backend.openTemplate('process').get(term as 'cookie'))).toBe(
          'ContractError EINVAL ct_tmpl_get',
        );
        expect(
          outcome(() => {
            backend.openTemplate('process').set(term as 'cookie', 1n);
          }),
        ).toBe('ContractError EINVAL ct_tmpl_set');
      }
  });

  it('contract_process_fork: the creating fork is a pr_fork too (the child, this process its parent), before its pr_exit', async () => {
    // A simulator that follows real children, for the same real child on both sides.
    const following = createContractSimulator({
      followRealChildren: true,
      euid: 0,
      privileges: ['contract_event', 'contract_identity', 'contract_observer', 'proc_owner'],
    });
    const sequence = async (backend: ContractBackend): Promise<string[]> => {
      const seen: { type: number; pid?: number; ppid?: number; exitStatus?: number }[] = [];
      const bundle = backend.openProcessBundle('process');
      bundle.listen({
        onEvent: (event) => {
          seen.push(event);
        },
        onError: () => undefined,
      });
      const template = backend.openTemplate('process');
      template.set('critical', 1);
      template.set('informative', 2 | 4);
      template.activate();
      const child = spawn('sh', ['-c', 'exit 3'], { stdio: 'ignore' });
      template.clear();
      template.close();
      if (child.pid !== undefined) spawned.add(child.pid);
      await until(() => seen.some((event) => event.type === 1), 3000);
      bundle.close();
      const latest = backend.openLatest('process');
      const control = backend.openControl(latest.ctid);
      latest.close();
      control.abandon();
      control.close();
      return seen.map((event) =>
        [
          event.type,
          event.pid === child.pid ? 'child' : 'other',
          event.ppid === undefined ? '' : event.ppid === process.pid ? 'parent: this process' : 'parent: other',
          event.exitStatus ?? '',
        ].join(' '),
      );
    };
    try {
      const expected = await sequence(createSimulatedNativeBackend(following));
      expect(expected[0]).toBe('2 child parent: this process ');
      expect(await sequence(linux as ContractBackend)).toEqual(expected);
    } finally {
      following.close();
    }
  });

  it('ct_event_reset replays what cte_trim kept: the informative events around an unacknowledged critical one, the acknowledged one until the next publish (cte_reset_listener, cte_trim)', async () => {
    // A simulator that follows real children, for the same real children on both sides.
    const following = createContractSimulator({
      followRealChildren: true,
      euid: 0,
      privileges: ['contract_event', 'contract_identity', 'contract_observer', 'proc_owner'],
    });
    const sequence = async (backend: ContractBackend): Promise<string[][]> => {
      const ctids: number[] = [];
      const label = (event: RawContractEvent): string =>
        `#${ctids.indexOf(event.ctid)} type ${event.type} flags ${event.flags}`;
      const drain = (endpoint: ContractEventEndpoint): RawContractEvent[] => {
        const events: RawContractEvent[] = [];
        for (let event = endpoint.read(); event !== undefined; event = endpoint.read()) events.push(event);
        return events;
      };
      const pbundle = backend.openProcessBundle('process');
      // The probe: its reads tell when a contract's events are all published, and move nothing
      // on the pbundle, whose listener stays where the events start.
      const probe = backend.openBundle('process');
      const probed: RawContractEvent[] = [];
      const controls: ContractControlHandle[] = [];
      const template = backend.openTemplate('process');
      template.set('critical', CT_PR_EV_EXIT);
      template.set('informative', CT_PR_EV_FORK | CT_PR_EV_EMPTY);
      const contract = async (): Promise<void> => {
        template.activate();
        const child = spawn('sh', ['-c', 'exit 3'], { stdio: 'ignore' });
        template.clear();
        if (child.pid !== undefined) spawned.add(child.pid);
        const latest = backend.openLatest('process');
        ctids.push(latest.ctid);
        controls.push(backend.openControl(latest.ctid));
        latest.close();
        await until(() => {
          probed.push(...drain(probe));
          return probed.some((event) => event.ctid === latest.ctid && event.type === CT_PR_EV_EMPTY);
        }, 3000);
      };
      const replays: string[][] = [];
      const replay = (): void => {
        pbundle.reset();
        replays.push(drain(pbundle).map(label));
      };
      try {
        // pr_fork (informative), pr_exit (critical), pr_empty (informative), read, then reset.
        await contract();
        replays.push(drain(pbundle).map(label));
        replay();
        // Acknowledged: nothing trims until the next publish, so the same events come back.
        const exit = probed.find((event) => event.type === CT_PR_EV_EXIT);
        controls[0]?.ack(exit?.evid ?? 0n);
        replay();
        replay();
        // The next publish trims everything the listener has read: only the new events remain.
        await contract();
        replay();
        return replays;
      } finally {
        template.close();
        probe.close();
        pbundle.close();
        for (const control of controls) {
          control.abandon();
          control.close();
        }
      }
    };
    try {
      const expected = await sequence(createSimulatedNativeBackend(following));
      expect(expected[0]).toEqual([
        `#0 type ${CT_PR_EV_FORK} flags ${CTE_INFO}`,
        `#0 type ${CT_PR_EV_EXIT} flags 0`,
        `#0 type ${CT_PR_EV_EMPTY} flags ${CTE_INFO}`,
      ]);
      expect(await sequence(linux as ContractBackend)).toEqual(expected);
    } finally {
      following.close();
    }
  });

  it('control calls on an own contract check the evid first, as the addon does (qack/nack/newct of -1n, ack of 0n)', async () => {
    const backend = linux as ContractBackend;
    const template = backend.openTemplate('process');
    template.activate();
    let control: ContractControlHandle | undefined;
    let later: number | undefined;
    try {
      const child = spawn('sh', ['-c', 'exit 0'], { stdio: 'ignore' });
      if (child.pid !== undefined) spawned.add(child.pid);
      const status = backend.openLatest('process');
      control = backend.openControl(status.ctid);
      status.close();
      await new Promise((resolve) => child.once('exit', resolve));
      // The simulator's own contract of the same kind: a simulated fork under a template.
      const simTemplate = reference.openTemplate('process');
      simTemplate.activate();
      simulator.world.fork(simulator.self.pid);
      simTemplate.clear();
      const simLatest = reference.openLatest('process');
      const simControl = reference.openControl(simLatest.ctid);
      simLatest.close();
      const calls: [string, (handle: ContractControlHandle) => unknown][] = [
        [
          'qack(-1n)',
          (handle) => {
            handle.qack(-1n);
          },
        ],
        [
          'nack(-1n)',
          (handle) => {
            handle.nack(-1n);
          },
        ],
        [
          'newct(2n ** 64n)',
          (handle) => {
            handle.newct(2n ** 64n, template);
          },
        ],
        [
          'ack(0n)',
          (handle) => {
            handle.ack(0n);
          },
        ],
        [
          'ack(99999n)',
          (handle) => {
            handle.ack(99_999n);
          },
        ],
      ];
      for (const [name, call] of calls) {
        expect(
          outcome(() => call(control as ContractControlHandle)),
          name,
        ).toBe(outcome(() => call(simControl)));
      }
      // newct reads the template: not a template is a TypeError, a closed one EBADF.
      const closedTemplates = [backend.openTemplate('process'), reference.openTemplate('process')];
      for (const closedTemplate of closedTemplates) closedTemplate.close();
      expect(outcome(() => control?.newct(1n, closedTemplates[0] as ContractTemplateHandle))).toBe(
        outcome(() => {
          simControl.newct(1n, closedTemplates[1] as ContractTemplateHandle);
        }),
      );
      expect(outcome(() => control?.newct(1n, {} as ContractTemplateHandle))).toBe(
        outcome(() => {
          simControl.newct(1n, {} as ContractTemplateHandle);
        }),
      );
      // A status detail is a C int first (TypeError, RangeError), then ct_status_read's EINVAL.
      const linuxStatus = backend.openStatus(control.ctid);
      const simStatus = reference.openStatus(simControl.ctid);
      for (const detail of [1.5, '2', 3, -1]) {
        expect(
          outcome(() => linuxStatus.read(detail as 0)),
          String(detail),
        ).toBe(outcome(() => simStatus.read(detail as 0)));
      }
      linuxStatus.close();
      simStatus.close();
      // After an abandon (which acknowledged everything): contract_ack finds no event (ESRCH),
      // contract_adopt refuses a contract that is not adoptable (EINVAL).
      const ctid = control.ctid;
      await until(() => {
        const status = backend.openStatus(ctid);
        const members = status.read(2).members;
        status.close();
        return members?.length === 0;
      }, 2000);
      // Another contract becomes latest on both sides: only the open ctl handles hold these now.
      const next = spawn('true', [], { stdio: 'ignore' });
      if (next.pid !== undefined) spawned.add(next.pid);
      await new Promise((resolve) => next.once('exit', resolve));
      const nextStatus = backend.openLatest('process');
      later = nextStatus.ctid;
      nextStatus.close();
      simTemplate.activate();
      simulator.world.fork(simulator.self.pid);
      simTemplate.clear();
      control.abandon();
      simControl.abandon();
      const afterAbandon: [string, (handle: ContractControlHandle) => unknown][] = [
        [
          'ack(1n) after abandon',
          (handle) => {
            handle.ack(1n);
          },
        ],
        [
          'adopt() after abandon',
          (handle) => {
            handle.adopt();
          },
        ],
      ];
      for (const [name, call] of afterAbandon) {
        expect(
          outcome(() => call(control as ContractControlHandle)),
          name,
        ).toBe(outcome(() => call(simControl)));
      }
      // The open ctl handles hold the abandoned, dead contracts: still visible, no longer controllable.
      const open = (which: ContractBackend, id: number): string[] => [
        outcome(() => {
          which.openStatus(id).close();
        }),
        outcome(() => {
          which.openControl(id).close();
        }),
      ];
      expect(open(backend, ctid)).toEqual(open(reference, simControl.ctid));
      simControl.close();
    } finally {
      template.clear();
      template.close();
      if (control !== undefined) {
        const ctid = control.ctid;
        await until(() => {
          try {
            backend.sigsend(ctid, 0);
            return false;
          } catch {
            return true;
          }
        }, 2000);
        try {
          control.abandon();
        } catch {
          // abandoned above
        }
        control.close();
      }
      if (later !== undefined) {
        const laterControl = backend.openControl(later);
        await until(() => {
          try {
            backend.sigsend(later ?? 0, 0);
            return false;
          } catch {
            return true;
          }
        }, 2000);
        laterControl.abandon();
        laterControl.close();
      }
    }
  });
});
