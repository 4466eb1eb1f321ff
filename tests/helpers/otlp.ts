/**
 * OTLP/HTTP JSON metrics requests (opentelemetry-proto `ExportMetricsServiceRequest` in its JSON mapping:
 * camelCase fields, 64-bit integers as strings, trace and span ids as hex), for the end-to-end tool tests.
 */
import { httpJson } from "./processes";

export type AttrValue = string | number | boolean;
export interface KeyValue {
  key: string;
  value: { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
}

export function attrs(a: Record<string, AttrValue>): KeyValue[] {
  return Object.entries(a).map(([key, v]) => ({
    key,
    value:
      typeof v === "string"
        ? { stringValue: v }
        : typeof v === "boolean"
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));
}

/** Nanoseconds since the epoch, as OTLP JSON wants them (a decimal string). */
export function nanos(ms: number): string {
  return `${BigInt(Math.round(ms)) * 1_000_000n}`;
}

export interface Exemplar {
  timeMs: number;
  value: number;
  traceId: string;
  spanId: string;
}

export type Metric = Record<string, unknown> & { name: string };

/** A monotonic cumulative sum (a counter) with one point per [timeMs, value]. */
export function counter(name: string, unit: string, pointAttrs: Record<string, AttrValue>, startMs: number, points: [number, number][]): Metric {
  return {
    name,
    unit,
    sum: {
      aggregationTemporality: 2,
      isMonotonic: true,
      dataPoints: points.map(([t, v]) => ({ attributes: attrs(pointAttrs), startTimeUnixNano: nanos(startMs), timeUnixNano: nanos(t), asDouble: v })),
    },
  };
}

export function gauge(name: string, unit: string, pointAttrs: Record<string, AttrValue>, points: [number, number][]): Metric {
  return {
    name,
    unit,
    gauge: { dataPoints: points.map(([t, v]) => ({ attributes: attrs(pointAttrs), timeUnixNano: nanos(t), asDouble: v })) },
  };
}

/** A cumulative explicit-bucket histogram with one point. */
export function histogram(
  name: string,
  unit: string,
  pointAttrs: Record<string, AttrValue>,
  startMs: number,
  point: { timeMs: number; bounds: number[]; counts: number[]; sum: number; exemplars?: Exemplar[] },
): Metric {
  return {
    name,
    unit,
    histogram: {
      aggregationTemporality: 2,
      dataPoints: [
        {
          attributes: attrs(pointAttrs),
          startTimeUnixNano: nanos(startMs),
          timeUnixNano: nanos(point.timeMs),
          count: String(point.counts.reduce((a, b) => a + b, 0)),
          sum: point.sum,
          bucketCounts: point.counts.map(String),
          explicitBounds: point.bounds,
          exemplars: (point.exemplars ?? []).map((e) => ({ timeUnixNano: nanos(e.timeMs), asDouble: e.value, traceId: e.traceId, spanId: e.spanId })),
        },
      ],
    },
  };
}

/** A cumulative base-2 exponential histogram with one point (positive buckets only). */
export function exponentialHistogram(
  name: string,
  unit: string,
  pointAttrs: Record<string, AttrValue>,
  startMs: number,
  point: { timeMs: number; scale: number; offset: number; counts: number[]; sum: number },
): Metric {
  return {
    name,
    unit,
    exponentialHistogram: {
      aggregationTemporality: 2,
      dataPoints: [
        {
          attributes: attrs(pointAttrs),
          startTimeUnixNano: nanos(startMs),
          timeUnixNano: nanos(point.timeMs),
          count: String(point.counts.reduce((a, b) => a + b, 0)),
          sum: point.sum,
          scale: point.scale,
          zeroCount: "0",
          positive: { offset: point.offset, bucketCounts: point.counts.map(String) },
        },
      ],
    },
  };
}

export interface ResourceMetrics {
  resource: Record<string, AttrValue>;
  metrics: Metric[];
}

export function exportRequest(rms: ResourceMetrics[]): Record<string, unknown> {
  return {
    resourceMetrics: rms.map((rm) => ({
      resource: { attributes: attrs(rm.resource) },
      scopeMetrics: [{ scope: { name: "observer.tests", version: "1" }, metrics: rm.metrics }],
    })),
  };
}

/** POSTs an OTLP/HTTP JSON metrics request to `url` (a collector's `/v1/metrics` or Prometheus' OTLP path). */
export async function postMetrics(url: string, rms: ResourceMetrics[]): Promise<void> {
  await httpJson<unknown>(url, exportRequest(rms));
}
