#!/usr/bin/env node
/** The `agent-policy` executable: runs a command and exits with its code. */
import { main } from "./commands.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`agent-policy: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
