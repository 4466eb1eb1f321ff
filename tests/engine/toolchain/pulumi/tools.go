//go:build tools

// Package tools pins the Pulumi CLI v3.274.1; build.sh builds it.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
