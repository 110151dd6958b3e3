// The whole guide as one PDF, printed by headless Chromium from mdBook's
// print view (print.html), with the system's CJK fonts (Debian: fonts-noto-cjk).
//
// Usage: node .ci/browser/pdf.mjs [HTML_DIR] [OUT.pdf]
//        (defaults: book/book and target/guide.pdf; .ci/browser/pdf.sh wraps it)
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, serve, launch, offlineContext } from './lib.mjs';

const htmlDir = path.resolve(process.argv[2] || path.join(ROOT, 'book', 'book'));
const out = path.resolve(process.argv[3] || path.join(ROOT, 'target', 'guide.pdf'));
if (!fs.existsSync(path.join(htmlDir, 'print.html'))) {
    console.error(`${htmlDir}/print.html not found: build the book first (cargo run --release -p guide -- build)`);
    process.exit(2);
}

const server = await serve(htmlDir);
const browser = await launch();
let failed = false;
try {
    const { context, external } = await offlineContext(browser);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // print.html opens the print dialog once loaded; in headless Chromium that
    // would block, so it must be a no-op before any script runs.
    await page.addInitScript(() => {
        window.print = () => {};
    });
    await page.goto(server.url + 'print.html', { waitUntil: 'load' });
    await page.evaluate(async () => {
        await document.fonts.ready;
        // Solutions are folded on the site; a printed book shows them.
        document.querySelectorAll('details').forEach((d) => {
            d.open = true;
        });
        await Promise.all([...document.images].map((img) => (img.complete ? null : img.decode().catch(() => null))));
    });
    await page.emulateMedia({ media: 'print' });
    const title = await page.evaluate(() => document.title.replace(/^.*? - /, ''));
    const katexFont = await page.evaluate(() => document.fonts.check('16px KaTeX_Main'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.pdf({
        path: out,
        format: 'A4',
        printBackground: true,
        outline: true,
        tagged: true,
        margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' },
        displayHeaderFooter: true,
        headerTemplate: `<div style="width:100%;font-size:8px;color:#888;text-align:center;font-family:'Noto Sans CJK SC',sans-serif">${title.replace(/</g, '&lt;')}</div>`,
        footerTemplate: '<div style="width:100%;font-size:8px;color:#888;text-align:center;font-family:sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    });
    const size = fs.statSync(out).size;
    console.log(`pdf: ${path.relative(process.cwd(), out)} (${(size / 1024).toFixed(0)} KiB)`);
    if (external.length) {
        console.error('pdf: requests left loopback (aborted):\n  ' + external.join('\n  '));
        failed = true;
    }
    if (errors.length) {
        console.error('pdf: page errors:\n  ' + errors.join('\n  '));
        failed = true;
    }
    if (!katexFont) {
        console.error('pdf: KaTeX fonts did not load');
        failed = true;
    }
} finally {
    await browser.close();
    await server.close();
}
process.exit(failed ? 1 : 0);
