#!/usr/bin/env python3
"""Offline consistency checks between template.yaml, the Lambda jars and the local runner's routes.

Run from the project root after building the jars (`make jars`, or `mvn -DskipTests package`):

    python3 infra/template-check/check_template.py [--root DIR] [--template FILE]

Checks
  (a) jars     `sam build` can build every function, and what it builds holds the handler. A Java
               AWS::Serverless::Function has `Metadata: BuildMethod: makefile` and a directory CodeUri with a
               Makefile that has its target `build-<LogicalId>` (SAM runs exactly that target), whose recipe is
               `$(call lambda_jar,<module>)`: the jar it installs is the Makefile's `jar_path` for that module
               (functions/<m>/target/function-<m>-$(VERSION)-lambda.jar), the module is one of the Makefile's
               MODULES (the ones its single Maven run builds), and VERSION is pom.xml's version. When `make` is
               on PATH, make's own database (make -pqr, which runs no recipe) must list the same build-*
               targets. Then the handler class exists as a .class entry in that jar, is public, has a public
               no-argument constructor (Lambda creates the handler with it) and declares the handler method.
               A prebuilt-jar CodeUri is refused (`sam build` cannot build it). A Node.js function's CodeUri is
               a directory holding the handler's module (index.mjs, .js or .cjs for `index.handler`), which
               exports that name; `sam build` installs its package.json dependencies (npm ci from
               package-lock.json with `Metadata: BuildProperties: UseNpmCi: true`, whose lockfile must exist).
  (b) routes   every AWS::ApiGatewayV2::Route targets an integration defined in the template whose
               IntegrationUri is `!Ref <Function>.Alias` of a function that has an AutoPublishAlias, on
               the same API; no route key is defined twice; and an AWS::Lambda::Permission for that
               alias (principal apigateway.amazonaws.com) has a SourceArn pattern that covers the route
               (else API Gateway answers 500 at runtime, which neither cfn-lint nor SAM would notice).
               A route's authorizer (AuthorizerId) must be an AWS::ApiGatewayV2::Authorizer on the same API
               whose AuthorizerUri names `${<Function>.Alias}`, with a permission for
               `${<Api>}/authorizers/${<Authorizer>}`.
  (c) local    the routes of infra/local/src/main/java/dev/cargoreg/local/LocalRegistry.java (the
               `new Route("METHOD", "/path", handler)` lines) and the template's route keys are the same
               set, METHOD and path character for character (the handlers dispatch on the route key and
               read the path parameters by name), and each route reaches the same handler class in both.
               The runner's 4th Route argument (authorized) must match the route's authorization:
               `true` = CUSTOM always, `false` or absent = none, a variable set from
               `config.authRequired()` = `!If [<condition on AuthRequired = "true">, CUSTOM, NONE]`.
  (d) snapstart every function whose SnapStart (after Globals) is `ApplyOn: PublishedVersions` has an
               AutoPublishAlias (SnapStart applies to published versions only) and a runtime that has
               SnapStart (java11+, python3.12+, dotnet8+); any other function says `ApplyOn: None`.
  (e) logs     every function names its own log group (LoggingConfig.LogGroup: !Ref <AWS::Logs::LogGroup>),
               which has a RetentionInDays, exists whenever the function does (no condition, or the
               function's), and is used by no other function; when the function's Role is `!GetAtt <Role>.Arn`
               of a role in the template, that role may write to it (logs:CreateLogStream and
               logs:PutLogEvents on `!GetAtt <LogGroup>.Arn`).

Functions without a route (invoked directly, or by an event source) are listed, not refused.

Also warns (fails with --strict) about function modules functions/<m>/ that no function deploys, and about
build-* targets of the Makefile that no function uses.

Exit status: 0 all checks pass; 1 a mismatch (or the inputs cannot be read); 2 no mismatch found but a
jar is missing, so (a) could not run completely (build first: make jars).

Needs Python 3.8+ and PyYAML, or cfn-lint (its template decoder is used when PyYAML is absent).
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

LOCAL_REGISTRY = Path("infra/local/src/main/java/dev/cargoreg/local/LocalRegistry.java")
SAMPLE_PARAMS = {"name": "sample-crate", "version": "1.0.0+build.5"}


# ----------------------------------------------------------------------------------------------------
# Template loading: PyYAML with the CloudFormation short-form tags, else cfn-lint's decoder.
# ----------------------------------------------------------------------------------------------------
def load_template(path: Path) -> dict:
    try:
        import yaml  # type: ignore
    except ImportError:
        yaml = None
    if yaml is not None:
        class CfnLoader(yaml.SafeLoader):
            pass

        def construct_tag(loader, tag_suffix, node):
            if isinstance(node, yaml.ScalarNode):
                value = loader.construct_scalar(node)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            if tag_suffix == "Ref":
                return {"Ref": value}
            if tag_suffix == "Condition":
                return {"Condition": value}
            if tag_suffix == "GetAtt" and isinstance(value, str):
                return {"Fn::GetAtt": value.split(".", 1)}
            return {"Fn::" + tag_suffix: value}

        CfnLoader.add_multi_constructor("!", construct_tag)
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=CfnLoader)  # noqa: S506 (SafeLoader subclass)
    try:
        from cfnlint.decode import decode  # type: ignore
    except ImportError:
        raise SystemExit("error: neither PyYAML nor cfn-lint is installed; install one of them "
                         "(pip install pyyaml)")
    template, matches = decode(str(path))
    if matches or template is None:
        raise SystemExit("error: cannot parse %s: %s" % (path, "; ".join(str(m) for m in matches)))
    return template


# ----------------------------------------------------------------------------------------------------
# Class files: enough of the JVM class format to find the access flags and the methods.
# ----------------------------------------------------------------------------------------------------
ACC_PUBLIC = 0x0001
ACC_INTERFACE = 0x0200
ACC_ABSTRACT = 0x0400


def read_class(data: bytes) -> tuple[int, list[tuple[int, str, str]]]:
    """Returns (class access flags, [(method flags, name, descriptor)])."""
    if data[:4] != b"\xca\xfe\xba\xbe":
        raise ValueError("not a class file")
    pos = 8
    (count,) = struct.unpack_from(">H", data, pos)
    pos += 2
    utf8: dict[int, str] = {}
    i = 1
    while i < count:
        tag = data[pos]
        pos += 1
        if tag == 1:
            (length,) = struct.unpack_from(">H", data, pos)
            utf8[i] = data[pos + 2:pos + 2 + length].decode("utf-8", "replace")
            pos += 2 + length
        elif tag in (3, 4, 9, 10, 11, 12, 17, 18):
            pos += 4
        elif tag in (5, 6):
            pos += 8
            i += 1  # longs and doubles take two slots
        elif tag in (7, 8, 16, 19, 20):
            pos += 2
        elif tag == 15:
            pos += 3
        else:
            raise ValueError("unknown constant pool tag %d" % tag)
        i += 1
    access, _this, _super, n_interfaces = struct.unpack_from(">HHHH", data, pos)
    pos += 8 + 2 * n_interfaces

    def skip_attributes(p: int) -> int:
        (n,) = struct.unpack_from(">H", data, p)
        p += 2
        for _ in range(n):
            _name, length = struct.unpack_from(">HI", data, p)
            p += 6 + length
        return p

    (n_fields,) = struct.unpack_from(">H", data, pos)
    pos += 2
    for _ in range(n_fields):
        pos = skip_attributes(pos + 6)
    (n_methods,) = struct.unpack_from(">H", data, pos)
    pos += 2
    methods = []
    for _ in range(n_methods):
        flags, name_index, desc_index = struct.unpack_from(">HHH", data, pos)
        methods.append((flags, utf8.get(name_index, "?"), utf8.get(desc_index, "?")))
        pos = skip_attributes(pos + 6)
    return access, methods


# ----------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------
class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.missing_jars: list[str] = []
        self.auth_modes: dict[str, str] = {}
        # Java function -> its jar, relative to the project root (as the Makefile resolves it)
        self.function_jars: dict[str, str] = {}

    def fail(self, check: str, message: str) -> None:
        self.errors.append("[%s] %s" % (check, message))


def function_props(template: dict, logical_id: str) -> dict:
    """A serverless function's properties with the Globals.Function defaults applied (shallow)."""
    merged = dict((template.get("Globals") or {}).get("Function") or {})
    merged.update(template["Resources"][logical_id].get("Properties") or {})
    return merged


def resources_of(template: dict, rtype: str) -> dict:
    return {k: v for k, v in template["Resources"].items() if v.get("Type") == rtype}


def ref_name(value) -> str | None:
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        return value["Ref"]
    return None


def integration_of_target(target) -> str | None:
    """`integrations/${X}` (Fn::Sub) or Fn::Join ["", ["integrations/", !Ref X]] -> X."""
    if isinstance(target, dict) and "Fn::Sub" in target:
        sub = target["Fn::Sub"]
        text = sub if isinstance(sub, str) else sub[0]
        m = re.fullmatch(r"integrations/\$\{([A-Za-z0-9]+)\}", text)
        return m.group(1) if m else None
    if isinstance(target, dict) and "Fn::Join" in target:
        sep, parts = target["Fn::Join"]
        if sep == "" and len(parts) == 2 and parts[0] == "integrations/":
            return ref_name(parts[1])
    return None


def alias_function(value) -> str | None:
    """`!Ref Fn.Alias` -> Fn."""
    name = ref_name(value)
    if name and name.endswith(".Alias"):
        return name[: -len(".Alias")]
    return None


def handler_class(handler: str) -> tuple[str, str]:
    cls, _, method = handler.partition("::")
    return cls, method or "handleRequest"


# ----------------------------------------------------------------------------------------------------
# (a) handler classes in jars
# ----------------------------------------------------------------------------------------------------
def check_node_function(root: Path, fn: str, handler: str, code_uri: str, npm_ci: bool,
                        report: Report) -> str | None:
    """`index.handler` in a directory CodeUri: the module exists and exports `handler`."""
    directory = root / code_uri
    module, _, name = handler.rpartition(".")
    if not module or not name:
        report.fail("a", "%s: Handler %r is not <module>.<export>" % (fn, handler))
        return None
    if not directory.is_dir():
        report.fail("a", "%s: CodeUri %s is not a directory" % (fn, code_uri))
        return None
    files = [directory / (module + ext) for ext in (".mjs", ".js", ".cjs")]
    source_file = next((f for f in files if f.is_file()), None)
    if source_file is None:
        report.fail("a", "%s: no %s.mjs/.js/.cjs in %s (Handler: %s)" % (fn, module, code_uri, handler))
        return None
    source = source_file.read_text(encoding="utf-8")
    esc = re.escape(name)
    exported = re.search(r"^export\s+(?:const|let|var|(?:async\s+)?function\*?)\s+%s\b" % esc, source, re.M) \
        or re.search(r"^export\s*\{[^}]*\b%s\b[^}]*\}" % esc, source, re.M) \
        or re.search(r"\b(?:module\.)?exports\.%s\s*=" % esc, source)
    if not exported:
        report.fail("a", "%s: %s does not export `%s` (Handler: %s)" % (fn, source_file.relative_to(root), name, handler))
        return None
    if not (directory / "package.json").is_file():
        note = " (no package.json: sam build copies the directory as it is)"
    elif npm_ci:
        if not any((directory / f).is_file() for f in ("package-lock.json", "npm-shrinkwrap.json")):
            report.fail("a", "%s: Metadata BuildProperties UseNpmCi is true, but %s has no package-lock.json "
                             "(sam build would fall back to npm install)" % (fn, code_uri))
            return None
        note = " (sam build: npm ci from package-lock.json)"
    else:
        note = " (sam build: npm install from package.json)"
    return "  %-18s %s in %s%s" % (fn, handler, source_file.relative_to(root), note)


class Makefile:
    """What check (a) needs from the Makefile that `sam build` runs: its build-<LogicalId> targets, the module
    whose jar each one installs (`$(call lambda_jar,<module>)`), MODULES, VERSION and jar_path."""

    TARGET = re.compile(r"^build-([A-Za-z0-9]+)[ \t]*:(?!=)[^\n]*\n((?:\t[^\n]*\n)*)", re.M)
    CALL = re.compile(r"\$\(call lambda_jar,([^,)\s]+)\)")

    def __init__(self, path: Path, report: Report) -> None:
        self.path = path
        self.report = report
        text = path.read_text(encoding="utf-8")
        self.targets: dict[str, list[str]] = {}
        for m in self.TARGET.finditer(text):
            if m.group(1) in self.targets:
                report.fail("a", "%s: target build-%s is defined twice" % (path.name, m.group(1)))
            self.targets[m.group(1)] = self.CALL.findall(m.group(2))
        self.version = self.variable(text, "VERSION")
        self.jar_path = self.variable(text, "jar_path")
        modules = self.variable(text, "MODULES")
        self.modules = modules.split() if modules else []
        self.make_targets = self.ask_make()

    def variable(self, text: str, name: str) -> str | None:
        m = re.search(r"^%s[ \t]*[:?]?=[ \t]*(.*?)[ \t]*$" % re.escape(name), text, re.M)
        if not m:
            self.report.fail("a", "%s: no %s = ... line" % (self.path.name, name))
            return None
        return m.group(1)

    def ask_make(self) -> set[str] | None:
        """The build-* targets in make's own database, or None without make. -p prints the database, -q
        runs no recipe, and the goal does not exist, so nothing is built."""
        make = shutil.which("make")
        if make is None:
            return None
        goal = "__check_template_no_such_target__"
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        try:
            proc = subprocess.run([make, "-pqr", "-f", str(self.path), goal], cwd=str(self.path.parent),
                                  capture_output=True, text=True, timeout=60, env=env)
        except (OSError, subprocess.SubprocessError) as e:
            self.report.fail("a", "%s: cannot run make: %s" % (self.path.name, e))
            return None
        errors = [line for line in proc.stderr.splitlines() if line.strip() and goal not in line]
        if errors:
            self.report.fail("a", "%s: make reports: %s" % (self.path.name, " | ".join(errors[:3])))
        return set(re.findall(r"^build-([A-Za-z0-9]+):", proc.stdout, re.M))

    def jar_of(self, module: str) -> str | None:
        if self.jar_path is None or self.version is None:
            return None
        jar = self.jar_path.replace("$(1)", module).replace("$(VERSION)", self.version)
        if "$" in jar:
            self.report.fail("a", "%s: cannot evaluate jar_path %r" % (self.path.name, self.jar_path))
            return None
        return jar

    def check(self, root: Path, used_targets: set[str]) -> None:
        """Makefile-wide checks: VERSION is pom.xml's, make agrees on the targets, the targets' modules
        are built by the jars step, and every target serves a function."""
        pom = self.path.parent / "pom.xml"
        try:
            project = ElementTree.parse(pom).getroot()
            ns = project.tag[:project.tag.index("}") + 1] if project.tag.startswith("{") else ""
            version = project.findtext(ns + "version")
        except (OSError, ElementTree.ParseError) as e:
            self.report.fail("a", "cannot read the project version from %s: %s" % (pom, e))
            version = None
        if version is not None and self.version is not None and version.strip() != self.version:
            self.report.fail("a", "%s: VERSION %s, but %s says %s: the jars would not be found"
                             % (self.path.name, self.version, shown(pom, root), version.strip()))
        if self.make_targets is not None and self.make_targets != set(self.targets):
            self.report.fail("a", "%s: make sees the targets %s, this check read %s"
                             % (self.path.name, sorted("build-" + t for t in self.make_targets),
                                sorted("build-" + t for t in self.targets)))
        for m in self.modules:
            if not (self.path.parent / "functions" / m / "pom.xml").is_file():
                self.report.fail("a", "%s: MODULES names %s, but there is no functions/%s/pom.xml" % (self.path.name, m, m))
        for target, calls in sorted(self.targets.items()):
            for m in calls:
                if m not in self.modules:
                    self.report.fail("a", "%s: build-%s installs the %s jar, but MODULES (what its one Maven run "
                                          "builds) lacks %s" % (self.path.name, target, m, m))
            if target not in used_targets:
                self.report.warnings.append("%s: build-%s serves no function of the template with "
                                            "BuildMethod makefile" % (self.path.name, target))


def shown(path: Path, root: Path) -> Path:
    """path relative to root when it is inside it (Path.is_relative_to needs Python 3.9)."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def java_jar(root: Path, template: dict, fn: str, code_uri: str, makefiles: dict[Path, Makefile],
             report: Report) -> tuple[str, str] | None:
    """(the jar `sam build` deploys for a Java function, relative to root; how), or None after a failure."""
    metadata = template["Resources"][fn].get("Metadata")
    method = metadata.get("BuildMethod") if isinstance(metadata, dict) else None
    if method != "makefile":
        if code_uri.endswith(".jar"):
            report.fail("a", "%s: CodeUri is the prebuilt jar %s, which `sam build` cannot build (aws/aws-sam-cli#4575): "
                             "use CodeUri: . with Metadata: BuildMethod: makefile and a build-%s target"
                             % (fn, code_uri, fn))
        else:
            report.fail("a", "%s: a Java function without Metadata: BuildMethod: makefile (sam build would run its "
                             "own Maven build in %s)" % (fn, code_uri))
        return None
    directory = (root / code_uri).resolve()
    path = directory / "Makefile"
    if not path.is_file():
        report.fail("a", "%s: BuildMethod makefile, but CodeUri %s has no Makefile" % (fn, code_uri))
        return None
    if path not in makefiles:
        makefiles[path] = Makefile(path, report)
    makefile = makefiles[path]
    where = shown(path, root)
    if fn not in makefile.targets:
        report.fail("a", "%s: %s has no target build-%s, which `sam build` runs for it" % (fn, where, fn))
        return None
    calls = makefile.targets[fn]
    if len(calls) != 1:
        report.fail("a", "%s: the recipe of build-%s in %s must be one $(call lambda_jar,<module>) (found %d)"
                    % (fn, fn, where, len(calls)))
        return None
    jar = makefile.jar_of(calls[0])
    if jar is None:
        return None
    return str(shown(directory / jar, root)), "make build-%s" % fn


def check_jars(root: Path, template: dict, report: Report) -> list[str]:
    lines = []
    makefiles: dict[Path, Makefile] = {}
    for fn in sorted(resources_of(template, "AWS::Serverless::Function")):
        props = function_props(template, fn)
        handler, code_uri = props.get("Handler"), props.get("CodeUri")
        if not isinstance(handler, str) or not isinstance(code_uri, str):
            report.fail("a", "%s: Handler and CodeUri must be plain strings (got %r, %r)" % (fn, handler, code_uri))
            continue
        runtime = props.get("Runtime")
        if isinstance(runtime, str) and runtime.startswith("nodejs"):
            metadata = template["Resources"][fn].get("Metadata")
            build_props = metadata.get("BuildProperties") if isinstance(metadata, dict) else None
            npm_ci = isinstance(build_props, dict) and build_props.get("UseNpmCi") is True
            line = check_node_function(root, fn, handler, code_uri, npm_ci, report)
            if line:
                lines.append(line)
            continue
        if not (isinstance(runtime, str) and runtime.startswith("java")):
            report.fail("a", "%s: runtime %r: this check knows java* and nodejs* only" % (fn, runtime))
            continue
        resolved = java_jar(root, template, fn, code_uri, makefiles, report)
        if resolved is None:
            continue
        jar_name, how = resolved
        report.function_jars[fn] = jar_name
        jar = root / jar_name
        if not jar.is_file():
            report.missing_jars.append("%s: %s (%s)" % (fn, jar_name, how))
            continue
        cls, method = handler_class(handler)
        entry = cls.replace(".", "/") + ".class"
        try:
            with zipfile.ZipFile(jar) as z:
                if entry not in z.namelist():
                    report.fail("a", "%s: %s is not in %s (Handler: %s)" % (fn, entry, jar_name, handler))
                    continue
                access, methods = read_class(z.read(entry))
        except (zipfile.BadZipFile, ValueError, struct.error) as e:
            report.fail("a", "%s: cannot read %s from %s: %s" % (fn, entry, jar_name, e))
            continue
        problems = []
        if not access & ACC_PUBLIC or access & (ACC_INTERFACE | ACC_ABSTRACT):
            problems.append("is not a public concrete class")
        if not any(n == "<init>" and d == "()V" and f & ACC_PUBLIC for f, n, d in methods):
            problems.append("has no public no-argument constructor")
        if not any(n == method and f & ACC_PUBLIC for f, n, _ in methods):
            problems.append("declares no public method %s" % method)
        if problems:
            report.fail("a", "%s: %s (in %s) %s" % (fn, cls, jar_name, "; ".join(problems)))
        else:
            lines.append("  %-18s %s in %s (%s)" % (fn, handler, jar_name, how))
    used_targets = {fn for fn, res in template["Resources"].items()
                    if res.get("Type") == "AWS::Serverless::Function"
                    and isinstance(res.get("Metadata"), dict) and res["Metadata"].get("BuildMethod") == "makefile"}
    for makefile in makefiles.values():
        makefile.check(root, used_targets)
        lines.append("  Makefile %s: %d build targets%s" % (
            shown(makefile.path, root), len(makefile.targets),
            ", the same in make's database" if makefile.make_targets is not None
            else " (make not on PATH: read as text only)"))
    return lines


# ----------------------------------------------------------------------------------------------------
# (b) routes -> integrations -> function aliases (+ invoke permissions)
# ----------------------------------------------------------------------------------------------------
def source_arn_pattern(permission: dict, api: str) -> str | None:
    """The part of the SourceArn after `${Api}/`, e.g. `*/GET/api/v1/crates/*`."""
    arn = permission.get("SourceArn")
    if isinstance(arn, dict) and "Fn::Sub" in arn:
        text = arn["Fn::Sub"] if isinstance(arn["Fn::Sub"], str) else arn["Fn::Sub"][0]
        marker = "${%s}/" % api
        if marker in text:
            return text.split(marker, 1)[1]
    return None


def arn_like(pattern: str, value: str) -> bool:
    # IAM ArnLike: '*' matches any run of characters ('/' included), '?' one character.
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


ALWAYS, NEVER, PRIVATE_ONLY = "always", "never", "when AuthRequired=true"


def is_auth_required_condition(template: dict, name) -> bool:
    """Condition `!Equals [!Ref AuthRequired, "true"]` (either order)."""
    cond = (template.get("Conditions") or {}).get(name) if isinstance(name, str) else None
    if not isinstance(cond, dict) or "Fn::Equals" not in cond:
        return False
    a, b = cond["Fn::Equals"]
    return {ref_name(a) or ref_name(b), a if isinstance(a, str) else b} == {"AuthRequired", "true"}


def route_auth(template: dict, props: dict) -> tuple[str | None, str | None, str | None]:
    """(mode, authorizer logical id, problem) of a route."""
    kind, auth_id = props.get("AuthorizationType", "NONE"), props.get("AuthorizerId")
    if kind == "NONE" and auth_id is None:
        return NEVER, None, None
    if kind == "CUSTOM":
        if ref_name(auth_id) is None:
            return None, None, "AuthorizationType CUSTOM needs AuthorizerId: !Ref <Authorizer>"
        return ALWAYS, ref_name(auth_id), None
    if isinstance(kind, dict) and "Fn::If" in kind:
        cond, yes, no = kind["Fn::If"]
        if not is_auth_required_condition(template, cond) or (yes, no) != ("CUSTOM", "NONE"):
            return None, None, "AuthorizationType %r is not !If [<AuthRequired = \"true\">, CUSTOM, NONE]" % (kind,)
        if not (isinstance(auth_id, dict) and "Fn::If" in auth_id and auth_id["Fn::If"][0] == cond
                and ref_name(auth_id["Fn::If"][1]) and ref_name(auth_id["Fn::If"][2]) == "AWS::NoValue"):
            return None, None, "AuthorizerId must be !If [%s, !Ref <Authorizer>, !Ref AWS::NoValue]" % cond
        return PRIVATE_ONLY, ref_name(auth_id["Fn::If"][1]), None
    return None, None, "unsupported AuthorizationType/AuthorizerId %r/%r" % (kind, auth_id)


def check_authorizer(template: dict, authorizer: str, api: str, report: Report, where: str) -> bool:
    authorizers = resources_of(template, "AWS::ApiGatewayV2::Authorizer")
    if authorizer not in authorizers:
        report.fail("b", "%s: authorizer %s is not an AWS::ApiGatewayV2::Authorizer in the template" % (where, authorizer))
        return False
    ap = authorizers[authorizer].get("Properties") or {}
    if ref_name(ap.get("ApiId")) != api:
        report.fail("b", "%s: authorizer %s is not on API %s" % (where, authorizer, api))
        return False
    uri = ap.get("AuthorizerUri")
    text = uri.get("Fn::Sub") if isinstance(uri, dict) else None
    text = text if isinstance(text, str) else (text[0] if isinstance(text, list) else "")
    m = re.search(r"/functions/\$\{([A-Za-z0-9]+)\.Alias\}/invocations$", text)
    fn = m.group(1) if m else None
    if fn is None or fn not in resources_of(template, "AWS::Serverless::Function") \
            or not function_props(template, fn).get("AutoPublishAlias"):
        report.fail("b", "%s: authorizer %s's AuthorizerUri %r does not invoke `${<Function>.Alias}` of a function "
                         "with an AutoPublishAlias" % (where, authorizer, uri))
        return False
    wanted = "${%s}/authorizers/${%s}" % (api, authorizer)
    for perm in resources_of(template, "AWS::Lambda::Permission").values():
        pp = perm.get("Properties") or {}
        arn = pp.get("SourceArn")
        arn_text = arn.get("Fn::Sub") if isinstance(arn, dict) else None
        if alias_function(pp.get("FunctionName")) == fn and pp.get("Principal") == "apigateway.amazonaws.com" \
                and isinstance(arn_text, str) and arn_text.endswith(wanted):
            return True
    report.fail("b", "%s: no AWS::Lambda::Permission lets API Gateway invoke %s.Alias as authorizer %s "
                     "(SourceArn ...:%s)" % (where, fn, authorizer, wanted))
    return False


def check_routes(template: dict, report: Report) -> tuple[dict[str, str], list[str]]:
    """Returns {route key: function logical id} and the lines to print."""
    functions = resources_of(template, "AWS::Serverless::Function")
    integrations = resources_of(template, "AWS::ApiGatewayV2::Integration")
    permissions = resources_of(template, "AWS::Lambda::Permission")
    routes = resources_of(template, "AWS::ApiGatewayV2::Route")
    if not routes:
        report.fail("b", "the template defines no AWS::ApiGatewayV2::Route")
    result: dict[str, str] = {}
    checked_authorizers: dict[str, bool] = {}
    lines = []
    by_key = lambda item: str((item[1].get("Properties") or {}).get("RouteKey"))  # noqa: E731
    for rid, route in sorted(routes.items(), key=by_key):
        p = route.get("Properties") or {}
        key = p.get("RouteKey")
        if not isinstance(key, str) or not re.fullmatch(r"[A-Z]+ /\S*", key):
            report.fail("b", "%s: RouteKey %r is not `METHOD /path`" % (rid, key))
            continue
        if key in result:
            report.fail("b", "route key %s is defined twice" % key)
            continue
        integ = integration_of_target(p.get("Target"))
        if integ is None:
            report.fail("b", "%s (%s): Target %r is not integrations/${<Integration>}" % (rid, key, p.get("Target")))
            continue
        if integ not in integrations:
            report.fail("b", "%s (%s): integration %s is not defined in the template" % (rid, key, integ))
            continue
        ip = integrations[integ].get("Properties") or {}
        api = ref_name(p.get("ApiId"))
        if api is None or ref_name(ip.get("ApiId")) != api:
            report.fail("b", "%s (%s): route and integration %s are not on the same API" % (rid, key, integ))
            continue
        if ip.get("IntegrationType") != "AWS_PROXY":
            report.fail("b", "%s (%s): integration %s is %s, not AWS_PROXY" % (rid, key, integ, ip.get("IntegrationType")))
            continue
        fn = alias_function(ip.get("IntegrationUri"))
        if fn is None:
            report.fail("b", "%s (%s): integration %s targets %r, not `!Ref <Function>.Alias`"
                        % (rid, key, integ, ip.get("IntegrationUri")))
            continue
        if fn not in functions:
            report.fail("b", "%s (%s): integration %s targets %s.Alias, but %s is not an AWS::Serverless::Function "
                             "in the template" % (rid, key, integ, fn, fn))
            continue
        if not function_props(template, fn).get("AutoPublishAlias"):
            report.fail("b", "%s (%s): %s has no AutoPublishAlias, so %s.Alias does not exist" % (rid, key, fn, fn))
            continue
        result[key] = fn
        mode, authorizer, problem = route_auth(template, p)
        if problem:
            report.fail("b", "%s (%s): %s" % (rid, key, problem))
        else:
            report.auth_modes[key] = mode
            if authorizer and authorizer not in checked_authorizers:
                checked_authorizers[authorizer] = check_authorizer(template, authorizer, api, report, "%s (%s)" % (rid, key))
        # The invoke permission: API Gateway presents .../<api>/<stage>/<METHOD>/<path>.
        method, path = key.split(" ", 1)
        concrete = re.sub(r"\{([^}]+)\}", lambda m: SAMPLE_PARAMS.get(m.group(1), "x"), path)
        candidates = ["%s/%s%s" % (stage, method, form) for stage in ("$default",) for form in (path, concrete)]
        covering = []
        for pid, perm in sorted(permissions.items()):
            pp = perm.get("Properties") or {}
            if alias_function(pp.get("FunctionName")) != fn or pp.get("Principal") != "apigateway.amazonaws.com" \
                    or pp.get("Action") != "lambda:InvokeFunction":
                continue
            pattern = source_arn_pattern(pp, api)
            if pattern is not None and all(arn_like(pattern, c) for c in candidates):
                covering.append(pid)
        if not covering:
            report.fail("b", "%s (%s): no AWS::Lambda::Permission for %s.Alias (principal apigateway.amazonaws.com) "
                             "has a SourceArn `${%s}/...` pattern matching %s; API Gateway would answer 500"
                        % (rid, key, fn, api, " and ".join(candidates)))
            continue
        lines.append("  %-45s -> %-18s -> %s.Alias (%s; auth: %s)"
                     % (key, integ, fn, ", ".join(covering), report.auth_modes.get(key, "?")))
    return result, lines


# ----------------------------------------------------------------------------------------------------
# (c) local runner routes
# ----------------------------------------------------------------------------------------------------
def local_routes(root: Path, report: Report) -> dict[str, tuple[str | None, str | None]]:
    """{route key: (fully qualified handler class or simple name or None, auth mode or None)}."""
    path = root / LOCAL_REGISTRY
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as e:
        report.fail("c", "cannot read %s: %s" % (LOCAL_REGISTRY, e))
        return {}
    imports = dict((m.group(2), m.group(1) + "." + m.group(2))
                   for m in re.finditer(r"^import\s+([\w.]+)\.(\w+)\s*;", source, re.M))
    variables = {m.group(2): imports.get(m.group(1), m.group(1))
                 for m in re.finditer(r"\b(\w+Handler)\s+(\w+)\s*=\s*new\s+\1\s*\(", source)}
    flags = {m.group(1): m.group(2) for m in re.finditer(r"\bboolean\s+(\w+)\s*=\s*([^;]+);", source)}
    routes: dict[str, tuple[str | None, str | None]] = {}
    for m in re.finditer(r'new\s+Route\(\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*(?:,\s*([^()]*?)\s*)?\)', source):
        key = "%s %s" % (m.group(1), m.group(2))
        if key in routes:
            report.fail("c", "%s lists %s twice" % (LOCAL_REGISTRY, key))
        auth = m.group(4)
        expr = flags.get(auth, auth) if auth else "false"
        mode = ALWAYS if expr == "true" else NEVER if expr == "false" \
            else PRIVATE_ONLY if re.fullmatch(r"\w+\.authRequired\(\)", expr.strip()) else None
        routes[key] = (variables.get(m.group(3)), mode)
    if not routes:
        report.fail("c", "found no `new Route(\"METHOD\", \"/path\", handler)` in %s; has its format changed?"
                    % LOCAL_REGISTRY)
    return routes


def check_local(root: Path, template: dict, template_routes: dict[str, str], report: Report) -> list[str]:
    local = local_routes(root, report)
    if not local:
        return []
    all_template_keys = {
        (r.get("Properties") or {}).get("RouteKey")
        for r in resources_of(template, "AWS::ApiGatewayV2::Route").values()
    }
    for key in sorted(set(local) - all_template_keys):
        report.fail("c", "%s routes %s, but template.yaml has no such route" % (LOCAL_REGISTRY.name, key))
    for key in sorted(all_template_keys - set(local), key=str):
        report.fail("c", "template.yaml routes %s, but %s does not" % (key, LOCAL_REGISTRY.name))
    lines = []
    for key in sorted(set(local) & set(template_routes)):
        fn = template_routes[key]
        template_cls, _ = handler_class(str(function_props(template, fn).get("Handler")))
        local_cls, local_mode = local[key]
        template_mode = report.auth_modes.get(key)
        if local_mode is None:
            report.fail("c", "%s: cannot tell from %s whether it is authorized" % (key, LOCAL_REGISTRY.name))
        elif template_mode is not None and template_mode != local_mode:
            report.fail("c", "%s: authorizer %s in template.yaml, %s in %s"
                        % (key, template_mode, local_mode, LOCAL_REGISTRY.name))
        if local_cls is None:
            report.fail("c", "%s: cannot tell which handler class %s uses" % (key, LOCAL_REGISTRY.name))
        elif template_cls != local_cls and template_cls.rsplit(".", 1)[-1] != local_cls:
            report.fail("c", "%s: template.yaml sends it to %s (%s), %s to %s"
                        % (key, fn, template_cls, LOCAL_REGISTRY.name, local_cls))
        else:
            lines.append("  %-45s %-15s auth: %s" % (key, template_cls.rsplit(".", 1)[-1], local_mode))
    return lines


# ----------------------------------------------------------------------------------------------------
# (d) SnapStart needs a published version (AutoPublishAlias); (e) every function has its own log group
# ----------------------------------------------------------------------------------------------------
def snapstart_runtime(runtime) -> bool:
    if not isinstance(runtime, str):
        return False
    m = re.fullmatch(r"java(\d+)", runtime)
    if m:
        return int(m.group(1)) >= 11
    m = re.fullmatch(r"python3\.(\d+)", runtime)
    if m:
        return int(m.group(1)) >= 12
    m = re.fullmatch(r"dotnet(\d+)", runtime)
    return bool(m) and int(m.group(1)) >= 8


def check_snapstart(template: dict, report: Report) -> list[str]:
    lines = []
    for fn in sorted(resources_of(template, "AWS::Serverless::Function")):
        props = function_props(template, fn)
        runtime, alias = props.get("Runtime"), props.get("AutoPublishAlias")
        snap = props.get("SnapStart")
        apply_on = snap.get("ApplyOn") if isinstance(snap, dict) else None if snap is None else snap
        if apply_on == "PublishedVersions":
            ok = True
            if not alias:
                report.fail("d", "%s: SnapStart is on, but it has no AutoPublishAlias: SnapStart applies to published "
                                 "versions only, so every invocation would run $LATEST without a snapshot" % fn)
                ok = False
            if not snapstart_runtime(runtime):
                report.fail("d", "%s: SnapStart is on (from the Globals?), but runtime %r has no SnapStart; "
                                 "set SnapStart: {ApplyOn: None}" % (fn, runtime))
                ok = False
            if ok:
                lines.append("  %-18s %-10s SnapStart on published versions, alias %s" % (fn, runtime, alias))
        elif apply_on in (None, "None"):
            lines.append("  %-18s %-10s no SnapStart%s" % (fn, runtime, " (alias %s)" % alias if alias else ""))
        else:
            report.fail("d", "%s: SnapStart %r is not {ApplyOn: PublishedVersions | None}" % (fn, snap))
    return lines


def getatt_of(value, attribute: str) -> str | None:
    """`!GetAtt X.<attribute>` -> X."""
    if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
        ga = value["Fn::GetAtt"]
        parts = ga.split(".", 1) if isinstance(ga, str) else ga
        if isinstance(parts, list) and len(parts) == 2 and parts[1] == attribute and isinstance(parts[0], str):
            return parts[0]
    return None


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def role_writes_to(role: dict, log_group: str) -> bool:
    needed = {"logs:CreateLogStream", "logs:PutLogEvents"}
    allowed = set()
    for policy in as_list((role.get("Properties") or {}).get("Policies") or []):
        document = (policy or {}).get("PolicyDocument") or {}
        for statement in as_list(document.get("Statement") or []):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            if any(getatt_of(r, "Arn") == log_group for r in as_list(statement.get("Resource"))):
                allowed.update(a for a in as_list(statement.get("Action")) if isinstance(a, str))
    return needed <= allowed


def check_log_groups(template: dict, report: Report) -> list[str]:
    resources = template["Resources"]
    log_groups = resources_of(template, "AWS::Logs::LogGroup")
    owners: dict[str, str] = {}
    lines = []
    for fn in sorted(resources_of(template, "AWS::Serverless::Function")):
        props = function_props(template, fn)
        logging = props.get("LoggingConfig")
        group = ref_name(logging.get("LogGroup")) if isinstance(logging, dict) else None
        if group is None:
            report.fail("e", "%s: no LoggingConfig.LogGroup: !Ref <AWS::Logs::LogGroup>; Lambda would create "
                             "/aws/lambda/<name> itself, with no retention" % fn)
            continue
        if group not in log_groups:
            report.fail("e", "%s: its log group %s is not an AWS::Logs::LogGroup in the template" % (fn, group))
            continue
        if group in owners:
            report.fail("e", "%s: log group %s is already %s's" % (fn, group, owners[group]))
        owners[group] = fn
        lg = log_groups[group]
        retention = (lg.get("Properties") or {}).get("RetentionInDays")
        if not isinstance(retention, int) or isinstance(retention, bool):
            report.fail("e", "%s: log group %s has no RetentionInDays (logs would be kept forever)" % (fn, group))
            continue
        fn_condition, lg_condition = resources[fn].get("Condition"), lg.get("Condition")
        if lg_condition is not None and lg_condition != fn_condition:
            report.fail("e", "%s: log group %s has condition %s, the function %s: it may not exist when the "
                             "function does" % (fn, group, lg_condition, fn_condition or "none"))
            continue
        role = getatt_of(props.get("Role"), "Arn")
        if role is not None and role in resources and resources[role].get("Type") == "AWS::IAM::Role" \
                and not role_writes_to(resources[role], group):
            report.fail("e", "%s: its role %s does not allow logs:CreateLogStream and logs:PutLogEvents on "
                             "!GetAtt %s.Arn" % (fn, role, group))
            continue
        lines.append("  %-18s -> %-20s retention %d days%s" % (fn, group, retention,
                                                               ", if %s" % fn_condition if fn_condition else ""))
    return lines


def unrouted_functions(template: dict, routed: set[str]) -> list[str]:
    """Functions that neither a route nor an authorizer invokes, with how they are invoked instead."""
    authorizer_functions = set()
    for a in resources_of(template, "AWS::ApiGatewayV2::Authorizer").values():
        uri = (a.get("Properties") or {}).get("AuthorizerUri")
        text = uri.get("Fn::Sub") if isinstance(uri, dict) else None
        text = text if isinstance(text, str) else (text[0] if isinstance(text, list) else "")
        authorizer_functions.update(re.findall(r"\$\{([A-Za-z0-9]+)\.Alias\}", text))
    lines = []
    for fn in sorted(resources_of(template, "AWS::Serverless::Function")):
        if fn in routed or fn in authorizer_functions:
            continue
        events = function_props(template, fn).get("Events") or {}
        kinds = sorted({(e or {}).get("Type", "?") for e in events.values()}) if isinstance(events, dict) else []
        lines.append("  %-18s %s" % (fn, "event source: " + ", ".join(kinds) if kinds
                                    else "no route and no event: invoked directly (aws lambda invoke)"))
    return lines


def undeployed_modules(root: Path, report: Report) -> list[str]:
    """Function modules (functions/<m>/pom.xml) whose jar no AWS::Serverless::Function deploys."""
    used = set()
    for jar in report.function_jars.values():
        parts = Path(jar).parts
        if len(parts) > 1 and parts[0] == "functions":
            used.add(parts[1])
    modules = sorted(p.parent.name for p in (root / "functions").glob("*/pom.xml"))
    return [m for m in modules if m not in used]


# ----------------------------------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_root = Path(__file__).resolve().parents[2]
    parser.add_argument("--root", type=Path, default=default_root, help="project root (default: %(default)s)")
    parser.add_argument("--template", type=Path, default=None, help="template (default: <root>/template.yaml)")
    parser.add_argument("--strict", action="store_true",
                        help="also fail (exit 1) when a functions/<m> module is not deployed by the template, "
                             "or a build-* target of the Makefile serves no function")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    template_path = args.template or root / "template.yaml"
    template = load_template(template_path)
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        print("error: %s has no Resources" % template_path, file=sys.stderr)
        return 1

    report = Report()
    print("template: %s" % template_path)
    jar_lines = check_jars(root, template, report)
    print("(a) what sam build makes of each function, and its handler:")
    print("\n".join(jar_lines) or "  (none checked)")
    route_map, route_lines = check_routes(template, report)
    print("(b) routes -> integrations -> function aliases (invoke permissions):")
    print("\n".join(route_lines) or "  (none)")
    local_lines = check_local(root, template, route_map, report)
    print("(c) routes shared with %s:" % LOCAL_REGISTRY)
    print("\n".join(local_lines) or "  (none)")
    print("(d) SnapStart and aliases:")
    print("\n".join(check_snapstart(template, report)) or "  (none)")
    print("(e) log groups with a retention:")
    print("\n".join(check_log_groups(template, report)) or "  (none)")
    print("functions without a route:")
    print("\n".join(unrouted_functions(template, set(route_map.values()))) or "  (none)")

    for m in undeployed_modules(root, report):
        report.warnings.append("functions/%s is a function module, but no function in the template deploys it" % m)
    for message in report.warnings:
        if args.strict:
            report.fail("a", message)
        else:
            print("WARNING: %s (--strict makes this fatal)" % message)

    if report.errors:
        print("\nFAILED: %d problem(s):" % len(report.errors), file=sys.stderr)
        for e in report.errors:
            print("  " + e, file=sys.stderr)
    if report.missing_jars:
        print("\nJARS MISSING: (a) could not check these functions; build first with "
              "`make jars` (or `mvn -DskipTests package`):", file=sys.stderr)
        for m in report.missing_jars:
            print("  " + m, file=sys.stderr)
    if report.errors:
        return 1
    if report.missing_jars:
        return 2
    print("\nOK: %d functions, %d routes, all consistent" % (
        len(resources_of(template, "AWS::Serverless::Function")), len(route_map)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
