// Package pgcluster starts and stops a throwaway PostgreSQL cluster from the
// server binaries installed on this machine (Debian layout:
// /usr/lib/postgresql/<version>/bin). The test harness and `signals demo` use
// it so that nothing has to be running beforehand.
//
// initdb refuses to run as root, so when the process is root the cluster is
// created and started as the "postgres" user (via runuser). When no binaries
// are found, Start returns an error that says how to install them.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// InstallHint tells a developer how to get PostgreSQL's server binaries.
const InstallHint = "install PostgreSQL's server (apt-get install -y postgresql) or set DATABASE_URL / TEST_DATABASE_URL to a server you own"

// Cluster is a running PostgreSQL cluster in a data directory of its own,
// listening on 127.0.0.1 at Port with trust authentication for user postgres.
type Cluster struct {
	BinDir  string
	DataDir string
	Port    int
	asUser  string // "" when the current user runs the server
}

// FindBinDir returns the newest /usr/lib/postgresql/<version>/bin holding
// initdb and pg_ctl, or the directory of initdb on PATH.
func FindBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl) found: " + InstallHint)
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// FreePort asks the kernel for a free TCP port on the loopback interface.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start creates dataDir with initdb when it holds no cluster yet and starts
// the server on port (0 picks a free one). A cluster already running in
// dataDir is reused.
func Start(ctx context.Context, dataDir string, port int) (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	dataDir, err = filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{BinDir: bin, DataDir: dataDir, Port: port}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root and there is no postgres user to run initdb as: %w", err)
		}
		c.asUser = "postgres"
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create cluster directory: %w", err)
	}
	if c.asUser != "" {
		if err := chownTo(dataDir, c.asUser); err != nil {
			return nil, err
		}
	}
	if p, ok := c.runningPort(); ok {
		c.Port = p
		return c, nil
	}
	if c.Port == 0 {
		if c.Port, err = FreePort(); err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
	}
	if !isFile(filepath.Join(dataDir, "PG_VERSION")) {
		if out, err := c.cmd(ctx, "initdb", "-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
			return nil, fmt.Errorf("initdb in %s: %w\n%s", dataDir, err, out)
		}
		conf := strings.Join([]string{
			"listen_addresses = '127.0.0.1'",
			"unix_socket_directories = ''",
			"fsync = off", "synchronous_commit = off", "full_page_writes = off",
			"max_connections = 200", "shared_buffers = 256MB", "work_mem = 32MB",
			"timezone = 'UTC'", "log_min_messages = warning",
		}, "\n") + "\n"
		f, err := os.OpenFile(filepath.Join(dataDir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		_, werr := f.WriteString(conf)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("write postgresql.conf: %w", werr)
		}
	}
	logFile := filepath.Join(dataDir, "server.log")
	if out, err := c.cmd(ctx, "pg_ctl", "-D", dataDir, "-l", logFile, "-w", "-t", "60",
		"-o", fmt.Sprintf("-p %d", c.Port), "start"); err != nil {
		tail, _ := os.ReadFile(logFile)
		return nil, fmt.Errorf("pg_ctl start on port %d: %w\n%s\n%s", c.Port, err, out, lastLines(tail, 20))
	}
	if err := os.WriteFile(filepath.Join(dataDir, "signals.port"), []byte(strconv.Itoa(c.Port)), 0o644); err != nil {
		return nil, err
	}
	return c, nil
}

// runningPort reports the port of a server already running in DataDir.
func (c *Cluster) runningPort() (int, bool) {
	if !isFile(filepath.Join(c.DataDir, "postmaster.pid")) {
		return 0, false
	}
	if _, err := c.cmd(context.Background(), "pg_ctl", "-D", c.DataDir, "status"); err != nil {
		return 0, false
	}
	b, err := os.ReadFile(filepath.Join(c.DataDir, "signals.port"))
	if err != nil {
		return 0, false
	}
	p, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return p, err == nil
}

// URL is the connection URL of database db on this cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// Stop shuts the server down fast (open transactions are rolled back).
func (c *Cluster) Stop() error {
	out, err := c.cmd(context.Background(), "pg_ctl", "-D", c.DataDir, "-m", "fast", "-w", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// Restart stops and starts the server on the same port.
func (c *Cluster) Restart(ctx context.Context) error {
	if err := c.Stop(); err != nil {
		return err
	}
	out, err := c.cmd(ctx, "pg_ctl", "-D", c.DataDir, "-l", filepath.Join(c.DataDir, "server.log"), "-w",
		"-o", fmt.Sprintf("-p %d", c.Port), "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) cmd(ctx context.Context, tool string, args ...string) ([]byte, error) {
	path := filepath.Join(c.BinDir, tool)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = "/"
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

func chownTo(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("chown %s to %s: %w", dir, name, err)
	}
	// The server user must be able to reach the directory.
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(p, st.Mode().Perm()|0o011); err != nil {
				return fmt.Errorf("make %s reachable for %s: %w", p, name, err)
			}
		}
	}
	return nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// WaitReady polls until a TCP connection to the cluster succeeds or ctx ends.
func (c *Cluster) WaitReady(ctx context.Context) error {
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", c.Port), time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
