//go:build tools

// Package tools pins Alertmanager v0.34.0, the version kube-prometheus-stack 88.5.3 deploys, and its amtool;
// build.sh builds both.
package tools

import (
	_ "github.com/prometheus/alertmanager/cmd/alertmanager"
	_ "github.com/prometheus/alertmanager/cmd/amtool"
)
