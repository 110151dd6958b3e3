// axe-core (pinned in package.json) in a page: WCAG 2.1 A/AA and
// best-practice rules. Shared by axe.mjs (a report over the whole book) and
// site-test.mjs (the browser check, which fails on any violation).
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The rule sets the site is held to. */
export const RULESETS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** The five themes of mdBook 0.5. */
export const THEMES = ['light', 'rust', 'coal', 'navy', 'ayu'];

/**
 * Runs axe on the page as loaded; resolves to its violations, each
 * `{ id, impact, help, nodes: [{ target, summary }] }`.
 */
export async function axeViolations(page) {
    // zh-ui.js marks scrolling boxes again once the fonts are in.
    await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(r))));
    await page.addScriptTag({ content: axeSource });
    return page.evaluate(async (runOnly) => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly, resultTypes: ['violations'] });
        return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })),
        }));
    }, RULESETS);
}

/** A browser context whose pages open in `theme` (set before any script runs). */
export async function themed(offlineContext, browser, theme, options = {}) {
    const { context, external } = await offlineContext(browser, options);
    await context.addInitScript((t) => {
        localStorage.setItem('mdbook-theme', t);
    }, theme);
    return { context, external };
}
