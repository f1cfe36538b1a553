"""The deploy kit (deploy/): what can be checked without Docker, systemd or a public server."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SHARED = Path(os.environ.get("RAHNUMA_SHARED_DIR") or ROOT.parent / "shared")
VAR_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")


def _example_vars(path: Path) -> dict[str, str]:
    """NAME -> value for every "NAME=value" and switched-off "#NAME=value" line."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = VAR_LINE.match(line)
        if m:
            assert m.group(1) not in found, f"{m.group(1)} listed twice"
            found[m.group(1)] = m.group(2)
    return found


def _contract_vars() -> set[str]:
    contracts = SHARED / "CONTRACTS.md"
    if not contracts.is_file():
        pytest.skip(f"{contracts} not present (set RAHNUMA_SHARED_DIR)")
    text = contracts.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    assert len(names) >= 15, names
    return names


def test_env_example_lists_exactly_the_contract_variables() -> None:
    assert set(_example_vars(DEPLOY / "rahnuma.env.example")) == _contract_vars()


def test_env_example_is_read_the_same_by_dotenv_systemd_and_docker() -> None:
    path = DEPLOY / "rahnuma.env.example"
    listed = _example_vars(path)
    active = {k for k, v in listed.items() if k in dotenv_values(path)}
    assert active == {"TELEGRAM_BOT_TOKEN", "HELPLINE_CHAT_ID", "ADMIN_IDS", "TELEGRAM_WEBHOOK_SECRET"}
    for name, value in listed.items():
        # quotes and spaces mean different things to systemd, docker and dotenv: none at all
        assert not re.search(r"[\"' ]", value), f"{name}={value}"
    for line in path.read_text(encoding="utf-8").splitlines():
        assert not line or line.startswith("#") or VAR_LINE.match(line), line


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_file_runs_bot_database_and_proxy() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"bot", "db", "proxy"}
    for name, service in services.items():
        assert service["restart"] == "always", name
        assert service["healthcheck"]["test"][0] == "CMD", name
    bot = services["bot"]
    assert (ROOT / bot["build"]["dockerfile"]).is_file()
    assert "ports" not in bot  # only the proxy is reachable from outside
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://rahnuma:")
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    used = {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])
            if not v.startswith(".")}
    assert used == set(compose["volumes"])
    for mount in services["proxy"]["volumes"]:
        if mount.startswith("./"):
            assert (DEPLOY / mount.split(":")[0]).is_file(), mount
    # every ${VAR:?...} compose needs is in the example deploy/.env
    needed = set(re.findall(r"\$\{([A-Z_]+):\?", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    assert needed == set(_example_vars(DEPLOY / "compose.env.example"))


def test_proxy_passes_on_the_three_webhook_paths_to_the_bot() -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"@bot path /telegram /whatsapp /healthz\n", caddyfile)
    assert "reverse_proxy bot:8080" in caddyfile
    assert "respond 404" in caddyfile
    assert "8080" in _compose()["services"]["bot"]["expose"]


def test_dockerfile_copies_what_exists_and_runs_as_a_plain_user() -> None:
    lines = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
    copies = [line.split()[1:-1] for line in lines if line.startswith("COPY ")]
    assert copies
    for sources in copies:
        for source in sources:
            assert (ROOT / source).exists(), source
    assert "USER rahnuma" in lines
    for key in ("ENTRYPOINT", "CMD"):
        (line,) = [x for x in lines if x.startswith(key + " ")]
        json.loads(line.split(" ", 1)[1])  # exec form, valid JSON
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    assert "deploy/rahnuma.env" in ignored and "**/.venv" in ignored


def _unit(name: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_systemd_unit_restarts_always_as_a_dedicated_user_with_hardening() -> None:
    unit = _unit("rahnuma.service")
    assert unit["Restart"] == ["always"]
    assert unit["User"] == ["rahnuma"]
    assert unit["EnvironmentFile"] == ["/etc/rahnuma.env"]
    for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "RestrictSUIDSGID"):
        assert unit[key] == ["yes"], key
    assert unit["ProtectSystem"] == ["strict"]
    data_dir = re.search(r"DATA_DIR=(\S+)", unit["Environment"][0]).group(1)
    assert unit["ReadWritePaths"] == [data_dir]
    assert unit["StateDirectory"] == [data_dir.removeprefix("/var/lib/")]
    assert _unit("rahnuma-backup.service")["ExecStart"][0].endswith("-m bot backup")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path: Path) -> None:
    # the units name /opt/rahnuma; point them at this checkout, whose .venv and scripts exist
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in this checkout")
    for unit in (DEPLOY / "systemd").iterdir():
        (tmp_path / unit.name).write_text(unit.read_text(encoding="utf-8").replace("/opt/rahnuma", str(ROOT)))
    done = subprocess.run(["systemd-analyze", "verify", *sorted(map(str, tmp_path.iterdir()))],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_seed_agencies_copies_the_shipped_list_once(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "agencies.csv").write_text("license_no,name\n1/LHR,Shipped\n")
    (content / "agencies.provenance.json").write_text('{"demo": true}')
    env = {**os.environ, "AGENCIES_FILE": str(tmp_path / "data" / "agencies.csv")}
    seed = [str(DEPLOY / "seed-agencies.sh"), str(content)]
    subprocess.run(seed, env=env, check=True, capture_output=True)
    assert (tmp_path / "data" / "agencies.csv").read_text() == "license_no,name\n1/LHR,Shipped\n"
    assert (tmp_path / "data" / "agencies.provenance.json").read_text() == '{"demo": true}'
    # an imported list is never put back to the shipped one
    (tmp_path / "data" / "agencies.csv").write_text("license_no,name\n2/KHI,Imported\n")
    subprocess.run(seed, env=env, check=True, capture_output=True)
    assert "Imported" in (tmp_path / "data" / "agencies.csv").read_text()
    names = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert names == ["agencies.csv", "agencies.provenance.json"]  # no .tmp left


def test_compose_runs_the_webhook_server_behind_the_proxy() -> None:
    bot = _compose()["services"]["bot"]
    assert bot["command"] == ["python", "-m", "bot", "serve"]
    assert bot["environment"]["HOST"] == "0.0.0.0"  # reached by the proxy on the compose network
    assert "still being built" not in (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
