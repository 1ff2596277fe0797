#!/usr/bin/env python3
"""Tests of check_template.py's `sam build` checks (a): each case breaks one thing in a copy of the project
(Makefile or template.yaml; everything else is a symlink to the real checkout) and expects check_template.py
to fail with a message that names it.

    python3 infra/template-check/test_check_template.py [-v]

The unbroken copy must pass (exit 0) or lack only the jars (exit 2: build them with `make jars`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHECK = HERE / "check_template.py"


class BrokenCopy:
    """A temporary project root: symlinks to ROOT's entries, real copies of the files a case edits."""

    def __init__(self, edits: dict[str, callable], copies: tuple[str, ...] = ()) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="check-template-test-"))
        for entry in ROOT.iterdir():
            if entry.name in edits or entry.name in copies or entry.name == ".git":
                continue
            (self.dir / entry.name).symlink_to(entry)
        for name in copies:
            shutil.copytree(ROOT / name, self.dir / name, symlinks=True)
        for name, edit in edits.items():
            text = (ROOT / name).read_text(encoding="utf-8")
            changed = edit(text)
            assert changed != text, "the edit of %s changed nothing" % name
            (self.dir / name).write_text(changed, encoding="utf-8")

    def run(self) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(CHECK), "--root", str(self.dir)],
                              capture_output=True, text=True, timeout=300)

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def replace(old: str, new: str, count: int = 1):
    def edit(text: str) -> str:
        assert old in text, "%r is not in the file" % old
        return text.replace(old, new, count)
    return edit


class CheckTemplateBuildTest(unittest.TestCase):
    def expect_failure(self, pattern: str, edits: dict, copies: tuple[str, ...] = ()) -> None:
        copy = BrokenCopy(edits, copies)
        try:
            result = copy.run()
        finally:
            copy.close()
        self.assertEqual(result.returncode, 1, result.stdout[-2000:] + result.stderr[-2000:])
        self.assertRegex(result.stderr, pattern)

    def test_unbroken_copy_passes(self):
        copy = BrokenCopy({})
        try:
            result = copy.run()
        finally:
            copy.close()
        self.assertIn(result.returncode, (0, 2), result.stderr[-2000:])

    def test_missing_make_target(self):
        self.expect_failure(r"SearchFunction: Makefile has no target build-SearchFunction", {
            "Makefile": lambda t: re.sub(r"^build-SearchFunction: jars\n\t.*\n", "", t, flags=re.M)})

    def test_prebuilt_jar_code_uri(self):
        def edit(text: str) -> str:
            text = replace("    Metadata:\n      BuildMethod: makefile\n    Properties:\n      Description: cargo publish",
                           "    Properties:\n      Description: cargo publish")(text)
            return replace("(PUT /api/v1/crates/new)\n      CodeUri: .\n",
                           "(PUT /api/v1/crates/new)\n"
                           "      CodeUri: functions/publish/target/function-publish-0.1.0-SNAPSHOT-lambda.jar\n")(text)
        self.expect_failure(r"PublishFunction: CodeUri is the prebuilt jar", {"template.yaml": edit})

    def test_java_function_without_build_method(self):
        self.expect_failure(r"YankFunction: a Java function without Metadata: BuildMethod: makefile", {
            "template.yaml": replace(
                "    Metadata:\n      BuildMethod: makefile\n    Properties:\n      Description: cargo yank",
                "    Properties:\n      Description: cargo yank")})

    def test_version_differs_from_pom(self):
        self.expect_failure(r"VERSION 9\.9\.9, but pom\.xml says", {
            "Makefile": replace("VERSION   := 0.1.0-SNAPSHOT", "VERSION   := 9.9.9")})

    def test_module_not_built_by_the_maven_run(self):
        self.expect_failure(r"build-TokensFunction installs the tokens jar, but MODULES .* lacks tokens", {
            "Makefile": replace(" admin authorizer tokens\n", " admin authorizer\n")})

    def test_recipe_that_installs_no_jar(self):
        self.expect_failure(r"OwnersFunction: the recipe of build-OwnersFunction .* must be one \$\(call lambda_jar", {
            "Makefile": replace("\t@$(call lambda_jar,owners)", "\t@echo nothing")})

    @unittest.skipIf(shutil.which("make") is None, "make is not on PATH")
    def test_makefile_that_make_cannot_read(self):
        self.expect_failure(r"Makefile: make reports: .*(missing separator|separator)", {
            "Makefile": replace("\t@$(call lambda_jar,crates)", "    @$(call lambda_jar,crates)")})

    def test_npm_ci_without_lockfile(self):
        def edit(text: str) -> str:
            return text.replace("      CodeUri: infra/edge-auth/token-sync/\n",
                                "      CodeUri: token-sync-copy/\n")
        copy = BrokenCopy({"template.yaml": edit})
        try:
            shutil.copytree(ROOT / "infra/edge-auth/token-sync", copy.dir / "token-sync-copy",
                            ignore=shutil.ignore_patterns("node_modules", "package-lock.json"))
            result = copy.run()
        finally:
            copy.close()
        self.assertEqual(result.returncode, 1, result.stderr[-2000:])
        self.assertRegex(result.stderr, r"TokenSyncFunction: Metadata BuildProperties UseNpmCi is true, but "
                                        r"token-sync-copy/ has no package-lock\.json")


if __name__ == "__main__":
    unittest.main()
