// Renders every ```mermaid block of a markdown file (or a file holding one
// Mermaid source) with the mermaid package in Chromium, in a page 960 px wide
// as a PR comment is: fails, printing Mermaid's message, when a block does not
// parse or render, draws no line and no bar, or prints x-axis labels over one
// another. Prints how many charts rendered; with PNG, saves a screenshot of
// them all.
//
//   node tests/browser/render-mermaid.mjs FILE [PNG]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch } from './browser.mjs';

const [file, screenshot] = process.argv.slice(2);
if (!file) {
  console.error('usage: node render-mermaid.mjs FILE');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');
const fenced = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```/gm)].map((m) => m[1]);
const sources = fenced.length > 0 ? fenced : [text];

const require = createRequire(import.meta.url);
const mermaidScript = require.resolve('mermaid/dist/mermaid.min.js');

const browser = await launch();
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 800 } });
  await page.setContent('<!DOCTYPE html><html><body style="margin:0;width:960px"><div id="out"></div></body></html>');
  await page.addScriptTag({ path: mermaidScript });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false }));
  for (const [index, source] of sources.entries()) {
    const result = await page.evaluate(async ({ source, index }) => {
      try {
        await window.mermaid.parse(source);
        const { svg } = await window.mermaid.render(`chart${index}`, source);
        const holder = document.createElement('div');
        document.getElementById('out').appendChild(holder);
        holder.innerHTML = svg;
        const drawn = [...holder.querySelectorAll('[class*="line-plot"] path, [class*="bar-plot"] rect')].filter(
          (e) => (e.getAttribute('d') || '').length > 2 || Number(e.getAttribute('height')) > 0,
        );
        // The x-axis labels as drawn, left to right: each must end before the next begins.
        const labels = [...holder.querySelectorAll('.bottom-axis .label text')]
          .map((e) => ({ text: e.textContent, box: e.getBoundingClientRect() }))
          .sort((a, b) => a.box.left - b.box.left);
        const overlapping = [];
        for (let i = 1; i < labels.length; i += 1) {
          if (labels[i].box.left < labels[i - 1].box.right) overlapping.push(`${labels[i - 1].text} / ${labels[i].text}`);
        }
        return { drawn: drawn.length, labels: labels.length, overlapping };
      } catch (error) {
        return { error: String(error && error.message ? error.message : error) };
      }
    }, { source, index });
    if (result.error) {
      console.error(`chart ${index + 1}: Mermaid failed: ${result.error}\n${source}`);
      failed = true;
    } else if (result.drawn === 0) {
      console.error(`chart ${index + 1}: rendered, but draws no line and no bar\n${source}`);
      failed = true;
    } else if (result.overlapping.length > 0) {
      console.error(
        `chart ${index + 1}: x-axis labels overlap at 960 px (${result.overlapping.length} of ${result.labels}): ` +
          `${result.overlapping.slice(0, 3).join(', ')}`,
      );
      failed = true;
    }
  }
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
if (failed) process.exit(1);
console.log(`${sources.length} chart(s) rendered`);
