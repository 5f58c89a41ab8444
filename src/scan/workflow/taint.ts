/**
 * What a workflow value may carry: text an outsider wrote (`untrusted`), a ref that points at a
 * pull request's code (`prHead`) or at the code of the run that triggered a workflow_run
 * (`runHead`). Each kind remembers where it came from and whether any line on its way there is
 * added by the change, so a hazard made of old lines and one new line is still seen.
 */

export const FLAGS = ["untrusted", "prHead", "runHead"] as const;
export type Flag = (typeof FLAGS)[number];

export interface Origin {
  /** The context it comes from, e.g. "github.event.pull_request.head.sha". */
  source: string;
  /** The last indirection it reached the sink through, e.g. "env.REF"; null when direct. */
  via: string | null;
  /** Whether a line on its way (the source, a definition, an output) is added by the change. */
  touched: boolean;
}

export type Taint = Partial<Record<Flag, Origin>>;

export const CLEAN: Taint = Object.freeze({});

export function leaf(flags: readonly Flag[], source: string, touched: boolean): Taint {
  const out: Taint = {};
  for (const f of flags) out[f] = { source, via: null, touched };
  return out;
}

/** Both taints; of two origins of one kind the first is kept, touched when either is. */
export function merge(a: Taint, b: Taint | undefined): Taint {
  if (!b || b === a) return a;
  let out = a;
  for (const f of FLAGS) {
    const y = b[f];
    if (!y) continue;
    const x = out[f];
    if (x && (x.touched || !y.touched)) continue;
    if (out === a) out = { ...a };
    out[f] = x ? { ...x, touched: true } : y;
  }
  return out;
}

/** A taint reached through `via` (null: keep the one it has), on a line the change may add. */
export function through(t: Taint | undefined, via: string | null, touched: boolean): Taint {
  if (!t) return CLEAN;
  const out: Taint = {};
  for (const f of FLAGS) {
    const o = t[f];
    if (o) out[f] = { source: o.source, via: via ?? o.via, touched: o.touched || touched };
  }
  return out;
}

/** Values followed through one another before a chain is deemed built to hide what it carries. */
export const MAX_HOPS = 100;

/** What a chain longer than MAX_HOPS is taken to carry: anything, on an added line (fail closed). */
export const BEYOND_REACH: Taint = leaf(FLAGS, `a value followed through more than ${MAX_HOPS} others`, true);
