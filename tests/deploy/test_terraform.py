"""The Terraform configuration holds the platform's parts and wires them together.

No AWS account and no provider plugins are needed: every .tf file is parsed with python-hcl2
and the tests read the parsed blocks. Besides the named parts, they do a small part of
`terraform validate`'s work: every var./local./module./resource reference points at
something declared, and every module call passes exactly the variables its module declares.
"""

import functools
import re
from pathlib import Path

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
MODULE_NAMES = [
    "network",
    "alb",
    "dns",
    "ecs",
    "database",
    "cache",
    "storage",
    "email",
    "secrets",
    "logs",
]
MODULE_DIRS = [TERRAFORM] + [TERRAFORM / "modules" / name for name in MODULE_NAMES]


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    if text.startswith("${") and text.endswith("}"):
        return text[2:-1]
    return text


def _clean(value):
    """hcl2's output without its quoting and bookkeeping keys."""
    if isinstance(value, dict):
        return {
            _unquote(key): _clean(item)
            for key, item in value.items()
            if key not in ("__is_block__", "__comments__", "__inline_comments__")
        }
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, str):
        return _unquote(value)
    return value


class Module:
    """The blocks of one Terraform module (a folder of .tf files)."""

    def __init__(self, path: Path):
        self.path = path
        self.text = ""
        self.resources: dict[tuple[str, str], dict] = {}
        self.data: dict[tuple[str, str], dict] = {}
        self.modules: dict[str, dict] = {}
        self.variables: dict[str, dict] = {}
        self.outputs: dict[str, dict] = {}
        self.locals: dict[str, object] = {}
        self.terraform: list[dict] = []
        for file in sorted(path.glob("*.tf")):
            self.text += file.read_text() + "\n"
            with file.open() as handle:
                parsed = _clean(hcl2.load(handle))
            for kind, target in (("resource", self.resources), ("data", self.data)):
                for block in parsed.get(kind, []):
                    for type_, named in block.items():
                        for name, body in named.items():
                            target[(type_, name)] = body
            for block in parsed.get("module", []):
                self.modules.update(block)
            for block in parsed.get("variable", []):
                self.variables.update(block)
            for block in parsed.get("output", []):
                self.outputs.update(block)
            for block in parsed.get("locals", []):
                self.locals.update(block)
            self.terraform.extend(parsed.get("terraform", []))

    def resource(self, type_: str, name: str) -> dict:
        assert (type_, name) in self.resources, f"{self.path.name}: no {type_}.{name}"
        return self.resources[(type_, name)]

    def of_type(self, type_: str) -> dict[str, dict]:
        return {name: body for (kind, name), body in self.resources.items() if kind == type_}

    def code(self) -> str:
        """The module's text without comments (checkov skips mention resource names)."""
        return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in self.text.splitlines())


@functools.cache
def module(name: str = "") -> Module:
    return Module(TERRAFORM / "modules" / name if name else TERRAFORM)


def _flat(value) -> str:
    """An expression or block as one whitespace-normalised string, for pattern checks."""
    return re.sub(r"\s+", " ", str(value))


def _block(body: dict, name: str) -> dict:
    blocks = body.get(name)
    assert blocks, f"missing block {name}"
    return blocks[0]


# --- every file parses; every module is what the README promises -------------------------------


@pytest.mark.parametrize(
    "path", sorted(TERRAFORM.rglob("*.tf")), ids=lambda p: str(p.relative_to(TERRAFORM))
)
def test_terraform_file_parses(path):
    with path.open() as handle:
        assert hcl2.load(handle) is not None


def test_root_module_calls_one_module_per_concern():
    root = module()
    assert set(root.modules) == set(MODULE_NAMES)
    for name, call in root.modules.items():
        assert call["source"] == f"./modules/{name}"


def test_providers_are_pinned():
    root = module()
    (settings,) = root.terraform
    assert settings["required_version"].startswith(">=")
    providers = settings["required_providers"][0]
    assert providers["aws"]["source"] == "hashicorp/aws"
    assert providers["aws"]["version"].startswith("~>")
    assert providers["random"]["source"] == "hashicorp/random"
    assert providers["random"]["version"].startswith("~>")


def test_state_backend_is_encrypted_s3():
    (settings,) = module().terraform
    backend = settings["backend"][0]["s3"]
    assert backend["encrypt"] is True


@pytest.mark.parametrize("directory", MODULE_DIRS, ids=lambda p: p.name)
def test_every_variable_has_a_description_and_a_type(directory):
    mod = Module(directory)
    assert mod.variables, f"{directory} declares no variables"
    for name, body in mod.variables.items():
        assert body.get("description", "").strip(), f"{directory.name}: var.{name} undocumented"
        assert "type" in body, f"{directory.name}: var.{name} has no type"


@pytest.mark.parametrize("directory", MODULE_DIRS, ids=lambda p: p.name)
def test_every_output_has_a_description(directory):
    mod = Module(directory)
    assert mod.outputs, f"{directory} declares no outputs"
    for name, body in mod.outputs.items():
        assert body.get("description", "").strip(), f"{directory.name}: output {name} undocumented"


# --- references resolve (a small `terraform validate`) ----------------------------------------


@pytest.mark.parametrize("directory", MODULE_DIRS, ids=lambda p: p.name)
def test_references_point_at_declared_things(directory):
    mod = Module(directory)
    code = mod.code()
    for name in set(re.findall(r"\bvar\.(\w+)", code)):
        assert name in mod.variables, f"{directory.name}: var.{name} is not declared"
    for name in set(re.findall(r"\blocal\.(\w+)", code)):
        assert name in mod.locals, f"{directory.name}: local.{name} is not declared"
    for name in set(re.findall(r"\bdata\.(\w+\.\w+)", code)):
        assert tuple(name.split(".")) in mod.data, f"{directory.name}: data.{name} is not declared"
    for type_, name in set(re.findall(r"(?<![.\w\"])((?:aws|random)_\w+)\.(\w+)", code)):
        assert (type_, name) in mod.resources, f"{directory.name}: {type_}.{name} is not declared"


def test_module_calls_pass_exactly_the_declared_variables():
    root = module()
    meta = {"source", "providers", "depends_on", "count", "for_each"}
    for name, call in root.modules.items():
        declared = module(name).variables
        passed = set(call) - meta
        assert passed <= set(declared), f"module.{name} gets undeclared {passed - set(declared)}"
        required = {var for var, body in declared.items() if "default" not in body}
        assert required <= passed, f"module.{name} misses {required - passed}"


def test_module_outputs_used_by_the_root_exist():
    code = module().code()
    for name, output in set(re.findall(r"\bmodule\.(\w+)\.(\w+)", code)):
        assert output in module(name).outputs, f"module.{name}.{output} is not an output"


# --- network -----------------------------------------------------------------------------------


def test_network_spans_two_azs_with_public_and_private_subnets_and_nat():
    network = module("network")
    assert network.resource("aws_vpc", "this")["cidr_block"] == "var.vpc_cidr"
    for tier in ("public", "private"):
        assert network.resource("aws_subnet", tier)["count"] == "length(local.azs)"
    assert network.locals["azs"] == "var.availability_zones"
    assert "length(var.availability_zones) == 2" in _flat(network.variables["availability_zones"])
    assert network.resource("aws_nat_gateway", "this")["subnet_id"].startswith("aws_subnet.public[")
    private_route = _block(network.resource("aws_route_table", "private"), "route")
    assert private_route["nat_gateway_id"].startswith("aws_nat_gateway.this[")
    public_route = _block(network.resource("aws_route_table", "public"), "route")
    assert public_route["gateway_id"] == "aws_internet_gateway.this.id"
    assert network.resource("aws_flow_log", "this")["log_destination"] == "var.flow_log_group_arn"


# --- load balancer, certificate and DNS --------------------------------------------------------


def test_https_listener_uses_the_validated_wildcard_certificate():
    alb, dns, root = module("alb"), module("dns"), module()
    https = alb.resource("aws_lb_listener", "https")
    assert https["protocol"] == "HTTPS"
    assert https["port"] == 443
    assert https["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    assert https["certificate_arn"] == "var.certificate_arn"
    assert root.modules["alb"]["certificate_arn"] == "module.dns.certificate_arn"
    assert (
        dns.outputs["certificate_arn"]["value"]
        == "aws_acm_certificate_validation.this.certificate_arn"
    )
    certificate = dns.resource("aws_acm_certificate", "this")
    assert certificate["domain_name"] == "var.domain_name"
    assert certificate["subject_alternative_names"] == ["*.${var.domain_name}"]
    assert certificate["validation_method"] == "DNS"
    validation = dns.resource("aws_acm_certificate_validation", "this")
    assert validation["certificate_arn"] == "aws_acm_certificate.this.arn"
    assert "aws_route53_record.certificate_validation" in validation["validation_record_fqdns"]
    records = dns.resource("aws_route53_record", "certificate_validation")
    assert "aws_acm_certificate.this.domain_validation_options" in records["for_each"]


def test_http_listener_redirects_to_https():
    http = module("alb").resource("aws_lb_listener", "http")
    action = _block(http, "default_action")
    assert action["type"] == "redirect"
    redirect = _block(action, "redirect")
    assert redirect["protocol"] == "HTTPS"
    assert redirect["status_code"] == "HTTP_301"


def test_websocket_paths_go_to_the_asgi_target_group_and_the_rest_to_web():
    alb, root = module("alb"), module()
    https = alb.resource("aws_lb_listener", "https")
    assert _block(https, "default_action")["target_group_arn"] == "aws_lb_target_group.web.arn"
    rule = alb.resource("aws_lb_listener_rule", "websockets")
    assert rule["listener_arn"] == "aws_lb_listener.https.arn"
    assert _block(rule, "action")["target_group_arn"] == "aws_lb_target_group.asgi.arn"
    path_pattern = _block(_block(rule, "condition"), "path_pattern")
    assert path_pattern["values"] == ["var.websocket_path_glob"]
    assert root.modules["alb"]["websocket_path_glob"] == "/ws/*"


@pytest.mark.parametrize("group", ["web", "asgi"])
def test_target_groups_check_healthz(group):
    target_group = module("alb").resource("aws_lb_target_group", group)
    assert target_group["target_type"] == "ip"
    health = _block(target_group, "health_check")
    assert health["path"] == "/healthz"
    assert health["matcher"] == "200"


def test_waf_protects_the_load_balancer():
    alb = module("alb")
    association = alb.resource("aws_wafv2_web_acl_association", "this")
    assert association["resource_arn"] == "aws_lb.this.arn"
    assert association["web_acl_arn"] == "aws_wafv2_web_acl.this.arn"
    rules = _flat(alb.resource("aws_wafv2_web_acl", "this"))
    assert "AWSManagedRulesCommonRuleSet" in rules
    assert "rate_based_statement" in rules


@pytest.mark.parametrize(
    ("record", "name"),
    [
        ("apex", "var.domain_name"),
        ("www", "www.${var.domain_name}"),
        ("wildcard", "*.${var.domain_name}"),
    ],
)
def test_public_and_tenant_hostnames_alias_the_load_balancer(record, name):
    dns, root = module("dns"), module()
    body = dns.resource("aws_route53_record", record)
    assert body["name"] == name
    assert body["type"] == "A"
    alias = _block(body, "alias")
    assert alias["name"] == "var.alb_dns_name"
    assert alias["zone_id"] == "var.alb_zone_id"
    assert root.modules["dns"]["alb_dns_name"] == "module.alb.dns_name"
    assert root.modules["dns"]["alb_zone_id"] == "module.alb.zone_id"


# --- ECS ---------------------------------------------------------------------------------------


def test_a_task_definition_exists_for_every_role_including_migrate():
    ecs = module("ecs")
    definition = ecs.resource("aws_ecs_task_definition", "app")
    assert definition["for_each"] == "local.task_sizes"
    assert "migrate = {" in _flat(ecs.locals["task_sizes"])
    assert "var.services" in _flat(ecs.locals["task_sizes"])
    assert definition["requires_compatibilities"] == ["FARGATE"]
    assert definition["network_mode"] == "awsvpc"
    assert definition["execution_role_arn"] == "aws_iam_role.execution.arn"
    assert definition["task_role_arn"] == "aws_iam_role.task.arn"
    # var.services must hold every long-running role.
    assert 'setsubtract(["web", "asgi", "worker", "beat"]' in _flat(ecs.variables["services"])
    assert set(module().variables["services"]["default"]) == {"web", "asgi", "worker", "beat"}


def test_containers_run_their_role_read_only_with_secrets_from_secrets_manager():
    ecs = module("ecs")
    containers = _flat(ecs.resource("aws_ecs_task_definition", "app")["container_definitions"])
    assert "command = [each.key]" in containers
    assert "readonlyRootFilesystem = true" in containers
    assert (
        "secrets = [for key, arn in local.secret_arns[each.key] : {name = key, valueFrom = arn}]"
        in containers
    )
    assert 'logDriver = "awslogs"' in containers
    assert "var.log_group_names[each.key]" in containers
    secret_arns = _flat(ecs.locals["secret_arns"])
    assert 'role == "migrate" ? var.migrate_secret_arns : var.app_secret_arns' in secret_arns


def test_task_definitions_get_their_secrets_from_the_secrets_module():
    root, secrets = module(), module("secrets")
    assert root.modules["ecs"]["app_secret_arns"] == "module.secrets.app_secret_arns"
    assert root.modules["ecs"]["migrate_secret_arns"] == "module.secrets.migrate_secret_arns"
    for output in ("app_secret_arns", "migrate_secret_arns"):
        value = secrets.outputs[output]["value"]
        assert set(value) == {
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
        }
        assert all(arn.startswith("aws_secretsmanager_secret.") for arn in value.values())
    # The execution role (which injects them) may read exactly those secrets.
    policy = _flat(module("ecs").data[("aws_iam_policy_document", "execution_secrets")])
    assert "secretsmanager:GetSecretValue" in policy
    assert "values(var.app_secret_arns)" in policy
    assert "values(var.migrate_secret_arns)" in policy


def test_application_connects_through_the_proxy_and_migrations_directly():
    root, secrets = module(), module("secrets")
    urls = secrets.locals["generated"]
    assert "@${var.database_proxy_endpoint}:5432/" in urls["DATABASE_URL"]
    assert "@${var.database_endpoint}:5432/" in urls["DATABASE_URL_DIRECT"]
    assert urls["REDIS_URL"].startswith("rediss://")
    assert root.modules["secrets"]["database_proxy_endpoint"] == "module.database.proxy_endpoint"
    assert root.modules["secrets"]["database_endpoint"] == "module.database.endpoint"
    migrate = secrets.outputs["migrate_secret_arns"]["value"]
    assert (
        migrate["DATABASE_URL"] == 'aws_secretsmanager_secret.generated["DATABASE_URL_DIRECT"].arn'
    )


def test_services_reference_their_task_definitions():
    ecs = module("ecs")
    scaled = ecs.resource("aws_ecs_service", "app")
    assert scaled["for_each"] == "toset(local.scaled_roles)"
    assert ecs.locals["scaled_roles"] == ["web", "asgi", "worker"]
    assert scaled["task_definition"] == "aws_ecs_task_definition.app[each.key].arn"
    assert scaled["launch_type"] == "FARGATE"
    beat = ecs.resource("aws_ecs_service", "beat")
    assert beat["task_definition"] == 'aws_ecs_task_definition.app["beat"].arn'
    for service in (scaled, beat):
        network = _block(service, "network_configuration")
        assert network["assign_public_ip"] is False
        assert network["subnets"] == "var.private_subnet_ids"


def test_web_and_asgi_register_with_their_target_groups():
    ecs, root = module("ecs"), module()
    load_balancer = _block(ecs.resource("aws_ecs_service", "app"), "dynamic")["load_balancer"]
    assert "var.target_groups[each.key]" in load_balancer["for_each"]
    assert ecs.locals["load_balanced_roles"] == ["web", "asgi"]
    assert _block(load_balancer, "content")["container_port"] == "var.app_port"
    target_groups = root.modules["ecs"]["target_groups"]
    assert target_groups == {
        "web": "module.alb.web_target_group",
        "asgi": "module.alb.asgi_target_group",
    }


def test_beat_is_fixed_at_one_task_that_never_overlaps_itself():
    ecs = module("ecs")
    beat = ecs.resource("aws_ecs_service", "beat")
    assert beat["desired_count"] == 1
    assert beat["deployment_maximum_percent"] == 100
    assert beat["deployment_minimum_healthy_percent"] == 0
    # Autoscaling targets only the scaled services.
    assert ecs.resource("aws_appautoscaling_target", "app")["for_each"] == "aws_ecs_service.app"


def test_autoscaling_follows_cpu_and_request_count():
    ecs = module("ecs")
    target = ecs.resource("aws_appautoscaling_target", "app")
    assert target["scalable_dimension"] == "ecs:service:DesiredCount"
    assert target["min_capacity"] == "var.services[each.key].min_count"
    assert target["max_capacity"] == "var.services[each.key].max_count"
    cpu = ecs.resource("aws_appautoscaling_policy", "cpu")
    assert cpu["for_each"] == "aws_appautoscaling_target.app"
    assert "ECSServiceAverageCPUUtilization" in _flat(cpu)
    requests = ecs.resource("aws_appautoscaling_policy", "web_requests")
    assert requests["resource_id"] == 'aws_appautoscaling_target.app["web"].resource_id'
    tracking = _flat(requests)
    assert "ALBRequestCountPerTarget" in tracking
    assert '${var.alb_arn_suffix}/${var.target_groups["web"].arn_suffix}' in tracking


def test_image_comes_from_an_immutable_scanned_repository():
    ecs = module("ecs")
    repository = ecs.resource("aws_ecr_repository", "app")
    assert repository["image_tag_mutability"] == "IMMUTABLE"
    assert _block(repository, "image_scanning_configuration")["scan_on_push"] is True
    assert ecs.locals["image"] == "${aws_ecr_repository.app.repository_url}:${var.image_tag}"


# --- database, cache --------------------------------------------------------------------------


def test_database_is_encrypted_backed_up_protected_and_watched():
    database = module("database")
    instance = database.resource("aws_db_instance", "this")
    assert instance["engine"] == "postgres"
    assert instance["multi_az"] == "var.multi_az"
    assert instance["backup_retention_period"] == "var.backup_retention_days"
    assert instance["storage_encrypted"] is True
    assert instance["kms_key_id"] == "aws_kms_key.database.arn"
    assert instance["performance_insights_enabled"] is True
    assert instance["performance_insights_kms_key_id"] == "aws_kms_key.database.arn"
    assert instance["deletion_protection"] is True
    assert instance["publicly_accessible"] is False
    assert instance["skip_final_snapshot"] is False
    assert database.variables["multi_az"]["type"] == "bool"
    assert module().modules["database"]["multi_az"] == "var.db_multi_az"


def test_rds_proxy_targets_the_database_with_the_secret_credentials():
    database = module("database")
    proxy = database.resource("aws_db_proxy", "this")
    assert proxy["engine_family"] == "POSTGRESQL"
    assert proxy["require_tls"] is True
    auth = _block(proxy, "auth")
    assert auth["secret_arn"] == "var.credentials_secret_arn"
    assert auth["auth_scheme"] == "SECRETS"
    target = database.resource("aws_db_proxy_target", "this")
    assert target["db_proxy_name"] == "aws_db_proxy.this.name"
    assert target["db_instance_identifier"] == "aws_db_instance.this.identifier"
    assert target["target_group_name"] == "aws_db_proxy_default_target_group.this.name"
    pool = database.resource("aws_db_proxy_default_target_group", "this")
    assert "EXCLUDE_VARIABLE_SETS" not in _flat(pool)  # search_path must keep pinning
    assert (
        module().modules["database"]["credentials_secret_arn"]
        == "module.secrets.database_credentials_secret_arn"
    )


def test_redis_is_encrypted_in_transit_and_at_rest():
    cache = module("cache")
    group = cache.resource("aws_elasticache_replication_group", "this")
    assert group["transit_encryption_enabled"] is True
    assert group["at_rest_encryption_enabled"] is True
    assert group["kms_key_id"] == "aws_kms_key.cache.arn"
    assert group["auth_token"] == "var.auth_token"
    assert group["automatic_failover_enabled"] is True


# --- storage, email, secrets, logs ------------------------------------------------------------


def test_media_bucket_is_private_versioned_and_encrypted():
    storage = module("storage")
    block = storage.resource("aws_s3_bucket_public_access_block", "media")
    assert block["bucket"] == "aws_s3_bucket.media.id"
    for setting in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert block[setting] is True
    versioning = storage.resource("aws_s3_bucket_versioning", "media")
    assert _block(versioning, "versioning_configuration")["status"] == "Enabled"
    encryption = _flat(
        storage.resource("aws_s3_bucket_server_side_encryption_configuration", "media")
    )
    assert "'sse_algorithm': 'aws:kms'" in encryption
    assert "aws_kms_key.media.arn" in encryption


def test_media_is_served_by_cloudfront_through_origin_access_control():
    storage = module("storage")
    distribution = storage.resource("aws_cloudfront_distribution", "media")
    origin = _block(distribution, "origin")
    assert origin["domain_name"] == "aws_s3_bucket.media.bucket_regional_domain_name"
    assert origin["origin_access_control_id"] == "aws_cloudfront_origin_access_control.media.id"
    access = storage.resource("aws_cloudfront_origin_access_control", "media")
    assert access["signing_behavior"] == "always"
    assert (
        _block(distribution, "default_cache_behavior")["viewer_protocol_policy"]
        == "redirect-to-https"
    )
    policy = _flat(storage.data[("aws_iam_policy_document", "media_bucket")])
    assert "cloudfront.amazonaws.com" in policy
    assert "aws_cloudfront_distribution.media.arn" in policy
    assert (
        module().modules["ecs"]["environment"]["AWS_S3_CUSTOM_DOMAIN"]
        == "module.storage.cdn_domain"
    )


def test_email_domain_is_verified_and_signed_with_dkim():
    email = module("email")
    assert email.resource("aws_ses_domain_identity", "this")["domain"] == "var.domain_name"
    dkim = email.resource("aws_ses_domain_dkim", "this")
    assert dkim["domain"] == "aws_ses_domain_identity.this.domain"
    records = email.resource("aws_route53_record", "dkim")
    assert records["count"] == 3
    assert records["type"] == "CNAME"
    assert "aws_ses_domain_dkim.this.dkim_tokens[count.index]" in records["records"][0]


def test_secrets_are_encrypted_with_their_own_key():
    secrets = module("secrets")
    for name in ("generated", "manual", "database_credentials"):
        secret = secrets.resource("aws_secretsmanager_secret", name)
        assert secret["kms_key_id"] == "aws_kms_key.secrets.arn"
    assert secrets.locals["manual"] == ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]
    assert "SECRET_KEY" in secrets.locals["generated"]


def test_log_groups_keep_logs_for_the_retention_and_use_kms():
    logs = module("logs")
    groups = logs.of_type("aws_cloudwatch_log_group")
    assert {"app", "exec", "flow", "redis", "waf"} <= set(groups)
    for name, group in groups.items():
        assert group["retention_in_days"] == "var.retention_in_days", name
        assert group["kms_key_id"] == "aws_kms_key.logs.arn", name
    assert logs.resource("aws_kms_key", "logs")["enable_key_rotation"] is True
    assert module().modules["logs"]["app_roles"] == ["web", "asgi", "worker", "beat", "migrate"]


def test_every_kms_key_rotates():
    for name in MODULE_NAMES:
        for key_name, key in module(name).of_type("aws_kms_key").items():
            assert key["enable_key_rotation"] is True, f"{name}: {key_name}"


# --- the README tells the truth ----------------------------------------------------------------


def test_readme_tables_list_every_root_variable_and_output():
    readme = (TERRAFORM / "README.md").read_text()
    for name in module().variables:
        assert re.search(rf"^\| `{name}` \|", readme, re.M), f"variable {name} missing from README"
    for name in module().outputs:
        assert re.search(rf"^\| `{name}` \|", readme, re.M), f"output {name} missing from README"
