// The autoscale demo of Gridcentric's 2011 Node bindings, redone as it would run on a guest: a
// chat whose front end clones a VM when the rooms it serves fill up. Users join named rooms, post
// and read messages over HTTP; each room lives on one clone, which keeps its members and
// messages. The clone's half of the fork is the code after clone() returned in it: it becomes a
// room server on its own address. Idle clones are killed; tickets are given back.
//
//   node examples/autoscale-chat.mjs     (prints {"chat": url} and serves until SIGINT/SIGTERM)
//
// On a Gridcentric guest it uses the real library. Elsewhere it runs on the simulator with
// process-level clones: each clone is this program started again, replaying the master's
// Gridcentric answers up to the clone() call that made it, where clone() returns 0 (see
// openGridcentric in systems.mjs). So the path to that call must not depend on HTTP input, which
// the copy never gets: the front end only reserves a ticket when a room needs a VM, and the
// scaler loop, driven by the controller's answers alone, clones for every reserved ticket.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openGridcentric } from './systems.mjs';

/** Rooms one clone serves. */
const ROOMS_PER_VM = 2;
/** The port every clone serves its rooms on, at its own address. */
const ROOM_PORT = Number(process.env.CHAT_ROOM_PORT ?? 7411);
/** How long a clone may serve no room before it is killed. */
const IDLE_MS = Number(process.env.CHAT_IDLE_MS ?? 300);
/** How long a new clone may take to serve (boot, and in a simulation: process start and replay). */
const BOOT_TIMEOUT_MS = 20_000;

/** Sends a JSON request; resolves to the JSON answer, or throws with the server's error. */
export async function request(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${payload.error}`);
  return payload;
}

// HTML answers (anything else a handler returns is sent as JSON).
const pages = new WeakSet();
const htmlPage = (html) => {
  const answer = { html };
  pages.add(answer);
  return answer;
};

/** An HTTP server on `host` answering JSON with `handler(method, path, query, body)`. */
function listen(host, port, handler) {
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url, 'http://chat');
      Promise.resolve()
        .then(() => handler(req.method, url.pathname, url.searchParams, text === '' ? {} : JSON.parse(text)))
        .then(
          (result) =>
            pages.has(result)
              ? res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(result.html)
              : res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
          (error) =>
            res
              .writeHead(error.status ?? 400, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: error.message })),
        );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const notFound = (what) => Object.assign(new Error(`no ${what}`), { status: 404 });

// The page users open at the front end's address.
const page = readFileSync(new URL('chat-page.html', import.meta.url), 'utf8');

/** The clone's half: the rooms this VM serves, on its own address. */
async function serveRooms(ip) {
  const rooms = new Map(); // name → { members: Set, messages: [] }
  const servedBy = { ip, pid: process.pid };
  const room = (name) => {
    const found = rooms.get(name);
    if (found === undefined) throw notFound(`room ${name} here`);
    return found;
  };
  return listen(ip, ROOM_PORT, (method, path, query, body) => {
    const [, kind, name, action] = path.split('/');
    if (method === 'GET' && path === '/health') return { servedBy, rooms: rooms.size };
    if (kind !== 'rooms' || name === undefined) throw notFound(`route ${method} ${path}`);
    if (method === 'POST' && action === 'open')
      rooms.set(name, rooms.get(name) ?? { members: new Set(), messages: [] });
    else if (method === 'POST' && action === 'close') rooms.delete(name);
    else if (method === 'POST' && action === 'join') room(name).members.add(body.user);
    else if (method === 'POST' && action === 'leave') room(name).members.delete(body.user);
    else if (method === 'POST' && action === 'messages') {
      const { messages, members } = room(name);
      if (!members.has(body.user)) throw new Error(`${body.user} is not in ${name}`);
      messages.push({ seq: messages.length + 1, user: body.user, text: body.text });
      return { servedBy, seq: messages.length };
    } else if (method === 'GET' && action === 'messages') {
      const after = Number(query.get('after') ?? 0);
      return { servedBy, messages: room(name).messages.filter((message) => message.seq > after) };
    } else throw notFound(`route ${method} ${path}`);
    return { servedBy, members: rooms.get(name)?.members.size ?? 0 };
  });
}

/**
 * Starts the chat on this VM. In the master it returns the front end; in a clone's copy of the
 * program the same call returns too, and the clone then turns into a room server (after clone()
 * returned 0 in its scaler loop).
 */
export async function startChat({ log = (line) => console.log(line) } = {}) {
  const { gc, close } = openGridcentric({ controllerLatency: 15 });
  const myIp = gc.myIp();
  const vms = new Map(); // vmid → { vmid, ip, base, rooms: Set, idleSince, leaving }
  const homes = new Map(); // room → vm
  const cloned = new Map(); // ticket id → resolve(clone handle)
  const ended = [];
  const stopping = new AbortController();
  let placing = Promise.resolve();
  let roomServer;

  const clusterLine = () =>
    `cluster: ${vms.size} clone(s) [${[...vms.values()].map((vm) => `vm${vm.vmid}:${vm.rooms.size}`).join(' ')}]`;

  // The scaler: clones for every ticket with unused capacity. Its path depends on nothing but the
  // controller's answers (each list is a round trip), which is what a copy replays. On the clone
  // side of clone() it hands this VM over to the rooms.
  async function scaler() {
    while (!stopping.signal.aborted) {
      let tickets;
      try {
        tickets = await gc.listTickets();
      } catch (error) {
        if (stopping.signal.aborted) break;
        throw error;
      }
      for (const info of tickets) {
        if (info.used >= info.granted) continue;
        let result;
        try {
          result = await gc.clone(info.ticket);
        } catch (error) {
          // The reservation was given back since the list (EPERM, ENOENT): nothing to clone.
          if (error.name === 'GridcentricError' && !stopping.signal.aborted) continue;
          throw error;
        }
        if (result.role === 'clone') return 'clone';
        cloned.get(info.ticket)?.(result);
      }
    }
    return 'stopped';
  }

  async function becomeRoomServer() {
    // This is the clone: the copies of the front end's server, timers and watcher are the
    // parent's business, not this VM's.
    stopping.abort();
    clearInterval(reaper);
    front.close();
    const ip = gc.myIp();
    roomServer = await serveRooms(ip);
    log(`[vm ${ip}] clone() returned here: serving rooms on ${ip}:${ROOM_PORT} (pid ${process.pid})`);
  }

  // Reserves one slot and waits for the scaler to clone it; the reservation is given back whatever
  // happens (used by then, or not), so tickets never pile up.
  async function grow() {
    // (`await using ticket = …` in TypeScript or on Node 24; the same, spelled out for Node 20.)
    const ticket = await gc.requestTicket(1);
    let clone;
    try {
      clone = await new Promise((resolve, reject) => {
        cloned.set(ticket.id, resolve);
        setTimeout(() => reject(new Error(`ticket ${ticket.id} was not cloned`)), BOOT_TIMEOUT_MS).unref();
      }).finally(() => cloned.delete(ticket.id));
    } finally {
      await ticket[Symbol.asyncDispose]();
    }
    const ip = (await gc.listDomains()).find((domain) => domain.vmid === clone.vmid)?.ip;
    const base = `http://${ip}:${ROOM_PORT}`;
    for (const deadline = Date.now() + BOOT_TIMEOUT_MS; ;) {
      try {
        await request(base, 'GET', '/health');
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`vm ${clone.vmid} did not come up`, { cause: error });
        await sleep(25);
      }
    }
    const vm = { vmid: clone.vmid, ip, base, rooms: new Set(), idleSince: undefined, leaving: false };
    vms.set(vm.vmid, vm);
    log(`[chat] cloned vm ${vm.vmid} (${ip}) for new rooms  ${clusterLine()}`);
    return vm;
  }

  // Finds the room's VM, opening the room on a VM with a free slot, or on a new clone.
  function place(room) {
    const placed = placing.then(async () => {
      const home = homes.get(room);
      if (home !== undefined) return home;
      let vm = [...vms.values()].find((candidate) => !candidate.leaving && candidate.rooms.size < ROOMS_PER_VM);
      vm ??= await grow();
      vm.rooms.add(room);
      vm.idleSince = undefined;
      homes.set(room, vm);
      await request(vm.base, 'POST', `/rooms/${room}/open`);
      return vm;
    });
    placing = placed.catch(() => {});
    return placed;
  }

  const homeOf = (room) => {
    const vm = homes.get(room);
    if (vm === undefined) throw notFound(`room ${room}`);
    return vm;
  };

  const front = await listen(myIp, 0, async (method, path, query, body) => {
    if (method === 'GET' && path === '/') return htmlPage(page);
    if (method === 'POST' && path === '/join') {
      const vm = await place(body.room);
      await request(vm.base, 'POST', `/rooms/${body.room}/join`, { user: body.user });
      return { room: body.room, vmid: vm.vmid, ip: vm.ip };
    }
    if (method === 'POST' && path === '/say') {
      const vm = homeOf(body.room);
      return request(vm.base, 'POST', `/rooms/${body.room}/messages`, { user: body.user, text: body.text });
    }
    if (method === 'GET' && path === '/read') {
      const vm = homeOf(query.get('room'));
      return request(vm.base, 'GET', `/rooms/${query.get('room')}/messages?after=${Number(query.get('after') ?? 0)}`);
    }
    if (method === 'POST' && path === '/leave') {
      const vm = homeOf(body.room);
      const { members } = await request(vm.base, 'POST', `/rooms/${body.room}/leave`, { user: body.user });
      if (members === 0 && homes.get(body.room) === vm) {
        homes.delete(body.room);
        vm.rooms.delete(body.room);
        await request(vm.base, 'POST', `/rooms/${body.room}/close`);
        if (vm.rooms.size === 0) vm.idleSince = Date.now();
      }
      return { room: body.room, members };
    }
    if (method === 'GET' && path === '/rooms')
      return [...homes].map(([room, vm]) => ({ room, vmid: vm.vmid, ip: vm.ip }));
    if (method === 'GET' && path === '/stats')
      return { clones: vms.size, rooms: homes.size, tickets: (await gc.listTickets()).length, ended: ended.length };
    throw notFound(`route ${method} ${path}`);
  });
  const url = `http://${myIp}:${front.address().port}`;

  // Kills the clones that served no room for IDLE_MS; their ends are reported by the watcher.
  const reaper = setInterval(() => {
    for (const vm of vms.values()) {
      if (vm.leaving || vm.idleSince === undefined || Date.now() - vm.idleSince < IDLE_MS) continue;
      vm.leaving = true;
      gc.kill(vm.vmid).catch((error) => log(`[chat] could not kill vm ${vm.vmid}: ${error.message}`));
    }
  }, 50);

  // Every clone that ends, whoever ended it; open across clones coming and going.
  const watching = (async () => {
    try {
      for await (const exit of gc.exits({ follow: true, signal: stopping.signal })) {
        ended.push(exit);
        const vm = vms.get(exit.vmid);
        vms.delete(exit.vmid);
        for (const room of vm?.rooms ?? []) homes.delete(room);
        log(`[chat] vm ${exit.vmid} ended: ${exit.reason}  ${clusterLine()}`);
      }
    } catch (error) {
      if (error.name !== 'AbortError') throw error;
    }
  })();

  const scaling = scaler().then((role) => (role === 'clone' ? becomeRoomServer() : undefined));

  return {
    url,
    /** Master: kills every clone, waits for their ends, and closes. Clone: stops serving. */
    async stop() {
      if (roomServer !== undefined) {
        roomServer.close();
        roomServer.closeAllConnections();
        return ended;
      }
      clearInterval(reaper);
      await new Promise((resolve) => front.close(resolve));
      front.closeAllConnections();
      await placing;
      for (const vm of vms.values()) if (!vm.leaving) await gc.kill(vm.vmid).catch(() => {});
      for (let waited = 0; vms.size > 0 && waited < 5_000; waited += 20) await sleep(20);
      stopping.abort();
      await Promise.all([watching, scaling]);
      await close();
      return ended;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const chat = await startChat();
  // For whoever drives the chat (examples/chat-load.mjs): one JSON line. A clone's copy of this
  // line is not printed (its output is muted until clone() returns in it).
  console.log(JSON.stringify({ chat: chat.url, pid: process.pid }));
  const stop = () => {
    chat.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
