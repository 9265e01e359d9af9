// Command pulumi-language-nodejs is OpsDeck's own minimal Node.js language host for the Pulumi CLI,
// written for the test machines, where Pulumi's language host module cannot be fetched from the Go
// module proxy. It is NOT Pulumi's language host; it implements only what `pulumi preview`, `up`,
// `refresh` and `destroy` need to run a Node.js/TypeScript program on disk:
//
//   - Run: starts `node <project>/node_modules/@pulumi/pulumi/cmd/run <flags> <program>`, the same
//     entry point Pulumi's host uses (the Node.js SDK does the real work: it registers ts-node for
//     TypeScript, loads the program and talks to the engine's resource monitor).
//   - GetPluginInfo, Handshake, GetRequiredPackages (none: plugins are found on PATH, e.g.
//     pulumi-resource-pulumi-nodejs for dynamic providers), About, GetProgramDependencies,
//     RuntimeOptionsPrompts, InstallDependencies (a no-op: run npm yourself), Cancel.
//   - RunPlugin: plugins written in Node.js, above all policy packs (`pulumi preview --policy-pack <dir>`
//     with a PulumiPolicy.yaml of runtime nodejs). Like Pulumi's own host it starts
//     `node <@pulumi/pulumi>/cmd/run-policy-pack <args> <pack dir>` (or cmd/run-plugin for other kinds),
//     resolved from the plugin's folder, with the request's environment, and streams its stdout/stderr
//     back to the engine until it exits. A policy pack sits behind the SDK's PolicyProxy (package
//     github.com/pulumi/pulumi/sdk/v3), as in Pulumi's host: the engine first sends the stack's
//     configuration to the proxy, which the pack (@pulumi/policy) expects in PULUMI_NODEJS_* and
//     PULUMI_CONFIG before it starts; then the proxy forwards every analyzer call to the pack.
//
// Everything else (code generation, packing) answers Unimplemented. Runtime options read from
// Pulumi.yaml / PulumiPolicy.yaml: typescript (default true), tsconfig, nodeargs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	pbempty "google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code the Node.js SDK uses after it has already shown the user an actionable error.
const exitAfterUserActionableMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	running       map[*exec.Cmd]struct{}
}

func main() {
	// The CLI starts language hosts as `<host> [-flag=value]... <engine address>`; unknown flags are ignored.
	h := &host{running: map[*exec.Cmd]struct{}{}}
	for _, a := range os.Args[1:] {
		if !strings.HasPrefix(a, "-") {
			h.engineAddress = a
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: gRPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

func pluginVersion() string {
	if v := strings.TrimPrefix(version.Version, "v"); v != "" {
		return v
	}
	return "0.0.0"
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: pluginVersion()}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) InstallDependencies(*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, "node is not on PATH")
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, status.Errorf(codes.Internal, "node --version: %v", err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) Cancel(context.Context, *pbempty.Empty) (*pbempty.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.running {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	}
	return &pbempty.Empty{}, nil
}

// options reads the nodejs runtime options of Pulumi.yaml that this host understands.
func options(info *pulumirpc.ProgramInfo) (typescript bool, tsconfig string, nodeargs []string) {
	typescript = true
	if info == nil || info.GetOptions() == nil {
		return
	}
	fields := info.GetOptions().GetFields()
	if v, ok := fields["typescript"]; ok {
		typescript = v.GetBoolValue()
	}
	if v, ok := fields["tsconfig"]; ok {
		tsconfig = v.GetStringValue()
	}
	if v, ok := fields["nodeargs"]; ok {
		nodeargs = strings.Fields(v.GetStringValue())
	}
	return
}

// resolveRunner finds the project's own @pulumi/pulumi/cmd/run, as Node would from the program directory.
func resolveRunner(ctx context.Context, node, dir string) (string, error) {
	return resolveModule(ctx, node, dir, "@pulumi/pulumi/cmd/run")
}

// resolveModule resolves a module the way Node would from dir (so a project's or a policy pack's own
// node_modules, or any parent folder's, is used).
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	cmd := exec.CommandContext(ctx, node, "-e", "console.log(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s cannot be resolved from %s (is the Pulumi Node.js SDK, @pulumi/pulumi, installed there? run npm install in that folder)", module, dir)
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "node is not on PATH"}, nil
	}
	info := req.GetInfo()
	programDir := req.GetPwd()
	if info != nil && info.GetProgramDirectory() != "" {
		programDir = info.GetProgramDirectory()
	}
	runner, err := resolveRunner(ctx, node, programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	typescript, tsconfig, nodeargs := options(info)

	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()

	args := append([]string{}, nodeargs...)
	args = append(args, runner, "--monitor="+req.GetMonitorAddress())
	if engine != "" {
		args = append(args, "--engine="+engine)
	}
	if req.GetProject() != "" {
		args = append(args, "--project="+req.GetProject())
	}
	if req.GetStack() != "" {
		args = append(args, "--stack="+req.GetStack())
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if info != nil && info.GetRootDirectory() != "" {
		args = append(args, "--root-directory="+info.GetRootDirectory())
	}
	if req.GetPwd() != "" {
		args = append(args, "--pwd="+req.GetPwd())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		args = append(args, fmt.Sprintf("--parallel=%d", req.GetParallel()))
	}
	program := req.GetProgram()
	if program == "" {
		program = "."
	}
	if !filepath.IsAbs(program) && info != nil && info.GetProgramDirectory() != "" && program != "." {
		program = filepath.Join(info.GetProgramDirectory(), program)
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	// A stack without any config has a nil map, which would marshal to "null": the Node.js SDK reads
	// PULUMI_CONFIG with Object.keys() and fails on the program's first Config get.
	configMap := req.GetConfig()
	if configMap == nil {
		configMap = map[string]string{}
	}
	config, err := json.Marshal(configMap)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secrets),
		fmt.Sprintf("PULUMI_NODEJS_TYPESCRIPT=%t", typescript),
	)
	if tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.mu.Lock()
	h.running[cmd] = struct{}{}
	h.mu.Unlock()
	err = cmd.Wait()
	h.mu.Lock()
	delete(h.running, cmd)
	h.mu.Unlock()

	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if exitErr.ExitCode() == exitAfterUserActionableMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("running the program failed: %v", err)}, nil
}

// RunPlugin runs a plugin written in Node.js: a policy pack (kind "analyzer") through
// @pulumi/pulumi/cmd/run-policy-pack, anything else through @pulumi/pulumi/cmd/run-plugin. The engine
// reads the plugin's stdout (its first line is the gRPC port it serves on) and stderr from the stream;
// the stream ends when the process exits, with an error when it exited non-zero.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	if info == nil || info.GetProgramDirectory() == "" {
		return status.Error(codes.InvalidArgument, "RunPlugin needs the plugin's folder (info.programDirectory)")
	}
	dir := info.GetProgramDirectory()
	node, err := exec.LookPath("node")
	if err != nil {
		return status.Error(codes.FailedPrecondition, "node is not on PATH")
	}
	policyPack := req.GetKind() == string(apitype.AnalyzerPlugin)
	entry := "@pulumi/pulumi/cmd/run-plugin"
	if policyPack {
		entry = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runner, err := resolveModule(ctx, node, dir, entry)
	if err != nil {
		return err
	}
	typescript, tsconfig, nodeargs := options(info)

	// The engine passes the whole environment the plugin should see (its own plus the stack's).
	env := append([]string{}, req.GetEnv()...)
	if typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	// run-policy-pack takes the pack folder as its LAST argument; run-plugin takes the folder first.
	args := append([]string{runner}, nodeargs...)
	if policyPack {
		args = append(append(args, req.GetArgs()...), dir)
	} else {
		args = append(append(args, dir), req.GetArgs()...)
	}

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	var proxy *sdk.PolicyProxy
	if policyPack {
		// The proxy prints ITS port to the engine first; the engine then configures the stack through
		// it, and only then can the pack be started with that configuration in its environment.
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		cfg, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("the engine sent no stack configuration for the policy pack: %w", err)
		}
		if cfg != nil {
			setIf := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			setIf("PULUMI_NODEJS_ORGANIZATION", cfg.GetOrganization())
			setIf("PULUMI_NODEJS_PROJECT", cfg.GetProject())
			setIf("PULUMI_NODEJS_STACK", cfg.GetStack())
			setIf("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(cfg.GetDryRun()))
			if c := cfg.GetConfig(); c != nil {
				b, err := json.Marshal(c)
				if err != nil {
					return fmt.Errorf("could not encode the stack configuration for the policy pack: %w", err)
				}
				setIf("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	// Policy packs have always run with the pack's folder as working directory; other plugins in pwd.
	if policyPack || req.GetPwd() == "" {
		cmd.Dir = dir
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start node for the plugin in %s: %w", dir, err)
	}
	h.mu.Lock()
	h.running[cmd] = struct{}{}
	h.mu.Unlock()
	if proxy != nil {
		err = proxy.Attach(ctx, cmd) // waits for the pack to exit
	} else {
		err = cmd.Wait()
	}
	h.mu.Lock()
	delete(h.running, cmd)
	h.mu.Unlock()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("plugin %s exited with code %d", dir, exitErr.ExitCode())
		}
		return fmt.Errorf("plugin %s: %w", dir, err)
	}
	return closer.Close()
}
