// The host probe on the real kernel while the process sits in one of its own contracts' cgroups,
// as it does for the 0.3 ms of a fork under a template (another thread may probe right then): the
// probe must still name the process's real cgroup, or the thread would move the process back into
// the contract after each fork, and create its registry inside the contract's cgroup (which then
// can never be removed). The test puts a child Node in such a folder and asks it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeLinuxContractHost } from '@sysbind/contract-native';
import { killAll, linuxSkipReason } from './support/linux-host.ts';

const skip = linuxSkipReason();
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Waits for a line on stdin, then prints its probe's cgroup and registry.
const PROBE = `
process.stdin.once('data', async () => {
  const { probeLinuxContractHost } = await import('@sysbind/contract-native');
  const { ownCgroup, registry } = probeLinuxContractHost();
  process.stdout.write(JSON.stringify({ ownCgroup, registry, cgroup: (await import('node:fs')).readFileSync('/proc/self/cgroup', 'utf8') }) + '\\n');
  process.exit(0);
});
`;

describe.skipIf(skip !== undefined)(`the host probe${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  it("inside one of its own contracts' cgroups, a process still finds its own cgroup and registry", async () => {
    const host = probeLinuxContractHost();
    const registry = host.registry ?? '';
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE], {
      cwd: packageDir,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const pid = child.pid ?? 0;
    const folder = path.join(registry, `ct.${pid}.9.1`);
    let made = false;
    try {
      mkdirSync(folder);
      made = true;
      writeFileSync(path.join(folder, 'cgroup.procs'), String(pid));
      const output = new Promise<string>((resolve) => {
        let text = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        child.on('close', () => {
          resolve(text);
        });
      });
      child.stdin.write('go\n');
      const report = JSON.parse((await output).trim()) as { ownCgroup: string; registry: string; cgroup: string };
      // It really was inside the folder when it probed.
      expect(report.cgroup).toContain(`/ct.${pid}.9.1`);
      expect(report.ownCgroup).toBe(host.ownCgroup);
      expect(report.registry).toBe(registry);
      expect(readFileSync(path.join(folder, 'cgroup.events'), 'utf8')).toContain('populated 0');
    } finally {
      killAll([pid]);
      if (made) {
        // A probe that went wrong made its registry (and a probe folder) inside: those go first.
        const nested = path.join(folder, 'sysbind.contracts');
        for (let attempt = 0; attempt < 50; attempt++) {
          try {
            for (const name of existsSync(nested) ? readdirSync(nested) : [])
              if (name.startsWith('probe.')) rmdirSync(path.join(nested, name));
            if (existsSync(nested)) rmdirSync(nested);
            rmdirSync(folder);
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      }
    }
  }, 30_000);
});
