/**
 * Names the OpenTelemetry Operator (v0.158.0) uses that the program never spells: it recognises the operator's
 * finalizers by their domain (components/lifecycle/finalizers.ts isOperatorFinalizer). Tests and the real-engine
 * lane put them on objects as the operator would.
 */

/** The finalizer the OpenTelemetry Operator adds to collectors when it manages RBAC itself. */
export const COLLECTOR_FINALIZER = "opentelemetrycollector.opentelemetry.io/finalizer";
