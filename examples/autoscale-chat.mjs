// The autoscale demo of Gridcentric's 2011 Node bindings, redone: a chat front end on loopback
// that clones a VM for each new room when the open rooms are full, and kills clones whose room
// went idle. Each clone does the real work of its room: the clone's half of the fork runs an HTTP
// room server of its own, which keeps the room's members and messages.
//
//   node examples/autoscale-chat.mjs        (runs the scripted load below)
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openGridcentric } from './systems.mjs';

const ROOM_SIZE = 3;
const IDLE_MS = 250;

async function request(port, method, path, body) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${payload.error}`);
  return payload;
}

function listen(handler) {
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      Promise.resolve()
        .then(() => handler(req.method, req.url, text === '' ? {} : JSON.parse(text)))
        .then(
          (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
          (error) =>
            res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
        );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The clone's half of the fork: a room server, until the front end tells it to shut down. */
async function runRoom(side, frontPort, gcInClone) {
  const members = new Set();
  const messages = [];
  let shutDown;
  const done = new Promise((resolve) => (shutDown = resolve));
  const server = await listen((method, url, body) => {
    if (method === 'POST' && url === '/join') members.add(body.user);
    else if (method === 'POST' && url === '/leave') members.delete(body.user);
    else if (method === 'POST' && url === '/say') messages.push(`${body.user}: ${body.text}`);
    else if (method === 'POST' && url === '/shutdown') setImmediate(() => shutDown(0));
    else if (method !== 'GET') throw new Error(`no route ${method} ${url}`);
    return { vm: side.vmid, members: members.size, messages: messages.length };
  });
  // Inside the clone, gc_my_ip() is the clone's own address.
  await request(frontPort, 'POST', '/register', { vmid: side.vmid, ip: gcInClone.myIp(), port: server.address().port });
  const code = await done;
  await new Promise((resolve) => server.close(resolve));
  return code;
}

/** The front end: assigns users to rooms, clones a VM per new room, kills idle ones. */
export async function startChat({ log = console.log } = {}) {
  const { gc, simulator, close } = openGridcentric();
  const rooms = new Map(); // vmid → { ip, port, users: Set, idleSince }
  const registered = new Map(); // vmid → resolve
  let growing;
  const stopWatching = new AbortController();

  const front = await listen(async (method, url, body) => {
    if (method === 'POST' && url === '/register') {
      rooms.set(body.vmid, { ip: body.ip, port: body.port, users: new Set(), idleSince: undefined });
      registered.get(body.vmid)?.();
      return { ok: true };
    }
    if (method === 'POST' && url === '/join') return join(body.user);
    if (method === 'POST' && url === '/leave') return leave(body.user);
    if (method === 'POST' && url === '/say') {
      const [vmid, room] = roomOf(body.user);
      return { vmid, ...(await request(room.port, 'POST', '/say', body)) };
    }
    throw new Error(`no route ${method} ${url}`);
  });
  const frontPort = front.address().port;

  if (simulator !== undefined) {
    simulator.onClone((side) => runRoom(side, frontPort, createGridcentricFor(side)));
  }

  function roomOf(user) {
    for (const entry of rooms) if (entry[1].users.has(user)) return entry;
    throw new Error(`${user} is in no room`);
  }

  async function grow() {
    const ticket = await gc.requestTicket(1);
    const result = await gc.clone(ticket);
    if (result.role !== 'parent') throw new Error('the front end is the parent of every clone');
    await new Promise((resolve) => registered.set(result.vmid, resolve));
    registered.delete(result.vmid);
    watchExits();
    log(`[chat] cloned vm ${result.vmid} (${rooms.get(result.vmid).ip}) for a new room  ${clusterLine()}`);
  }

  async function join(user) {
    for (;;) {
      for (const [vmid, room] of rooms) {
        if (room.users.size < ROOM_SIZE) {
          room.users.add(user);
          room.idleSince = undefined;
          await request(room.port, 'POST', '/join', { user });
          return { vmid, ip: room.ip };
        }
      }
      growing ??= grow().finally(() => (growing = undefined));
      await growing;
    }
  }

  async function leave(user) {
    const [vmid, room] = roomOf(user);
    room.users.delete(user);
    await request(room.port, 'POST', '/leave', { user });
    if (room.users.size === 0) room.idleSince = Date.now();
    return { vmid };
  }

  // Kills clones whose room stayed empty for IDLE_MS.
  const reaper = setInterval(() => {
    for (const [vmid, room] of rooms) {
      if (room.idleSince === undefined || Date.now() - room.idleSince < IDLE_MS) continue;
      rooms.delete(vmid);
      stopClone(vmid, room).catch((error) => log(`[chat] could not stop vm ${vmid}: ${error.message}`));
    }
  }, 50);

  // A killed VM takes its room server down with it; a simulated clone's server lives in this
  // process, so the demo closes it by hand after the kill.
  async function stopClone(vmid, room) {
    await gc.kill(vmid);
    if (simulator !== undefined) await request(room.port, 'POST', '/shutdown');
  }

  // Every clone that ends is reported here, whoever ended it. exits() finishes when no clone is
  // left to wait for (ECHILD, as wait(2) would), so a new watcher starts with each new clone.
  const ended = [];
  let watching;
  function watchExits() {
    watching ??= (async () => {
      try {
        for await (const exit of gc.exits({ signal: stopWatching.signal })) {
          ended.push(exit);
          log(`[chat] vm ${exit.vmid} ended: ${exit.reason}  ${clusterLine()}`);
        }
      } catch (error) {
        if (error.name !== 'AbortError') throw error;
      } finally {
        watching = undefined;
      }
    })();
  }

  function clusterLine() {
    const parts = [...rooms].map(([vmid, room]) => `vm${vmid}:${room.users.size}`);
    return `cluster: ${rooms.size} clone(s) [${parts.join(' ')}]`;
  }

  return {
    port: frontPort,
    clones: () => rooms.size,
    async stop() {
      clearInterval(reaper);
      for (const [vmid, room] of rooms) await stopClone(vmid, room);
      rooms.clear();
      await watching; // ends by itself once every clone has been reaped
      stopWatching.abort();
      await new Promise((resolve) => front.close(resolve));
      close();
      return ended;
    },
  };

  function createGridcentricFor(side) {
    // The clone's own client: what the clone's copy of the program would use.
    return { myIp: () => side.backend.myIp() };
  }
}

/** The scripted load: users arrive, talk, and leave; the cluster grows, then shrinks. */
export async function runScriptedLoad({ users = 8, log = console.log } = {}) {
  const chat = await startChat({ log });
  const peak = { clones: 0 };
  const names = Array.from({ length: users }, (_, index) => `user${index + 1}`);
  for (const user of names) {
    const { vmid, ip } = await request(chat.port, 'POST', '/join', { user });
    log(`[load] ${user} joined the room on vm ${vmid} (${ip})`);
    peak.clones = Math.max(peak.clones, chat.clones());
  }
  let said = 0;
  for (const user of names) {
    const { vmid, messages } = await request(chat.port, 'POST', '/say', { user, text: `hello from ${user}` });
    said++;
    if (user === names.at(-1)) log(`[load] ${said} messages sent; the room on vm ${vmid} holds ${messages}`);
  }
  for (const user of names) {
    await request(chat.port, 'POST', '/leave', { user });
    await sleep(60);
  }
  // Let the idle rooms be reaped.
  for (let waited = 0; chat.clones() > 0 && waited < 5_000; waited += 50) await sleep(50);
  const remaining = chat.clones();
  const ended = await chat.stop();
  log(`[load] peak ${peak.clones} clone(s), ${ended.length} clone(s) ended, ${remaining} left before stop`);
  return { peak: peak.clones, ended, remaining };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runScriptedLoad();
}
