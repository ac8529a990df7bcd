#!/usr/bin/env python3
"""Talks to a running Prometheus for tools/observability/check.sh (standard library only).

  promcheck.py wait URL JOB TIMEOUT_SECONDS    until Prometheus has scraped JOB a few times and the demo has traffic
  promcheck.py dashboards URL FILE...          every query of every panel (and every query variable) of each
                                               Grafana dashboard FILE, through the HTTP query API: fails naming the
                                               panel when one returns no series
  promcheck.py rules URL                       every loaded rule evaluated without error, no alert pending or firing
"""
import json
import re
import sys
import time
import urllib.parse
import urllib.request

# What Grafana's built-in variables stand for here (Prometheus scrapes every second; the demo ran ~20 s or more).
BUILTINS = {"__rate_interval": "1m", "__interval": "15s", "__range": "1m"}


def api(url, path, **params):
    full = url.rstrip("/") + path + "?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(full, timeout=10) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError("%s: %s" % (path, body))
    return body["data"]


def query(url, expr):
    return api(url, "/api/v1/query", query=expr)["result"]


def scalar(url, expr):
    result = query(url, expr)
    return float(result[0]["value"][1]) if result else 0.0


def wait(url, job, timeout):
    deadline = time.time() + timeout
    checks = [
        ("scrapes of every %s target" % job, 'min(count_over_time(up{job="%s"}[5m]))' % job, 5),
        ("targets up", 'min(up{job="%s"})' % job, 1),
        ("data packets received (increase over 1m)",
         'sum(increase(tunnel_packets_total{job="%s",type="data",direction="received"}[1m]))' % job, 1),
        ("TunnelTemplate successes", 'sum(tunnel_template_requests_seconds_count{job="%s",outcome="success"})' % job, 3),
        ("forwarded connections", 'sum(tunnel_forward_connections_total{job="%s",role="client"})' % job, 3),
    ]
    while True:
        values = []
        try:
            values = [(name, scalar(url, expr), least) for name, expr, least in checks]
        except Exception as e:  # Prometheus still starting
            values = [("Prometheus API", 0, str(e))]
        if all(isinstance(least, (int, float)) and value >= least for _, value, least in values):
            print("[check] Prometheus ready: " + ", ".join("%s %g" % (n, v) for n, v, _ in values))
            return 0
        if time.time() > deadline:
            print("[check] FAILED: not ready after %ds: %s" % (timeout, ", ".join(
                "%s %s (want >= %s)" % (n, v, l) for n, v, l in values)), file=sys.stderr)
            return 1
        time.sleep(1)


def panels(items):
    for p in items:
        yield p
        yield from panels(p.get("panels", []))  # a collapsed row holds its panels


def substitute(expr, variables):
    def value(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name in BUILTINS:
            return BUILTINS[name]
        if name in variables:
            return variables[name]
        raise KeyError("unknown variable $%s in: %s" % (name, expr))
    # A variable's name starts with a letter or _, as Grafana's do: "$1" in label_replace is PromQL's, left alone.
    return re.sub(r"\$\{([A-Za-z_]\w*)(?::\w+)?\}|\[\[([A-Za-z_]\w*)\]\]|\$([A-Za-z_]\w*)", value, expr)


def dashboards(url, files):
    failures = []
    queries = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        provisioning = "__inputs" not in d
        form = "provisioning" if provisioning else "import"
        expected_uid = "tunnel-prometheus" if provisioning else "${DS_PROMETHEUS}"
        if not provisioning and [i.get("name") for i in d["__inputs"]] != ["DS_PROMETHEUS"]:
            failures.append("%s: __inputs should name DS_PROMETHEUS" % path)
        variables = {}
        for v in d.get("templating", {}).get("list", []):
            variables[v["name"]] = v.get("allValue") or ".*"
            if v.get("type") != "query":
                continue
            definition = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
            m = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", definition.strip())
            if not m:
                failures.append("%s: variable %s: cannot check %r" % (path, v["name"], definition))
                continue
            series = api(url, "/api/v1/series", **{"match[]": m.group(1)})
            values = sorted({s[m.group(2)] for s in series if m.group(2) in s})
            queries += 1
            if not values:
                failures.append("%s: variable %s: %s gives no value" % (path, v["name"], definition))
            else:
                print("[check]   ok  %-12s variable $%s: %s" % (form, v["name"], ", ".join(values)))
        for p in panels(d.get("panels", [])):
            if p.get("type") == "row":
                continue
            title = p.get("title", "?")
            if not p.get("targets"):
                failures.append("%s: panel %r has no query" % (path, title))
            for t in p.get("targets", []):
                for ds in (p.get("datasource"), t.get("datasource")):
                    if not ds or ds.get("uid") != expected_uid:
                        failures.append("%s: panel %r: datasource %s, expected uid %s" % (path, title, ds,
                                                                                           expected_uid))
                expr = substitute(t["expr"], variables)
                queries += 1
                try:
                    result = query(url, expr)
                except Exception as e:
                    failures.append("%s: panel %r (query %s): error %s" % (path, title, t.get("refId"), e))
                    continue
                if not result:
                    failures.append("%s: panel %r (query %s) returned no series: %s" % (path, title,
                                                                                       t.get("refId"), expr))
                else:
                    print("[check]   ok  %-12s %-58s %s: %3d series" % (form, title[:58], t.get("refId"),
                                                                       len(result)))
    for f in failures:
        print("[check] FAILED: " + f, file=sys.stderr)
    print("[check] dashboards: %d queries, %d failures" % (queries, len(failures)))
    return 1 if failures else 0


def rules(url):
    groups = api(url, "/api/v1/rules")["groups"]
    failures = []
    count = 0
    for g in groups:
        for r in g["rules"]:
            count += 1
            if r.get("health") != "ok":
                failures.append("rule %s: health %s %s" % (r["name"], r.get("health"), r.get("lastError", "")))
            for a in r.get("alerts", []):
                failures.append("alert %s is %s on the healthy demo: %s" % (r["name"], a["state"], a["labels"]))
    if count == 0:
        failures.append("Prometheus loaded no rule")
    for f in failures:
        print("[check] FAILED: " + f, file=sys.stderr)
    print("[check] rules: %d loaded and evaluated by Prometheus, %d failures" % (count, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    cmd, url = sys.argv[1], sys.argv[2]
    if cmd == "wait":
        sys.exit(wait(url, sys.argv[3], int(sys.argv[4])))
    if cmd == "dashboards":
        sys.exit(dashboards(url, sys.argv[3:]))
    if cmd == "rules":
        sys.exit(rules(url))
    sys.exit("unknown command " + cmd)
