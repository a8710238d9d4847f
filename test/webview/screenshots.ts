// Writes docs/graph-dark.png and docs/graph-light.png: a 15-task graph rendered by the real
// webview bundle with VS Code-like theme variables. Run: npx tsx test/webview/screenshots.ts
import path from 'node:path';
import { makePayload } from './payloads';
import { launchChromium, openWebview, ROOT, startWebviewServer } from './renderHarness';

async function main(): Promise<void> {
  const server = await startWebviewServer();
  const browser = await launchChromium();
  try {
    for (const theme of ['dark', 'light'] as const) {
      const wp = await openWebview(browser, server, { theme, viewport: { width: 1200, height: 760 } });
      const payload = makePayload(15, { perStep: 5, cycle: true, undefinedTask: false });
      payload.title = 'Checkout service';
      const labels = [
        'Set up repository', 'Define order schema', 'Payment provider spike', 'Write API contract', 'Order service',
        'Payment adapter', 'Inventory check', 'Checkout UI', 'Email receipts', 'Load tests',
        'Security review', 'Migration script', 'Staging deploy', 'Docs and runbook', 'Production rollout',
      ];
      payload.nodes.forEach((n, i) => (n.label = labels[i] ?? n.label));
      const r = await wp.renderPayload(payload);
      const file = path.join(ROOT, 'docs', `graph-${theme}.png`);
      await wp.page.screenshot({ path: file });
      console.log(`${file}: ${r.nodes} nodes, ${r.edges} edges, ${r.ms} ms`);
      await wp.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
