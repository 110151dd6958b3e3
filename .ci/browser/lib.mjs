// Shared by site-test.mjs and pdf.mjs: a static server for the rendered book
// on 127.0.0.1, and Debian's Chromium driven by playwright-core, with every
// request that would leave loopback aborted and recorded.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.woff2': 'font/woff2',
    '.woff': 'font/woff',
    '.ttf': 'font/ttf',
    '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` on 127.0.0.1 at a free port. Resolves to
 * `{ url, close(), notFound }` where `notFound` lists paths answered 404.
 */
export function serve(dir) {
    const root = path.resolve(dir);
    const notFound = [];
    const server = http.createServer((req, res) => {
        let pathname;
        try {
            pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
        } catch {
            res.writeHead(400).end();
            return;
        }
        let file = path.join(root, pathname);
        if (!file.startsWith(root)) {
            res.writeHead(403).end();
            return;
        }
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
            file = path.join(file, 'index.html');
        }
        if (!fs.existsSync(file)) {
            notFound.push(pathname);
            res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
            return;
        }
        res.writeHead(200, {
            'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
            'cache-control': 'no-store',
        });
        fs.createReadStream(file).pipe(res);
    });
    return new Promise((resolve, reject) => {
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            resolve({
                url: `http://127.0.0.1:${port}/`,
                notFound,
                close: () => new Promise((r) => server.close(r)),
            });
        });
    });
}

/** Where Debian puts Chromium; CHROMIUM overrides it. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// As on this machine's probe: without the background-networking flags
// Chromium keeps trying to reach Google's hosts.
const FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--font-render-hinting=none',
];

/** Launches headless Chromium (playwright gives it a fresh profile directory). */
export async function launch() {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk`);
    }
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

function isLoopback(url) {
    let u;
    try {
        u = new URL(url);
    } catch {
        return false;
    }
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') {
        return true;
    }
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * A browser context in which every non-loopback request is aborted and
 * pushed onto the returned `external` list.
 */
export async function offlineContext(browser, options = {}) {
    const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        deviceScaleFactor: 1,
        locale: 'zh-CN',
        ...options,
    });
    const external = [];
    await context.route('**/*', (route) => {
        const url = route.request().url();
        if (isLoopback(url)) {
            return route.continue();
        }
        external.push(url);
        return route.abort('blockedbyclient');
    });
    return { context, external };
}

/** Every `.html` file under `dir`, relative, sorted. */
export function htmlPages(dir) {
    const out = [];
    const walk = (d) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, entry.name);
            if (entry.isDirectory()) {
                walk(p);
            } else if (entry.name.endsWith('.html')) {
                out.push(path.relative(dir, p).split(path.sep).join('/'));
            }
        }
    };
    walk(dir);
    return out.sort();
}

/** Percent-encodes each path segment (Chinese file names, if any). */
export function pageUrl(base, rel) {
    return base + rel.split('/').map(encodeURIComponent).join('/');
}
