import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { request } from '../autoscale-chat.mjs';
import { launchChat } from '../chat-load.mjs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The page's DOM after its scripts ran: headless Chromium, on virtual time that waits for the network. */
async function renderedDom(url) {
  const profile = mkdtempSync(path.join(tmpdir(), 'sysbind-chromium-'));
  try {
    const { stdout } = await promisify(execFile)(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=15000',
        '--dump-dom',
        url,
      ],
      { timeout: 60_000, maxBuffer: 4 << 20 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('the chat page', () => {
  it.skipIf(!existsSync(chromium))(
    'item 9: in headless Chromium (needs chromium), the page joins a room, posts, and shows the room as its clone reads it back',
    async () => {
      const pids = new Set();
      const chat = await launchChat({ log: () => {} });
      pids.add(chat.pid);
      try {
        // Someone is in the room already, through the HTTP API.
        await request(chat.url, 'POST', '/join', { user: 'bob', room: 'lobby' });
        await request(chat.url, 'POST', '/say', { user: 'bob', room: 'lobby', text: 'hi from bob' });
        const [home] = await request(chat.url, 'GET', '/rooms');

        const dom = await renderedDom(
          `${chat.url}/?room=lobby&user=ann&say=${encodeURIComponent('hello <b>from</b> chromium')}`,
        );

        expect(dom).toContain('data-ready="true"');
        const items = [
          ...dom.matchAll(/<li data-served-by="([^"]+)"><span class="who">([^<]+)<\/span>: ([^<]*)<\/li>/g),
        ];
        expect(items.map(([, , user, text]) => `${user}: ${text}`)).toEqual([
          'bob: hi from bob',
          // The text is shown as text, not markup.
          'ann: hello &lt;b&gt;from&lt;/b&gt; chromium',
        ]);
        // Read back from the clone that serves the room, not from the front end.
        expect(home).toMatchObject({ room: 'lobby' });
        expect(home.vmid).toBeGreaterThan(1);
        for (const [, servedBy] of items) expect(servedBy).toBe(home.ip);
        expect(new URL(chat.url).hostname).not.toBe(home.ip);
        const pid = Number(/\(pid (\d+)\)/.exec(dom)?.[1]);
        pids.add(pid);
        expect(pid).not.toBe(chat.pid);
        expect(alive(pid)).toBe(true);
      } finally {
        await chat.stop();
        for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    },
    120_000,
  );
});
