package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
)

// defaultHealthURL is the readiness endpoint of `modelcard serve` with its
// default --http-addr, as seen from inside the same container.
const defaultHealthURL = "http://127.0.0.1:8080/ready"

// healthBodyLimit is how much of a failing response's body is quoted in the
// message.
const healthBodyLimit = 200

// healthcheckCommand is `modelcard healthcheck`: one GET against the
// daemon, for container HEALTHCHECKs on images without a shell or curl.
func healthcheckCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "healthcheck",
		Usage:     "probe a running daemon: exit 0 when its URL answers 2xx, 1 otherwise",
		UsageText: "modelcard healthcheck [--url " + defaultHealthURL + "] [--timeout 2s]",
		Description: strings.TrimSpace(`
healthcheck sends one GET to --url and exits 0 when the answer is a 2xx
status, 1 when it is anything else, times out or cannot connect, and 2 when
the command line is wrong. It needs no shell and no curl, so a container
image built FROM scratch or distroless can use it as its HEALTHCHECK:

   HEALTHCHECK CMD ["/modelcard", "healthcheck"]

Without --url (or MODELCARD_HEALTHCHECK_URL) it probes /ready on the port of
MODELCARD_HTTP_ADDR, the variable that sets the daemon's --http-addr, so a
container's probe follows the daemon it runs next to; else
` + defaultHealthURL + `.

Examples:
   modelcard healthcheck                                        # the daemon's /ready
   modelcard healthcheck --url http://127.0.0.1:8080/health     # alive, even while draining
   MODELCARD_HEALTHCHECK_URL=http://127.0.0.1:8081/ready modelcard healthcheck

Proxy settings from the environment are ignored: the probe always goes
straight to --url.`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "url", Value: defaultHealthURL, Usage: "http or https URL to GET", EnvVars: []string{"MODELCARD_HEALTHCHECK_URL"}},
			&cli.DurationFlag{Name: "timeout", Value: 2 * time.Second, Usage: "give up after this long (connect, send and read the status)", EnvVars: []string{"MODELCARD_HEALTHCHECK_TIMEOUT"}},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("healthcheck takes no arguments, got %q; pass the address with --url", c.Args().First())
			}
			raw := c.String("url")
			if !c.IsSet("url") {
				if addr := os.Getenv("MODELCARD_HTTP_ADDR"); addr != "" {
					derived, err := readyURL(addr)
					if err != nil {
						return err
					}
					raw = derived
				}
			}
			target, err := parseHealthURL(raw)
			if err != nil {
				return err
			}
			timeout := c.Duration("timeout")
			if timeout <= 0 {
				return usagef("--timeout %s: give a positive duration such as 2s", timeout)
			}
			status, err := probe(c.Context, target, timeout)
			if err != nil {
				return failedError{summary: err.Error()}
			}
			fmt.Fprintf(io.out, "healthy: GET %s: %s\n", target, status)
			return nil
		},
	}
}

// readyURL is the /ready URL of a daemon listening on addr (the form of
// --http-addr), reached through the loopback interface when addr names no
// host or all of them.
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", usagef("MODELCARD_HTTP_ADDR %q is not HOST:PORT (%v); fix it, or give --url", addr, err)
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/ready", nil
}

// parseHealthURL checks that raw is an absolute http or https URL with a
// host.
func parseHealthURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", usagef("--url %q is not a URL (%v); give one such as %s", raw, err, defaultHealthURL)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", usagef("--url %q: the scheme must be http or https, as in %s", raw, defaultHealthURL)
	}
	if u.Host == "" {
		return "", usagef("--url %q names no host; give one such as %s", raw, defaultHealthURL)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", usagef("--url %q: port %s is not between 1 and 65535", raw, p)
		}
	}
	return u.String(), nil
}

// probe GETs target once and returns its status line when it is 2xx, or an
// error that says what went wrong and what to check.
func probe(ctx context.Context, target string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", fmt.Errorf("healthcheck: build the request for %s: %w", target, err)
	}
	req.Header.Set("User-Agent", "modelcard-healthcheck/"+versionText)
	transport := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	resp, err := client.Do(req)
	if err != nil {
		hint := "check that `modelcard serve` is running and that --url names its --http-addr"
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			hint = "nothing listens there; " + hint
		case errors.Is(err, context.DeadlineExceeded):
			hint = fmt.Sprintf("no answer within --timeout %s; the daemon may be overloaded, or raise --timeout", timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL and method are already in the message
		}
		return "", fmt.Errorf("unhealthy: GET %s: %w (%s)", target, err, hint)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.Status, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, healthBodyLimit))
	detail := strings.Join(strings.Fields(string(body)), " ")
	if detail != "" {
		detail = ": " + detail
	}
	hint := "the daemon answered but is not healthy"
	if resp.StatusCode == http.StatusServiceUnavailable {
		hint = "the daemon is starting, draining or overloaded; /ready turns 200 once the engine is loaded"
	}
	return "", fmt.Errorf("unhealthy: GET %s: %s%s (%s)", target, resp.Status, detail, hint)
}
