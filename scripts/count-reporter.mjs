// node:test reporter that writes { passed, failed } (leaf tests only, suites
// excluded) to the file given as its destination.
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for await (const event of source) {
    const type = event.data?.details?.type;
    if (event.type === 'test:pass' && type !== 'suite') passed += event.data.skip || event.data.todo ? 0 : 1;
    if (event.type === 'test:fail' && type !== 'suite') { failed += 1; failures.push(`${event.data.file ?? ''} › ${event.data.name}`); }
  }
  yield JSON.stringify({ passed, failed, failures });
}
