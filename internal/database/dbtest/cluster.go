package dbtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/peterldowns/pgtestdb"
)

var getenv = os.Getenv

// startCluster runs initdb into a temporary directory and starts a postgres
// server on a free loopback port. The server is a child of a small shell
// that the kernel signals when the test binary exits (Pdeathsig), and that
// shell stops PostgreSQL and deletes the directory: nothing is left behind
// even when a test run is killed. As root, both run as the "postgres" user,
// because initdb refuses to run as root.
func startCluster() (pgtestdb.Config, error) {
	initdb, err := findPGBinary("initdb")
	if err != nil {
		return pgtestdb.Config{}, err
	}
	postgresBin, err := findPGBinary("postgres")
	if err != nil {
		return pgtestdb.Config{}, err
	}
	dir, err := os.MkdirTemp("", "goodshift-pg-")
	if err != nil {
		return pgtestdb.Config{}, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return pgtestdb.Config{}, errors.New("running as root and there is no postgres user to run initdb as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return pgtestdb.Config{}, err
		}
	}
	data := filepath.Join(dir, "data")
	cmd := exec.Command(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return pgtestdb.Config{}, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return pgtestdb.Config{}, err
	}
	script := `"$1" -D "$2/data" -p "$3" -k "$2" -c listen_addresses=127.0.0.1 -c fsync=off ` +
		`-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 >"$2/log" 2>&1 &
pid=$!
trap 'kill -INT $pid; wait $pid; rm -rf "$2"; exit 0' TERM INT HUP
wait $pid`
	srv := exec.Command("/bin/sh", "-c", script, "sh", postgresBin, dir, strconv.Itoa(port))
	srv.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGTERM, Setpgid: true}
	if err := srv.Start(); err != nil {
		return pgtestdb.Config{}, fmt.Errorf("start postgres: %w", err)
	}
	conf := pgtestdb.Config{
		DriverName: "pgx", Host: "127.0.0.1", Port: strconv.Itoa(port),
		User: "postgres", Database: "postgres", Options: "sslmode=disable",
		ForceTerminateConnections: true,
	}
	deadline := time.Now().Add(30 * time.Second) // wall clock: how long to wait for the test cluster to start
	for {
		db, err := conf.Connect()
		if err == nil {
			err = db.Ping()
			_ = db.Close()
		}
		if err == nil {
			return conf, nil
		}
		if time.Now().After(deadline) { // wall clock: see deadline
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			return pgtestdb.Config{}, fmt.Errorf("postgres did not start: %v: %s", err, log)
		}
		time.Sleep(100 * time.Millisecond) // wall clock: poll the starting cluster
	}
}

// findPGBinary looks on PATH, then in Debian's versioned directories.
func findPGBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/lib/postgresql/*/bin", name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
