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

    def test_default_route_without_its_permission(self):
        self.expect_failure(r"DefaultRoute \(\$default\): no AWS::Lambda::Permission for CratesFunction\.Alias",
                            replace("${RegistryApi}/*/$default\"", "${RegistryApi}/*/$defaultx\""))

    def test_route_key_that_is_neither_a_route_nor_default(self):
        self.expect_failure(r"DefaultRoute: RouteKey '\$fallback' is not `METHOD /path` \(nor \$default\)",
                            replace("RouteKey: $default", "RouteKey: $fallback"))

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

    # (f) deployment
    def test_alias_that_misses_configuration_changes(self):
        self.expect_failure(r"AutoPublishAliasAllProperties is not true",
                            replace("    AutoPublishAliasAllProperties: true\n", ""))

    def test_versions_kept_forever(self):
        self.expect_failure(r"VersionDeletionPolicy is not Delete",
                            replace("    VersionDeletionPolicy: Delete\n", "    VersionDeletionPolicy: Retain\n"))

    def test_distribution_deleted_with_the_stack(self):
        self.expect_failure(r"Distribution: DeletionPolicy and UpdateReplacePolicy must be Retain",
                            replace("    Type: AWS::CloudFront::Distribution\n    DeletionPolicy: Retain\n",
                                    "    Type: AWS::CloudFront::Distribution\n    DeletionPolicy: Delete\n"))

    def test_distribution_kept_without_its_cache_policy(self):
        text = TEMPLATE.replace("  IndexCachePolicy:\n    Type: AWS::CloudFront::CachePolicy\n"
                                "    # Kept with the distribution (see Distribution): it still serves the index and the tarballs.\n"
                                "    DeletionPolicy: Retain\n", "  IndexCachePolicy:\n    Type: AWS::CloudFront::CachePolicy\n")
        self.assertNotEqual(text, TEMPLATE)
        self.expect_failure(r"IndexCachePolicy: the distribution needs it to serve reads", text)

    def test_api_not_behind_the_distribution(self):
        self.expect_failure(r"no cache behaviour for api/\*", replace("          - PathPattern: api/*\n",
                                                                       "          - PathPattern: v1/*\n"))

    def test_api_behaviour_that_caches(self):
        text = TEMPLATE.replace("CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
                                "CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6")
        self.expect_failure(r"behaviour api/\* must use the managed CachingDisabled policy", text)

    def test_api_behaviour_that_forwards_host(self):
        # managed AllViewer: the Host header would reach API Gateway, which then answers 403
        text = TEMPLATE.replace("OriginRequestPolicyId: b689b0a8-53d0-40ab-baf2-68738e2966ac",
                                "OriginRequestPolicyId: 216adef6-5c7f-47e4-b989-5492eafa07d3")
        self.expect_failure(r"AllViewerExceptHostHeader", text)

    def test_route_outside_api(self):
        self.expect_failure(r"TokensRevokeCurrentRoute \(DELETE /v1/tokens/current\): the route is outside /api/",
                            replace("RouteKey: DELETE /api/v1/tokens/current", "RouteKey: DELETE /v1/tokens/current"))

    def test_publish_without_the_body_size_check(self):
        text = re.sub(r"            FunctionAssociations:\n              - EventType: viewer-request\n"
                      r"                FunctionARN: !GetAtt PublishLimitFunction\.FunctionMetadata\.FunctionARN\n", "",
                      TEMPLATE)
        self.assertNotEqual(text, TEMPLATE)
        self.expect_failure(r"PublishRoute \(PUT /api/v1/crates/new\): needs a cache behaviour api/v1/crates/new", text)

    def test_api_url_on_another_domain_than_the_index(self):
        self.expect_failure(r"REGISTRY_API_URL differs from REGISTRY_CDN_URL",
                            replace('        REGISTRY_API_URL: !If [HasCustomDomain, !Sub "https://${DomainName}", '
                                    '!Sub "https://${Distribution.DomainName}"]\n',
                                    '        REGISTRY_API_URL: !Sub "https://${RegistryApi}.execute-api.${AWS::Region}'
                                    '.${AWS::URLSuffix}"\n'))

    def test_custom_domain_without_its_condition(self):
        self.expect_failure(r"Distribution: Aliases must be !If \[<DomainName condition>",
                            replace("        Aliases: !If [HasCustomDomain, [!Ref DomainName], !Ref AWS::NoValue]\n",
                                    "        Aliases: [!Ref DomainName]\n"))

    def test_no_region_rule(self):
        self.expect_failure(r"Rules: no assertion refuses the regions without SnapStart \['ap-east-2'\]",
                            replace("[[ap-southeast-6, ap-east-2], !Ref \"AWS::Region\"]",
                                    "[[ap-southeast-6], !Ref \"AWS::Region\"]"))

    def test_access_log_without_the_authorizer_error(self):
        self.expect_failure(r"RegistryApiStage: the access log lacks \$context.authorizer.error",
                            replace('"authorizerError":"$context.authorizer.error"', '"authorizerError":"-"'))

    def test_access_log_that_is_not_json(self):
        self.expect_failure(r"RegistryApiStage: the access log format is not JSON",
                            replace('"authorizerError":"$context.authorizer.error"}', '"authorizerError":"$context.authorizer.error"'))

    def test_yank_role_that_cannot_delete_an_index_file(self):
        text = re.sub(r"(  YankFunctionRole:\n(?:.*\n)*?)                  - s3:DeleteObject\n", r"\1", TEMPLATE, count=1)
        self.assertNotEqual(text, TEMPLATE)
        self.expect_failure(r"YankFunction: its role YankFunctionRole lacks s3:DeleteObject on index/\*", text)

    def test_readme_keeper_that_may_write_tarballs(self):
        self.expect_failure(r"CratesFunction: its role CratesFunctionRole may s3:DeleteObject, s3:PutObject on "
                            r".*/crates/\*: only put and delete rendered readmes",
                            replace('Resource: !Sub "${RegistryBucket.Arn}/crates/*.readme.html"',
                                    'Resource: !Sub "${RegistryBucket.Arn}/crates/*"'))

    def test_readme_keeper_with_a_wildcard_write(self):
        self.expect_failure(r"CratesFunction: its role CratesFunctionRole may s3:DeleteObject, s3:Put\* on",
                            replace("                  - s3:PutObject\n                  - s3:DeleteObject\n"
                                    "                Resource: !Sub \"${RegistryBucket.Arn}/crates/*.readme.html\"",
                                    "                  - s3:Put*\n                  - s3:DeleteObject\n"
                                    "                Resource: !Sub \"${RegistryBucket.Arn}/crates/*.readme.html\""))

    def test_readme_keeper_that_gets_403_for_a_readme_not_kept_yet(self):
        text = re.sub(r"(  CratesFunctionRole:\n(?:.*\n)*?)              - Sid: MissingKeysAre404\n(?:.*\n){3}", r"\1",
                      TEMPLATE, count=1)
        self.assertNotEqual(text, TEMPLATE)
        self.expect_failure(r"CratesFunction: its role CratesFunctionRole lacks s3:ListBucket on the bucket", text)

    def test_readme_text_served_at_the_edge(self):
        self.expect_failure(r"no bucket policy denies the distribution s3:GetObject on crates/\*\.readme",
                            replace('            Action: s3:GetObject\n            Resource: !Sub "${RegistryBucket.Arn}/crates/*.readme"\n',
                                    '            Action: s3:GetObject\n            Resource: !Sub "${RegistryBucket.Arn}/crates/*.readme.txt"\n'))

    def test_readme_keeper_that_cannot_take_a_readme_back(self):
        self.expect_failure(r"CratesFunction: its role CratesFunctionRole lacks s3:DeleteObject on /crates/\*\.readme\.html",
                            replace("                  - s3:PutObject\n                  - s3:DeleteObject\n"
                                    "                Resource: !Sub \"${RegistryBucket.Arn}/crates/*.readme.html\"",
                                    "                  - s3:PutObject\n"
                                    "                Resource: !Sub \"${RegistryBucket.Arn}/crates/*.readme.html\""))

    def test_publish_that_cannot_take_its_readme_text_back(self):
        text = re.sub(r"              - Sid: ReadmeTextOfARemovedVersion\n(?:.*\n){3}", "", TEMPLATE, count=1)
        self.assertNotEqual(text, TEMPLATE)
        self.expect_failure(r"PublishFunction: its role PublishFunctionRole lacks s3:DeleteObject on /crates/\*\.readme", text)

    def test_publish_that_may_delete_tarballs(self):
        self.expect_failure(r"PublishFunction: role PublishFunctionRole may delete outside staging/, index/ and README texts",
                            replace('                Action: s3:DeleteObject\n'
                                    '                Resource: !Sub "${RegistryBucket.Arn}/crates/*.readme"\n',
                                    '                Action: s3:DeleteObject\n'
                                    '                Resource: !Sub "${RegistryBucket.Arn}/crates/*"\n'))

    def test_cargo_config_that_is_not_toml(self):
        # the form the first template had: a table header and a key on one line
        self.expect_failure(r"CargoConfig: .* is not TOML",
                            replace("""      - !Sub 'registries.${RegistryName}.index = "sparse+https://${DomainName}/index/"'""",
                                    """      - !Sub '[registries.${RegistryName}] index = "sparse+https://${DomainName}/index/"'"""))

    # (g) staging
    def test_staged_uploads_that_never_expire(self):
        self.expect_failure(r"\[f\] no bucket has an enabled lifecycle rule that expires staging/",
                            replace("            Prefix: staging/\n            ExpirationInDays: 1",
                                    "            Prefix: staging/\n            ExpirationInDays: 30"))

    def test_staging_signer_that_may_delete_published_objects(self):
        self.expect_failure(r"\[f\] PublishFunction: role PublishFunctionRole may delete outside staging/, index/ and README texts",
                            replace('Resource: !Sub "${RegistryBucket.Arn}/staging/*"',
                                    'Resource: !Sub "${RegistryBucket.Arn}/*"'))

    # (h) download counts
    def test_distribution_without_access_logs(self):
        self.expect_failure(r"Distribution has no Logging",
                            replace("        Logging:\n          Bucket: !GetAtt LogBucket.DomainName\n", "        LoggingX:\n          Bucket: !GetAtt LogBucket.DomainName\n"))

    def test_log_bucket_with_acls_disabled(self):
        self.expect_failure(r"LogBucket: ObjectOwnership must be BucketOwnerPreferred",
                            replace("          - ObjectOwnership: BucketOwnerPreferred", "          - ObjectOwnership: BucketOwnerEnforced"))

    def test_access_logs_kept_longer_than_the_markers(self):
        self.expect_failure(r"LogBucket: no enabled lifecycle rule expires cdn-logs/ within 59 days",
                            replace("            Prefix: cdn-logs/\n            ExpirationInDays: 30",
                                    "            Prefix: cdn-logs/\n            ExpirationInDays: 90"))

    def test_access_logs_nobody_counts(self):
        self.expect_failure(r"no function has an EventBridgeRule event for Object Created in LogBucket under cdn-logs/",
                            replace("                  key: [{prefix: cdn-logs/}]", "                  key: [{prefix: other/}]"))

    def test_counter_that_may_write_the_log_bucket(self):
        self.expect_failure(r"DownloadsFunction: role DownloadsFunctionRole may s3:DeleteObject",
                            replace("                Action: s3:GetObject\n                Resource: !Sub \"${LogBucket.Arn}/cdn-logs/*\"",
                                    "                Action: [s3:GetObject, s3:DeleteObject]\n                Resource: !Sub \"${LogBucket.Arn}/cdn-logs/*\""))

    def test_counter_that_may_query_more_than_its_counts(self):
        self.expect_failure(r"DownloadsFunction: role DownloadsFunctionRole may dynamodb:Query",
                            replace("                Action: dynamodb:Query\n                Resource: !GetAtt RegistryTable.Arn\n"
                                    "                Condition:\n                  ForAllValues:StringLike:\n"
                                    "                    dynamodb:LeadingKeys:\n                      - \"DL#*\"\n",
                                    "                Action: dynamodb:Query\n                Resource: !GetAtt RegistryTable.Arn\n"
                                    "                Condition:\n                  ForAllValues:StringLike:\n"
                                    "                    dynamodb:LeadingKeys:\n                      - \"CRATE#*\"\n"))

    # (j) webhook
    def test_webhook_without_retries(self):
        self.expect_failure(r"WebhookRule: target webhook retries for less than an hour",
                            replace("MaximumEventAgeInSeconds: 86400", "MaximumEventAgeInSeconds: 60"))

    def test_webhook_without_dead_letter_queue(self):
        self.expect_failure(r"WebhookRule: target webhook has no dead-letter queue",
                            replace("            Arn: !GetAtt WebhookDeadLetterQueue.Arn\n", "            Arn: !GetAtt Nothing.Arn\n"))

    def test_webhook_dead_letter_queue_policy_for_another_rule(self):
        self.expect_failure(r"WebhookRule: dead-letter queue WebhookDeadLetterQueue has no queue policy",
                            replace("aws:SourceArn: !GetAtt WebhookRule.Arn", "aws:SourceArn: !GetAtt OtherRule.Arn"))

    def test_webhook_role_may_do_more(self):
        self.expect_failure(r"WebhookRule: target role WebhookInvokeRole may do .*events:PutEvents",
                            replace("                Action: events:InvokeApiDestination\n",
                                    "                Action: [events:InvokeApiDestination, events:PutEvents]\n"))


    # (m) the crates.io mirror
    def test_mirror_function_without_the_mirror_condition(self):
        self.expect_failure(r"\[m\] MirrorFunction: must exist only under a condition on the MirrorUpstream parameter",
                            replace("  MirrorFunction:\n    Type: AWS::Serverless::Function\n    Condition: MirrorOn\n",
                                    "  MirrorFunction:\n    Type: AWS::Serverless::Function\n"))

    def test_mirror_permission_outside_the_condition(self):
        self.expect_failure(r"\[m\] MirrorFunctionUrlPermission names MirrorFunction but is not under its condition",
                            replace("  MirrorFunctionUrlPermission:\n    Type: AWS::Lambda::Permission\n    Condition: MirrorOn\n",
                                    "  MirrorFunctionUrlPermission:\n    Type: AWS::Lambda::Permission\n"))

    def test_mirror_url_without_iam_auth(self):
        self.expect_failure(r"\[m\] MirrorFunction: FunctionUrlConfig.AuthType must be AWS_IAM",
                            replace("      FunctionUrlConfig:\n        AuthType: AWS_IAM\n",
                                    "      FunctionUrlConfig:\n        AuthType: NONE\n"))

    def test_mirror_url_without_the_invoke_function_permission(self):
        self.expect_failure(r"\[m\] MirrorFunction: no lambda:InvokeFunction permission",
                            replace("      Action: lambda:InvokeFunction\n      FunctionName: !Ref MirrorFunction.Alias\n",
                                    "      Action: lambda:GetFunction\n      FunctionName: !Ref MirrorFunction.Alias\n"))

    def test_mirror_role_beyond_mirror_objects(self):
        self.expect_failure(r"\[m\] MirrorFunctionRole: S3 object access beyond mirror/\*",
                            replace('Resource: !Sub "${RegistryBucket.Arn}/mirror/*"', 'Resource: !Sub "${RegistryBucket.Arn}/*"'))

    def test_mirror_role_with_another_action(self):
        self.expect_failure(r"\[m\] MirrorFunctionRole: the mirror's role allows dynamodb:PutItem",
                            replace("              - Sid: PrivateNameCheck\n                Effect: Allow\n"
                                    "                Action: dynamodb:GetItem\n",
                                    "              - Sid: PrivateNameCheck\n                Effect: Allow\n"
                                    "                Action: [dynamodb:GetItem, dynamodb:PutItem]\n"))

    def test_mirror_crates_straight_to_the_function(self):
        self.expect_failure(r"\[m\] Distribution: mirror/crates/\* must target an origin group of the bucket, then the function",
                            replace("TargetOriginId: mirror-crates", "TargetOriginId: mirror-function"))

    def test_mirror_origin_group_with_the_function_first(self):
        self.expect_failure(r"\[m\] Distribution: mirror/crates/\* must target an origin group",
                            replace("                    - OriginId: registry-bucket\n                    - OriginId: mirror-function",
                                    "                    - OriginId: mirror-function\n                    - OriginId: registry-bucket"))

    def test_mirror_index_files_from_the_bucket(self):
        self.expect_failure(r"\[m\] Distribution: mirror/index/\* must target the mirror function's URL",
                            replace("PathPattern: mirror/index/*\n              TargetOriginId: mirror-function",
                                    "PathPattern: mirror/index/*\n              TargetOriginId: registry-bucket"))

    def test_mirror_index_cache_policy_that_forwards_headers(self):
        self.expect_failure(r"\[m\] Distribution: mirror/index/\* needs a cache policy of the template",
                            replace("CachePolicyId: !Ref MirrorIndexCachePolicy",
                                    "CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6"))

    def test_mirror_without_a_bytes_metric(self):
        self.expect_failure(r"\[m\] MirrorFunction: no metric filter for BytesFetched on MirrorLogGroup",
                            replace("MetricName: BytesFetched", "MetricName: Bytes"))


    def test_mirror_policy_query_beyond_its_partition(self):
        self.expect_failure(r"MirrorFunctionRole: dynamodb:Query must be limited to the MIRRORPOLICY partition",
                            replace("                    dynamodb:LeadingKeys: [MIRRORPOLICY]\n",
                                    "                    dynamodb:LeadingKeys: [MIRRORPOLICY, USER]\n"))

    # (p) priming
    def test_priming_read_the_search_role_does_not_allow(self):
        self.expect_failure(r"\[p\] SearchFunction: its SnapStart hook calls s3:GetObject on search/cargoreg-priming, "
                            r"which its role SearchFunctionRole does not allow",
                            replace('Resource: !Sub "${RegistryBucket.Arn}/search/cargoreg-priming"',
                                    'Resource: !Sub "${RegistryBucket.Arn}/search/other"'))

    def test_priming_batch_read_the_yank_role_does_not_allow(self):
        self.expect_failure(r"\[p\] YankFunction: its SnapStart hook calls dynamodb:BatchGetItem",
                            replace("""              # flag), authorised as UpdateItem.
              - Sid: RegistryMetadata
                Effect: Allow
                Action:
                  - dynamodb:GetItem
                  - dynamodb:Query
                  - dynamodb:UpdateItem
                  - dynamodb:BatchGetItem
""", """              # flag), authorised as UpdateItem.
              - Sid: RegistryMetadata
                Effect: Allow
                Action:
                  - dynamodb:GetItem
                  - dynamodb:Query
                  - dynamodb:UpdateItem
"""))


if __name__ == "__main__":
    unittest.main()
