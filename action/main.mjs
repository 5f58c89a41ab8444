/**
 * The GitHub Action's entry (action.yml). Plain JavaScript with no dependencies, so the runner can
 * start it from the bare copy of this repository it fetches for `uses:`: the first run in a job
 * installs the locked dependencies and builds lib/ beside it, then the compiled code does the work.
 * Nothing built is committed, and a `prepare` script would also build on every `npm ci` here.
 */
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const compiled = new URL("../lib/cli/action.js", import.meta.url);

/** An error as a workflow command: one line, nothing in it able to end the command. */
function fail(message) {
  const data = message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  process.stdout.write(`::error title=agent-policy::${data}\n`);
  process.exitCode = 2;
}

let ready = existsSync(fileURLToPath(compiled));
if (!ready) {
  process.stdout.write("::group::agent-policy: installing and building the action (once per job)\n");
  try {
    // --ignore-scripts: no dependency runs code at install; the build is the project's own tsc.
    execSync("npm ci --no-audit --no-fund --ignore-scripts && npm run build", {
      cwd: root,
      stdio: "inherit",
    });
    ready = true;
  } catch (e) {
    fail(`could not install or build the action in ${root}: ${e instanceof Error ? e.message : e}`);
  }
  process.stdout.write("::endgroup::\n");
}

if (ready) {
  try {
    const { runAction } = await import(compiled.href);
    process.exitCode = await runAction(process.env);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}
