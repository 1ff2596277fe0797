#!/usr/bin/env python3
"""Offline checks of template.yaml's wiring that neither cfn-lint nor SAM makes (a miss is a runtime error):

    python3 infra/template-check/check_template.py [--root DIR] [--template FILE]

Checks
  (b) routes   every AWS::ApiGatewayV2::Route targets an integration defined in the template whose
               IntegrationUri is `!Ref <Function>.Alias` of a function that has an AutoPublishAlias, on
               the same API; no route key is defined twice; and an AWS::Lambda::Permission for that
               alias (principal apigateway.amazonaws.com) has a SourceArn pattern that covers the route
               (else API Gateway answers 500 at runtime, which neither cfn-lint nor SAM would notice).
               A route's authorizer (AuthorizerId) must be an AWS::ApiGatewayV2::Authorizer on the same API
               whose AuthorizerUri names `${<Function>.Alias}`, with a permission for
               `${<Api>}/authorizers/${<Authorizer>}`. A route's authorization is CUSTOM, none, or
               `!If [<condition AuthRequired = "true">, CUSTOM, NONE]` with the matching AuthorizerId.
  (d) snapstart every function whose SnapStart (after Globals) is `ApplyOn: PublishedVersions` has an
               AutoPublishAlias (SnapStart applies to published versions only) and a runtime that has
               SnapStart (java11+, python3.12+, dotnet8+); any other function says `ApplyOn: None`.
  (e) logs     every function names its own log group (LoggingConfig.LogGroup: !Ref <AWS::Logs::LogGroup>),
               which has a RetentionInDays, exists whenever the function does (no condition, or the
               function's), and is used by no other function; when the function's Role is `!GetAtt <Role>.Arn`
               of a role in the template, that role may write to it (logs:CreateLogStream and
               logs:PutLogEvents on `!GetAtt <LogGroup>.Arn`).

  (f) deploy   what a first real deployment needs (issue 11, ../shared/reference/aws-review.md):
               one origin: the Distribution serves index/*, crates/* and api/* (to an origin on the template's
               HTTP API, CachingDisabled, every viewer header but Host), every route is under /api/, publish's
               path has its own behaviour with a viewer-request function (the body-size check), and the
               functions' REGISTRY_CDN_URL and REGISTRY_API_URL are the same value, not the API's own endpoint;
               an optional custom domain (Aliases and ViewerCertificate under one condition on a DomainName
               parameter); the Distribution is retained on stack deletion, with what it needs to serve reads
               (every resource it references, the bucket policy), the API excepted; Globals publish a version on any
               property change (AutoPublishAliasAllProperties) and delete replaced versions
               (VersionDeletionPolicy: Delete); a Rules assertion refuses the regions without SnapStart; the API
               access log is JSON and has $context.authorizer.error; the roles of the functions that keep index
               files (publish, yank, admin) may get, put and delete index/*; the crates function may put and
               delete rendered readmes (crates/*.readme.html) and write nothing else, with s3:ListBucket; publish's
               role may put and delete the README text (crates/*.readme); a bucket
               policy denies the distribution crates/*.readme (the README text); the CargoConfig output is valid
               TOML (Python 3.11+ tomllib) with registries.<name>.index = "sparse+https://.../index/".
  (g) staging  large pushes upload by presigned URL under `staging/` of the bucket: the bucket has an enabled
               lifecycle rule that expires that prefix within 7 days; the role of the function behind
               `POST /api/v1/crates/push/uploads` (whose credentials sign the URLs) may PutObject there, and
               may DeleteObject nowhere else but index/ and the README texts (crates/*.readme; tarballs are never
               deletable by it).
  (m) mirror   the crates.io mirror (docs/mirror.md), when the template has a function whose Handler is the
               MirrorHandler: it exists only under a condition on the MirrorUpstream parameter, as does
               everything that names it; its URL is AuthType AWS_IAM, invocable by cloudfront.amazonaws.com for
               this distribution only (lambda:InvokeFunctionUrl and lambda:InvokeFunction on its alias); its
               role allows nothing but its logs, s3:GetObject/PutObject on mirror/*, s3:ListBucket on the
               bucket and dynamodb:GetItem on the table; the distribution has an origin on the function URL
               with a `lambda` origin access control, mirror/index/config.json -> the bucket (before
               mirror/index/*), mirror/index/* -> the function URL with a template cache policy that honours
               the origin's Cache-Control (MinTTL 0, forwards no header), mirror/crates/* -> an origin group of
               the bucket first and the function second failing over on 403 and 404; the three behaviours
               carry the same viewer-request function as index/* on a private registry; the bucket policy lets
               CloudFront read mirror/crates/*; metric filters on its log group count hits, misses, upstream
               errors and bytes.

  (p) priming  every SnapStart priming call a Java function's hook makes (StoragePriming: the Scope its handler
               names, read from the handler's source) is one its role allows, so the hook never draws an
               AccessDenied in AWS: a GetItem when it passes its store; Query and BatchGetItem for Call.QUERY and
               Call.BATCH_GET; UpdateItem and PutItem for Call.WRITE (a transaction that cannot commit); s3:GetObject
               on the scope's key, and s3:PutObject on it with Call.WRITE (a PUT with If-Match that S3 refuses).

Functions without a route (invoked directly, or by an event source) are listed, not refused.
What the Java side checks instead (mvn verify, infra/local): SamTemplateTest (every route reaches a handler class,
every function module is deployed) and LambdaJarsIT (every CodeUri jar builds its handler and answers alone).

Exit status: 0 all checks pass; 1 a mismatch (or the template cannot be read).

Needs Python 3.8+ and PyYAML, or cfn-lint (its template decoder is used when PyYAML is absent).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from pathlib import Path

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
# Helpers
# ----------------------------------------------------------------------------------------------------
class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.auth_modes: dict[str, str] = {}

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


# API Gateway's catch-all route key: requests no other route matches (the function answers cargo's 404)
DEFAULT_ROUTE = "$default"


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
        if not isinstance(key, str) or not (key == DEFAULT_ROUTE or re.fullmatch(r"[A-Z]+ /\S*", key)):
            report.fail("b", "%s: RouteKey %r is not `METHOD /path` (nor $default)" % (rid, key))
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
        if key == DEFAULT_ROUTE:
            # the catch-all route: API Gateway presents .../<api>/<stage>/$default
            candidates = ["$default/$default"]
        else:
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


def sub_text(value) -> str:
    """The text of a `!Sub` (or a plain string) resource, else ''."""
    if isinstance(value, str):
        return value
    text = value.get("Fn::Sub") if isinstance(value, dict) else None
    return text if isinstance(text, str) else (text[0] if isinstance(text, list) and text else "")


STAGING_ROUTE = "POST /api/v1/crates/push/uploads"


def check_staging(template: dict, route_map: dict[str, str], report: Report) -> list[str]:
    lines = []
    fn = route_map.get(STAGING_ROUTE)
    if fn is None:
        return ["  (no %s route)" % STAGING_ROUTE]
    buckets = resources_of(template, "AWS::S3::Bucket")
    expiring = []
    for name, bucket in buckets.items():
        rules = (((bucket.get("Properties") or {}).get("LifecycleConfiguration") or {}).get("Rules")) or []
        for rule in as_list(rules):
            prefix = (rule or {}).get("Prefix") or ((rule or {}).get("Filter") or {}).get("Prefix")
            days = (rule or {}).get("ExpirationInDays")
            if rule.get("Status") == "Enabled" and prefix == "staging/" and isinstance(days, int) and days <= 7:
                expiring.append("%s expires staging/ after %d day(s)" % (name, days))
    if not expiring:
        report.fail("f", "no bucket has an enabled lifecycle rule that expires staging/ within 7 days: uploads nobody "
                         "completes would be kept forever")
    props = function_props(template, fn)
    role = getatt_of(props.get("Role"), "Arn")
    resources = template["Resources"]
    if role is None or role not in resources:
        report.fail("f", "%s (behind %s) has no role in the template to check" % (fn, STAGING_ROUTE))
        return lines
    can_put = False
    for policy in as_list((resources[role].get("Properties") or {}).get("Policies") or []):
        for statement in as_list(((policy or {}).get("PolicyDocument") or {}).get("Statement") or []):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            actions = {a for a in as_list(statement.get("Action")) if isinstance(a, str)}
            targets = [sub_text(r) for r in as_list(statement.get("Resource"))]
            if "s3:PutObject" in actions and any(t.endswith("/staging/*") for t in targets):
                can_put = True
            # index files are derived (re-rendered from DynamoDB), so deleting one is recoverable, and so is the
            # README text publish stores (the tarball holds the file too); a tarball is not
            if actions & {"s3:DeleteObject", "s3:*"} \
                    and any(not t.endswith(("/staging/*", "/index/*", README_TEXT_KEYS)) for t in targets):
                report.fail("f", "%s: role %s may delete outside staging/, index/ and README texts (%s)"
                            % (fn, role, ", ".join(targets)))
    if not can_put:
        report.fail("f", "%s: role %s may not s3:PutObject under staging/, so the URLs it signs would be refused"
                    % (fn, role))
    lines.append("  %s signs uploads to staging/; %s" % (fn, "; ".join(expiring) or "nothing expires them"))
    return lines


# ----------------------------------------------------------------------------------------------------
# (h) download counts: the distribution's access logs reach the counter, and only it reads them
# ----------------------------------------------------------------------------------------------------
LOG_PREFIX = "cdn-logs/"
# DownloadCounter.MARKER_KEPT: a log file must expire before its markers do, or counting it again would count twice
MARKER_DAYS = 60


def statements(role: dict):
    for policy in as_list((role.get("Properties") or {}).get("Policies") or []):
        for statement in as_list(((policy or {}).get("PolicyDocument") or {}).get("Statement") or []):
            if isinstance(statement, dict) and statement.get("Effect") == "Allow":
                yield statement


def check_download_logs(template: dict, report: Report) -> list[str]:
    resources = template["Resources"]
    distributions = resources_of(template, "AWS::CloudFront::Distribution")
    if not distributions:
        return ["  (no distribution)"]
    name, dist = sorted(distributions.items())[0]
    logging = ((dist.get("Properties") or {}).get("DistributionConfig") or {}).get("Logging")
    if not isinstance(logging, dict):
        report.fail("h", "%s has no Logging: without access logs no download is ever counted" % name)
        return []
    bucket = getatt_of(logging.get("Bucket"), "DomainName")
    if bucket is None or resources.get(bucket, {}).get("Type") != "AWS::S3::Bucket":
        report.fail("h", "%s: Logging.Bucket must be !GetAtt <an AWS::S3::Bucket of the template>.DomainName" % name)
        return []
    if logging.get("Prefix") != LOG_PREFIX:
        report.fail("h", "%s: Logging.Prefix is %r, the counter's event rule expects %r" % (name, logging.get("Prefix"), LOG_PREFIX))
    props = resources[bucket].get("Properties") or {}
    ownership = [r.get("ObjectOwnership") for r in as_list(((props.get("OwnershipControls") or {}).get("Rules")) or [])
                 if isinstance(r, dict)]
    if not ownership or ownership[0] not in ("BucketOwnerPreferred", "ObjectWriter"):
        report.fail("h", "%s: ObjectOwnership must be BucketOwnerPreferred (ACLs enabled): CloudFront standard logging "
                         "cannot deliver to a bucket with ACLs disabled" % bucket)
    expiry = None
    for rule in as_list(((props.get("LifecycleConfiguration") or {}).get("Rules")) or []):
        prefix = (rule or {}).get("Prefix") or ((rule or {}).get("Filter") or {}).get("Prefix")
        days = (rule or {}).get("ExpirationInDays")
        if (rule or {}).get("Status") == "Enabled" and prefix in (LOG_PREFIX, "", None) and isinstance(days, int):
            expiry = days
    if expiry is None or expiry >= MARKER_DAYS:
        report.fail("h", "%s: no enabled lifecycle rule expires %s within %d days (the counter keeps a file's "
                         "markers %d days)" % (bucket, LOG_PREFIX, MARKER_DAYS - 1, MARKER_DAYS))
    # the counter: a function whose EventBridge rule takes Object Created of this bucket under the prefix
    counters = []
    for fn in sorted(resources_of(template, "AWS::Serverless::Function")):
        for event in ((function_props(template, fn).get("Events") or {}).values()):
            pattern = ((event or {}).get("Properties") or {}).get("Pattern") or {}
            detail = pattern.get("detail") or {}
            names = ((detail.get("bucket") or {}).get("name")) or []
            keys = ((detail.get("object") or {}).get("key")) or []
            if (event or {}).get("Type") == "EventBridgeRule" and any(ref_name(n) == bucket for n in as_list(names)) \
                    and any(isinstance(k, dict) and k.get("prefix") == LOG_PREFIX for k in as_list(keys)):
                counters.append(fn)
    if not counters:
        report.fail("h", "no function has an EventBridgeRule event for Object Created in %s under %s: the access logs "
                         "are never counted" % (bucket, LOG_PREFIX))
        return []
    notifications = ((props.get("NotificationConfiguration") or {}).get("EventBridgeConfiguration") or {})
    if notifications.get("EventBridgeEnabled") is not True:
        report.fail("h", "%s: NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled is not true: S3 sends "
                         "no Object Created event to EventBridge" % bucket)
    for fn in counters:
        role = getatt_of(function_props(template, fn).get("Role"), "Arn")
        if role is None or role not in resources:
            report.fail("h", "%s has no role in the template to check" % fn)
            continue
        can_read = False
        for statement in statements(resources[role]):
            actions = {a for a in as_list(statement.get("Action")) if isinstance(a, str)}
            targets = [sub_text(r) for r in as_list(statement.get("Resource"))]
            s3_actions = {a for a in actions if a.startswith("s3:")}
            if "s3:GetObject" in s3_actions and any(t == "${%s.Arn}/%s*" % (bucket, LOG_PREFIX) for t in targets):
                can_read = True
            if s3_actions - {"s3:GetObject"}:
                report.fail("h", "%s: role %s may %s: the counter only reads log files" % (fn, role, ", ".join(sorted(s3_actions - {"s3:GetObject"}))))
            if "s3:GetObject" in s3_actions and any(t != "${%s.Arn}/%s*" % (bucket, LOG_PREFIX) for t in targets):
                report.fail("h", "%s: role %s may read more than %s's %s (%s)" % (fn, role, bucket, LOG_PREFIX, ", ".join(targets)))
            # Query only of its own count items (the 90-day sum it stores for search), never of crates or tokens
            leading = ((statement.get("Condition") or {}).get("ForAllValues:StringLike") or {}).get("dynamodb:LeadingKeys")
            may_query = as_list(leading) == ["DL#*"]
            if any(a.startswith("dynamodb:") and a not in ("dynamodb:BatchGetItem", "dynamodb:UpdateItem", "dynamodb:PutItem")
                   and not (a == "dynamodb:Query" and may_query) for a in actions):
                report.fail("h", "%s: role %s may %s: the counter reads versions and adds counts only"
                            % (fn, role, ", ".join(sorted(a for a in actions if a.startswith("dynamodb:")))))
        if not can_read:
            report.fail("h", "%s: role %s may not s3:GetObject on ${%s.Arn}/%s*" % (fn, role, bucket, LOG_PREFIX))
    return ["  %s logs to %s/%s (ACLs enabled, expired after %s days); counted by %s" % (
        name, bucket, LOG_PREFIX, expiry, ", ".join(counters))]


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


# ----------------------------------------------------------------------------------------------------
# (f) what a first real deployment needs
# ----------------------------------------------------------------------------------------------------
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
# Regions without Lambda SnapStart (and without the HTTP API): Asia Pacific (New Zealand) and (Taipei).
NO_SNAPSTART_REGIONS = {"ap-southeast-6", "ap-east-2"}
# IndexSync rewrites index files, and deletes one whose crate an administrator removed meanwhile.
INDEX_KEEPERS = ("PublishFunction", "YankFunction", "AdminFunction")
# the one function that writes under crates/ besides publish and admin: readmes it renders on first read
READMES_KEEPER = "CratesFunction"
README_KEYS = "/crates/*.readme.html"
# the README text publish stores after its commit, and takes back if an administrator removed the version meanwhile
README_TEXT_WRITER = "PublishFunction"
README_TEXT_KEYS = "/crates/*.readme"


def sub_text(value) -> str | None:
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and isinstance(sub[0], str) else None
    return value if isinstance(value, str) else None


def if_branches(value) -> list:
    """The alternatives of a value: both branches of a (nested) Fn::If, else the value itself."""
    if isinstance(value, dict) and set(value) == {"Fn::If"} and isinstance(value["Fn::If"], list) \
            and len(value["Fn::If"]) == 3:
        return if_branches(value["Fn::If"][1]) + if_branches(value["Fn::If"][2])
    return [value]


def references(value) -> set[str]:
    """Every name a value refers to: Ref, GetAtt's resource, ${X} / ${X.Attr} in a Sub."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str):
                out.add(v.split(".")[0])
            elif k == "Fn::GetAtt":
                parts = v.split(".", 1) if isinstance(v, str) else v
                if isinstance(parts, list) and parts and isinstance(parts[0], str):
                    out.add(parts[0])
            elif k == "Fn::Sub":
                text = sub_text(value)
                if text:
                    out.update(m.split(".")[0] for m in re.findall(r"\$\{([A-Za-z0-9:.]+)\}", text))
                if isinstance(v, list) and len(v) > 1:
                    out.update(references(v[1]))
            else:
                out.update(references(v))
    elif isinstance(value, list):
        for v in value:
            out.update(references(v))
    return out


def role_allows(role: dict, action: str, resource_suffix: str) -> bool:
    for policy in as_list((role.get("Properties") or {}).get("Policies") or []):
        for statement in as_list(((policy or {}).get("PolicyDocument") or {}).get("Statement") or []):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow" \
                    or action not in as_list(statement.get("Action")):
                continue
            if any(covers(sub_text(r) or "", resource_suffix) for r in as_list(statement.get("Resource"))):
                return True
    return False


def covers(resource: str, key_pattern: str) -> bool:
    """Whether an object ARN (`${Bucket.Arn}/crates/*`) grants at least the keys `key_pattern` names (`/crates/*.readme`)."""
    if resource.endswith(key_pattern):
        return True
    m = re.match(r"^\$\{[A-Za-z0-9]+\.Arn\}(/.*)$", resource)
    return m is not None and fnmatch.fnmatchcase(key_pattern, m.group(1))


def check_deploy(template: dict, report: Report) -> list[str]:
    lines = []
    resources = template["Resources"]
    params = template.get("Parameters") or {}
    globals_fn = (template.get("Globals") or {}).get("Function") or {}
    f = lambda message: report.fail("f", message)  # noqa: E731

    # versions: every property change reaches the alias; replaced versions are deleted
    if globals_fn.get("AutoPublishAlias"):
        if globals_fn.get("AutoPublishAliasAllProperties") is not True:
            f("Globals.Function: AutoPublishAliasAllProperties is not true: a change of Timeout, Role or "
              "LoggingConfig would reach $LATEST but never the alias")
        if globals_fn.get("VersionDeletionPolicy") != "Delete":
            f("Globals.Function: VersionDeletionPolicy is not Delete: every published version (a full jar) "
              "would be kept forever")
        else:
            lines.append("  versions: a new one on any property change, replaced ones deleted")

    # one origin
    dists = resources_of(template, "AWS::CloudFront::Distribution")
    if len(dists) != 1:
        f("expected one AWS::CloudFront::Distribution (the registry's one origin), found %d" % len(dists))
        return lines
    (dist_id, dist), = dists.items()
    if dist.get("DeletionPolicy") != "Retain" or dist.get("UpdateReplacePolicy") != "Retain":
        f("%s: DeletionPolicy and UpdateReplacePolicy must be Retain: its default domain is the registry's "
          "identity in every Cargo.lock when there is no custom domain" % dist_id)
    # what the kept distribution needs to go on serving reads must be kept too (else `sam delete` fails on
    # resources still in use, or leaves a distribution that answers 403)
    needed = (references(dist.get("Properties")) | {
        rid for rid, r in resources_of(template, "AWS::S3::BucketPolicy").items()}) - set(resources_of(
            template, "AWS::ApiGatewayV2::Api"))
    for rid in sorted(needed):
        r = resources.get(rid)
        if r is not None and (r.get("DeletionPolicy") != "Retain" or r.get("UpdateReplacePolicy") != "Retain"):
            f("%s: the distribution needs it to serve reads, so it must be kept with it (DeletionPolicy and "
              "UpdateReplacePolicy Retain)" % rid)
    config = (dist.get("Properties") or {}).get("DistributionConfig") or {}
    origins = {o.get("Id"): o for o in as_list(config.get("Origins") or []) if isinstance(o, dict)}
    behaviours = {b.get("PathPattern"): b for b in as_list(config.get("CacheBehaviors") or []) if isinstance(b, dict)}
    apis = resources_of(template, "AWS::ApiGatewayV2::Api")
    for pattern in ("index/*", "crates/*", "api/*"):
        if pattern not in behaviours:
            f("%s: no cache behaviour for %s" % (dist_id, pattern))
    api_behaviour = behaviours.get("api/*")
    if api_behaviour is not None:
        origin = origins.get(api_behaviour.get("TargetOriginId"), {})
        if not references(origin.get("DomainName")) & set(apis) or "CustomOriginConfig" not in origin:
            f("%s: behaviour api/* must target a custom origin on the HTTP API's endpoint (${<Api>}.execute-api...)"
              % dist_id)
        if api_behaviour.get("CachePolicyId") != CACHING_DISABLED:
            f("%s: behaviour api/* must use the managed CachingDisabled policy (%s): API answers depend on the "
              "caller's token" % (dist_id, CACHING_DISABLED))
        if api_behaviour.get("OriginRequestPolicyId") != ALL_VIEWER_EXCEPT_HOST:
            f("%s: behaviour api/* must use the managed AllViewerExceptHostHeader origin request policy (%s): "
              "Authorization and the query string must reach API Gateway, Host must not" % (dist_id, ALL_VIEWER_EXCEPT_HOST))
        if not {"PUT", "DELETE", "POST"} <= set(as_list(api_behaviour.get("AllowedMethods") or [])):
            f("%s: behaviour api/* must allow every method (PUT, DELETE, POST ...)" % dist_id)
    routes = resources_of(template, "AWS::ApiGatewayV2::Route")
    for rid, route in sorted(routes.items()):
        key = str((route.get("Properties") or {}).get("RouteKey"))
        path = key.split(" ", 1)[-1]
        # $default: the distribution passes it only what is below /api/ (every other path is the index's and the UI's)
        if key != DEFAULT_ROUTE and not path.startswith("/api/"):
            f("%s (%s): the route is outside /api/, so the distribution does not pass it to the API" % (rid, key))
        if key == "PUT /api/v1/crates/new":
            own = behaviours.get(path[1:])
            functions = [a for a in as_list((own or {}).get("FunctionAssociations") or [])
                         if isinstance(a, dict) and a.get("EventType") == "viewer-request"]
            if own is None or not functions or own.get("TargetOriginId") != (api_behaviour or {}).get("TargetOriginId"):
                f("%s (%s): needs a cache behaviour %s to the API origin with a viewer-request function (the "
                  "publish body-size check, infra/cloudfront/publish-limit.js)" % (rid, key, path[1:]))
    env = ((globals_fn.get("Environment") or {}).get("Variables") or {})
    cdn_url, api_url = env.get("REGISTRY_CDN_URL"), env.get("REGISTRY_API_URL")
    if cdn_url != api_url:
        f("Globals: REGISTRY_API_URL differs from REGISTRY_CDN_URL: config.json's `api` must be on the "
          "registry's one domain")
    elif set(apis) & references(api_url) or dist_id not in references(api_url):
        f("Globals: REGISTRY_API_URL must be the distribution's (or the custom) domain, not the API's endpoint")

    # the optional custom domain
    domain_conditions = {name for name, c in (template.get("Conditions") or {}).items()
                         if "DomainName" in references(c)}
    aliases, certificate = config.get("Aliases"), config.get("ViewerCertificate")
    if "DomainName" not in params or not domain_conditions:
        f("no DomainName parameter with a condition on it (the optional custom domain)")
    else:
        for name, value in (("Aliases", aliases), ("ViewerCertificate", certificate)):
            if not (isinstance(value, dict) and "Fn::If" in value and value["Fn::If"][0] in domain_conditions):
                f("%s: %s must be !If [<DomainName condition>, ..., !Ref AWS::NoValue]" % (dist_id, name))
        if isinstance(certificate, dict) and "Fn::If" in certificate:
            yes = certificate["Fn::If"][1] or {}
            if yes.get("SslSupportMethod") != "sni-only" or "CertificateArn" not in references(yes.get("AcmCertificateArn")):
                f("%s: ViewerCertificate must take AcmCertificateArn from the CertificateArn parameter, sni-only"
                  % dist_id)
        if not lines or "custom domain" not in lines[-1]:
            lines.append("  custom domain: DomainName (%s), the distribution retained" % ", ".join(sorted(domain_conditions)))

    # regions refused early
    refused: set[str] = set()
    for rule in (template.get("Rules") or {}).values():
        for assertion in as_list((rule or {}).get("Assertions") or []):
            a = (assertion or {}).get("Assert")
            if isinstance(a, dict) and "Fn::Not" in a:
                inner = a["Fn::Not"][0] if isinstance(a["Fn::Not"], list) else a["Fn::Not"]
                if isinstance(inner, dict) and "Fn::Contains" in inner:
                    listed, value = inner["Fn::Contains"]
                    if ref_name(value) == "AWS::Region" and isinstance(listed, list):
                        refused.update(listed)
    if not NO_SNAPSTART_REGIONS <= refused:
        f("Rules: no assertion refuses the regions without SnapStart %s (!Not [!Contains [[...], !Ref AWS::Region]])"
          % sorted(NO_SNAPSTART_REGIONS - refused))
    else:
        lines.append("  regions refused before any change: %s" % ", ".join(sorted(refused)))

    # API access log
    for sid, stage in sorted(resources_of(template, "AWS::ApiGatewayV2::Stage").items()):
        fmt = ((stage.get("Properties") or {}).get("AccessLogSettings") or {}).get("Format")
        if not isinstance(fmt, str):
            continue
        try:
            fields = json.loads(fmt)
        except ValueError as e:
            f("%s: the access log format is not JSON: %s" % (sid, e))
            continue
        if "$context.authorizer.error" not in fields.values():
            f("%s: the access log lacks $context.authorizer.error (an authorizer failure is otherwise invisible)" % sid)

    # roles of the functions that keep index files
    for fn in INDEX_KEEPERS:
        if fn not in resources:
            continue
        role = getatt_of(function_props(template, fn).get("Role"), "Arn")
        if role in resources:
            missing = [a for a in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
                       if not role_allows(resources[role], a, "/index/*")]
            if missing:
                f("%s: its role %s lacks %s on index/* (IndexSync deletes the index file of a crate that an "
                  "administrator removed meanwhile)" % (fn, role, ", ".join(missing)))

    # the crates function keeps rendered readmes (CrateReadService#readmeHtml), and nothing else under crates/
    if READMES_KEEPER in resources:
        role = getatt_of(function_props(template, READMES_KEEPER).get("Role"), "Arn")
        if role in resources:
            missing = [a for a in ("s3:PutObject", "s3:DeleteObject") if not role_allows(resources[role], a, README_KEYS)]
            if missing:
                f("%s: its role %s lacks %s on %s (a readme rendered on first read is kept, and taken back after a "
                  "removal)" % (READMES_KEEPER, role, ", ".join(missing), README_KEYS))
            # without ListBucket, S3 answers 403 for the copy not kept yet: every first read would be a 503
            if not any("s3:ListBucket" in as_list(s.get("Action")) and any(
                    getatt_of(r, "Arn") in resources_of(template, "AWS::S3::Bucket") for r in as_list(s.get("Resource")))
                       for s in statements(resources[role])):
                f("%s: its role %s lacks s3:ListBucket on the bucket (S3 answers 403, not 404, for a readme not "
                  "kept yet)" % (READMES_KEEPER, role))
            for statement in statements(resources[role]):
                if "NotResource" in statement or "NotAction" in statement:
                    f("%s: its role %s has a NotResource or NotAction statement: say what it may write" % (READMES_KEEPER, role))
                    continue
                actions = {a for a in as_list(statement.get("Action")) if isinstance(a, str)}
                writes = sorted(a for a in actions if a.startswith("s3:") and a not in ("s3:GetObject", "s3:ListBucket"))
                if not writes:
                    continue
                targets = [str(sub_text(r)) for r in as_list(statement.get("Resource"))]
                # a wildcard action (s3:*, s3:Put*) or another write, or any key that is not a rendered readme
                if any(w not in ("s3:PutObject", "s3:DeleteObject") for w in writes) \
                        or any(not t.endswith(README_KEYS) for t in targets):
                    f("%s: its role %s may %s on %s: only put and delete rendered readmes (%s)" % (
                        READMES_KEEPER, role, ", ".join(writes), ", ".join(targets), README_KEYS))

    # publish takes back the README text it stored when the version was removed meanwhile (ReadmeObjects)
    if README_TEXT_WRITER in resources:
        role = getatt_of(function_props(template, README_TEXT_WRITER).get("Role"), "Arn")
        if role in resources:
            missing = [a for a in ("s3:PutObject", "s3:DeleteObject") if not role_allows(resources[role], a, README_TEXT_KEYS)]
            if missing:
                f("%s: its role %s lacks %s on %s (the README text stored after the commit is taken back when an "
                  "administrator removed the version meanwhile)" % (README_TEXT_WRITER, role, ", ".join(missing),
                                                                    README_TEXT_KEYS))

    # the README text publish stores is rendered by the readme route, never served raw at the edge
    denies_text = False
    for bp in resources_of(template, "AWS::S3::BucketPolicy").values():
        for statement in as_list((((bp.get("Properties") or {}).get("PolicyDocument") or {}).get("Statement")) or []):
            if isinstance(statement, dict) and statement.get("Effect") == "Deny" \
                    and isinstance(statement.get("Principal"), dict) \
                    and "cloudfront.amazonaws.com" in as_list(statement["Principal"].get("Service")) \
                    and "s3:GetObject" in as_list(statement.get("Action")) \
                    and any(str(sub_text(r)).endswith("/crates/*.readme") for r in as_list(statement.get("Resource"))):
                denies_text = True
    if not denies_text:
        f("no bucket policy denies the distribution s3:GetObject on crates/*.readme: the README text publish stores "
          "would be served raw on the web UI's origin")

    # CargoConfig is TOML
    output = (template.get("Outputs") or {}).get("CargoConfig")
    try:
        import tomllib  # Python 3.11+
    except ImportError:
        tomllib = None
    if output is None:
        f("no CargoConfig output")
    elif tomllib is None:
        lines.append("  CargoConfig: not parsed (Python < 3.11 has no tomllib)")
    else:
        for branch in if_branches(output.get("Value")):
            text = sub_text(branch)
            if text is None:
                f("CargoConfig: value %r is not a string or !Sub" % (branch,))
                continue
            sample = re.sub(r"\$\{RegistryName\}", "mycorp", text)
            sample = re.sub(r"\$\{[^}]+\}", "d111111abcdef8.cloudfront.net", sample)
            try:
                parsed = tomllib.loads(sample)
                index = parsed["registries"]["mycorp"]["index"]
            except (ValueError, KeyError, TypeError) as e:
                f("CargoConfig: %r is not TOML with registries.<name>.index: %s" % (text, e))
                continue
            if not (index.startswith("sparse+https://") and index.endswith("/index/")):
                f("CargoConfig: index %r is not sparse+https://.../index/" % index)
        lines.append("  CargoConfig output parses as TOML")
    return lines


# ----------------------------------------------------------------------------------------------------
# (j) the webhook: an endpoint's outage loses no event, and nothing can use the webhook's parts for anything else
def check_webhook(template: dict, report: Report) -> list[str]:
    resources = template["Resources"]
    h = lambda message: report.fail("j", message)  # noqa: E731
    rules = {k: v for k, v in resources_of(template, "AWS::Events::Rule").items()
             if any(ref_name((t or {}).get("Arn")) in resources_of(template, "AWS::Events::ApiDestination")
                    or getatt_of((t or {}).get("Arn"), "Arn") in resources_of(template, "AWS::Events::ApiDestination")
                    for t in as_list((v.get("Properties") or {}).get("Targets")))}
    if not rules:
        return ["  (no webhook rule)"]
    lines = []
    for name, rule in rules.items():
        props = rule.get("Properties") or {}
        if rule.get("Condition") != "HasWebhook":
            h("%s: not under the HasWebhook condition (a registry without WebhookUrl would get a broken rule)" % name)
        for target in as_list(props.get("Targets")):
            retry = (target or {}).get("RetryPolicy") or {}
            if int(retry.get("MaximumEventAgeInSeconds") or 0) < 3600 or int(retry.get("MaximumRetryAttempts") or 0) < 10:
                h("%s: target %s retries for less than an hour (RetryPolicy): a short outage of the endpoint loses events"
                  % (name, target.get("Id")))
            dlq = getatt_of(((target or {}).get("DeadLetterConfig") or {}).get("Arn"), "Arn")
            if dlq not in resources_of(template, "AWS::SQS::Queue"):
                h("%s: target %s has no dead-letter queue: an event the endpoint never takes is lost without a trace"
                  % (name, target.get("Id")))
            else:
                policies = [q for q in resources_of(template, "AWS::SQS::QueuePolicy").values()
                            if dlq in [ref_name(x) for x in as_list((q.get("Properties") or {}).get("Queues"))]]
                if not any(getatt_of((((st or {}).get("Condition") or {}).get("ArnEquals") or {}).get("aws:SourceArn"),
                                     "Arn") == name
                           for q in policies
                           for st in as_list(((q.get("Properties") or {}).get("PolicyDocument") or {}).get("Statement"))):
                    h("%s: dead-letter queue %s has no queue policy letting exactly this rule send to it "
                      "(aws:SourceArn): EventBridge could not deliver dead letters" % (name, dlq))
            role = getatt_of((target or {}).get("RoleArn"), "Arn")
            actions = set()
            for policy in as_list(((resources.get(role) or {}).get("Properties") or {}).get("Policies")):
                for st in as_list(((policy or {}).get("PolicyDocument") or {}).get("Statement")):
                    actions.update(as_list((st or {}).get("Action")))
            if actions != {"events:InvokeApiDestination"}:
                h("%s: target role %s may do %s, not only events:InvokeApiDestination" % (name, role, sorted(actions)))
        lines.append("  %s: retries, dead-letter queue, invoke-only role" % name)
    return lines


# ----------------------------------------------------------------------------------------------------
# (m) the crates.io mirror
# ----------------------------------------------------------------------------------------------------
MIRROR_HANDLER = "MirrorHandler::"
MIRROR_ROLE_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject", "s3:PutObject", "s3:ListBucket",
                       "dynamodb:GetItem", "dynamodb:Query"}
MIRROR_METRICS = ("Hits", "Misses", "UpstreamErrors", "BytesFetched")


def unwrap_if(value, condition: str | None = None):
    """The true branch of `!If [cond, x, !Ref AWS::NoValue]` (cond must be `condition` when given); else value."""
    if isinstance(value, dict) and set(value) == {"Fn::If"} and isinstance(value["Fn::If"], list) \
            and len(value["Fn::If"]) == 3 and (condition is None or value["Fn::If"][0] == condition):
        return value["Fn::If"][1]
    return value


def resource_covers(resource: str, key: str) -> bool:
    """`${RegistryBucket.Arn}/index/*` covers `index/cargoreg-priming`; the table's ARN covers the table."""
    path = resource.split("}", 1)[1].lstrip("/") if "}" in resource else ""
    return fnmatch.fnmatchcase(key, path) if key else resource.strip().endswith(("RegistryTable.Arn", ".Arn}"))


def role_grants(template: dict, role_name: str, action: str, key: str = "") -> bool:
    """Whether the role has an Allow of `action` on the table (no key) or on the bucket key `key`."""
    role = template["Resources"].get(role_name) or {}
    for statement in statements(role):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow" \
                or action not in as_list(statement.get("Action")):
            continue
        for r in as_list(statement.get("Resource")):
            text = sub_text(r) if not isinstance(r, dict) or "Fn::GetAtt" not in r else "RegistryTable.Arn" \
                if "RegistryTable" in str(r) else str(r)
            if text and resource_covers(text, key):
                return True
    return False


PRIMING_SCOPE = re.compile(r"new (?:StoragePriming\.)?Scope\(([^;]*?)\)\)?;", re.S)


def check_priming(template: dict, root: Path, report: Report) -> list[str]:
    lines = []
    priming = root / "shared/aws/src/main/java/dev/cargoreg/aws/lambda/StoragePriming.java"
    if not priming.is_file():
        report.fail("p", "%s is missing" % priming)
        return lines
    keys = {m.group(1): m.group(2) + "cargoreg-priming"
            for m in re.finditer(r'(\w+_KEY) = "([^"]*)" \+ PRIMING', priming.read_text())}
    for name, fn in sorted(resources_of(template, "AWS::Serverless::Function").items()):
        props = function_props(template, name)
        handler = str(props.get("Handler") or "")
        if "::" not in handler:
            continue
        cls = handler.split("::")[0]
        module = cls.split(".")[3] if cls.count(".") >= 4 else ""
        source = root / "functions" / module / "src/main/java" / (cls.replace(".", "/") + ".java")
        if not source.is_file():
            continue
        text = source.read_text()
        if "StoragePriming" not in text and "registerForSnapStart(" not in text:
            continue
        role = getatt_of(props.get("Role"), "Arn")
        if not role:
            report.fail("p", "%s: no role of its own to check its priming against" % name)
            continue
        needs = []
        uses_store = bool(re.search(r"(registerForSnapStart|StoragePriming\.prime)\((component|c)\.store\(\)", text))
        if uses_store:
            needs.append(("dynamodb:GetItem", ""))
        scopes = re.findall(r"Scope\.reads\(\)", text) + [m.group(1) for m in PRIMING_SCOPE.finditer(text)]
        if not scopes and "registerForSnapStart(" in text and ".store()" in text:
            report.fail("p", "%s: its hook primes storage but %s names no StoragePriming.Scope" % (name, source.name))
        for scope in scopes:
            if scope == "Scope.reads()":
                continue
            args = [a.strip() for a in scope.split(",")]
            key_ref = args[0].split(".")[-1]
            key = "" if key_ref == "null" else keys.get(key_ref)
            if key is None:
                report.fail("p", "%s: unknown priming key %s" % (name, args[0]))
                continue
            calls = {a.split(".")[-1] for a in args[1:]}
            if "values()" in calls:
                calls = {"QUERY", "BATCH_GET", "WRITE"}
            if "QUERY" in calls:
                needs.append(("dynamodb:Query", ""))
            if "BATCH_GET" in calls:
                needs.append(("dynamodb:BatchGetItem", ""))
            if "WRITE" in calls:
                needs += [("dynamodb:UpdateItem", ""), ("dynamodb:PutItem", "")]
            if key:
                needs.append(("s3:GetObject", key))
                if "WRITE" in calls:
                    needs.append(("s3:PutObject", key))
        missing = [a + (" on " + k if k else "") for a, k in needs if not role_grants(template, role, a, k)]
        for m in missing:
            report.fail("p", "%s: its SnapStart hook calls %s, which its role %s does not allow" % (name, m, role))
        lines.append("  %-20s %s" % (name, ", ".join(sorted({a + (" " + k if k else "") for a, k in needs})) or "-"))
    return lines


def check_mirror(template: dict, report: Report) -> list[str]:
    f = lambda message: report.fail("m", message)  # noqa: E731
    resources = template["Resources"]
    fns = [fid for fid in resources_of(template, "AWS::Serverless::Function")
           if MIRROR_HANDLER in str(function_props(template, fid).get("Handler"))]
    if not fns:
        return ["  no mirror function: nothing to check"]
    fid = fns[0]
    fn = resources[fid]
    props = function_props(template, fid)
    lines = []
    condition = fn.get("Condition")
    conditions = template.get("Conditions") or {}
    if not condition or "MirrorUpstream" not in references(conditions.get(condition)):
        f("%s: must exist only under a condition on the MirrorUpstream parameter (empty = no mirror)" % fid)
        return lines
    # everything that names the function (or its URL) exists only with it
    for rid, r in sorted(resources.items()):
        if rid == fid or rid == "Distribution" or r.get("Type") == "AWS::S3::BucketPolicy":
            continue
        if {fid, fid + "Url"} & references(r.get("Properties")) and r.get("Condition") != condition:
            f("%s names %s but is not under its condition %s" % (rid, fid, condition))
    env = dict(((template.get("Globals") or {}).get("Function") or {}).get("Environment", {}).get("Variables") or {})
    env.update((props.get("Environment") or {}).get("Variables") or {})
    if "MirrorUpstream" not in references(env.get("REGISTRY_MIRROR_UPSTREAM")):
        f("%s: REGISTRY_MIRROR_UPSTREAM must be !Ref MirrorUpstream" % fid)
    # its URL: IAM auth, CloudFront of this distribution only
    if ((props.get("FunctionUrlConfig") or {}).get("AuthType")) != "AWS_IAM":
        f("%s: FunctionUrlConfig.AuthType must be AWS_IAM (only CloudFront, through its origin access control)" % fid)
    granted = set()
    for pid, perm in resources_of(template, "AWS::Lambda::Permission").items():
        pp = perm.get("Properties") or {}
        if ref_name(pp.get("FunctionName")) != fid + ".Alias":
            continue
        if pp.get("Principal") != "cloudfront.amazonaws.com" or "Distribution" not in references(pp.get("SourceArn")):
            f("%s: a permission on %s must be for cloudfront.amazonaws.com with this distribution as SourceArn" % (pid, fid))
            continue
        granted.add(pp.get("Action"))
    for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"):
        if action not in granted:
            f("%s: no %s permission on its alias for this distribution (a function URL needs both)" % (fid, action))
    # least privilege
    role_id = getatt_of(props.get("Role"), "Arn")
    role = resources.get(role_id) or {}
    for policy in as_list((role.get("Properties") or {}).get("Policies") or []):
        for st in as_list(((policy or {}).get("PolicyDocument") or {}).get("Statement") or []):
            if not isinstance(st, dict) or st.get("Effect") != "Allow":
                continue
            actions = set(as_list(st.get("Action")))
            extra = actions - MIRROR_ROLE_ACTIONS
            if extra:
                f("%s: the mirror's role allows %s (only its logs, mirror/* objects, the private-name GetItem and the policy's Query)"
                  % (role_id, ", ".join(sorted(extra))))
            for res in as_list(st.get("Resource")):
                text = sub_text(res) or ""
                target = getatt_of(res, "Arn")
                if actions & {"s3:GetObject", "s3:PutObject"} and not text.endswith("/mirror/*"):
                    f("%s: S3 object access beyond mirror/*: %r" % (role_id, res))
                if "s3:ListBucket" in actions and target not in resources_of(template, "AWS::S3::Bucket"):
                    f("%s: s3:ListBucket must be on the bucket itself: %r" % (role_id, res))
                if "dynamodb:GetItem" in actions and target not in resources_of(template, "AWS::DynamoDB::Table"):
                    f("%s: dynamodb:GetItem must be on the table only: %r" % (role_id, res))
                if "dynamodb:Query" in actions and as_list(((st.get("Condition") or {}).get("ForAllValues:StringEquals")
                                                             or {}).get("dynamodb:LeadingKeys")) != ["MIRRORPOLICY"]:
                    f("%s: dynamodb:Query must be limited to the MIRRORPOLICY partition (dynamodb:LeadingKeys)" % role_id)
                if text == "*" or res == "*":
                    f("%s: a wildcard resource" % role_id)
    lines.append("  %s under %s, URL AWS_IAM for CloudFront only, role limited to mirror/*, GetItem and the policy's partition" % (fid, condition))
    # the distribution
    dist = next(iter(resources_of(template, "AWS::CloudFront::Distribution").values()), {})
    config = (dist.get("Properties") or {}).get("DistributionConfig") or {}
    origins = {}
    for o in as_list(config.get("Origins") or []):
        o = unwrap_if(o, condition)
        if isinstance(o, dict):
            origins[o.get("Id")] = o
    fn_origin = next((oid for oid, o in origins.items() if fid + "Url" in references(o.get("DomainName"))), None)
    s3_origins = {oid for oid, o in origins.items() if "S3OriginConfig" in o and not o.get("OriginPath")}
    if fn_origin is None:
        f("Distribution: no origin on %sUrl (the function URL's domain)" % fid)
    else:
        oac = resources.get(getatt_of(origins[fn_origin].get("OriginAccessControlId"), "Id") or "", {})
        if ((oac.get("Properties") or {}).get("OriginAccessControlConfig") or {}).get("OriginAccessControlOriginType") != "lambda":
            f("Distribution: origin %s must use an origin access control of type lambda" % fn_origin)
    groups = {g.get("Id"): g for g in as_list((unwrap_if(config.get("OriginGroups"), condition) or {}).get("Items") or [])
              if isinstance(g, dict)}
    behaviours = []
    for b in as_list(config.get("CacheBehaviors") or []):
        inner = unwrap_if(b)
        if isinstance(inner, dict) and str(inner.get("PathPattern", "")).startswith("mirror/"):
            if inner is b or b["Fn::If"][0] != condition:
                f("Distribution: behaviour %s must be !If [%s, ..., !Ref AWS::NoValue]" % (inner.get("PathPattern"), condition))
            behaviours.append(inner)
    by_path = {b.get("PathPattern"): b for b in behaviours}
    order = [b.get("PathPattern") for b in behaviours]
    index_behaviour = next((b for b in as_list(config.get("CacheBehaviors") or []) if isinstance(b, dict)
                            and b.get("PathPattern") == "index/*"), {})
    edge = {r for r in references(index_behaviour.get("FunctionAssociations"))
            if (resources.get(r) or {}).get("Type") == "AWS::CloudFront::Function"}
    for path in ("mirror/index/config.json", "mirror/index/*", "mirror/crates/*"):
        if path not in by_path:
            f("Distribution: no behaviour %s" % path)
            continue
        if not edge <= references(by_path[path].get("FunctionAssociations")):
            f("Distribution: behaviour %s lacks the edge auth of index/* (%s)" % (path, ", ".join(sorted(edge))))
    if "mirror/index/config.json" in by_path and "mirror/index/*" in by_path \
            and order.index("mirror/index/config.json") > order.index("mirror/index/*"):
        f("Distribution: mirror/index/config.json must come before mirror/index/* (first match wins)")
    if by_path.get("mirror/index/config.json", {}).get("TargetOriginId") not in s3_origins:
        f("Distribution: mirror/index/config.json must target the bucket (bootstrap and reindex write it)")
    idx = by_path.get("mirror/index/*", {})
    if idx and idx.get("TargetOriginId") != fn_origin:
        f("Distribution: mirror/index/* must target the mirror function's URL (it owns the TTL)")
    policy = resources.get(ref_name(idx.get("CachePolicyId")) or "", {})
    pc = (policy.get("Properties") or {}).get("CachePolicyConfig") or {}
    if idx and (policy.get("Type") != "AWS::CloudFront::CachePolicy" or pc.get("MinTTL") != 0
                or not int(pc.get("MaxTTL") or 0) >= 60
                or (((pc.get("ParametersInCacheKeyAndForwardedToOrigin") or {}).get("HeadersConfig") or {})
                    .get("HeaderBehavior")) != "none"):
        f("Distribution: mirror/index/* needs a cache policy of the template that honours the function's "
          "Cache-Control (MinTTL 0, MaxTTL >= 60) and forwards no header")
    crates = by_path.get("mirror/crates/*", {})
    group = groups.get(crates.get("TargetOriginId"))
    members = [m.get("OriginId") for m in as_list(((group or {}).get("Members") or {}).get("Items") or [])]
    codes = set(as_list((((group or {}).get("FailoverCriteria") or {}).get("StatusCodes") or {}).get("Items") or []))
    if crates and (len(members) != 2 or members[0] not in s3_origins or members[1] != fn_origin or not {403, 404} <= codes):
        f("Distribution: mirror/crates/* must target an origin group of the bucket, then the function URL, "
          "failing over on 403 and 404")
    else:
        lines.append("  behaviours: config.json -> bucket, index/* -> function URL (TTL), crates/* -> bucket then function")
    # CloudFront may read the mirror's .crate files
    readable = False
    for bp in resources_of(template, "AWS::S3::BucketPolicy").values():
        for st in as_list(((bp.get("Properties") or {}).get("PolicyDocument") or {}).get("Statement") or []):
            st = unwrap_if(st, condition)
            if isinstance(st, dict) and st.get("Effect") == "Allow" and "s3:GetObject" in as_list(st.get("Action")) \
                    and any((sub_text(r) or "").endswith("/mirror/crates/*") for r in as_list(st.get("Resource"))):
                readable = True
    if not readable:
        f("the bucket policy does not let CloudFront read mirror/crates/* (every cached .crate would fail over)")
    # metrics
    log_group = ref_name((props.get("LoggingConfig") or {}).get("LogGroup"))
    names = set()
    for mf in resources_of(template, "AWS::Logs::MetricFilter").values():
        mp = mf.get("Properties") or {}
        if ref_name(mp.get("LogGroupName")) == log_group:
            names.update(t.get("MetricName") for t in as_list(mp.get("MetricTransformations") or []))
    missing = [m for m in MIRROR_METRICS if m not in names]
    if missing:
        f("%s: no metric filter for %s on %s" % (fid, ", ".join(missing), log_group))
    else:
        lines.append("  metrics on %s: %s" % (log_group, ", ".join(MIRROR_METRICS)))
    return lines


# ----------------------------------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_root = Path(__file__).resolve().parents[2]
    parser.add_argument("--root", type=Path, default=default_root, help="project root (default: %(default)s)")
    parser.add_argument("--template", type=Path, default=None, help="template (default: <root>/template.yaml)")
    args = parser.parse_args(argv)
    template_path = args.template or args.root.resolve() / "template.yaml"
    template = load_template(template_path)
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        print("error: %s has no Resources" % template_path, file=sys.stderr)
        return 1

    report = Report()
    print("template: %s" % template_path)
    route_map, route_lines = check_routes(template, report)
    print("(b) routes -> integrations -> function aliases (invoke permissions):")
    print("\n".join(route_lines) or "  (none)")
    print("(d) SnapStart and aliases:")
    print("\n".join(check_snapstart(template, report)) or "  (none)")
    print("(e) log groups with a retention:")
    print("\n".join(check_log_groups(template, report)) or "  (none)")
    print("(f) deployment:")
    print("\n".join(check_deploy(template, report)) or "  (none)")
    print("(g) staged uploads:")
    print("\n".join(check_staging(template, route_map, report)))
    print("(h) download counts:")
    print("\n".join(check_download_logs(template, report)))
    print("(j) webhook:")
    print("\n".join(check_webhook(template, report)))
    print("(m) crates.io mirror:")
    print("\n".join(check_mirror(template, report)))
    print("(p) SnapStart priming within each role:")
    print("\n".join(check_priming(template, args.root.resolve(), report)) or "  (none)")
    print("functions without a route:")
    print("\n".join(unrouted_functions(template, set(route_map.values()))) or "  (none)")

    if report.errors:
        print("\nFAILED: %d problem(s):" % len(report.errors), file=sys.stderr)
        for e in report.errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("\nOK: %d functions, %d routes, all consistent" % (
        len(resources_of(template, "AWS::Serverless::Function")), len(route_map)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
