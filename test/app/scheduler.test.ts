import { describe, expect, it } from "vitest";
import { Scheduler } from "../../src/app/scheduler.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const quiet = () => new Scheduler({ concurrency: 16, onError: () => {} });

describe("Scheduler", () => {
  it("collapses events queued for the same key into the newest one", async () => {
    const s = new Scheduler({ concurrency: 1, onError: () => {} });
    const gate = deferred();
    const ran: string[] = [];
    s.schedule("other", () => gate.promise);
    for (let i = 0; i < 20; i++) s.schedule("pr", async () => void ran.push(`event-${i}`));
    gate.resolve();
    await s.idle();
    expect(ran).toEqual(["event-19"]);
  });

  it("runs exactly one follow-up when events arrive while a job for the key runs", async () => {
    const s = quiet();
    const gate = deferred();
    const ran: string[] = [];
    s.schedule("pr", async () => {
      ran.push("first");
      await gate.promise;
    });
    expect(s.schedule("pr", async () => void ran.push("second"))).toBe("queued");
    expect(s.schedule("pr", async () => void ran.push("third"))).toBe("coalesced");
    expect(s.depth).toBe(2);
    gate.resolve();
    await s.idle();
    expect(ran).toEqual(["first", "third"]);
    expect(s.depth).toBe(0);
  });

  it("runs different keys concurrently, up to the limit", async () => {
    const s = new Scheduler({ concurrency: 3, onError: () => {} });
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      s.schedule(`pr-${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      });
    }
    await s.idle();
    expect(peak).toBe(3);
  });

  it("keeps going after a job fails and reports the failure", async () => {
    const errors: string[] = [];
    const s = new Scheduler({
      concurrency: 2,
      onError: (key, e) => errors.push(`${key}: ${(e as Error).message}`),
    });
    let ok = false;
    s.schedule("a", async () => {
      throw new Error("boom");
    });
    s.schedule("b", async () => {
      ok = true;
    });
    await s.idle();
    expect(errors).toEqual(["a: boom"]);
    expect(ok).toBe(true);
  });

  it("is idle at once when nothing was scheduled and rejects a bad limit", async () => {
    await expect(quiet().idle()).resolves.toBeUndefined();
    expect(() => new Scheduler({ concurrency: 0, onError: () => {} })).toThrow(/positive integer/);
  });
});

describe("Scheduler fairness", () => {
  it("keeps room for other installations when one floods the queue", async () => {
    const s = new Scheduler({ concurrency: 4, perGroup: 2, onError: () => {} });
    const gate = deferred();
    const started: string[] = [];
    for (let i = 0; i < 5; i++) {
      s.schedule(
        `a-${i}`,
        async () => {
          started.push(`a-${i}`);
          await gate.promise;
        },
        "installation-a",
      );
    }
    s.schedule("b-0", async () => void started.push("b-0"), "installation-b");
    expect(started).toEqual(["a-0", "a-1", "b-0"]);
    gate.resolve();
    await s.idle();
    expect(started).toHaveLength(6);
  });
});
