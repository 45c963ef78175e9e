// compose-check validates docker-compose.yml against the Compose Specification with compose-go, the loader docker
// compose itself uses: schema, interpolation, and the consistency checks `docker compose config` runs. No Docker
// engine is needed, so CI proves the file loads even where it cannot be run.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check path/to/docker-compose.yml")
		os.Exit(2)
	}
	path, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	details := types.ConfigDetails{
		WorkingDir:  filepath.Dir(path),
		ConfigFiles: []types.ConfigFile{{Filename: path}},
		// Interpolated as `docker compose` would on this machine: unset variables take the file's defaults.
		Environment: types.NewMapping(os.Environ()),
	}
	project, err := loader.LoadWithContext(context.Background(), details)
	if err != nil {
		fail(err)
	}
	names := project.ServiceNames()
	sort.Strings(names)
	fmt.Printf("%s: valid (compose-go %s): project %q, %d services: %s\n",
		filepath.Base(path), composeGoVersion(), project.Name, len(names), strings.Join(names, ", "))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
	os.Exit(1)
}

func composeGoVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/compose-spec/compose-go/v2" {
				return dep.Version
			}
		}
	}
	return "unknown"
}
