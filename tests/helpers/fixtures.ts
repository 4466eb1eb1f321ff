/**
 * Raw Pulumi config (as `pulumi.runtime.allConfig()` holds it) for the two profiles used by graph tests.
 */
export const DEV_CONFIG: Record<string, string> = {
  "observer:profile": "dev",
};

/** Credentials in PROD_CONFIG: they must appear only inside Kubernetes Secrets. */
export const PROD_SECRETS = {
  accessKeyId: "AKIAPRODTESTKEY00001",
  secretAccessKey: "prod-test-secret-access-key-0123456789",
};

/** Where the prod fixture's ingress controller runs (the Grafana ingress is on: runUrl is set). */
export const PROD_INGRESS_CONTROLLER = { namespace: "ingress-nginx", podSelector: { "app.kubernetes.io/name": "ingress-nginx" } };

export const PROD_CONFIG: Record<string, string> = {
  "observer:profile": "prod",
  "observer:clusterName": "prod-eu-1",
  "observer:kubeContext": "prod-eu-1",
  "observer:runUrl": "https://observer.example.com",
  "observer:networkPolicy": JSON.stringify({ ingressController: PROD_INGRESS_CONTROLLER }),
  "observer:objectStorage": JSON.stringify({
    endpoint: "s3.eu-west-1.amazonaws.com",
    region: "eu-west-1",
    buckets: { lokiChunks: "observer-loki-chunks", lokiRuler: "observer-loki-ruler", tempo: "observer-tempo" },
    accessKeyId: PROD_SECRETS.accessKeyId,
    secretAccessKey: PROD_SECRETS.secretAccessKey,
  }),
};

/** The prod config as parseConfig takes it (decoded), for pure builder tests. */
export const PROD_RAW: Readonly<Record<string, unknown>> = {
  profile: "prod",
  clusterName: "prod-eu-1",
  kubeContext: "prod-eu-1",
  runUrl: "https://observer.example.com",
  networkPolicy: { ingressController: PROD_INGRESS_CONTROLLER },
  objectStorage: JSON.parse(PROD_CONFIG["observer:objectStorage"]!) as unknown,
};
