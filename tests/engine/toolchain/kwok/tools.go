//go:build tools

// Package tools pins kwok and kwokctl v0.8.0 (simulated nodes and pods); build.sh builds them.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
	_ "sigs.k8s.io/kwok/cmd/kwokctl"
)
