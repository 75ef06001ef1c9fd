// Lists by name, after every run, each suite and test that did not run, so a skipped PostgreSQL or Redis suite
// can never pass for a green one.
import type { Reporter, TestModule } from 'vitest/node';

export default class SkippedReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of testModules) {
      const skippedSuites = [...module.children.allSuites()].filter((suite) => suite.state() === 'skipped');
      const insideSkipped = (name: string) => skippedSuites.some((suite) => name.startsWith(`${suite.fullName} > `));
      for (const suite of skippedSuites) if (!insideSkipped(suite.fullName)) skipped.push(suite.fullName);
      for (const test of module.children.allTests('skipped')) if (!insideSkipped(test.fullName)) skipped.push(test.fullName);
    }
    if (skipped.length === 0) return;
    process.stdout.write(`\nNot run (${skipped.length}):\n${skipped.map((name) => `  - ${name}`).join('\n')}\n`);
  }
}
