//go:build tools

// Package tools pins Pulumi's YAML language host, github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
// (and, through this module's go.mod/go.sum, every dependency it builds with), so its build from this
// folder is reproducible. It is a module of its own, apart from ../pulumi-cli: pulumi-yaml builds with the
// pulumi/pkg/v3 and sdk/v3 versions its own go.mod names, and sharing a module would make Go's minimal
// version selection move the CLI's dependencies (or the host's). scripts/tools/pulumi.mjs runs the build;
// nothing here is part of OpsDeck itself.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
