/**
 * Webhook intake: a delivery is read (up to GitHub's 25 MB cap), its signature checked, and only
 * then parsed and handed to Probot. Nothing of a delivery that fails is ever parsed or logged but
 * one short line — delivery id, event, reason, size — so a stranger's forged payload can neither put
 * its contents (a secret, say) into the logs nor grow them by more than a line per request.
 * (Probot's own middleware logs a rejected delivery's whole payload, three times its size.)
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Probot } from "probot";

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export type Verdict =
  | { ok: true; id: string; name: string; payload: unknown }
  | { ok: false; status: number; reason: string };

/** What a delivery's headers claim, cut short and to printable characters for the log line. */
export function claimed(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(",") : (value ?? "");
  return text.replace(/[^\w.:-]/g, "?").slice(0, 64) || "-";
}

/** Checks a delivery GitHub would have sent: its event and id, a JSON body, and `x-hub-signature-256` over it. */
export function verifyDelivery(headers: IncomingMessage["headers"], body: Buffer, secret: string): Verdict {
  const name = headers["x-github-event"];
  const id = headers["x-github-delivery"];
  const signature = headers["x-hub-signature-256"];
  if (typeof name !== "string" || typeof id !== "string" || name === "" || id === "")
    return { ok: false, status: 400, reason: "missing x-github-event or x-github-delivery" };
  if (typeof signature !== "string") return { ok: false, status: 401, reason: "unsigned" };
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, status: 401, reason: "signature does not match" };
  const type = String(headers["content-type"] ?? "")
    .split(";")[0]
    ?.trim();
  if (type !== "application/json")
    return { ok: false, status: 415, reason: `content-type ${claimed(type)} is not application/json` };
  try {
    return { ok: true, id, name, payload: JSON.parse(body.toString("utf8")) };
  } catch {
    return { ok: false, status: 400, reason: "body is not JSON" };
  }
}

/** Reads the body (Node's parser delivers no more than its content-length); throws when the sender aborts. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Unverified bodies held at once, in bytes: many large deliveries at a time get 503, not the heap. */
const MAX_BUFFERED_BYTES = 4 * MAX_WEBHOOK_BYTES;

/** Handles POSTs to the webhook path: verified deliveries go to Probot, the rest get one log line. */
export function webhookIntake(probot: Probot, secret: string, log: Logger) {
  const refuse = (
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    reason: string,
    bytes: number,
  ) => {
    log.warn(
      {
        delivery: claimed(req.headers["x-github-delivery"]),
        event: claimed(req.headers["x-github-event"]),
        reason,
        bytes,
      },
      "webhook rejected",
    );
    res
      .writeHead(status, { "content-type": "application/json", connection: "close" })
      .end(JSON.stringify({ error: reason }));
  };
  let buffered = 0;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const length = Number(req.headers["content-length"]);
    // A body is buffered before its signature can be checked: refuse what GitHub would never send.
    if (!Number.isInteger(length)) return refuse(res, req, 411, "length required", 0);
    if (length > MAX_WEBHOOK_BYTES) {
      refuse(res, req, 413, "payload too large", length);
      req.destroy();
      return;
    }
    if (buffered + length > MAX_BUFFERED_BYTES) {
      refuse(res, req, 503, "too many large deliveries at once", length);
      req.destroy();
      return;
    }
    buffered += length;
    let body: Buffer;
    try {
      body = await readBody(req);
    } finally {
      buffered -= length;
    }
    const verdict = verifyDelivery(req.headers, body, secret);
    if (!verdict.ok) return refuse(res, req, verdict.status, verdict.reason, body.length);
    try {
      await probot.receive({ id: verdict.id, name: verdict.name, payload: verdict.payload } as Parameters<
        Probot["receive"]
      >[0]);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } catch (error) {
      // The app's handlers catch their own errors; this is Probot's, and its message is enough.
      log.error(
        { delivery: verdict.id, event: verdict.name, reason: (error as Error).message?.slice(0, 200) },
        "webhook failed",
      );
      res
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "webhook failed" }));
    }
  };
}
