// A Vitest reporter that writes per-project counts to test-output/summary.json, so `npm test`
// can fail when a project runs zero tests and print the plain `N passed, N failed` line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  private configured: string[] = [];

  onInit(vitest: Vitest): void {
    this.configured = vitest.projects.map((p) => p.name);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const projects = new Map<string, { name: string; passed: number; failed: number; skipped: number }>();
    for (const module of modules) {
      const name = module.project.name;
      const entry = projects.get(name) ?? { name, passed: 0, failed: 0, skipped: 0 };
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests += 1;
        const state = test.result().state;
        if (state === 'passed') entry.passed += 1;
        else if (state === 'failed') entry.failed += 1;
        else entry.skipped += 1;
      }
      // A file that failed to load has no tests but is a failure.
      if (!tests && module.state() === 'failed') entry.failed += 1;
      projects.set(name, entry);
    }
    const dir = join(process.cwd(), 'test-output');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ configured: this.configured, projects: [...projects.values()], unhandledErrors: unhandledErrors.length }, null, 2));
  }
}
