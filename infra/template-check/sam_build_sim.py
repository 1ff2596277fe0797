#!/usr/bin/env python3
"""Runs the Java functions' part of `sam build` the way SAM's makefile builder does, for machines without SAM CLI.

    python3 infra/template-check/sam_build_sim.py [--build-dir DIR] [--legacy-make] [--npm] [Function ...]

For every AWS::Serverless::Function with `Metadata: BuildMethod: makefile` (or the ones named), it does what
aws-lambda-builders' CustomMakeWorkflow does: copies the CodeUri directory, without .git and .aws-sam, to a fresh
scratch directory, then runs `make --makefile <CodeUri>/Makefile build-<LogicalId>` in that copy with
ARTIFACTS_DIR=<build dir>/<LogicalId> in the environment (--legacy-make: `make build-<LogicalId>` with the copied
Makefile, as aws-lambda-builders releases before the --makefile argument did). It then checks the artifact the
way Lambda will load it: lib/ holds exactly one jar, nothing else is in the artifact, and the handler class is
in that jar.

--npm also builds the Node.js functions like SAM's npm builder: `npm pack` of CodeUri, unpacked, package-lock.json
copied, then `npm ci --omit=dev` (with Metadata BuildProperties UseNpmCi) or `npm install --omit=dev`, and checks
that the handler module is there. This needs npm and its registry.

The build directory (default: a temporary one, removed afterwards unless --keep) mirrors .aws-sam/build.
Exit status: 0 every artifact built and checked, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_template  # noqa: E402  (same directory)

EXCLUDED = (".aws-sam", ".git")  # CustomMakeWorkflow.EXCLUDED_FILES


def copy_source(source: Path, scratch: Path) -> None:
    shutil.copytree(source, scratch, symlinks=False, ignore=shutil.ignore_patterns(*EXCLUDED))


def build_java(root: Path, fn: str, code_uri: str, artifacts: Path, legacy: bool) -> tuple[bool, str]:
    source = (root / code_uri).resolve()
    makefile = source / "Makefile"
    with tempfile.TemporaryDirectory(prefix="sam-scratch-") as tmp:
        scratch = Path(tmp) / "src"
        started = time.monotonic()
        copy_source(source, scratch)
        copied = time.monotonic() - started
        artifacts.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, ARTIFACTS_DIR=str(artifacts))
        for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
            env.pop(k, None)
        args = ["make", "build-%s" % fn] if legacy else ["make", "--makefile", str(makefile), "build-%s" % fn]
        proc = subprocess.run(args, cwd=str(scratch), env=env, capture_output=True, text=True)
        took = time.monotonic() - started
    output = (proc.stdout + proc.stderr).strip().replace("\x1b[0m", "")
    summary = "copy %.1f s, total %.1f s: %s" % (copied, took, " | ".join(output.splitlines()[-3:]))
    return proc.returncode == 0, summary


def check_java_artifact(artifacts: Path, handler: str) -> str | None:
    """None if the artifact is what Lambda needs for this handler, else the problem."""
    files = sorted(p.relative_to(artifacts).as_posix() for p in artifacts.rglob("*") if p.is_file())
    jars = [f for f in files if f.startswith("lib/") and f.endswith(".jar") and f.count("/") == 1]
    if len(jars) != 1 or files != jars:
        return "expected exactly one lib/<jar>, found %s" % files
    cls, _ = check_template.handler_class(handler)
    entry = cls.replace(".", "/") + ".class"
    with zipfile.ZipFile(artifacts / jars[0]) as z:
        if entry not in z.namelist():
            return "%s is not in %s" % (entry, jars[0])
    return None


def build_node(root: Path, fn: str, code_uri: str, npm_ci: bool, artifacts: Path) -> tuple[bool, str]:
    npm = shutil.which("npm")
    if npm is None:
        return False, "npm is not on PATH"
    source = (root / code_uri).resolve()
    with tempfile.TemporaryDirectory(prefix="sam-npm-") as tmp:
        proc = subprocess.run([npm, "pack", "--pack-destination", tmp, str(source)], cwd=tmp,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            return False, "npm pack: " + proc.stderr.strip()
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.12+ (and the security backports)
                tar.extractall(Path(tmp) / "unpacked", filter="data")
            else:
                tar.extractall(Path(tmp) / "unpacked")
        shutil.copytree(Path(tmp) / "unpacked" / "package", artifacts, dirs_exist_ok=True)
    for name in ("package-lock.json", "npm-shrinkwrap.json", ".npmrc"):
        if (source / name).is_file():
            shutil.copy2(source / name, artifacts / name)
    install = ["ci", "--omit=dev"] if npm_ci and (artifacts / "package-lock.json").is_file() \
        else ["install", "-q", "--no-audit", "--no-save", "--omit=dev"]
    proc = subprocess.run([npm] + install, cwd=str(artifacts), capture_output=True, text=True)
    if proc.returncode != 0:
        return False, "npm %s: %s" % (install[0], proc.stderr.strip()[-500:])
    (artifacts / ".npmrc").unlink(missing_ok=True)
    return True, "npm pack + npm %s" % install[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root_default = Path(__file__).resolve().parents[2]
    parser.add_argument("functions", nargs="*", help="logical ids (default: every makefile function)")
    parser.add_argument("--root", type=Path, default=root_default)
    parser.add_argument("--build-dir", type=Path, default=None, help="default: a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the temporary build directory")
    parser.add_argument("--legacy-make", action="store_true", help="run `make build-X` without --makefile")
    parser.add_argument("--npm", action="store_true", help="also build the Node.js functions (needs npm)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    template = check_template.load_template(root / "template.yaml")
    build_dir = args.build_dir.resolve() if args.build_dir else Path(tempfile.mkdtemp(prefix="sam-build-sim-"))
    failures = 0
    try:
        for fn, resource in sorted(check_template.resources_of(template, "AWS::Serverless::Function").items()):
            if args.functions and fn not in args.functions:
                continue
            props = check_template.function_props(template, fn)
            metadata = resource.get("Metadata") if isinstance(resource.get("Metadata"), dict) else {}
            artifacts = build_dir / fn
            if artifacts.exists():
                shutil.rmtree(artifacts)
            if metadata.get("BuildMethod") == "makefile":
                ok, summary = build_java(root, fn, props["CodeUri"], artifacts, args.legacy_make)
                problem = None if not ok else check_java_artifact(artifacts, props["Handler"])
                if ok and problem is None:
                    jar = next((artifacts / "lib").glob("*.jar")).name
                    print("OK    %-18s lib/%s (%s)" % (fn, jar, summary))
                else:
                    failures += 1
                    print("FAIL  %-18s %s" % (fn, problem or summary))
            elif str(props.get("Runtime", "")).startswith("nodejs") and args.npm:
                build_props = metadata.get("BuildProperties") if isinstance(metadata.get("BuildProperties"), dict) else {}
                ok, summary = build_node(root, fn, props["CodeUri"], build_props.get("UseNpmCi") is True, artifacts)
                module = props["Handler"].rpartition(".")[0]
                if ok and not any((artifacts / (module + e)).is_file() for e in (".mjs", ".js", ".cjs")):
                    ok, summary = False, "no %s.mjs/.js/.cjs in the artifact" % module
                print("%-5s %-18s %s" % ("OK" if ok else "FAIL", fn, summary))
                failures += 0 if ok else 1
            else:
                print("skip  %-18s (not a makefile function%s)" % (fn, "" if args.npm else "; --npm builds Node.js"))
        print("build directory: %s" % build_dir)
    finally:
        if args.build_dir is None and not args.keep:
            shutil.rmtree(build_dir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
