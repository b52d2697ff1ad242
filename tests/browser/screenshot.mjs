// Opens an HTML report in Chromium, saves a full-page PNG, and checks that the
// charts are really drawn: the first <svg> is visible and larger than
// 100 x 100 px, its lines have points, and its pixels on screen are not just
// background (some ink, and some color: the head's curve). Fails too when the
// page asks for anything over the network.
//
//   node tests/browser/screenshot.mjs REPORT.html OUT.png
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './browser.mjs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node screenshot.mjs REPORT.html OUT.png');
  process.exit(2);
}

const problems = [];
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  page.on('request', (request) => {
    if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) {
      problems.push(`the page requested ${request.url()}`);
    }
  });
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.screenshot({ path: output, fullPage: true });

  const svg = page.locator('svg').first();
  if ((await page.locator('svg').count()) === 0) {
    problems.push('the page has no <svg>');
  } else {
    const box = await svg.boundingBox();
    if (!(await svg.isVisible()) || !box || box.width <= 100 || box.height <= 100) {
      problems.push(`the first <svg> is not visible at more than 100 x 100 px: ${JSON.stringify(box)}`);
    }
    const lines = await svg.evaluate((element) =>
      [...element.querySelectorAll('polyline, path')].filter(
        (line) => (line.getAttribute('points') || line.getAttribute('d') || '').trim().length > 0,
      ).length,
    );
    if (lines === 0) problems.push('the first <svg> has no polyline or path with points');

    const png = (await svg.screenshot()).toString('base64');
    const ink = await page.evaluate(async (png) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let inked = 0;
      let colored = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (r < 235 || g < 235 || b < 235) inked += 1;
        if (Math.max(r, g, b) - Math.min(r, g, b) > 80) colored += 1;
      }
      return { pixels: data.length / 4, inked, colored };
    }, png);
    if (ink.inked < ink.pixels * 0.01) problems.push(`the first chart is nearly blank on screen: ${JSON.stringify(ink)}`);
    if (ink.colored < 50) problems.push(`the first chart shows no colored line on screen: ${JSON.stringify(ink)}`);
    console.log(`${await page.locator('svg').count()} chart(s); the first ${Math.round(box?.width ?? 0)} x ${Math.round(box?.height ?? 0)} px, ${lines} lines, ${ink.inked} of ${ink.pixels} pixels inked, ${ink.colored} colored`);
  }
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
