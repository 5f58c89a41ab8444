/** What content scanning found in one changed file. Never carries the secret itself. */
export type Severity = "high" | "medium" | "low";

export interface Finding {
  kind: "secret" | "workflow_hazard";
  /** Stable rule id, e.g. "aws-access-key-id", "pr-target-checkout". */
  rule: string;
  path: string;
  /** 1-based line in the new version of the file. */
  line: number;
  severity: Severity;
  /** Plain explanation a developer can act on. */
  message: string;
  /** A redacted excerpt (e.g. "AKIA…[redacted 16 chars]"); safe to print anywhere. */
  excerpt: string;
}

export interface FileScan {
  findings: Finding[];
  /** Categories the content puts the file in whatever its path (a Kubernetes Secret → "secrets"). */
  categories: string[];
  /** Why the file was not fully scanned, when it was not; such a file needs a human, like an unscanned one. */
  incomplete?: string;
}
