// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell and Actions placeholders are literal file text here.
import { describe, expect, it } from "vitest";
import { scanFile } from "../../src/scan/index.js";
import { changed, newFile, noise } from "./helpers.js";

const categories = (path: string, lines: string[]) => scanFile(newFile(path, lines)).categories;

describe("content categories", () => {
  it("puts a Kubernetes Secret in secrets (and infra), whatever its name", () => {
    const lines = [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: db",
      "type: Opaque",
      "data:",
      "  password: cGFzcw==",
    ];
    expect(categories("deploy/values-prod.yaml", lines)).toEqual(["infra", "secrets"]);
  });

  it("puts other Kubernetes manifests and CloudFormation in infra", () => {
    expect(
      categories("app.yaml", ["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: web"]),
    ).toEqual(["infra"]);
    expect(categories("stack.yaml", ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"])).toEqual([
      "infra",
    ]);
  });

  it("recognises a dotenv file under another name", () => {
    const lines = [
      "# prod",
      "DB_HOST=db.internal",
      `DB_PASSWORD=${noise(16)}`,
      `STRIPE_SECRET=${noise(20)}`,
      "PORT=8080",
    ];
    expect(categories("config/app.conf", lines)).toEqual(["secrets"]);
  });

  it("does not call a shell script that exports references a dotenv file", () => {
    const lines = [
      "#!/bin/sh",
      'export DB_PASSWORD="$1"',
      'export API_TOKEN="${TOKEN}"',
      "PORT=8080",
      "exec ./server",
    ];
    expect(categories("run.sh", lines)).toEqual([]);
  });

  it("puts PEM private keys in secrets, but not certificates", () => {
    expect(categories("tls/server.txt", ["-----BEGIN EC PRIVATE KEY-----", `MHcC${noise(60)}`])).toEqual([
      "secrets",
    ]);
    expect(categories("tls/ca.txt", ["-----BEGIN CERTIFICATE-----", `MIID${noise(60)}`])).toEqual([]);
  });

  it("puts a Terraform provider in infra, and in secrets too when it holds literal credentials", () => {
    const withVars = ['provider "aws" {', '  region     = "eu-west-1"', "  access_key = var.access_key", "}"];
    expect(categories("main.tf", withVars)).toEqual(["infra"]);
    const literal = ['provider "aws" {', '  region     = "eu-west-1"', `  secret_key = "${noise(40)}"`, "}"];
    expect(categories("main.tf", literal)).toEqual(["infra", "secrets"]);
  });

  it("uses unchanged lines the patch shows as well as added ones", () => {
    const file = changed("ops/creds.yaml", 1, [" apiVersion: v1", " kind: Secret", "+  token: c2VjcmV0"]);
    expect(scanFile(file).categories).toContain("secrets");
  });

  it("leaves ordinary code alone", () => {
    expect(categories("src/app.ts", ["const kind = 'Secret';", "export const apiVersion = 2;"])).toEqual([]);
  });
});
