// @web/test-runner reporter: writes { passed, failed, failures } to `file`.
import { writeFileSync } from 'node:fs';

function walk(suite, path, acc) {
  for (const t of suite.tests ?? []) {
    if (t.skipped) continue;
    if (t.passed) acc.passed += 1; else { acc.failed += 1; acc.failures.push(`${path} › ${t.name}${t.error ? `: ${t.error.message}` : ''}`); }
  }
  for (const s of suite.suites ?? []) walk(s, `${path} › ${s.name}`, acc);
}

export function countReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const acc = { passed: 0, failed: 0, failures: [] };
      for (const s of sessions) {
        if (s.testResults) walk(s.testResults, s.testFile, acc);
        // A file that failed to load or threw outside a test has no passing result.
        if (!s.passed && (s.errors?.length ?? 0) > 0) { acc.failed += 1; acc.failures.push(`${s.testFile}: ${s.errors.map((e) => e.message).join('; ')}`); }
      }
      if (file) writeFileSync(file, JSON.stringify(acc));
    },
  };
}
