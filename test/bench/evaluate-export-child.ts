/**
 * Child process of the evaluate benchmark's streamed-export phase (evaluate.bench.ts): evaluates one export file
 * through the same path as `ztpolicy evaluate --resources FILE --json` (stream-parsed above the threshold,
 * chunks on `workers` threads, the JSON report written in pieces to a sink that only counts bytes), then prints
 * one JSON line with its wall time and its own peak RSS, so the figure is not mixed with the parent's.
 *
 *   node --import tsx test/bench/evaluate-export-child.ts <export.json> <policyDir> <workers> [paramsFile]
 */
import { runEvaluation } from '../../src/cli/handlers/evaluate.js';
import { writeJson } from '../../src/estate/render.js';

const [file, policy, workers, params] = process.argv.slice(2);
const started = performance.now();
const report = await runEvaluation({ policy: [policy!], resources: [file!], workers: Number(workers), ...(params ? { parameters: params } : {}) });
let bytes = 0;
writeJson(report, (t) => (bytes += t.length));
const findings = report.policies.reduce((n, p) => n + p.members.reduce((m, x) => m + x.findings.length, 0), 0);
process.stdout.write(
  `${JSON.stringify({ ms: performance.now() - started, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), resources: report.summary.resources, evaluations: report.summary.evaluations, denied: report.summary.denied, findingsListed: findings, reportBytes: bytes, problems: report.problems.length })}\n`,
);
