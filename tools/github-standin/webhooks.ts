/** Delivering webhooks to the app the way GitHub does: JSON body, event headers, `sha256=` HMAC signature. */
import { createHmac, randomUUID } from "node:crypto";

/** The `x-hub-signature-256` value GitHub sends for this exact body. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export interface WebhookDelivery {
  /** The app's webhook URL, e.g. http://127.0.0.1:3000/api/github/webhooks. */
  url: string;
  secret: string;
  /** Event name (`x-github-event`), e.g. "pull_request". */
  name: string;
  payload: unknown;
  /** `x-github-delivery`; a random UUID when omitted. Reuse one to simulate a duplicate delivery. */
  id?: string;
}

export async function sendWebhook(delivery: WebhookDelivery): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(delivery.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/stand-in",
      "x-github-event": delivery.name,
      "x-github-delivery": delivery.id ?? randomUUID(),
      "x-hub-signature-256": signWebhook(delivery.secret, body),
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}
