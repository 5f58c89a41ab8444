/** The comment a deployment review carries, shown in the deployment's log (GitHub keeps 1,024 characters). */
import type { DeploymentRequest, DeploymentReview } from "../engine/deployment.js";

export const MAX_DEPLOYMENT_COMMENT = 1024;

export function deploymentComment(request: DeploymentRequest, review: DeploymentReview): string {
  const what = `deploying ${request.sha.slice(0, 7)} to "${oneLine(request.environment)}"`;
  const lines =
    review.state === "approved"
      ? [`agent-policy approves ${what}.`, ...review.checked.map((c) => `- ${oneLine(c)}`)]
      : [`agent-policy rejects ${what} (it fails closed):`, ...review.reasons.map((r) => `- ${oneLine(r)}`)];
  const text = lines.join("\n");
  return text.length <= MAX_DEPLOYMENT_COMMENT ? text : `${text.slice(0, MAX_DEPLOYMENT_COMMENT - 1)}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
