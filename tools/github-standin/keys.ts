import { generateKeyPairSync } from "node:crypto";

export interface AppKeys {
  /** PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), the format GitHub hands out for app keys; pass it to Probot as PRIVATE_KEY. */
  privateKey: string;
  /** SPKI PEM; give it to startStandIn so the stand-in verifies the app's JWTs with it. */
  publicKey: string;
}

/** A fresh 2048-bit RSA key pair for a test or demo app, generated at runtime so no key is ever committed. */
export function makeAppKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKey, publicKey };
}
