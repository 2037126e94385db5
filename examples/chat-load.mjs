// The scripted load of the autoscale chat: users who join named rooms, post, read back what their
// room holds, and leave, in waves, against the chat program (autoscale-chat.mjs) run as a process
// of its own, the master VM of its cluster. Used by `pnpm start` and by the demo test.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from './autoscale-chat.mjs';

const chatProgram = fileURLToPath(new URL('autoscale-chat.mjs', import.meta.url));

/** Starts the chat program; resolves once it printed its address. */
export async function launchChat({ log = console.log } = {}) {
  const child = spawn(process.execPath, [chatProgram], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const address = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the chat program exited (${code}) before it served`)));
    lines.on('line', (line) => {
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (parsed?.chat !== undefined) resolve(parsed);
      else log(line);
    });
  });
  return {
    url: address.chat,
    pid: address.pid,
    exited,
    /** Asks the chat to stop (SIGTERM: it kills its clones and closes) and waits for it. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Runs `waves` waves of `roomsPerWave` rooms with `usersPerRoom` users each: every user joins,
 * says `messagesPerUser` things, reads the room back, and leaves. Between waves the idle clones
 * are left to be killed (every other wave) or reused. Returns what each room read back and from
 * where, and the cluster's figures along the way.
 */
export async function runScriptedLoad({
  waves = 3,
  roomsPerWave = 3,
  usersPerRoom = 2,
  messagesPerUser = 2,
  log = console.log,
  onLaunched = () => {},
} = {}) {
  const chat = await launchChat({ log });
  onLaunched(chat);
  const rooms = [];
  const stats = [];
  const servers = new Set();
  try {
    for (let wave = 1; wave <= waves; wave++) {
      const names = Array.from({ length: roomsPerWave }, (_, index) => `room-${wave}-${index + 1}`);
      const usersOf = (room) => Array.from({ length: usersPerRoom }, (_, index) => `${room}-user${index + 1}`);
      // Everyone joins at once: the rooms fill the clones there are, and the cluster grows.
      const homes = await Promise.all(
        names.map(async (room) => {
          const joined = await Promise.all(
            usersOf(room).map((user) => request(chat.url, 'POST', '/join', { user, room })),
          );
          return joined[0];
        }),
      );
      stats.push(await request(chat.url, 'GET', '/stats'));
      await Promise.all(
        names.map(async (room, index) => {
          const users = usersOf(room);
          const said = [];
          for (let round = 1; round <= messagesPerUser; round++) {
            for (const user of users) {
              const text = `${user} says ${round}`;
              await request(chat.url, 'POST', '/say', { user, room, text });
              said.push({ user, text });
            }
          }
          // Each user reads the whole room back, from the clone that serves it.
          const reads = await Promise.all(users.map(() => request(chat.url, 'GET', `/read?room=${room}&after=0`)));
          for (const read of reads) servers.add(read.servedBy.pid);
          rooms.push({ room, home: homes[index], said, reads });
        }),
      );
      for (const room of names) {
        for (const user of usersOf(room)) await request(chat.url, 'POST', '/leave', { user, room });
      }
      stats.push(await request(chat.url, 'GET', '/stats'));
      log(`[load] wave ${wave}: ${names.length} rooms done; ${JSON.stringify(stats.at(-1))}`);
      // Every other wave, let the idle clones be killed before the next one; otherwise reuse them.
      if (wave % 2 === 1 || wave === waves) {
        for (let waited = 0; waited < 10_000; waited += 50) {
          const now = await request(chat.url, 'GET', '/stats');
          stats.push(now);
          if (now.clones === 0) break;
          await sleep(50);
        }
      }
    }
    const final = await request(chat.url, 'GET', '/stats');
    stats.push(final);
    return { chatPid: chat.pid, rooms, stats, final, servers: [...servers], ...(await chat.stop()) };
  } finally {
    await chat.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rooms, final, stats } = await runScriptedLoad();
  const peak = Math.max(...stats.map((entry) => entry.clones));
  console.log(
    `[load] ${rooms.length} rooms, peak ${peak} clone(s), ${final.ended} clone exit(s), tickets left ${final.tickets}`,
  );
}
