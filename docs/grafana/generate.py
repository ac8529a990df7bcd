#!/usr/bin/env python3
"""The one source of the tunnel's Grafana dashboard. Writes both forms of it:

  docs/grafana/tunnel-dashboard.json                       for import (Dashboards > New > Import): asks for a
                                                           Prometheus datasource through __inputs (${DS_PROMETHEUS})
  docs/grafana/provisioning/dashboards/tunnel-dashboard.json  for file provisioning: the datasource is the fixed uid
                                                           tunnel-prometheus (provisioning/datasources/*.yml)

Edit the panels here, never the JSON files, then run:  python3 docs/grafana/generate.py
`--check` writes nothing and fails when a JSON file differs from what this script makes (tools/observability/check.sh
runs it). Standard library only.
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
IMPORT_FILE = os.path.join(HERE, "tunnel-dashboard.json")
PROVISIONING_FILE = os.path.join(HERE, "provisioning", "dashboards", "tunnel-dashboard.json")
PROVISIONED_UID = "tunnel-prometheus"

# Every query selects the dashboard's $instance variable; counters are read as per-second rates.
I = 'instance=~"$instance"'
RATE = "[$__rate_interval]"


def rate(metric, by, matchers=""):
    sel = I + ("," + matchers if matchers else "")
    return "sum by (%s) (rate(%s{%s}%s))" % (by, metric, sel, RATE)


def mean_latency(timer, by):
    return "%s / %s" % (rate(timer + "_seconds_sum", by), rate(timer + "_seconds_count", by))


def q(expr, legend, instant=False):
    return {"expr": expr, "legendFormat": legend, "instant": instant}


# (row title, [panel]); a panel: title, type, unit, width, description, queries, and extras.
ROWS = [
    ("Overview", [
        dict(title="Worker up", type="stat", unit="none", w=6, h=6,
             description="tunnel_up: 1 while the endpoint is open (its worker alive), else 0. "
                         "Alert: TunnelWorkerDown.",
             queries=[q("tunnel_up{%s}" % I, "{{instance}} {{role}}")],
             mappings=[{"type": "value", "options": {
                 "0": {"text": "DOWN", "color": "red", "index": 0},
                 "1": {"text": "UP", "color": "green", "index": 1}}}],
             thresholds=[("red", None), ("green", 1)]),
        dict(title="Connections against capacity", type="timeseries", unit="none", w=12, h=6,
             description="tunnel_connections_active (open now: handshaking, established or closing) and "
                         "tunnel_connections_max (the table's capacity, tunnel.*.max-connections).",
             queries=[q("tunnel_connections_active{%s}" % I, "{{instance}} {{role}} active"),
                      q("tunnel_connections_max{%s}" % I, "{{instance}} {{role}} capacity")]),
        dict(title="Connection table use", type="gauge", unit="percentunit", w=6, h=6,
             description="Active connections / capacity. Alert: TunnelConnectionTableNearlyFull above 90% for 5m.",
             queries=[q("tunnel_connections_active{%s} / tunnel_connections_max{%s}" % (I, I),
                        "{{instance}} {{role}}")],
             thresholds=[("green", None), ("orange", 0.75), ("red", 0.9)], min=0, max=1),
    ]),
    ("Traffic", [
        dict(title="Packets by direction and type", type="timeseries", unit="pps", w=12, h=8,
             description="tunnel_packets_total: datagrams of the protocol (hello, cookie, init, data), sent and "
                         "received, per second.",
             queries=[q(rate("tunnel_packets_total", "role, direction, type"), "{{role}} {{direction}} {{type}}")]),
        dict(title="Bytes by direction", type="timeseries", unit="Bps", w=12, h=8,
             description="tunnel_bytes_total: bytes of datagrams (UDP payload) sent and received, per second.",
             queries=[q(rate("tunnel_bytes_total", "role, direction"), "{{role}} {{direction}}")]),
    ]),
    ("Handshakes, drops and load", [
        dict(title="Handshakes by result", type="timeseries", unit="ops", w=6, h=8,
             description="tunnel_handshakes_total by result (completed, failed), per second. "
                         "Alert: TunnelHandshakeFailures.",
             queries=[q(rate("tunnel_handshakes_total", "role, result"), "{{role}} {{result}}")]),
        dict(title="Drops by reason", type="timeseries", unit="ops", w=6, h=8,
             description="tunnel_drops_total: received datagrams dropped, by reason (docs/PROTOCOL.md), per "
                         "second. Alert: TunnelDropsRising.",
             queries=[q(rate("tunnel_drops_total", "role, reason"), "{{role}} {{reason}}")],
             legend_calcs=["max", "lastNotNull"]),
        dict(title="Under load now", type="stat", unit="none", w=6, h=8,
             description="tunnel_load: 1 while a server is under handshake load (load seen within the last "
                         "second), so that its rate limiter holds each source address to its share.",
             queries=[q("max by (role) (tunnel_load{%s})" % I, "{{role}}", instant=True)],
             thresholds=[("green", None), ("orange", 1)]),
        dict(title="Load: times gone under load, rate-limited drops (in range)", type="stat", unit="none", w=6, h=8,
             description="Over the dashboard's time range: how many times the endpoint went under load "
                         "(tunnel_load_detected_total) and how many handshake datagrams the rate limiter dropped "
                         "(tunnel_drops_total{reason=\"rate-limited\"}).",
             queries=[q("sum by (role) (increase(tunnel_load_detected_total{%s}[$__range]))" % I,
                        "{{role}} went under load", instant=True),
                      q("sum by (role) (increase(tunnel_drops_total{%s,reason=\"rate-limited\"}[$__range]))" % I,
                        "{{role}} rate-limited drops", instant=True)],
             thresholds=[("green", None), ("orange", 1)]),
    ]),
    ("RTT and reliability", [
        dict(title="RTT percentiles (samples)", type="timeseries", unit="s", w=8, h=8,
             description="50th, 90th and 99th percentiles of the RTT samples (one per acknowledging packet) from "
                         "tunnel_rtt_samples_total, whose buckets are tagged le_seconds (label_replace makes it the "
                         "le that histogram_quantile wants), over the rate interval.",
             queries=[q("histogram_quantile(%s, sum by (role, le) (label_replace(rate(tunnel_rtt_samples_total{%s}%s), "
                        "\"le\", \"$1\", \"le_seconds\", \"(.*)\")))" % (p, I, RATE), "{{role}} p%s" % n)
                      for p, n in (("0.5", "50"), ("0.9", "90"), ("0.99", "99"))]),
        dict(title="RTT (smoothed, over open connections)", type="timeseries", unit="s", w=8, h=8,
             description="tunnel_rtt_mean_seconds and tunnel_rtt_max_seconds: mean and largest smoothed RTT of the "
                         "open connections right now (gauges). Alert: TunnelRttHigh.",
             queries=[q("tunnel_rtt_mean_seconds{%s}" % I, "{{instance}} {{role}} mean"),
                      q("tunnel_rtt_max_seconds{%s}" % I, "{{instance}} {{role}} max")]),
        dict(title="Retransmissions and losses", type="timeseries", unit="ops", w=8, h=8,
             description="Resending (tunnel_retransmits_total, tunnel_fast_retransmits_total, "
                         "tunnel_retransmission_timeouts_total) and losses as Vegas tells them apart "
                         "(tunnel_losses_total by kind), per second.",
             queries=[q(rate("tunnel_retransmits_total", "role"), "{{role}} retransmits"),
                      q(rate("tunnel_fast_retransmits_total", "role"), "{{role}} fast retransmits"),
                      q(rate("tunnel_retransmission_timeouts_total", "role"), "{{role}} timeouts"),
                      q(rate("tunnel_losses_total", "role, kind"), "{{role}} {{kind}} losses")]),
    ]),
    ("Spring: @TunnelListener and TunnelTemplate", [
        dict(title="Listener messages and replies by outcome", type="timeseries", unit="ops", w=6, h=8,
             description="Server: messages the @TunnelListener container read (tunnel_listener_messages_total: "
                         "handled, failed, malformed, unroutable) and answers it sent "
                         "(tunnel_listener_replies_total: reply, error, unsent), per second.",
             queries=[q(rate("tunnel_listener_messages_total", "outcome"), "message {{outcome}}"),
                      q(rate("tunnel_listener_replies_total", "outcome"), "reply {{outcome}}")]),
        dict(title="Listener latency (mean)", type="timeseries", unit="s", w=6, h=8,
             description="Server: mean time in @TunnelListener methods by outcome (handled, failed), from "
                         "tunnel_listener_calls_seconds_sum / _count (a FunctionTimer: no percentiles).",
             queries=[q(mean_latency("tunnel_listener_calls", "outcome"), "{{outcome}}")]),
        dict(title="Template requests and sends by outcome", type="timeseries", unit="ops", w=6, h=8,
             description="Client: TunnelTemplate request-and-reply calls (tunnel_template_requests_seconds_count: "
                         "success, remote-error, timeout, failure) and one-way sends "
                         "(tunnel_template_sends_total: success, failure), per second.",
             queries=[q(rate("tunnel_template_requests_seconds_count", "outcome"), "request {{outcome}}"),
                      q(rate("tunnel_template_sends_total", "outcome"), "send {{outcome}}")]),
        dict(title="Template request latency (mean)", type="timeseries", unit="s", w=6, h=8,
             description="Client: mean time from a TunnelTemplate request to its outcome, from "
                         "tunnel_template_requests_seconds_sum / _count (a FunctionTimer: no percentiles).",
             queries=[q(mean_latency("tunnel_template_requests", "outcome"), "{{outcome}}")]),
    ]),
    ("Port forwarding", [
        dict(title="Forwarded TCP connections", type="timeseries", unit="none", w=8, h=8,
             description="tunnel_forward_connections_active: forwarded TCP connections carrying bytes now, per client "
                         "forward and server service (docs/FORWARDING.md).",
             queries=[q("tunnel_forward_connections_active{%s}" % I, "{{instance}} {{role}} {{forward}}")]),
        dict(title="Forwarded bytes", type="timeseries", unit="Bps", w=8, h=8,
             description="tunnel_forward_bytes_total per second: upstream from the TCP client to the service, "
                         "downstream back.",
             queries=[q(rate("tunnel_forward_bytes_total", "role, forward, direction"),
                        "{{role}} {{forward}} {{direction}}")]),
        dict(title="Forward failures by reason", type="timeseries", unit="ops", w=8, h=8,
             description="tunnel_forward_failures_total per second, by reason (unknown-service, connect-refused, "
                         "connect-timeout, unreachable, tunnel-connect, no-answer, protocol, reset). "
                         "Alert: TunnelForwardFailing.",
             queries=[q(rate("tunnel_forward_failures_total", "role, forward, reason"),
                        "{{role}} {{forward}} {{reason}}")],
             legend_calcs=["max", "lastNotNull"]),
    ]),
]


def panel(p, pid, x, y, ds):
    thresholds = p.get("thresholds", [("green", None)])
    out = {
        "id": pid,
        "type": p["type"],
        "title": p["title"],
        "description": p["description"],
        "datasource": ds,
        "gridPos": {"h": p["h"], "w": p["w"], "x": x, "y": y},
        "fieldConfig": {
            "defaults": {
                "unit": p["unit"],
                "mappings": p.get("mappings", []),
                "thresholds": {"mode": "absolute",
                               "steps": [{"color": c, "value": v} for c, v in thresholds]},
            },
            "overrides": [],
        },
        "targets": [],
    }
    for k in ("min", "max"):
        if k in p:
            out["fieldConfig"]["defaults"][k] = p[k]
    if p["type"] == "timeseries":
        out["fieldConfig"]["defaults"]["custom"] = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 0,
                                                    "showPoints": "never", "spanNulls": False}
        out["options"] = {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": True,
                                     "calcs": p.get("legend_calcs", ["mean", "max", "lastNotNull"])},
                          "tooltip": {"mode": "multi", "sort": "desc"}}
    else:
        out["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                          "orientation": "auto", "textMode": "auto", "colorMode": "background",
                          "graphMode": "none", "justifyMode": "auto",
                          "showThresholdLabels": False, "showThresholdMarkers": True}
    for i, target in enumerate(p["queries"]):
        out["targets"].append({"refId": chr(ord("A") + i), "datasource": ds, "expr": target["expr"],
                               "legendFormat": target["legendFormat"], "range": not target["instant"],
                               "instant": target["instant"]})
    return out


def dashboard(ds):
    panels = []
    pid = 1
    y = 0
    for row_title, row_panels in ROWS:
        panels.append({"id": pid, "type": "row", "title": row_title, "collapsed": False, "panels": [],
                       "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}})
        pid += 1
        y += 1
        x = 0
        height = 0
        for p in row_panels:
            panels.append(panel(p, pid, x, y, ds))
            pid += 1
            x += p["w"]
            height = max(height, p["h"])
        assert x <= 24, row_title
        y += height
    return {
        "id": None,
        "uid": "udp-tunnel",
        "title": "UDP tunnel",
        "description": "The tunnel's tunnel_* meters (io.github.udptunnel Spring Boot starter): traffic, handshakes, "
                       "drops, load, RTT, connections against capacity, @TunnelListener and TunnelTemplate. "
                       "Generated by docs/grafana/generate.py; see docs/OBSERVABILITY.md.",
        "tags": ["udp-tunnel", "spring-boot"],
        "editable": True,
        "graphTooltip": 1,
        "timezone": "browser",
        "time": {"from": "now-1h", "to": "now"},
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "links": [],
        "annotations": {"list": []},
        "templating": {"list": [{
            "name": "instance",
            "label": "Instance",
            "type": "query",
            "datasource": ds,
            "definition": "label_values(tunnel_up, instance)",
            "query": {"query": "label_values(tunnel_up, instance)", "refId": "InstanceVariable"},
            "refresh": 2,
            "includeAll": True,
            "allValue": ".*",
            "multi": True,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
            "sort": 1,
        }]},
        "panels": panels,
    }


def import_form():
    ds = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
    d = dashboard(ds)
    head = {
        "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "description": "The Prometheus that "
                      "scrapes the applications' /actuator/prometheus", "type": "datasource",
                      "pluginId": "prometheus", "pluginName": "Prometheus"}],
        "__elements": {},
        "__requires": [
            {"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
            {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
            {"type": "panel", "id": "gauge", "name": "Gauge", "version": ""},
            {"type": "panel", "id": "stat", "name": "Stat", "version": ""},
            {"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
        ],
    }
    head.update(d)
    return head


def provisioning_form():
    return dashboard({"type": "prometheus", "uid": PROVISIONED_UID})


def render(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def main(argv):
    check = "--check" in argv[1:]
    stale = []
    for path, obj in ((IMPORT_FILE, import_form()), (PROVISIONING_FILE, provisioning_form())):
        text = render(copy.deepcopy(obj))
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current != text:
            if check:
                stale.append(os.path.relpath(path))
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                print("wrote", os.path.relpath(path))
    if stale:
        print("generate.py --check: not what docs/grafana/generate.py makes (run it and commit): "
              + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
