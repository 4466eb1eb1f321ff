//go:build tools

// Package tools pins etcd 3.6.16 for the real-engine lane's API server; build.sh builds it.
package tools

import _ "go.etcd.io/etcd/server/v3"
