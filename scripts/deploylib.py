"""Shared pieces of scripts/deploy, scripts/rollback and scripts/drill-deploy.

Names follow the deployment contract: cluster `mercato-ENV`, services `mercato-ENV-api|storefront|worker`,
task-definition families `mercato-ENV-api|storefront|worker|migrate` with one container named `mercato`,
secret `mercato/ENV/app`, CloudFront distribution tagged `mercato:environment=ENV`, root stack `mercato-ENV`
with the outputs AssetsBucketName and DatabaseInstanceId (the RDS primary, snapshotted before migrations),
edge stack `mercato-ENV-edge` in us-east-1 with the output WebAclArn (scripts/deploy-stack).

Every AWS call here and in scripts/deploy and scripts/rollback is checked against the environment's deploy
role in deploy/aws/shared.yaml by scripts/check-deploy-policy: a new call needs its permission there.

Every AWS call goes through boto3, which honours AWS_ENDPOINT_URL, so the same code runs against AWS and
against moto_server in the drill.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

ENVIRONMENTS = ("testing", "staging", "production")
SERVICE_ROLES = ("api", "storefront", "worker")
MIGRATE_ROLE = "migrate"
CONTAINER_NAME = "mercato"
ENVIRONMENT_TAG = "mercato:environment"
DEFAULT_BASE_URLS = {
    "testing": "https://testing.mercato.example",
    "staging": "https://staging.mercato.example",
    "production": "https://shop.mercato.example",
}
# Docker's tag grammar: a word character first, then up to 127 word characters, dots and dashes.
IMAGE_TAG_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
ECR_IMAGE_PATTERN = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(.+)$")
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


class DeployError(Exception):
    """A failure that stops a script, named after the step that failed."""

    def __init__(self, step: str, message: str):
        super().__init__(message)
        self.step = step
        self.message = message


def as_deploy_error(error: Exception, step: str) -> DeployError:
    """Any failure as a DeployError of `step`: AWS API errors (botocore) become one readable line."""
    if isinstance(error, DeployError):
        return error
    return DeployError(step, f"{type(error).__name__}: {error}")


def say(message: str) -> None:
    print(message, flush=True)


def step(title: str) -> None:
    say(f"==> {title}")


def fail(error: DeployError, usage: bool = False) -> NoReturn:
    print(f"Error: {error.message}", file=sys.stderr, flush=True)
    sys.exit(2 if usage else 1)


def validate_environment(name: str | None) -> str:
    if not name:
        raise DeployError("arguments", "missing environment; expected one of " + ", ".join(ENVIRONMENTS))
    if name not in ENVIRONMENTS:
        raise DeployError(
            "arguments", f"unknown environment '{name}'; expected one of " + ", ".join(ENVIRONMENTS))
    return name


def validate_image_tag(tag: str | None) -> str:
    if not tag:
        raise DeployError(
            "arguments", "missing image tag: give the tag pushed to ECR, e.g. 1.4.0 or sha-0123456789ab")
    if not IMAGE_TAG_PATTERN.match(tag):
        raise DeployError(
            "arguments",
            f"invalid image tag '{tag}': use letters, digits, '.', '_' and '-' (at most 128, not starting with '.' or '-')")
    return tag


@dataclass(frozen=True)
class Environment:
    """The AWS names of one environment."""

    name: str

    @property
    def cluster(self) -> str:
        return f"mercato-{self.name}"

    def service(self, role: str) -> str:
        return f"mercato-{self.name}-{role}"

    def family(self, role: str) -> str:
        return f"mercato-{self.name}-{role}"

    @property
    def secret_name(self) -> str:
        return f"mercato/{self.name}/app"

    def log_group(self, role: str) -> str:
        return f"/mercato/{self.name}/{role}"


def aws_client(service: str, region: str | None = None):
    """A boto3 client; AWS_ENDPOINT_URL (moto in the drill) and the usual credential chain apply.

    `region` only for what lives elsewhere than the environment (the edge stack in us-east-1)."""
    import boto3

    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    return boto3.client(service, region_name=region, endpoint_url=endpoint)


def revision_of(arn: str) -> int:
    return int(arn.rsplit(":", 1)[1])


def short(arn: str) -> str:
    """`arn:aws:ecs:…:task-definition/mercato-testing-api:3` → `mercato-testing-api:3`."""
    return arn.rsplit("/", 1)[-1]


# ECS


def describe_services(ecs, env: Environment) -> dict[str, dict]:
    """The three services, keyed by role; a missing one stops the script (nothing to deploy onto)."""
    names = [env.service(role) for role in SERVICE_ROLES]
    try:
        response = ecs.describe_services(cluster=env.cluster, services=names)
    except ecs.exceptions.ClusterNotFoundException:
        raise DeployError(
            "lookup", f"ECS cluster {env.cluster} not found: is the {env.name} CloudFormation stack deployed?")
    found = {service["serviceName"]: service for service in response["services"] if service["status"] == "ACTIVE"}
    missing = [name for name in names if name not in found]
    if missing:
        raise DeployError(
            "lookup",
            f"service(s) {', '.join(missing)} not found in cluster {env.cluster}: "
            f"is the {env.name} CloudFormation stack deployed?")
    return {role: found[env.service(role)] for role in SERVICE_ROLES}


def refuse_if_deploying(ecs, env: Environment) -> None:
    """Two deploys at once would record each other's half-finished state as the rollback point."""
    services = describe_services(ecs, env).values()
    busy = [service["serviceName"] for service in services if len(service.get("deployments", [])) > 1]
    if busy:
        raise DeployError(
            "lookup", f"a deployment is still in progress on {', '.join(busy)}: wait for it to finish, then retry")


def verify_services_on(ecs, env: Environment, targets: dict[str, str]) -> None:
    """After the waiter: ECS's circuit breaker may have rolled a service back, which also looks stable."""
    for role, service in describe_services(ecs, env).items():
        if service["taskDefinition"] != targets[role]:
            raise DeployError(
                "stability", f"{env.service(role)} runs {short(service['taskDefinition'])}, not "
                f"{short(targets[role])}: ECS rolled it back (its new tasks failed); see {env.log_group(role)}")


def current_task_definitions(ecs, env: Environment) -> dict[str, str]:
    """The task-definition ARN each service runs now: the rollback point."""
    return {role: service["taskDefinition"] for role, service in describe_services(ecs, env).items()}


def latest_task_definition(ecs, family: str) -> str:
    """The family's highest ACTIVE revision (asked for explicitly: a deregistered one must never run)."""
    arns = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE", sort="DESC")["taskDefinitionArns"]
    arns = [arn for arn in arns if short(arn).rsplit(":", 1)[0] == family]
    if not arns:
        raise DeployError("lookup", f"task definition family {family} has no active revision")
    return max(arns, key=revision_of)


# Fields RegisterTaskDefinition accepts back from DescribeTaskDefinition; the rest (arn, revision,
# status, registeredAt, compatibilities, requiresAttributes…) are ECS's own bookkeeping.
REGISTERABLE_FIELDS = (
    "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
    "placementConstraints", "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode",
    "proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform")


def image_with_tag(image: str, tag: str) -> str:
    """Swaps the tag (or digest) of an image reference: `…/mercato:1.2.0` → `…/mercato:1.3.0`."""
    repository = image.split("@", 1)[0]
    last_segment = repository.rsplit("/", 1)[-1]
    if ":" in last_segment:
        repository = repository[: repository.rfind(":")]
    return f"{repository}:{tag}"


def register_with_image(ecs, arn: str, tag: str) -> str:
    """Registers the next revision of `arn`'s family, identical except for the `mercato` container's image."""
    described = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
    definition = described["taskDefinition"]
    request = {key: definition[key] for key in REGISTERABLE_FIELDS if definition.get(key) not in (None, [], {})}
    containers = [container for container in request["containerDefinitions"] if container["name"] == CONTAINER_NAME]
    if not containers:
        raise DeployError("register", f"{short(arn)} has no container named '{CONTAINER_NAME}'")
    for container in containers:
        container["image"] = image_with_tag(container["image"], tag)
    if described.get("tags"):
        request["tags"] = described["tags"]
    return ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]


def image_of(ecs, arn: str) -> str:
    definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return next(c["image"] for c in definition["containerDefinitions"] if c["name"] == CONTAINER_NAME)


def check_image_exists(image: str) -> bool:
    """Asks ECR whether the tag was pushed. Returns False when the image isn't in ECR (nothing to ask)."""
    match = ECR_IMAGE_PATTERN.match(image)
    if not match:
        return False
    registry, _, rest = match.groups()
    repository, tag = rest.rsplit(":", 1)
    ecr = aws_client("ecr")
    try:
        ecr.describe_images(registryId=registry, repositoryName=repository, imageIds=[{"imageTag": tag}])
    except ecr.exceptions.ImageNotFoundException:
        raise DeployError("image", f"image tag '{tag}' not found in ECR repository {repository}: push it first")
    except ecr.exceptions.RepositoryNotFoundException:
        raise DeployError("image", f"ECR repository {repository} not found (registry {registry})")
    return True


def check_secrets(ecs, arns: list[str]) -> list[str]:
    """Every Secrets Manager secret the task definitions inject must exist, or no new task would start.

    Only DescribeSecret: the deploy role needs no permission to read secret values.
    """
    secrets = set()
    for arn in arns:
        definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        for container in definition["containerDefinitions"]:
            for secret in container.get("secrets", []):
                parts = secret["valueFrom"].split(":")
                if len(parts) >= 7 and parts[2] == "secretsmanager":
                    secrets.add(":".join(parts[:7]))  # drop `:json-key:version-stage:version-id`
    manager = aws_client("secretsmanager")
    for secret in sorted(secrets):
        try:
            described = manager.describe_secret(SecretId=secret)
        except manager.exceptions.ResourceNotFoundException:
            raise DeployError("secrets", f"secret {secret} does not exist: tasks could not start without it")
        if described.get("DeletedDate"):
            raise DeployError("secrets", f"secret {described['Name']} is scheduled for deletion: restore it first")
    return sorted(secrets)


def update_services(ecs, env: Environment, targets: dict[str, str]) -> None:
    """Points every service at its target task definition."""
    for role in SERVICE_ROLES:
        ecs.update_service(cluster=env.cluster, service=env.service(role), taskDefinition=targets[role])
        say(f"    {env.service(role)} → {short(targets[role])}")


def wait_until_stable(ecs, env: Environment, timeout: int, poll: int) -> None:
    from botocore.exceptions import WaiterError

    attempts = max(1, math.ceil(timeout / poll))
    try:
        ecs.get_waiter("services_stable").wait(
            cluster=env.cluster, services=[env.service(role) for role in SERVICE_ROLES],
            WaiterConfig={"Delay": poll, "MaxAttempts": attempts})
    except WaiterError:
        raise DeployError(
            "stability", f"services did not become stable within {timeout}s ({describe_rollout(ecs, env)})")


def describe_rollout(ecs, env: Environment) -> str:
    services = describe_services(ecs, env)
    return "; ".join(
        f"{role} running {s['runningCount']}/{s['desiredCount']}, {len(s.get('deployments', []))} deployment(s)"
        for role, s in services.items())


def deregister(ecs, arns: list[str]) -> None:
    for arn in arns:
        try:
            ecs.deregister_task_definition(taskDefinition=arn)
        except Exception as error:  # a leftover revision is untidy, not dangerous: report and go on
            say(f"    could not deregister {short(arn)}: {error}")


# Migrations


def mercato_binary() -> str:
    """`$MERCATO_BIN`, else `mercato` on PATH, else the repository's release or debug build."""
    configured = os.environ.get("MERCATO_BIN")
    if configured:
        return configured
    on_path = shutil.which("mercato")
    if on_path:
        return on_path
    for build in ("release", "debug"):
        candidate = REPOSITORY_ROOT / ".build" / build / "mercato"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise DeployError("setup", "no mercato binary: set MERCATO_BIN, put mercato on PATH or run swift build")


def run_migration_task(ecs, env: Environment, task_definition: str, network: dict, launch_type: str,
                       command: list[str] | None, timeout: int, poll: int, purpose: str) -> None:
    """Runs the migrate task once on ECS, waits for it to stop and checks the container's exit code."""
    from botocore.exceptions import WaiterError

    request = {
        "cluster": env.cluster, "taskDefinition": task_definition, "count": 1, "startedBy": "scripts/deploy",
        "launchType": launch_type or "FARGATE",
    }
    if network:
        request["networkConfiguration"] = network
    if command:
        request["overrides"] = {"containerOverrides": [{"name": CONTAINER_NAME, "command": command}]}
    response = ecs.run_task(**request)
    if response.get("failures") or not response.get("tasks"):
        reasons = ", ".join(f"{f.get('arn', '')} {f.get('reason', '')}".strip() for f in response.get("failures", []))
        raise DeployError("migrate", f"{purpose}: ECS could not start {short(task_definition)} ({reasons or 'no task'})")
    task_arn = response["tasks"][0]["taskArn"]
    say(f"    task {task_arn.rsplit('/', 1)[-1]} started from {short(task_definition)}")
    try:
        ecs.get_waiter("tasks_stopped").wait(
            cluster=env.cluster, tasks=[task_arn],
            WaiterConfig={"Delay": poll, "MaxAttempts": max(1, math.ceil(timeout / poll))})
    except WaiterError:
        raise DeployError("migrate", f"{purpose}: task {task_arn} still running after {timeout}s; see {env.log_group('migrate')}")
    task = ecs.describe_tasks(cluster=env.cluster, tasks=[task_arn])["tasks"][0]
    container = next((c for c in task.get("containers", []) if c.get("name") == CONTAINER_NAME), None)
    exit_code = container.get("exitCode") if container else None
    if exit_code is None:
        reason = task.get("stoppedReason") or (container or {}).get("reason") or "no exit code reported"
        raise DeployError("migrate", f"{purpose}: task stopped without an exit code ({reason}); see {env.log_group('migrate')}")
    if exit_code != 0:
        raise DeployError("migrate", f"{purpose}: the migrate task exited with code {exit_code}; see {env.log_group('migrate')}")
    say(f"    task stopped with exit code 0")


def run_migration_locally(env: Environment, arguments: list[str], purpose: str) -> None:
    """Runs `mercato migrate …` here, against the database this machine's configuration points at."""
    command = [mercato_binary(), *arguments]
    say(f"    running {' '.join(shlex.quote(part) for part in command)}")
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    for line in result.stdout.splitlines():
        say(f"    | {line}")
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise DeployError("migrate", f"{purpose}: mercato migrate exited with code {result.returncode}: {detail}")


# CloudFront


def find_distribution(env: Environment, configured: str | None) -> str | None:
    """The distribution id: given explicitly, else the one tagged mercato:environment=ENV."""
    if configured:
        return configured
    cloudfront = aws_client("cloudfront")
    marker = None
    while True:
        page = cloudfront.list_distributions(**({"Marker": marker} if marker else {}))["DistributionList"]
        for summary in page.get("Items", []) or []:
            tags = cloudfront.list_tags_for_resource(Resource=summary["ARN"])["Tags"].get("Items", [])
            if any(tag["Key"] == ENVIRONMENT_TAG and tag.get("Value") == env.name for tag in tags):
                return summary["Id"]
        if not page.get("IsTruncated"):
            return None
        marker = page.get("NextMarker")


def invalidate(env: Environment, configured: str | None, reason: str) -> str | None:
    distribution = find_distribution(env, configured)
    if not distribution:
        say(f"    no CloudFront distribution tagged {ENVIRONMENT_TAG}={env.name}: nothing to invalidate")
        return None
    response = aws_client("cloudfront").create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"{reason}-{time.time_ns()}"})
    invalidation = response["Invalidation"]["Id"]
    say(f"    invalidation {invalidation} of /* on distribution {distribution}")
    return invalidation


# Static assets


def assets_stack_name(env: Environment) -> str:
    """The root CloudFormation stack of deploy/aws/mercato.yaml for the environment."""
    return f"mercato-{env.name}"


# CLOUDFRONT-scope WAF web ACLs can only be created in us-east-1, wherever the environment runs.
EDGE_REGION = "us-east-1"


def edge_stack_name(env: Environment) -> str:
    """The stack of deploy/aws/edge.yaml (the distribution's web ACL), in EDGE_REGION."""
    return f"mercato-{env.name}-edge"


def stack_outputs(env: Environment, step_name: str, instead: str) -> dict[str, str]:
    """The outputs of the stack `mercato-ENV`; `instead` tells the operator how to do without them."""
    cloudformation = aws_client("cloudformation")
    stack = assets_stack_name(env)
    try:
        stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except cloudformation.exceptions.ClientError as error:
        raise DeployError(
            step_name, f"cannot read CloudFormation stack {stack} ({error.response['Error'].get('Message', error)}): "
            f"is the stack deployed? Or {instead}")
    return {output["OutputKey"]: output["OutputValue"] for output in stacks[0].get("Outputs", [])}


def find_assets_bucket(env: Environment, configured: str | None) -> str:
    """The assets bucket: given explicitly, else the `AssetsBucketName` output of the stack `mercato-ENV`."""
    if configured:
        return configured
    instead = "name the bucket with --assets-bucket / MERCATO_ASSETS_BUCKET"
    outputs = stack_outputs(env, "assets", instead)
    if not outputs.get("AssetsBucketName"):
        raise DeployError(
            "assets", f"stack {assets_stack_name(env)} has no AssetsBucketName output: update it from "
            f"deploy/aws/mercato.yaml, or {instead}")
    return outputs["AssetsBucketName"]


# Database snapshot


def snapshot_identifier(env: Environment, tag: str, now: float | None = None) -> str:
    """`mercato-ENV-pre-VERSION-YYYYMMDD-HHMMSS` (UTC): RDS allows letters, digits and single hyphens."""
    version = re.sub(r"[^A-Za-z0-9]+", "-", tag).strip("-").lower()
    return f"mercato-{env.name}-pre-{version}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime(now))}"


def find_database_instance(env: Environment, configured: str | None) -> str:
    """The RDS primary: given explicitly, else the `DatabaseInstanceId` output of the stack `mercato-ENV`."""
    if configured:
        return configured
    instead = ("name the instance with --db-instance / MERCATO_DB_INSTANCE_ID (or, where the environment has no "
               "RDS database, pass --no-db-snapshot)")
    outputs = stack_outputs(env, "snapshot", instead)
    if not outputs.get("DatabaseInstanceId"):
        raise DeployError(
            "snapshot", f"stack {assets_stack_name(env)} has no DatabaseInstanceId output: update it from "
            f"deploy/aws/mercato.yaml, or {instead}")
    return outputs["DatabaseInstanceId"]


def snapshot_database(env: Environment, instance: str, tag: str, timeout: int, poll: int) -> str:
    """A manual RDS snapshot of `instance`, waited for until it is available (restorable): the way back
    from a migration that destroys data. Manual snapshots are kept until someone deletes them."""
    from botocore.exceptions import WaiterError

    rds = aws_client("rds")
    identifier = snapshot_identifier(env, tag)
    rds.create_db_snapshot(DBSnapshotIdentifier=identifier, DBInstanceIdentifier=instance)
    say(f"    snapshot {identifier} of {instance} started")
    try:
        rds.get_waiter("db_snapshot_available").wait(
            DBSnapshotIdentifier=identifier,
            WaiterConfig={"Delay": poll, "MaxAttempts": max(1, math.ceil(timeout / poll))})
    except WaiterError:
        raise DeployError(
            "snapshot", f"snapshot {identifier} of {instance} was not available within {timeout}s "
            "(--snapshot-timeout); nothing was migrated")
    say(f"    snapshot {identifier} available")
    return identifier


def export_static_assets(directory: Path) -> dict:
    """`mercato assets export DIR --json`: the hashed files the new release serves under /static/, and their types.

    The binary is the release's own (MERCATO_BIN), run from the repository root where Public/ is, so the
    names and bytes come from the app's hashing code, not from a second implementation here.
    """
    command = [mercato_binary(), "assets", "export", str(directory), "--json"]
    say(f"    running {' '.join(shlex.quote(part) for part in command)}")
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=REPOSITORY_ROOT)
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).strip().splitlines() if line.strip()]
        raise DeployError(
            "assets", f"mercato assets export exited with code {result.returncode}: {lines[0] if lines else 'no output'}")
    try:
        manifest = json.loads(result.stdout)
        files = manifest["files"]
        cache_control = manifest["cacheControl"]
    except (ValueError, KeyError, TypeError):
        raise DeployError("assets", f"mercato assets export printed no manifest: {result.stdout.strip()[:200]!r}")
    if not files:
        raise DeployError("assets", "mercato assets export wrote no files")
    return {"cacheControl": cache_control, "files": files}


STATIC_PREFIX = "static/"


def upload_static_assets(bucket: str, directory: Path, manifest: dict) -> list[str]:
    """Puts every exported file at `static/<hashed name>` with the app's Content-Type and Cache-Control.

    Never deletes: pages of the release still running (and of a rollback target) link to older hashed
    names, which stay in the bucket.
    """
    s3 = aws_client("s3")
    keys = []
    for file in manifest["files"]:
        name = file["name"]
        if "/" in name or name.startswith("."):
            raise DeployError("assets", f"unexpected asset name {name!r} in the export")
        key = STATIC_PREFIX + name
        with open(directory / name, "rb") as body:
            s3.put_object(
                Bucket=bucket, Key=key, Body=body, ContentType=file["contentType"],
                CacheControl=manifest["cacheControl"])
        say(f"    s3://{bucket}/{key} ({file['contentType']}, {file['size']} bytes)")
        keys.append(key)
    return keys


# Smoke


def base_url(env: Environment, override: str | None) -> str:
    return override or os.environ.get("SMOKE_BASE_URL") or DEFAULT_BASE_URLS[env.name]


def smoke_command(url: str) -> list[str]:
    """`mercato smoke --base-url URL`; MERCATO_SMOKE_COMMAND replaces it (`{base_url}` is substituted)."""
    template = os.environ.get("MERCATO_SMOKE_COMMAND")
    if template:
        return [part.replace("{base_url}", url) for part in shlex.split(template)]
    return [mercato_binary(), "smoke", "--base-url", url]


def run_smoke(url: str) -> None:
    command = smoke_command(url)
    say(f"    running {' '.join(shlex.quote(part) for part in command)}")
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    for line in (result.stdout + result.stderr).splitlines():
        say(f"    | {line}")
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).strip().splitlines() if line.strip()]
        detail = lines[-1] if lines else "no output"
        raise DeployError("smoke", f"smoke test against {url} failed (exit {result.returncode}): {detail}")
