//go:build tools

// Package tools pins prometheus-operator v0.93.1 (the operator kube-prometheus-stack 88.5.3 deploys);
// the real-engine lane runs it out of cluster. build.sh builds it.
package tools

import _ "github.com/prometheus-operator/prometheus-operator/cmd/operator"
