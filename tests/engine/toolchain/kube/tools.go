//go:build tools

// Package tools pins the Kubernetes control-plane commands the real-engine lane runs
// (kube-apiserver, kube-controller-manager, kube-scheduler v1.34.4); build.sh builds them.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
