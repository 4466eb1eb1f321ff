//go:build tools

// Package tools pins Prometheus v3.14.0 (module v0.314.0), the version kube-prometheus-stack 88.5.3 deploys,
// and its promtool; build.sh builds both.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
