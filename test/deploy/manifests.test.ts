/**
 * deploy/kubernetes: every object is checked offline against the upstream OpenAPI schema of its
 * apiVersion/kind (kubernetes-models ships them compiled), then for what a deployment relies on
 * and no schema can say: labels that select each other, credentials from the Secret, probes,
 * non-root containers.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { type IContainer, type IPodSpec, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

const DIR = new URL("../../deploy/kubernetes/", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, DIR), "utf8");

/** The kinds the manifests use: an object of any other kind fails until its schema is added here. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1 Deployment": Deployment,
  "v1 Service": Service,
  "v1 Secret": Secret,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1 NetworkPolicy": NetworkPolicy,
  "networking.k8s.io/v1 Ingress": Ingress,
};

interface TypeMeta {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}

/** Throws the schema's errors (a ValidationError listing each path) when `object` does not match. */
function validate(object: TypeMeta): void {
  const Model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!Model) throw new Error(`no schema registered for ${object.apiVersion} ${object.kind}`);
  new Model(object as never).validate();
}

function load(file: string): TypeMeta[] {
  const docs = parseAllDocuments(read(file));
  // A YAML syntax error must fail here rather than leave a half-read object.
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
  // kubectl skips empty documents, such as one after a trailing `---`.
  return docs.filter((doc) => doc.contents !== null).map((doc) => doc.toJS() as TypeMeta);
}

const kustomization = parse(read("kustomization.yaml")) as { resources: string[] };
const EXAMPLES = ["secret.example.yaml", "ingress.example.yaml"];
const objects = kustomization.resources.flatMap(load);
const examples = EXAMPLES.flatMap(load);

const deployments = objects.filter(Deployment.is);
const services = objects.filter(Service.is);

function named<T extends TypeMeta>(list: T[], name: string): T {
  const found = list.find((object) => object.metadata?.name === name);
  if (!found) throw new Error(`no object named ${name}`);
  return found;
}

const app = named(deployments, "agent-policy");
const appContainer = podSpec(app).containers[0] as IContainer;

function podSpec(deployment: IDeployment): IPodSpec {
  const spec = deployment.spec?.template.spec;
  if (!spec) throw new Error(`${deployment.metadata?.name} has no pod spec`);
  return spec;
}

/** An equality selector picks `labels` when it is not empty and every entry is among them. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}

const podLabels = (deployment: IDeployment) => deployment.spec?.template.metadata?.labels;

/** The App's credentials: environment variable and the key of the Secret `agent-policy` holding it. */
const CREDENTIALS = [
  ["APP_ID", "app-id"],
  ["PRIVATE_KEY", "private-key"],
  ["WEBHOOK_SECRET", "webhook-secret"],
] as const;

describe("deploy/kubernetes", () => {
  it("lists every manifest in kustomization.yaml, apart from the examples", () => {
    const files = readdirSync(DIR).filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml");
    // Also fails when an example is listed: it would then appear twice.
    expect([...kustomization.resources, ...EXAMPLES].sort()).toEqual(files.sort());
  });

  it.each([...objects, ...examples].map((object) => [`${object.kind} ${object.metadata?.name}`, object]))(
    "%s matches the upstream schema of its apiVersion and kind",
    (_, object) => {
      expect(() => validate(object)).not.toThrow();
    },
  );

  it("the schema check rejects a wrong type, a misspelled required field and an unknown enum value", () => {
    const text = read("deployment.yaml");
    const broken = (from: string | RegExp, to: string) => {
      expect(text).toMatch(from);
      return parse(text.replace(from, to)) as TypeMeta;
    };
    expect(() => validate(broken(/replicas: (\d+)/, 'replicas: "$1"'))).toThrow(
      "/spec/replicas must be integer",
    );
    expect(() => validate(broken("      containers:", "      contianers:"))).toThrow(
      "/spec/template/spec must have required property containers",
    );
    expect(() => validate(broken("protocol: TCP", "protocol: tcp"))).toThrow(
      "protocol must be equal to one of the allowed values",
    );
    // The OpenAPI schemas do not forbid unknown fields (only the API server's field validation does,
    // at apply time), so a typo such as `readinesProbe` passes here: the assertions below catch the
    // fields that matter.
  });

  it("runs at least two app replicas and keeps one through voluntary disruptions", () => {
    expect(app.spec?.replicas).toBeGreaterThanOrEqual(2);
    const [pdb, ...others] = objects.filter(PodDisruptionBudget.is);
    expect(others).toEqual([]);
    expect(selects(pdb?.spec?.selector?.matchLabels, podLabels(app))).toBe(true);
    expect(pdb?.spec?.minAvailable).toBe(1);
  });

  it("points REDIS_URL at the Redis Service's port", () => {
    const redisUrl = appContainer.env?.find((env) => env.name === "REDIS_URL")?.value;
    const url = new URL(redisUrl ?? "");
    expect(url.protocol).toBe("redis:");
    const redis = named(services, url.hostname);
    expect(redis.spec?.ports?.map((port) => port.port)).toContain(Number(url.port));
  });

  it("takes the App's credentials from the Secret and ships no credential values", () => {
    const env = new Map(appContainer.env?.map((variable) => [variable.name, variable]));
    const example = examples.filter(Secret.is)[0];
    for (const [name, key] of CREDENTIALS) {
      expect(env.get(name)?.valueFrom?.secretKeyRef, name).toEqual({ name: "agent-policy", key });
      expect(example?.stringData, `secret.example.yaml lacks ${key}`).toHaveProperty(key);
    }
    const literal = deployments
      .flatMap((deployment) => podSpec(deployment).containers.flatMap((container) => container.env ?? []))
      .filter((variable) => /KEY|SECRET|TOKEN|PASSWORD/.test(variable.name) && variable.value !== undefined);
    expect(literal).toEqual([]);
    expect(objects.filter((object) => object.kind === "Secret" || object.kind === "ConfigMap")).toEqual([]);
    expect(Object.values(example?.stringData ?? {}).filter((value) => value !== "")).toEqual([]);
    expect(example?.data).toBeUndefined();
  });

  it("probes readiness on /readyz and liveness on /healthz at the named http port, liveness more patiently", () => {
    const { readinessProbe: readiness, livenessProbe: liveness } = appContainer;
    expect(readiness?.httpGet).toMatchObject({ path: "/readyz", port: "http" });
    expect(liveness?.httpGet).toMatchObject({ path: "/healthz", port: "http" });
    expect(appContainer.ports).toContainEqual(expect.objectContaining({ name: "http", containerPort: 3000 }));
    // 3 is Kubernetes' default.
    expect(liveness?.failureThreshold ?? 3).toBeGreaterThan(readiness?.failureThreshold ?? 3);
  });

  it.each(deployments.map((deployment) => [deployment.metadata?.name, podSpec(deployment)]))(
    "%s: every container runs as non-root on a read-only root, unescalated, with resource requests",
    (_, pod) => {
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        const context = container.securityContext;
        // A container's own setting overrides the pod's.
        expect(context?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, container.name).toBe(true);
        expect(context?.readOnlyRootFilesystem, container.name).toBe(true);
        expect(context?.allowPrivilegeEscalation, container.name).toBe(false);
        expect(context?.capabilities?.drop, container.name).toContain("ALL");
        expect(container.resources?.requests, container.name).toHaveProperty("cpu");
        expect(container.resources?.requests, container.name).toHaveProperty("memory");
      }
    },
  );

  it("selects each Deployment's own pods, and each Service one Deployment's pods by a port it names", () => {
    for (const deployment of deployments) {
      expect(selects(deployment.spec?.selector.matchLabels, podLabels(deployment))).toBe(true);
    }
    for (const service of services) {
      const targets = deployments.filter((deployment) =>
        selects(service.spec?.selector, podLabels(deployment)),
      );
      expect(
        targets.map((target) => target.metadata?.name),
        service.metadata?.name,
      ).toHaveLength(1);
      const portNames = podSpec(targets[0] as IDeployment).containers.flatMap(
        (container) => container.ports?.map((port) => port.name) ?? [],
      );
      for (const port of service.spec?.ports ?? []) expect(portNames).toContain(port.targetPort);
    }
    expect(named(services, "agent-policy").spec?.ports).toContainEqual(
      expect.objectContaining({ port: 80, targetPort: "http" }),
    );
  });

  it("admits to Redis only the app's pods", () => {
    const redis = named(deployments, "agent-policy-redis");
    const [policy, ...others] = objects.filter(NetworkPolicy.is);
    expect(others).toEqual([]);
    expect(selects(policy?.spec?.podSelector.matchLabels, podLabels(redis))).toBe(true);
    expect(policy?.spec?.policyTypes).toEqual(["Ingress"]);
    const sources = policy?.spec?.ingress?.flatMap((rule) => rule.from ?? []) ?? [];
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(selects(source.podSelector?.matchLabels, podLabels(app))).toBe(true);
  });
});
