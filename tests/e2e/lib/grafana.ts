/**
 * A small Grafana HTTP client for the suite (behind a local port-forward), and the datasource
 * expectations. Datasource UIDs come from components/grafana/datasources.ts, the one place they are
 * defined.
 */
import { DATASOURCE_TYPES, DATASOURCE_UIDS, type DatasourceKey } from "../../../components/grafana/datasources";
import { basicAuth, grafanaProxyPath } from "./queries";

export { DATASOURCE_UIDS };

export interface HttpResult {
  readonly status: number;
  readonly text: string;
}

export type FetchLike = (url: string, init: { headers: Record<string, string>; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

export class GrafanaClient {
  constructor(
    /** Resolves the current base URL (`http://127.0.0.1:<port>/grafana`); may restart a dead port-forward. */
    private readonly base: () => Promise<string>,
    private readonly user: string,
    private readonly password: string,
    private readonly fetchImpl: FetchLike = (url, init) => fetch(url, init),
    private readonly requestTimeoutMs = 30_000,
  ) {}

  async get(path: string, accept = "application/json"): Promise<HttpResult> {
    const url = `${await this.base()}${path.startsWith("/") ? path : `/${path}`}`;
    const res = await this.fetchImpl(url, {
      headers: { Authorization: basicAuth(this.user, this.password), Accept: accept },
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    return { status: res.status, text: await res.text() };
  }

  /** GET and parse JSON; throws with status and body on a non-2xx answer. */
  async json(path: string): Promise<unknown> {
    const r = await this.get(path);
    if (r.status < 200 || r.status > 299) throw new HttpError(path, r.status, r.text);
    try {
      return JSON.parse(r.text);
    } catch {
      throw new Error(`GET ${path}: not JSON: ${r.text.slice(0, 300)}`);
    }
  }

  /** GET through the datasource proxy: `/api/datasources/proxy/uid/<uid>/<path>`. */
  proxyJson(key: DatasourceKey, upstreamPath: string): Promise<unknown> {
    return this.json(grafanaProxyPath(DATASOURCE_UIDS[key], upstreamPath));
  }
}

export class HttpError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`GET ${path}: HTTP ${status}: ${body.slice(0, 500)}`);
    this.name = "HttpError";
  }
}

export interface GrafanaDatasource {
  readonly uid: string;
  readonly type: string;
  readonly name: string;
  readonly jsonData?: Record<string, unknown>;
}

/**
 * Problems with Grafana's datasources (`GET /api/datasources`): each of Prometheus, Loki and Tempo
 * present with its fixed UID and type.
 */
export function datasourceProblems(list: readonly GrafanaDatasource[], keys: readonly DatasourceKey[] = ["prometheus", "loki", "tempo"]): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const uid = DATASOURCE_UIDS[key];
    const ds = list.find((d) => d.uid === uid);
    if (!ds) problems.push(`no datasource with uid ${JSON.stringify(uid)} (have: ${list.map((d) => `${d.uid}:${d.type}`).join(", ") || "none"})`);
    else if (ds.type !== DATASOURCE_TYPES[key]) problems.push(`datasource ${uid} has type ${ds.type}, expected ${DATASOURCE_TYPES[key]}`);
  }
  return problems;
}
