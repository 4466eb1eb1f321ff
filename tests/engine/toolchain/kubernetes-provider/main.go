// Command pulumi-resource-kubernetes serves the Pulumi kubernetes provider for the real-engine lane.
//
// The provider module's own command embeds schema-embed.json and terraform-mapping-embed.json, which its
// module zip does not ship: build.sh generates them from the module's schema.json and terraform-mapping.json
// (the schema's version set to the @pulumi/kubernetes version the program uses) next to this file.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
