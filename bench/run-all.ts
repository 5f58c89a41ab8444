/**
 * `npm run bench`: every benchmark in turn, each in its own process (`npx tsx bench/<name>.ts`) so
 * one's caches and heap never flatter another's. Prints each one's output as it runs; exits 1 when
 * any of them failed or went over its budget.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

const BENCHES = ["evaluate", "identity", "secrets", "hostile-scan", "requests", "webhooks"];

function run(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["tsx", `bench/${name}.ts`], { stdio: "inherit" });
    child.once("error", (error) => {
      console.error(`could not start bench/${name}.ts: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const failed: string[] = [];
for (const name of BENCHES) {
  console.log(`\n═══ bench/${name}.ts ═══\n`);
  const started = performance.now();
  const code = await run(name);
  console.log(
    `\n(bench/${name}.ts exited ${code} after ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (code !== 0) failed.push(name);
}
console.log(failed.length === 0 ? "\nAll benchmarks ran." : `\nFailed or over budget: ${failed.join(", ")}`);
process.exitCode = failed.length === 0 ? 0 : 1;
