// Renders every ```mermaid block of a markdown file (or a file holding one
// Mermaid source) with the mermaid package in Chromium: fails, printing
// Mermaid's message, when a block does not parse or render, or draws no line
// and no bar. Prints how many charts rendered.
//
//   node tests/browser/render-mermaid.mjs FILE
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch } from './browser.mjs';

const file = process.argv[2];
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
  const page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: mermaidScript });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false }));
  for (const [index, source] of sources.entries()) {
    const result = await page.evaluate(async ({ source, index }) => {
      try {
        await window.mermaid.parse(source);
        const { svg } = await window.mermaid.render(`chart${index}`, source);
        const holder = document.getElementById('out');
        holder.innerHTML = svg;
        const drawn = [...holder.querySelectorAll('[class*="line-plot"] path, [class*="bar-plot"] rect')].filter(
          (e) => (e.getAttribute('d') || '').length > 2 || Number(e.getAttribute('height')) > 0,
        );
        return { drawn: drawn.length };
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
    }
  }
} finally {
  await browser.close();
}
if (failed) process.exit(1);
console.log(`${sources.length} chart(s) rendered`);
