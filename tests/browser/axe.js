// Runs axe-core in a page opened by the system's Chromium (puppeteer-core downloads no
// browser) and prints every accessibility violation and every console error or uncaught
// exception, one per line. Exit status 1 when there is any, 0 when there is none.
//
// Usage: node axe.js CHROMIUM PAGE.html
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

async function main() {
  const [chromium, page_file] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1600 });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e}`));
    await page.goto('file://' + path.resolve(page_file), { waitUntil: 'load' });
    // The report has no script of its own; axe is added only for this audit.
    await page.addScriptTag({
      content: fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'),
    });
    const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
      problems.push(`axe ${v.id} (${v.impact}): ${v.help}: ${v.nodes.length} element(s): ${where}`);
    }
    console.log(`axe ${result.testEngine.version}: ${result.passes.length} rules passed`);
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log(p);
  process.exitCode = problems.length > 0 ? 1 : 0;
}

main().catch((e) => {
  console.log(`axe.js failed: ${e.stack || e}`);
  process.exitCode = 2;
});
