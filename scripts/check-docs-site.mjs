// The browser check of the reference site (run after `pnpm run docs:build`): serves docs/site on
// loopback, follows every internal link and asset from the index and fails on any that does not
// resolve, checks that each package and guide has its page, that the navigation lists the user
// guides, then the design pages, then the API reference (each guide under the category its front
// matter names), that the landing page has one title, and has headless Chromium render the index
// and a package page into screenshots under reports/site/.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const siteDir = path.join(root, 'docs', 'site');
const shotsDir = path.join(root, 'reports', 'site');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const packages = [
  'contract',
  'contract-interface',
  'contract-native',
  'core',
  'gridcentric',
  'gridcentric-interface',
  'gridcentric-native',
  'testing-fakes',
];

if (!existsSync(path.join(siteDir, 'index.html'))) {
  console.error('docs/site/index.html is missing: run `pnpm run docs:build` first');
  process.exit(1);
}

const types = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
const server = http.createServer((request, response) => {
  const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://site').pathname);
  let file = path.join(siteDir, path.normalize(urlPath));
  if (file.startsWith(siteDir) && existsSync(file) && statSync(file).isDirectory())
    file = path.join(file, 'index.html');
  if (!file.startsWith(siteDir) || !existsSync(file)) {
    response.writeHead(404).end('not found');
    return;
  }
  response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
  response.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const problems = [];
const seen = new Set();
const pages = [];
const queue = [`${origin}/index.html`];
while (queue.length > 0) {
  const url = queue.shift();
  if (seen.has(url)) continue;
  seen.add(url);
  const response = await fetch(url);
  if (!response.ok) {
    problems.push(`${url.slice(origin.length)}: HTTP ${response.status}`);
    continue;
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) continue;
  pages.push(url);
  const html = await response.text();
  for (const [, link] of html.matchAll(/(?:href|src)="([^"]*)"/g)) {
    if (link === '' || link.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
    const target = new URL(link, url);
    target.hash = '';
    target.search = '';
    if (target.origin !== origin) continue;
    if (!seen.has(target.href)) queue.push(target.href);
  }
}

const pageText = pages.map((url) => url.slice(origin.length)).join('\n');
for (const name of packages) {
  if (!pageText.includes(`/_sysbind_${name}.html`)) problems.push(`no page for @sysbind/${name}`);
}
const guides = existsSync(path.join(root, 'docs', 'guides'))
  ? spawnSync('git', ['ls-files', 'docs/guides/*.md'], { cwd: root, encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
  : [];
// The sidebar, as the theme's navigation.js carries it (deflated JSON in base64).
const sections = ['Guides', 'Design', 'API reference'];
const navigationScript = readFileSync(path.join(siteDir, 'assets', 'navigation.js'), 'utf8');
const navigation = JSON.parse(
  inflateSync(Buffer.from(/navigationData = "([^"]*)"/.exec(navigationScript)?.[1] ?? '', 'base64')).toString(),
);
const topLevel = navigation.map((entry) => entry.text);
if (topLevel.join('|') !== sections.join('|')) {
  problems.push(`the navigation's sections are [${topLevel.join(', ')}], not [${sections.join(', ')}]`);
}
const listedUnder = (section) => navigation.find((entry) => entry.text === section)?.children?.map((c) => c.text) ?? [];
for (const guide of guides) {
  const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(readFileSync(path.join(root, guide), 'utf8'))?.[1] ?? '';
  const title = /^title:\s*(.+)$/m.exec(frontMatter)?.[1]?.replace(/^(['"])(.*)\1$/, '$2');
  const category = /^category:\s*(.+)$/m.exec(frontMatter)?.[1];
  if (title === undefined) problems.push(`${guide} has no title in its front matter`);
  if (category !== 'Guides' && category !== 'Design') {
    problems.push(`${guide} has no category (Guides or Design) in its front matter`);
  } else if (title !== undefined && !listedUnder(category).includes(title)) {
    problems.push(`${guide} ("${title}") is not listed under ${category} (is it in typedoc.json's projectDocuments?)`);
  }
}
for (const name of packages) {
  if (!listedUnder('API reference').includes(`@sysbind/${name}`))
    problems.push(`@sysbind/${name} is not under API reference`);
}
if (!pages.some((url) => url.includes('/documents/'))) problems.push('no guide pages in the site');
const landingTitles = readFileSync(path.join(siteDir, 'index.html'), 'utf8').match(/<h1[\s>]/g) ?? [];
if (landingTitles.length !== 1) problems.push(`the landing page has ${landingTitles.length} titles (<h1>), not 1`);

// Screenshots, as a reader would see the pages.
rmSync(shotsDir, { recursive: true, force: true });
mkdirSync(shotsDir, { recursive: true });
const packagePage = pages.find((url) => url.endsWith('/_sysbind_contract.html')) ?? pages[1];
const shots = { 'index.png': `${origin}/index.html`, 'package-contract.png': packagePage };
for (const [file, url] of Object.entries(shots)) {
  const profile = mkdtempSync(path.join(tmpdir(), 'sysbind-chromium-'));
  // Asynchronous: this process serves the pages Chromium asks for.
  const result = await promisify(execFile)(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--window-size=1280,1000',
      '--hide-scrollbars',
      `--screenshot=${path.join(shotsDir, file)}`,
      url,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  ).catch((error) => ({ error, stderr: String(error.stderr ?? '') }));
  rmSync(profile, { recursive: true, force: true });
  const shot = path.join(shotsDir, file);
  if (result.error || !existsSync(shot) || statSync(shot).size < 5_000) {
    problems.push(
      `Chromium did not render ${url.slice(origin.length)} (${result.error?.message ?? result.stderr.trim().split('\n').at(-1)})`,
    );
  }
}
server.close();

console.log(`${pages.length} pages, ${seen.size} internal links checked, screenshots in reports/site/`);
if (problems.length > 0) {
  console.error(`site check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('site check passed');
