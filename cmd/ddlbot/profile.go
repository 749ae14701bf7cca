package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profiler writes Go CPU and heap profiles of one command run, so anyone can
// see where ddlbot spends its time on their own schema
// (`go tool pprof cpu.out`).
type profiler struct {
	cpuPath, memPath *string
	cpu              *os.File
}

// addProfileFlags adds --cpuprofile and --memprofile to a command.
func addProfileFlags(fs *flag.FlagSet) *profiler {
	return &profiler{
		cpuPath: fs.String("cpuprofile", "", "write a Go CPU profile of this run to the file (read it with `go tool pprof FILE`)"),
		memPath: fs.String("memprofile", "", "write a Go heap profile, taken at the end of this run, to the file"),
	}
}

// parseProfiled parses the flags of a command that takes --cpuprofile and
// --memprofile, and starts the CPU profile if one was asked for; a.main
// stops it, and writes the heap profile, once the command returns. When ok
// is false the command ends with code, the problem reported.
func (a *app) parseProfiled(fset *flag.FlagSet, args []string) (rest []string, code int, ok bool) {
	prof := addProfileFlags(fset)
	rest, err := parseFlags(fset, args)
	if err != nil {
		return nil, a.flagError(fset, err), false
	}
	if err := prof.start(); err != nil {
		return nil, a.fail(usageError{err.Error()}), false
	}
	a.prof = prof
	return rest, exitOK, true
}

// stopProfile ends the profile parseProfiled started, if any.
func (a *app) stopProfile() {
	if a.prof != nil {
		a.prof.stop(a)
		a.prof = nil
	}
}

// start begins the CPU profile, if one was asked for.
func (p *profiler) start() error {
	if *p.cpuPath == "" {
		return nil
	}
	f, err := os.Create(*p.cpuPath)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	p.cpu = f
	return nil
}

// stop ends the CPU profile and writes the heap profile; a failure is
// reported on stderr and does not change the command's result.
func (p *profiler) stop(a *app) {
	if p.cpu != nil {
		pprof.StopCPUProfile()
		if err := p.cpu.Close(); err != nil {
			fmt.Fprintf(a.stderr, "ddlbot: --cpuprofile: %v\n", err)
		}
		p.cpu = nil
	}
	if *p.memPath == "" {
		return
	}
	f, err := os.Create(*p.memPath)
	if err != nil {
		fmt.Fprintf(a.stderr, "ddlbot: --memprofile: %v\n", err)
		return
	}
	runtime.GC() // the heap profile shows live memory as of the last GC
	err = pprof.WriteHeapProfile(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "ddlbot: --memprofile: %v\n", err)
	}
}
