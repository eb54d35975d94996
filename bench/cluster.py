"""Takt app nodes behind nginx on this machine, as docs/deployment.md describes a production site: a
PostgreSQL database of their own, one Redis, N nodes started by deploy/takt-node (backend only: REST API,
Reflex's /_event, health), and Debian's nginx running deploy/nginx/takt.conf with only the node addresses
and the listen port changed. tests/e2e/test_multinode.py and bench/locust_bench.py use it.

Every process is started in a session of its own and ended as a group (SIGTERM, then SIGKILL), so no
granian worker outlives a run; the database is dropped at the end.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX_CONF = ROOT / "deploy" / "nginx" / "takt.conf"
NODE_SCRIPT = ROOT / "deploy" / "takt-node"
START_TIMEOUT = float(os.environ.get("TAKT_E2E_START_TIMEOUT", "900"))  # s a node may take to answer: it evaluates
                                                                          # every page at start (minutes under load)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """End a process started with start_new_session and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    # workers that left the group leader behind (a SIGKILLed master) go too
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


# ----- the database ---------------------------------------------------------------------------------

def create_database(admin_url: str, prefix: str = "takt_cluster") -> str:
    """A fresh database beside `admin_url`'s; returns its URL."""
    base = sa.engine.make_url(admin_url)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)')
    engine.dispose()


def seed_demo(database_url: str, history_days: int = 1) -> None:
    """Migrate and seed the demo organization with this checkout's CLI (demo mode for the seeding)."""
    env = {**os.environ, "DATABASE_URL": database_url, "TAKT_DEMO": "1",
           "TAKT_DEMO_HISTORY_DAYS": str(history_days), "PYTHONDONTWRITEBYTECODE": "1"}
    for command in ("migrate", "seed-demo"):
        done = subprocess.run([sys.executable, "-m", "rxapp.cli", command, *(["--quiet"] if command == "seed-demo" else [])],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
        if done.returncode:
            raise RuntimeError(f"takt {command} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")


# ----- app nodes ------------------------------------------------------------------------------------

def wait_answering(proc: subprocess.Popen, url: str, log: Path, timeout: float = START_TIMEOUT,
                   name: str = "server") -> None:
    """Until `url`'s /api/v1/health/ready answers 200; raises if `proc` exits or `timeout` s pass."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail(log)}")
        try:
            if httpx.get(f"{url}/api/v1/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer within {timeout:.0f} s:\n{tail(log)}")


class Node:
    """One app node: `deploy/takt-node --backend-only PORT` with the cluster's environment."""

    def __init__(self, name: str, port: int, env: dict[str, str], workdir: Path):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log = workdir / f"node-{name}.log"
        node_env = {**env, "REFLEX_WEB_WORKDIR": str(workdir / f"web-{name}"),
                    "REFLEX_STATES_WORKDIR": str(workdir / f"states-{name}")}
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([str(NODE_SCRIPT), "--backend-only", str(port)], cwd=ROOT, env=node_env,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        wait_answering(self.proc, self.url, self.log, timeout, self.name)

    def kill(self) -> None:
        """Die as a machine would: SIGKILL to the node's whole process group, no shutdown."""
        stop_group(self.proc, signal.SIGKILL)

    def stop(self) -> None:
        if self.proc.poll() is None:
            stop_group(self.proc)
        else:
            stop_group(self.proc, signal.SIGKILL, timeout=5)


def node_environment(database_url: str, redis_url: str, workers: int, channel: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("TAKT_DEV", "TAKT_EVENT_BACKEND", "GRANIAN_WORKERS", "TAKT_DEMO_HISTORY_DAYS")}
    env.update({"DATABASE_URL": database_url, "REFLEX_REDIS_URL": redis_url, "TAKT_WORKERS": str(workers),
                "TAKT_EVENT_CHANNEL": channel, "TAKT_VENV": str(BIN.parent), "TAKT_DEMO": "1",
                "TAKT_TOOLS": str(ROOT / ".tools" if (ROOT / ".tools").is_dir() else BIN.parent.parent / ".tools"),
                "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "TAKT_LOG_LEVEL": "WARNING"})
    return env


# ----- nginx ----------------------------------------------------------------------------------------

UPSTREAM = re.compile(r"(upstream takt_nodes \{.*?)((?:\s*server [^;]+;)+)", re.DOTALL)
LISTEN = re.compile(r"^(\s*)listen 80;$", re.MULTILINE)


def render_nginx_site(conf: str, listen_port: int, node_ports: list[int]) -> str:
    """deploy/nginx/takt.conf with these nodes in its upstream and this listen address; refuses a file whose
    upstream or listen line moved (the test would no longer run the documented file)."""
    upstream = UPSTREAM.search(conf)
    if upstream is None or not LISTEN.search(conf):
        raise ValueError(f"{NGINX_CONF} no longer has `upstream takt_nodes {{ server ...; }}` and `listen 80;`")
    options = re.search(r"server \S+ ([^;]*);", upstream.group(2))
    extra = f" {options.group(1)}" if options and options.group(1) else ""
    servers = "".join(f"\n    server 127.0.0.1:{p}{extra};" for p in node_ports)
    conf = conf[:upstream.start(2)] + servers + conf[upstream.end(2):]
    return LISTEN.sub(lambda m: f"{m.group(1)}listen 127.0.0.1:{listen_port};", conf)


class Nginx:
    """Debian's nginx in the foreground with a main config of its own that includes the rendered site."""

    def __init__(self, workdir: Path, listen_port: int, node_ports: list[int]):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        self.port = listen_port
        self.url = f"http://127.0.0.1:{listen_port}"
        home = workdir / "nginx"
        home.mkdir(parents=True, exist_ok=True)
        (home / "takt.conf").write_text(render_nginx_site(NGINX_CONF.read_text(), listen_port, node_ports))
        temp = " ".join(f"{kind}_temp_path {home / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""    # workers may then use the private temp folder
        (home / "nginx.conf").write_text(
            f"{user}worker_processes 1;\nerror_log {home / 'error.log'} warn;\npid {home / 'nginx.pid'};\n"
            f"events {{ worker_connections 4096; }}\n"
            f"http {{\n  access_log {home / 'access.log'};\n  {temp}\n  include {home / 'takt.conf'};\n}}\n")
        self.log = home / "error.log"
        with open(home / "stdout.log", "w") as out:
            self.proc = subprocess.Popen([binary, "-p", str(home), "-c", str(home / "nginx.conf"), "-g", "daemon off;"],
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        started = time.monotonic()
        while time.monotonic() - started < 30:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}:\n{tail(home / 'stdout.log')}"
                                   f"{tail(self.log)}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", listen_port), timeout=1):
                return
            time.sleep(0.2)
        raise RuntimeError(f"nginx did not listen on {listen_port}:\n{tail(self.log)}")

    def stop(self) -> None:
        stop_group(self.proc, signal.SIGQUIT)
