//go:build tools

// Package tools pins the Pulumi CLI (and, through this module's go.mod/go.sum, every dependency it
// builds with) so `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` from this folder is reproducible.
// scripts/tools/pulumi.mjs runs that build; nothing here is part of OpsDeck itself.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
