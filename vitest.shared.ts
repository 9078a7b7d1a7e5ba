import path from 'node:path';

/** In CI each suite also writes a JSON report, which .ci/run adds up into one "N passed, N failed" line. */
export function reporters(suite: string) {
  const dir = process.env.LUOSHI_TEST_REPORT_DIR;
  if (!dir) return {};
  const name = `${suite}-${process.env.LUOSHI_TEST_REPORT_NAME ?? 'run'}.json`;
  return { reporters: ['default', 'json'], outputFile: { json: path.join(dir, name) } };
}
