#!/usr/bin/env python3
"""Expands template.yaml's SAM transform offline (aws-sam-translator, no AWS calls), then lints the result.

    python3 infra/template-check/sam_expand.py [--out FILE] [--region REGION]

Every function's local CodeUri (`.` for the Java functions, which `sam build` builds with the Makefile, a
directory for the Node.js one) is replaced first by the S3 URI of the zip that `sam build` + `sam deploy` would
upload, as a placeholder (the translator only accepts S3 locations); SAM policy templates and managed policy
names are not resolved (this template uses neither). Prints the expanded
resource types and counts, writes the CloudFormation JSON to --out (default: a temporary file) and runs cfn-lint
on it when cfn-lint is installed. Exit status: 0 expanded (and linted) cleanly, 1 translation failed,
2 cfn-lint found errors in the expansion.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = Path(__file__).resolve().parents[2]
    parser.add_argument("--template", type=Path, default=root / "template.yaml")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_DEFAULT_REGION", args.region)

    from cfnlint.decode import decode  # type: ignore
    from samtranslator.translator.transform import transform  # type: ignore
    from samtranslator.model.exceptions import InvalidDocumentException  # type: ignore

    template, matches = decode(str(args.template))
    if matches or template is None:
        print("cannot parse %s: %s" % (args.template, "; ".join(str(m) for m in matches)), file=sys.stderr)
        return 1
    for name, resource in template.get("Resources", {}).items():
        if resource.get("Type") == "AWS::Serverless::Function":
            code_uri = resource["Properties"].get("CodeUri")
            if not isinstance(code_uri, str) or code_uri.startswith("s3://"):
                print("%s: CodeUri %r is not a local path that `sam build` builds" % (name, code_uri), file=sys.stderr)
                return 1
            # What `sam deploy` uploads for it: the zip of .aws-sam/build/<name>/.
            resource["Properties"]["CodeUri"] = "s3://placeholder-artifacts/%s.zip" % name

    class NoManagedPolicies:
        def load(self) -> dict:
            return {}

    try:
        expanded = transform(template, {}, NoManagedPolicies())
    except InvalidDocumentException as e:
        print("SAM translation failed:", file=sys.stderr)
        for cause in e.causes:
            print("  " + cause.message, file=sys.stderr)
        return 1

    counts: dict[str, int] = {}
    for resource in expanded["Resources"].values():
        counts[resource["Type"]] = counts.get(resource["Type"], 0) + 1
    for rtype in sorted(counts):
        print("%-40s %d" % (rtype, counts[rtype]))

    out = args.out or Path(tempfile.mkstemp(prefix="expanded-", suffix=".json")[1])
    out.write_text(json.dumps(expanded, indent=1, default=str), encoding="utf-8")
    print("expanded template: %s" % out)
    cfn_lint = shutil.which("cfn-lint")
    if cfn_lint is None:
        print("cfn-lint not installed: expansion not linted")
        return 0
    result = subprocess.run([cfn_lint, str(out)])
    print("cfn-lint on the expansion: %s" % ("clean" if result.returncode == 0 else "exit %d" % result.returncode))
    return 0 if result.returncode == 0 else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
