#!/usr/bin/env python3
"""Tests of check_template.py: each case breaks one thing in a copy of template.yaml and expects check_template.py
to fail with a message that names it; the unbroken template must pass.

    python3 infra/template-check/test_check_template.py [-v]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHECK = HERE / "check_template.py"
TEMPLATE = (ROOT / "template.yaml").read_text(encoding="utf-8")


def run(template: str) -> subprocess.CompletedProcess:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8", delete=False) as f:
        f.write(template)
    try:
        return subprocess.run([sys.executable, str(CHECK), "--template", f.name],
                              capture_output=True, text=True, timeout=120)
    finally:
        Path(f.name).unlink()


def replace(old: str, new: str, text: str = TEMPLATE) -> str:
    assert text.count(old) == 1, "%r is in the template %d times" % (old, text.count(old))
    return text.replace(old, new)


class CheckTemplateTest(unittest.TestCase):
    def expect_failure(self, pattern: str, template: str) -> None:
        result = run(template)
        self.assertEqual(result.returncode, 1, result.stdout[-2000:] + result.stderr[-2000:])
        self.assertRegex(result.stderr, pattern)

    def test_unbroken_template_passes(self):
        result = run(TEMPLATE)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertRegex(result.stdout, r"OK: \d+ functions, \d+ routes")

    # (b) routes
    def test_route_to_a_missing_integration(self):
        self.expect_failure(r"SearchRoute \(GET /api/v1/crates\): integration SearchIntegrationX is not defined",
                            replace('Target: !Sub "integrations/${SearchIntegration}"',
                                    'Target: !Sub "integrations/${SearchIntegrationX}"'))

    def test_integration_to_the_bare_function(self):
        self.expect_failure(r"integration PublishIntegration targets .*not `!Ref <Function>\.Alias`",
                            replace("IntegrationUri: !Ref PublishFunction.Alias", "IntegrationUri: !Ref PublishFunction"))

    def test_route_key_twice(self):
        self.expect_failure(r"route key GET /api/v1/me is defined twice",
                            replace("RouteKey: GET /api/v1/me/tokens\n", "RouteKey: GET /api/v1/me\n"))

    def test_permission_that_does_not_cover_the_route(self):
        self.expect_failure(r"OwnersListRoute \(GET /api/v1/crates/\{name\}/owners\): no AWS::Lambda::Permission for "
                            r"OwnersFunction\.Alias",
                            replace("${RegistryApi}/*/*/api/v1/crates/*/owners\"", "${RegistryApi}/*/*/api/v1/crates/*/ownerz\""))

    def test_authorizer_without_its_permission(self):
        self.expect_failure(r"no AWS::Lambda::Permission lets API Gateway invoke AuthorizerFunction\.Alias as authorizer "
                            r"CargoTokenAuthorizer",
                            replace("${RegistryApi}/authorizers/${CargoTokenAuthorizer}", "${RegistryApi}/authorizers/x"))

    def test_private_only_route_without_its_authorizer(self):
        text = TEMPLATE.replace(
            "      AuthorizationType: !If [PrivateRegistry, CUSTOM, NONE]\n"
            "      AuthorizerId: !If [PrivateRegistry, !Ref CargoTokenAuthorizer, !Ref AWS::NoValue]\n",
            "      AuthorizationType: !If [PrivateRegistry, CUSTOM, NONE]\n", 1)
        self.assertNotEqual(text, TEMPLATE)
        self.expect_failure(r"AuthorizerId must be !If \[PrivateRegistry, !Ref <Authorizer>, !Ref AWS::NoValue\]", text)

    # (d) SnapStart
    def test_snapstart_without_alias(self):
        self.expect_failure(r"SnapStart is on, but it has no AutoPublishAlias",
                            replace("    AutoPublishAlias: live\n", ""))

    def test_snapstart_on_a_runtime_without_it(self):
        self.expect_failure(r"TokenSyncFunction: SnapStart is on .*runtime 'nodejs24\.x' has no SnapStart",
                            re.sub(r"      # The Globals turn SnapStart on.*\n      SnapStart:\n        ApplyOn: None\n", "",
                                   TEMPLATE))

    # (e) log groups
    def test_log_group_without_retention(self):
        text = re.sub(r"(  SearchLogGroup:\n(?:    .*\n)*?)      RetentionInDays: 30\n", r"\1", TEMPLATE)
        self.assertNotEqual(text, TEMPLATE)
        self.expect_failure(r"SearchFunction: log group SearchLogGroup has no RetentionInDays", text)

    def test_role_that_cannot_write_to_its_log_group(self):
        self.expect_failure(r"TokensFunction: its role TokensFunctionRole does not allow logs:CreateLogStream",
                            replace("                Resource: !GetAtt TokensLogGroup.Arn\n",
                                    "                Resource: !GetAtt PublishLogGroup.Arn\n"))

    def test_function_without_its_own_log_group(self):
        self.expect_failure(r"YankFunction: log group PublishLogGroup is already PublishFunction's",
                            replace("        LogGroup: !Ref YankLogGroup\n", "        LogGroup: !Ref PublishLogGroup\n"))

    # (f) staging
    def test_staged_uploads_that_never_expire(self):
        self.expect_failure(r"\[f\] no bucket has an enabled lifecycle rule that expires staging/",
                            replace("            Prefix: staging/\n            ExpirationInDays: 1",
                                    "            Prefix: staging/\n            ExpirationInDays: 30"))

    def test_staging_signer_that_may_delete_published_objects(self):
        self.expect_failure(r"\[f\] PublishFunction: role PublishFunctionRole may delete outside staging/",
                            replace('Resource: !Sub "${RegistryBucket.Arn}/staging/*"',
                                    'Resource: !Sub "${RegistryBucket.Arn}/*"'))


if __name__ == "__main__":
    unittest.main()
